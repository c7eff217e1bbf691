// The filter gradient of a 3×3 stride-1 convolution by Winograd's F(2×2, 3×3) read backwards
// (derivation and matrices in conv2d-winograd-transforms.ts). Same math as the direct twin,
// conv2d.ts's conv2dBackwardFilterDirect:
//
//   dw[kh,kw,ci,co] += Σ_{n,oh,ow} dy[n,oh,ow,co] · x[n, oh − padTop + kh, ow − padLeft + kw, ci]   (accumulates dw)
//
// Buffers (legend in conv-shape.ts): x [N, H, W, CI], dy [N, OH, OW, CO], dw [3, 3, CI, CO] (HWIO).
// 'valid' and TF's 'same' padding, as the forward (conv2d-winograd.ts).
//
// The output pixels are cut into the forward's 2×2 tiles; per tile the 4×4 input pixels d it reads
// and its 2×2 output gradient e give
//
//   S[ξ] [CI, CO] += V[ξ]ᵀ · E[ξ]        V = Bᵀ d B (the forward's input transform), E = Ã e Ãᵀ
//   dw            += G̃ᵀ S G̃             once per call, after every tile
//
// What it optimizes: im2col + GEMM by groups of images (what ran before) multiplies 9·CI·CO
// per output pixel and first copies each pixel's 9·CI taps out of x in JS; here a 2×2 tile costs
// 16·CI·CO multiplies where im2col spends 36·CI·CO (2.25× fewer), the 16 products S[ξ] are GEMMs
// with K = the chunk's tiles, and the transforms are adds on WebAssembly SIMD (four channels per
// instruction; conv2d-winograd-simd.ts), in JS when a channel count is not a multiple of 4 or the
// heap cannot grow. As in the forward, tiles run in chunks whose V and E stay in L2, read from
// zero-padded copies of a group of images of x and dy; a tile past an odd OH or OW reads zeros
// of dy there, so its extra products add nothing.
//
// Accuracy: each S[ξ] sums T = N·⌈OH/2⌉·⌈OW/2⌉ products of transformed operands (|V| ≤ 4·max|x|,
// |E| ≤ 4·max|dy|), then G̃ᵀ S G̃ adds 16 of them with weights whose magnitudes sum to ≤ 2·2: the
// rounding bound is that of a sum of 64·T ≈ 16·N·OH·OW unit terms, where the direct sum has
// N·OH·OW. Measured on Keras's convnet's second conv (32×13×13×32→64, x and dy in [−1, 1]): largest
// error 2.1e-4 on values up to 77 (2.7e-6 relative).
//
// NaN and ±Inf: the transforms mix a tile's values (Inf − Inf = NaN), and a padded zero times an
// infinite dy would give NaN where the twin skips the tap. A finite result is the twin's up to
// rounding (a non-finite term never becomes finite again); so when the result holds a NaN or ±Inf,
// dw is left alone and the twin computes the whole gradient instead, its values at its places.

import type { Conv2dShape } from './conv-shape.js';
import { conv2dBackwardFilterDirect } from './conv2d.js';
import { allFinite } from './all-finite.js';
import { copyPadded, lazyArray, winogradApplies, type Pass, type WinogradGemmChoice } from './conv2d-winograd.js';
import { inputTransform, gradOutputTransform, filterGradTransform } from './conv2d-winograd-transforms.js';
import { inputTransformChunkSimd, gradOutputTransformChunkSimd } from './conv2d-winograd-simd.js';
import { tileStart, type TileGrid } from './conv2d-winograd-tiles.js';
import { simdAvailable } from './gemm-simd.js';
import { gemmFast } from './gemm-fast.js';
import { beginSumsInHeap, filterGradChunkInHeap, sumsInHeap, winogradInHeapApplies } from './conv2d-winograd-heap.js';
import { engineHeap, type WasmHeap } from './wasm/heap.js';

