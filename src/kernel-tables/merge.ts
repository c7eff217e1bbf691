/** The product and max/min merges' kernels (ops/merge.ts; its sum is elementwise.ts's). */
import { productForward, extremeForwardStreaming } from '../../kernels/merge.js';
import type { productBackward, extremeBackward } from '../../kernels/merge.js';
import { chosenKernels } from '../kernel-table.js';
import { inferenceOnly } from './inference-only.js';

export interface MergeKernels {
  /** One version: y = x_0 · x_1 · … and its backward. */
  productForward: typeof productForward;
  productBackward: typeof productBackward;
  /** y = the elementwise max (or min) of the inputs, w = which input won; overwrites both. */
  extremeForward: typeof extremeForwardStreaming;
  /** One version. */
  extremeBackward: typeof extremeBackward;
}

/** The fast forwards; tatami/infer's default and the fast tables' forward half. */
export const inferenceMergeKernels: MergeKernels = {
  productForward, extremeForward: extremeForwardStreaming,
  productBackward: inferenceOnly('productBackward'), extremeBackward: inferenceOnly('extremeBackward'),
};

/** The table the ops call into now (kernel-table.ts). */
export function mergeKernels(): MergeKernels {
  return chosenKernels()?.merge ?? inferenceMergeKernels;
}
