/** The 2-D convolution's kernels (ops/conv2d.ts). */
import type { Conv2dShape } from '../../kernels/conv-shape.js';
import { im2colIsIdentity, conv2dForwardIm2col } from '../../kernels/conv2d-im2col.js';
import { gemmBlockedBias } from '../../kernels/gemm.js';
import { allocFloat32 } from '../storage.js';
import { chosenKernels } from '../kernel-table.js';
import { inferenceOnly } from './inference-only.js';

export interface Conv2dKernels {
  /**
   * What the conv's filter gradient reads, allocated for conv2dForward to fill: the im2col matrix
   * ('fast' on im2col shapes), or x itself ('reference', and 'fast' where the conv runs 1×1, direct
   * SIMD or Winograd).
   */
  conv2dKept(x: Float32Array, s: Conv2dShape): Float32Array;
  /** y = conv2d(x, w) + bias, clamped at 0 when `relu`; overwrites y and fills `kept`. */
  conv2dForward(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape, kept: Float32Array, relu: boolean): void;
  conv2dBackwardInput(dx: Float32Array, dy: Float32Array, w: Float32Array, s: Conv2dShape): void;
  conv2dBackwardFilter(dw: Float32Array, dy: Float32Array, kept: Float32Array, s: Conv2dShape): void;
  /**
   * dw (filter gradient) and db (the bias's channel sums of dy, the bias-gradient table's
   * conv2dBackwardBias), either null when not wanted, in one call that may share dy between them.
   */
  conv2dBackwardFilterBias(dw: Float32Array | null, db: Float32Array | null, dy: Float32Array, kept: Float32Array, s: Conv2dShape): void;
}

/**
 * tatami/infer's default: im2col + the blocked JS GEMM for every shape (one GEMM on x for a plain
 * 1×1 conv), with the bias and ReLU in the GEMM's store; the SIMD GEMM, Winograd and the direct
 * SIMD forwards come with the fast tables (src/kernel-tables/fast-inference.ts for tatami/infer,
 * src/fast-kernels.ts for training).
 */
export const inferenceConv2dKernels: Conv2dKernels = {
  conv2dKept: (x, s) => (im2colIsIdentity(s) ? x : allocFloat32(s.N * s.OH * s.OW * s.KH * s.KW * s.CI)), // (N·OH·OW, KH·KW·CI)
  conv2dForward: (y, x, w, bias, s, kept, relu) => conv2dForwardIm2col(y, x, w, bias, s, kept, gemmBlockedBias, relu),
  conv2dBackwardInput: inferenceOnly('conv2dBackwardInput'),
  conv2dBackwardFilter: inferenceOnly('conv2dBackwardFilter'),
  conv2dBackwardFilterBias: inferenceOnly('conv2dBackwardFilterBias'),
};

/** The table the ops call into now (kernel-table.ts). */
export function conv2dKernels(): Conv2dKernels {
  return chosenKernels()?.conv2d ?? inferenceConv2dKernels;
}