// Floats of V and E per chunk, as the forward's (conv2d-winograd.ts): 2^19 floats = 2 MB.
const CHUNK_FLOATS = 1 << 19;

/** How the filter gradient cuts its work: tiles, padded sizes, chunks, and the scratch they take. */
interface FilterGradPlan {
  readonly TH: number; readonly TW: number; readonly perImage: number;
  readonly PH: number; readonly PW: number; readonly EH: number; readonly EW: number;
  readonly group: number; readonly tc0: number;
  readonly lengths: readonly [number, number]; // xPadded, dyPadded
}

function planFilterGrad(s: Conv2dShape): FilterGradPlan {
  const { N, CI, CO, OH, OW } = s;
  const TH = Math.ceil(OH / 2);
  const TW = Math.ceil(OW / 2);
  const perImage = TH * TW; // 2×2 output tiles per image
  // x padded as the forward pads it (tile (th, tw) reads rows 2·th .. 2·th + 3), dy to whole tiles.
  const PH = 2 * TH + 2, PW = 2 * TW + 2;
  const EH = 2 * TH, EW = 2 * TW;
  const chunk = Math.max(1, Math.floor(CHUNK_FLOATS / (16 * (CI + CO)))); // tiles per chunk
  const group = Math.max(1, Math.min(N, Math.floor(chunk / perImage))); // images per padded copy
  const tc0 = Math.min(chunk, group * perImage);
  return { TH, TW, perImage, PH, PW, EH, EW, group, tc0, lengths: [group * PH * PW * CI, group * EH * EW * CO] };
}

/**
 * Floats of scratch {@link conv2dBackwardFilterWinograd} uses for shape s: the zero-padded copies of
 * a group of images of x and dy. (V, E and the sums live in the heap; arrays for them are made only
 * for chunks that do not run there.)
 */
export function winogradFilterGradScratchLength(s: Conv2dShape): number {
  return planFilterGrad(s).lengths.reduce((a, b) => a + b);
}

/**
 * dw [3,3,CI,CO] += the gradient of y with respect to w, from x and dy. Accumulates. `scratch`: at
 * least {@link winogradFilterGradScratchLength} floats the call may overwrite, or null to allocate them.
 */
