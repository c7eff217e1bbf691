/** Batch normalization's kernels (ops/batch-norm.ts). */
import type { batchNormForwardTrainingNaive, batchNormForwardInferenceNaive, batchNormBackwardNaive } from '../../kernels/batch-norm.js';
import { batchNormForwardTrainingSimd, batchNormForwardInferenceSimd, batchNormBackwardSimd } from '../../kernels/batch-norm-simd.js';
import { chosenKernels } from '../kernel-table.js';

export interface BatchNormKernels {
  batchNormForwardTraining: typeof batchNormForwardTrainingNaive;
  batchNormForwardInference: typeof batchNormForwardInferenceNaive;
  batchNormBackward: typeof batchNormBackwardNaive;
}

export const fastBatchNormKernels: BatchNormKernels = {
  batchNormForwardTraining: batchNormForwardTrainingSimd,
  batchNormForwardInference: batchNormForwardInferenceSimd,
  batchNormBackward: batchNormBackwardSimd,
};

/** The table the ops call into now (kernel-table.ts). */
export function batchNormKernels(): BatchNormKernels {
  return chosenKernels()?.batchNorm ?? fastBatchNormKernels;
}
