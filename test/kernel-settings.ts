import { beforeAll, afterAll } from 'vitest';
import { setKernels, type KernelsName } from '../src/index.js';

/** Both kernel settings, for describe.each: every test in the block runs on each. */
export const KERNEL_SETTINGS: readonly KernelsName[] = ['fast', 'reference'];

/** Run the enclosing describe block on `name`'s kernels, and put the default back after it. */
export function useKernels(name: KernelsName): void {
  beforeAll(() => setKernels(name));
  afterAll(() => setKernels('fast'));
}
