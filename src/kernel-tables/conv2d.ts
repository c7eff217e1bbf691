/** The 2-D convolution's kernels (ops/conv2d.ts). */
import type { Conv2dShape } from '../../kernels/conv-shape.js';
import { conv2dKeptWithWinograd, conv2dForwardWithWinograd, conv2dBackwardInputWithWinograd, conv2dBackwardFilterWithWinograd } from '../conv2d-winograd-choice.js';
import { chosenKernels } from '../kernel-table.js';
import { conv2dDirectSimdApplies, conv2dBackwardFilterBiasDirectSimd } from '../../kernels/conv2d-direct-simd.js';
import { conv2dBackwardBiasFast } from '../../kernels/conv2d-fast.js';

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

export const fastConv2dKernels: Conv2dKernels = {
  // Winograd for the stride-1 3×3 convs where it pays, else the direct SIMD kernels or im2col
  // (src/conv2d-winograd-choice.ts, kernels/conv2d-fast.ts).
  conv2dKept: conv2dKeptWithWinograd,
  conv2dForward: conv2dForwardWithWinograd,
  conv2dBackwardInput: conv2dBackwardInputWithWinograd,
  conv2dBackwardFilter: conv2dBackwardFilterWithWinograd,
  conv2dBackwardFilterBias,
};

/**
 * Where the direct SIMD kernels take the filter gradient (there Winograd never does), dw and db
 * from one copy of dy in wasm memory (kernels/conv2d-direct-simd.ts); elsewhere the fast bias
 * gradient, then the table's filter-gradient entry (looked up at the call, so a bench that swaps
 * the entries, bench/winograd-step.ts, still runs its own). The same bits either way.
 */
function conv2dBackwardFilterBias(dw: Float32Array | null, db: Float32Array | null, dy: Float32Array, kept: Float32Array, s: Conv2dShape): void {
  if (dw !== null && conv2dDirectSimdApplies(s)) {
    conv2dBackwardFilterBiasDirectSimd(dw, db, dy, kept, s);
    return;
  }
  if (db !== null) conv2dBackwardBiasFast(db, dy, s);
  if (dw !== null) fastConv2dKernels.conv2dBackwardFilter(dw, dy, kept, s);
}

/** The table the ops call into now (kernel-table.ts). */
export function conv2dKernels(): Conv2dKernels {
  return chosenKernels()?.conv2d ?? fastConv2dKernels;
}
