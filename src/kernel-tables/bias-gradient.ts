/** The bias gradient of the depthwise and transposed convolutions (ops/depthwise-conv2d.ts, ops/conv2d-transpose.ts); ops/conv2d.ts takes its own with the filter gradient (kernel-tables/conv2d.ts). */
import type { conv2dBackwardBias } from '../../kernels/conv2d.js';
import { chosenKernels } from '../kernel-table.js';
import { inferenceOnly } from './inference-only.js';

export interface BiasGradientKernels {
  /** db [CO] += the channel sums of dy (kernels/conv2d.ts). */
  conv2dBackwardBias: typeof conv2dBackwardBias;
}

/** tatami/infer's: a gradient only. */
export const inferenceBiasGradientKernels: BiasGradientKernels = { conv2dBackwardBias: inferenceOnly('conv2dBackwardBias') };

/** The table the ops call into now (kernel-table.ts). */
export function biasGradientKernels(): BiasGradientKernels {
  return chosenKernels()?.biasGradient ?? inferenceBiasGradientKernels;
}
