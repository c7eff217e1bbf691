/** Batch normalization's kernels (ops/batch-norm.ts). */
import type { batchNormForwardTrainingNaive, batchNormForwardInferenceNaive, batchNormBackwardNaive } from '../../kernels/batch-norm.js';
import { batchNormForwardInferenceSimd } from '../../kernels/batch-norm-simd.js';
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

/** The fast inference forward (SIMD); tatami/infer's default and the fast tables' forward half. */
export const inferenceBatchNormKernels: BatchNormKernels = {
  batchNormForwardTraining: inferenceOnly('batchNormForwardTraining'),
  batchNormForwardInference: batchNormForwardInferenceSimd,
  batchNormBackward: inferenceOnly('batchNormBackward'),
};

/** The table the ops call into now (kernel-table.ts). */
export function batchNormKernels(): BatchNormKernels {
  return chosenKernels()?.batchNorm ?? inferenceBatchNormKernels;
}
