/** Batch normalization's kernels (ops/batch-norm.ts). */
import type { batchNormForwardTrainingNaive, batchNormForwardInferenceNaive, batchNormBackwardNaive } from '../../kernels/batch-norm.js';
import { batchNormForwardInference } from '../../kernels/batch-norm-fast.js';
import { chosenKernels } from '../kernel-table.js';
import { inferenceOnly } from './inference-only.js';

export interface BatchNormKernels {
  batchNormForwardTraining: typeof batchNormForwardTrainingNaive;
  batchNormForwardInference: typeof batchNormForwardInferenceNaive;
  /**
   * batchNormBackwardNaive's arguments, then `dxZero`: dx holds only +0 (a fast kernel may then
   * skip reading it; accumulating into it, as the naive twin does, gives the same values).
   */
  batchNormBackward: (...args: [...Parameters<typeof batchNormBackwardNaive>, dxZero?: boolean]) => void;
}

/** tatami/infer's default: the one-pass JS inference forward; the fast tables run it on SIMD. */
export const inferenceBatchNormKernels: BatchNormKernels = {
  batchNormForwardTraining: inferenceOnly('batchNormForwardTraining'),
  batchNormForwardInference,
  batchNormBackward: inferenceOnly('batchNormBackward'),
};

/** The table the ops call into now (kernel-table.ts). */
export function batchNormKernels(): BatchNormKernels {
  return chosenKernels()?.batchNorm ?? inferenceBatchNormKernels;
}
