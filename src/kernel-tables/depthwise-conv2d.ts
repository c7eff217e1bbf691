/** The depthwise convolution's kernels (ops/depthwise-conv2d.ts). */
import type { DepthwiseConv2dShape } from '../../kernels/depthwise-conv2d.js';
import { depthwiseConv2dForwardRows } from '../../kernels/depthwise-conv2d-rows.js';
import { chosenKernels } from '../kernel-table.js';
import { inferenceOnly } from './inference-only.js';

export interface DepthwiseConv2dKernels {
  depthwiseConv2dForward(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: DepthwiseConv2dShape): void;
  depthwiseConv2dBackwardInput(dx: Float32Array, dy: Float32Array, w: Float32Array, s: DepthwiseConv2dShape): void;
  depthwiseConv2dBackwardFilter(dw: Float32Array, dy: Float32Array, x: Float32Array, s: DepthwiseConv2dShape): void;
}

/** tatami/infer's default: the JS channel-rows forward; the fast tables run it on SIMD where it fits. */
export const inferenceDepthwiseConv2dKernels: DepthwiseConv2dKernels = {
  depthwiseConv2dForward: depthwiseConv2dForwardRows,
  depthwiseConv2dBackwardInput: inferenceOnly('depthwiseConv2dBackwardInput'),
  depthwiseConv2dBackwardFilter: inferenceOnly('depthwiseConv2dBackwardFilter'),
};

/** The table the ops call into now (kernel-table.ts). */
export function depthwiseConv2dKernels(): DepthwiseConv2dKernels {
  return chosenKernels()?.depthwiseConv2d ?? inferenceDepthwiseConv2dKernels;
}
