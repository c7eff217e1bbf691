// The filter gradient of a convolution whose forward ran as Winograd (conv2d-winograd.ts). That
// forward makes no im2col matrix, so the filter gradient starts from x itself:
//
//   dw[kh,kw,ci,co] += Σ_{n,oh,ow} dy[n,oh,ow,co] · x[n, oh·sH − padTop + kh·dH, ow·sW − padLeft + kw·dW, ci]
//   (accumulates dw; buffers as in conv2d.ts: x [N,H,W,CI], dy [N,OH,OW,CO], dw [KH,KW,CI,CO])
//
// computed as conv2d-im2col.ts does, dW += colsᵀ · dY, but a group of images at a time: the cols of
// one group [g·OH·OW, KH·KW·CI] are rebuilt from x into the caller's scratch and multiplied before
// the next group overwrites them. The scratch is then a few MB whatever the batch, where the whole
// matrix would be 9× the input (58 MB for 8×56×56×64), and each group's cols are still in cache
// when the GEMM reads them.

import type { Conv2dShape } from './conv-shape.js';
import { im2col, conv2dBackwardFilterIm2col } from './conv2d-im2col.js';

// Floats of cols per group: 2^20 = 4 MB, at least one image.
const GROUP_FLOATS = 1 << 20;

/** Images per group: as many whole images as fit GROUP_FLOATS floats of cols, at least 1. */
function imagesPerGroup(s: Conv2dShape): number {
  const perImage = s.OH * s.OW * s.KH * s.KW * s.CI;
  return Math.max(1, Math.min(s.N, Math.floor(GROUP_FLOATS / perImage)));
}

/** Floats of scratch {@link conv2dBackwardFilterByImageGroups} needs for shape s. */
export function filterGradScratchLength(s: Conv2dShape): number {
  return imagesPerGroup(s) * s.OH * s.OW * s.KH * s.KW * s.CI;
}

/**
 * dw [KH,KW,CI,CO] += the gradient of y with respect to w, from x and dy, a group of images at a
 * time. Accumulates. `cols` is scratch of at least {@link filterGradScratchLength} floats (overwritten).
 */
export function conv2dBackwardFilterByImageGroups(
  dw: Float32Array, dy: Float32Array, x: Float32Array, s: Conv2dShape, cols: Float32Array,
): void {
  const need = filterGradScratchLength(s);
  if (cols.length < need) {
    throw new Error(`conv2dBackwardFilterByImageGroups: scratch has ${cols.length} floats, needs ${need} ` +
      `for input [${s.N}, ${s.H}, ${s.W}, ${s.CI}] and filter [${s.KH}, ${s.KW}, ${s.CI}, ${s.CO}]`);
  }
  const group = imagesPerGroup(s);
  const xImage = s.H * s.W * s.CI; // floats of one image of x
  const dyImage = s.OH * s.OW * s.CO; // floats of one image of dy
  for (let n0 = 0; n0 < s.N; n0 += group) {
    const g = Math.min(group, s.N - n0);
    // The same convolution on images n0 .. n0 + g − 1 only: a shape with N = g over subarrays.
    const part: Conv2dShape = { ...s, N: g };
    im2col(cols, x.subarray(n0 * xImage, (n0 + g) * xImage), part);
    conv2dBackwardFilterIm2col(dw, dy.subarray(n0 * dyImage, (n0 + g) * dyImage), cols, part);
  }
}
