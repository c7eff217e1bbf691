/** The product and max/min merges' kernels (ops/merge.ts; its sum is elementwise.ts's). */
import { productForward, productBackward, extremeForwardStreaming, extremeBackward } from '../../kernels/merge.js';
import { chosenKernels } from '../kernel-table.js';

export interface MergeKernels {
  /** One version: y = x_0 · x_1 · … and its backward. */
  productForward: typeof productForward;
  productBackward: typeof productBackward;
  /** y = the elementwise max (or min) of the inputs, w = which input won; overwrites both. */
  extremeForward: typeof extremeForwardStreaming;
  /** One version. */
  extremeBackward: typeof extremeBackward;
}

export const fastMergeKernels: MergeKernels = { productForward, productBackward, extremeForward: extremeForwardStreaming, extremeBackward };

/** The table the ops call into now (kernel-table.ts). */
export function mergeKernels(): MergeKernels {
  return chosenKernels()?.merge ?? fastMergeKernels;
}
