// Transposed 2-D convolution through the conv2d it transposes, as GEMMs. Same math as
// conv2d-transpose.ts:
//   y[n,oh,ow,co] = b[co] + Σ x[n,ih,iw,ci] · w[kh,kw,co,ci]  over oh = ih·sH − padTop + kh·dH (and ow alike)
//
// Let C be the conv2d from y's shape to x's shape with filter w read as HWIO [KH, KW, CO, CI]
// (adjointConv2dShape). Then this op is C's input gradient, and its own gradients are C itself:
//
//   forward       y   = col2im_C(x · Wᵀ) + b       = conv2dBackwardInputIm2col with dy := x      overwrites y
//   input grad    dx += im2col_C(dy) · W           gemm 'nn' (N·H·W × CI × KH·KW·CO)             accumulates
//   filter grad   dW += im2col_C(dy)ᵀ · x          gemm 'tn' (KH·KW·CO × CI × N·H·W)             accumulates
//
// Buffers (legend in conv-shape.ts; x is the small side):
//   x [N, H, W, CI]   w [KH, KW, CO, CI] = a [KH·KW·CO, CI] matrix   y, dy [N, OH, OW, CO]
//   cols [N·H·W, KH·KW·CO]   im2col_C(dy): row (n,ih,iw) holds the dy values that x[n,ih,iw,·] fed
//
// What it optimizes: the direct loops scatter one multiply-add per load; here both the forward and
// the gradients are GEMMs through a GEMM's register tiles, and the two gradients share one cols
// matrix, built once per backward. The GEMM is the caller's (`gemm`, as in conv2d-im2col.ts):
// gemmBlocked in plain JS, or gemm-fast.ts's WebAssembly SIMD one.

import { adjointConv2dShape, type Conv2dTransposeShape } from './conv2d-transpose.js';
import { im2col, im2colIsIdentity, conv2dBackwardInputIm2col, type Gemm } from './conv2d-im2col.js';

/** y [N,OH,OW,CO] = conv2dTranspose(x, w) + bias, as col2im(x · Wᵀ). Overwrites y. */
export function conv2dTransposeForwardIm2col(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dTransposeShape, gemm: Gemm,
): void {
  const { CO } = s;
  const pixels = s.N * s.OH * s.OW;
  // Start from the bias (or 0), then add the stamped kernels: col2im accumulates.
  if (bias === null) y.fill(0, 0, pixels * CO);
  else for (let p = 0; p < pixels; p++) y.set(bias, p * CO);
  conv2dBackwardInputIm2col(y, x, w, adjointConv2dShape(s), gemm);
}

/** Floats conv2dTransposeCols needs for `cols`: 0 when dy itself is the matrix, else N·H·W·KH·KW·CO. */
export function conv2dTransposeColsLength(s: Conv2dTransposeShape): number {
  return im2colIsIdentity(adjointConv2dShape(s)) ? 0 : s.N * s.H * s.W * s.KH * s.KW * s.CO;
}

/**
 * cols [N·H·W, KH·KW·CO] ← im2col of dy under the adjoint conv: what both gradients multiply.
 * Returns dy itself when that matrix is dy (1×1 kernel, stride 1, no padding), else fills `cols`.
 */
export function conv2dTransposeCols(cols: Float32Array, dy: Float32Array, s: Conv2dTransposeShape): Float32Array {
  const c = adjointConv2dShape(s);
  if (im2colIsIdentity(c)) return dy;
  im2col(cols, dy, c);
  return cols;
}

/** dx [N,H,W,CI] += cols · W, with cols from conv2dTransposeCols(dy). Accumulates. */
export function conv2dTransposeBackwardInputIm2col(
  dx: Float32Array, cols: Float32Array, w: Float32Array, s: Conv2dTransposeShape, gemm: Gemm,
): void {
  gemm(dx, cols, w, s.N * s.H * s.W, s.CI, s.KH * s.KW * s.CO, 'nn', true);
}

/** dw [KH,KW,CO,CI] += colsᵀ · x, with cols from conv2dTransposeCols(dy). Accumulates. */
export function conv2dTransposeBackwardFilterIm2col(
  dw: Float32Array, cols: Float32Array, x: Float32Array, s: Conv2dTransposeShape, gemm: Gemm,
): void {
  gemm(dw, cols, x, s.KH * s.KW * s.CO, s.CI, s.N * s.H * s.W, 'tn', true);
}
