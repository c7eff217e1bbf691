// Harness versions for one tatami kernel call, for families whose kernels have their own
// signatures (depthwise and transposed convolutions): the kernel is a closure over its inputs that
// writes one output buffer, either overwriting it or accumulating into it.

import type { Version } from './case.js';
import { prior, minusPrior, pick } from './data.js';

/** A kernel that overwrites `out` (length `size`): checked from a NaN pre-fill. */
export function overwriteVersion(name: string, size: number, run: (out: Float32Array) => void, note?: string): Version {
  let out = new Float32Array(0);
  let calls = 0;
  return {
    name, engine: 'tatami', note,
    prepare() { out = new Float32Array(size); },
    reset() { out.fill(NaN); },
    run() { run(out); return pick(out, calls++); },
    read: () => [out],
    dispose() { out = new Float32Array(0); },
  };
}

/** A backward kernel that accumulates into `out` (length `size`): checked as `out − prior`. */
export function accumulateVersion(name: string, size: number, run: (out: Float32Array) => void, note?: string): Version {
  let out = new Float32Array(0);
  let p: Float32Array = new Float32Array(0);
  let calls = 0;
  return {
    name, engine: 'tatami', note,
    prepare() { out = new Float32Array(size); p = prior(size); },
    reset() { out.set(p); },
    run() { run(out); return pick(out, calls++); },
    read: () => [minusPrior(out, p)],
    dispose() { out = new Float32Array(0); },
  };
}

/** A peer that cannot do this operation, listed with the reason. */
export function missingVersion(name: string, engine: string, missing: string): Version {
  return { name, engine, missing, run: () => undefined, read: () => [] };
}
