/** The transposed convolution's kernels (ops/conv2d-transpose.ts). */
import type { Conv2dTransposeShape } from '../../kernels/conv2d-transpose.js';
import { conv2dTransposeForwardIm2col } from '../../kernels/conv2d-transpose-im2col.js';
import { gemmBlocked } from '../../kernels/gemm.js';
import { chosenKernels } from '../kernel-table.js';
import { inferenceOnly } from './inference-only.js';

export interface Conv2dTransposeKernels {
  conv2dTransposeForward(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dTransposeShape): void;
  /** dx and dw (either may be null: not asked for) += the transposed conv's gradients. Accumulates. */
  conv2dTransposeBackward(dx: Float32Array | null, dw: Float32Array | null, dy: Float32Array, x: Float32Array, w: Float32Array, s: Conv2dTransposeShape): void;
}

/** tatami/infer's default: im2col's GEMMs by the blocked JS GEMM; the fast tables run them on SIMD. */
export const inferenceConv2dTransposeKernels: Conv2dTransposeKernels = {
  conv2dTransposeForward: (y, x, w, bias, s) => conv2dTransposeForwardIm2col(y, x, w, bias, s, gemmBlocked),
  conv2dTransposeBackward: inferenceOnly('conv2dTransposeBackward'),
};

/** The table the ops call into now (kernel-table.ts). */
export function conv2dTransposeKernels(): Conv2dTransposeKernels {
  return chosenKernels()?.conv2dTranspose ?? inferenceConv2dTransposeKernels;
}
