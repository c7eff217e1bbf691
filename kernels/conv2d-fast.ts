// The fast 2-D convolution: for each shape, the direct WebAssembly SIMD kernels where they apply
// (few channels, conv2d-direct-simd.ts), otherwise im2col (conv2d-im2col.ts) + gemm-fast.ts's SIMD
// GEMM. Same math and contracts as conv2d.ts, the naive twin of both: the forward overwrites y, the
// gradients accumulate.
// The bias gradient's channel sums run on SIMD (elementwise-simd.ts) with conv2d.ts's float64 sums
// in its order, so they are bit-identical to it.
//
// What the filter gradient reads (`kept`, filled or chosen by the forward's caller with
// conv2dKeptIsInput): x itself where the direct kernels run (they rebuild x's padded copy) or for
// a plain 1×1 conv (x already is the cols matrix), else the im2col matrix the forward filled.

import type { Conv2dShape } from './conv-shape.js';
import { conv2dBackwardBias } from './conv2d.js';
import { simdAvailable } from './gemm-simd.js';
import { gemmFast, gemmFastBias } from './gemm-fast.js';
import { channelSumsSimd } from './elementwise-simd.js';
import { im2colIsIdentity, conv2dForwardIm2col, conv2dBackwardInputIm2col, conv2dBackwardFilterIm2col } from './conv2d-im2col.js';
import {
  conv2dDirectSimdApplies, conv2dDirectSimdInputApplies,
  conv2dForwardDirectSimd, conv2dBackwardInputDirectSimd, conv2dBackwardFilterDirectSimd,
} from './conv2d-direct-simd.js';

/** True when the filter gradient reads x itself, so the caller need not allocate a cols matrix. */
export function conv2dKeptIsInput(s: Conv2dShape): boolean {
  return im2colIsIdentity(s) || conv2dDirectSimdApplies(s);
}

/** y = conv2d(x, w) + bias (clamped at 0 when `relu`); fills `kept` [N·OH·OW, KH·KW·CI] unless conv2dKeptIsInput. Overwrites y. */
export function conv2dForwardFast(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape, kept: Float32Array, relu = false,
): void {
  if (conv2dDirectSimdApplies(s)) conv2dForwardDirectSimd(y, x, w, bias, s, relu);
  else conv2dForwardIm2col(y, x, w, bias, s, kept, gemmFastBias, relu);
}

/** dx += ∂(Σ y·dy)/∂x. Accumulates. */
export function conv2dBackwardInputFast(dx: Float32Array, dy: Float32Array, w: Float32Array, s: Conv2dShape): void {
  if (conv2dDirectSimdInputApplies(s)) conv2dBackwardInputDirectSimd(dx, dy, w, s);
  else conv2dBackwardInputIm2col(dx, dy, w, s, gemmFast);
}

/** dw += ∂(Σ y·dy)/∂w, from what the forward kept (x or the cols matrix, see the header). Accumulates. */
export function conv2dBackwardFilterFast(dw: Float32Array, dy: Float32Array, kept: Float32Array, s: Conv2dShape): void {
  if (conv2dDirectSimdApplies(s)) conv2dBackwardFilterDirectSimd(dw, dy, kept, s);
  else conv2dBackwardFilterIm2col(dw, dy, kept, s, gemmFast);
}

/** db [CO] += Σ_{n,oh,ow} dy[n,oh,ow,co], as conv2d.ts's conv2dBackwardBias (bit-identical), on SIMD when CO % 4 = 0. Accumulates. */
export function conv2dBackwardBiasFast(db: Float32Array, dy: Float32Array, s: Conv2dShape): void {
  const rows = s.N * s.OH * s.OW;
  if (!simdAvailable || s.CO % 4 !== 0) {
    conv2dBackwardBias(db, dy, s);
    return;
  }
  const sums = new Float64Array(s.CO); // (CO)
  channelSumsSimd(sums, dy.subarray(0, rows * s.CO), rows, s.CO);
  for (let co = 0; co < s.CO; co++) db[co] += sums[co];
}