export function conv2dBackwardFilterWinograd(
  dw: Float32Array, dy: Float32Array, x: Float32Array, s: Conv2dShape, gemm: WinogradGemmChoice, heap: WasmHeap = engineHeap(),
  scratch: Float32Array | null = null,
): void {
  if (!winogradApplies(s)) {
    throw new Error(`conv2dBackwardFilterWinograd: Winograd F(2x2, 3x3) needs a 3x3 kernel, stride 1 and dilation 1, got kernel ` +
      `${s.KH}x${s.KW}, stride ${s.strideH}x${s.strideW}, dilation ${s.dilationH}x${s.dilationW}`);
  }
  const { N, CI, CO, OH, OW } = s;
  const { TH, TW, perImage, PH, PW, EH, EW, group, tc0, lengths } = planFilterGrad(s);
  const need = winogradFilterGradScratchLength(s);
  if (scratch !== null && scratch.length < need) {
    throw new Error(`conv2dBackwardFilterWinograd: scratch has ${scratch.length} floats, needs ${need} ` +
      `for input [${N}, ${s.H}, ${s.W}, ${CI}] and filter [3, 3, ${CI}, ${CO}]`);
  }
  const buffer = scratch ?? new Float32Array(need);
  const xPadded = buffer.subarray(0, lengths[0]).fill(0); // (group, PH, PW, CI), borders stay 0
  const dyPadded = buffer.subarray(lengths[0], need).fill(0); // (group, EH, EW, CO), borders stay 0
  const v = lazyArray(16 * tc0 * CI); // (16, tc, CI), made at the first chunk that does not run in the heap
  const ed = lazyArray(16 * tc0 * CO); // (16, tc, CO)
  const sums = new Float32Array(16 * CI * CO); // (16, CI, CO): S, summed over every tile
  const xPass: Pass = { N, IH: s.H, IW: s.W, IC: CI, OH, OW, OC: CO, padTop: s.padTop, padLeft: s.padLeft, rotated: false };
  const dyPass: Pass = { N, IH: OH, IW: OW, IC: CO, OH, OW, OC: CO, padTop: 0, padLeft: 0, rotated: false };
  const gx: TileGrid = { IC: CI, TH, TW, PH, PW }; // x's 4×4 tiles
  const gy: TileGrid = { IC: CO, TH, TW, PH: EH, PW: EW }; // dy's 2×2 tiles
  const o = Int32Array.from({ length: 16 }, (_, q) => ((q >> 2) * PW + (q & 3)) * CI); // d[r][c] from the tile's corner
  const simdX = simdAvailable && CI % 4 === 0;
  const simdDy = simdAvailable && CO % 4 === 0;
  // The engine's GEMM runs the chunks in wasm memory onto sums kept there (conv2d-winograd-heap.ts)
  // where the channel counts allow; the GEMM on the arrays below is gemmFast for it, else the one given.
  let inHeap = gemm === 'engine' && simdAvailable && winogradInHeapApplies(CI, CO) && beginSumsInHeap(CI, CO, heap);
  const gemmArrays = gemm === 'engine' ? gemmFast : gemm;
  for (let n0 = 0; n0 < N; n0 += group) {
    const g = Math.min(group, N - n0);
    copyPadded(xPadded, x, xPass, n0, g, PH, PW);
    copyPadded(dyPadded, dy, dyPass, n0, g, EH, EW);
    const T = g * perImage;
    for (let t0 = 0; t0 < T; t0 += tc0) {
      const tc = Math.min(tc0, T - t0);
      if (inHeap && filterGradChunkInHeap(xPadded, dyPadded, t0, tc, gx, gy, heap)) continue;
      if (inHeap) {
        // The heap could not hold this chunk: the sums so far come out before the transforms below use the heap.
        sums.set(sumsInHeap(CI, CO, heap));
        inHeap = false;
      }
      // 1. V = Bᵀ d B and E = Ã e Ãᵀ for every tile of the chunk (t = (image in group, th, tw)).
      const vDone = simdX && inputTransformChunkSimd(v(), xPadded, t0, tc, gx, heap);
      const eDone = simdDy && gradOutputTransformChunkSimd(ed(), dyPadded, t0, tc, gy, heap);
      for (let tl = 0; !(vDone && eDone) && tl < tc; tl++) {
        if (!vDone) inputTransform(v(), tl, tc, CI, xPadded, tileStart(gx, t0 + tl), o);
        if (!eDone) gradOutputTransform(ed(), tl, tc, CO, dyPadded, tileStart(gy, t0 + tl), EW * CO, CO);
      }
      // 2. S[ξ] += V[ξ]ᵀ · E[ξ]: 16 independent [CI, tc] · [tc, CO] products.
      for (let xi = 0; xi < 16; xi++) {
        gemmArrays(
          sums.subarray(xi * CI * CO, (xi + 1) * CI * CO), v().subarray(xi * tc * CI, (xi + 1) * tc * CI),
          ed().subarray(xi * tc * CO, (xi + 1) * tc * CO), CI, CO, tc, 'tn', true,
        );
      }
    }
  }
  if (inHeap) sums.set(sumsInHeap(CI, CO, heap));
  // 3. The 3×3 taps from the 16 sums; added to dw only when all are finite (see the header).
  const taps = new Float32Array(9 * CI * CO); // (3, 3, CI, CO)
  filterGradTransform(taps, sums, CI, CO);
  if (allFinite(taps, 0, taps.length)) {
    for (let i = 0; i < taps.length; i++) dw[i] += taps[i];
  } else {
    conv2dBackwardFilterDirect(dw, dy, x, s);
  }
}
