// 3×3 convolution with stride 1 by Winograd's F(2×2, 3×3) (Lavin & Gray 2015; transforms and
// matrices in conv2d-winograd-transforms.ts). Same math as the direct twin in conv2d.ts:
//
//   forward     y[n,oh,ow,co] = b[co] + Σ_{kh,kw,ci} x[n, oh − padTop + kh, ow − padLeft + kw, ci] · w[kh,kw,ci,co]
//               (overwrites y; ReLU optional, NaN kept as reluInPlace keeps it)
//   input grad  dx[n,ih,iw,ci] += Σ_{kh,kw,co} dy[n, ih + padTop − kh, iw + padLeft − kw, co] · w[kh,kw,ci,co]
//               (accumulates dx). Written as a correlation of dy with the filter rotated 180° and
//               in/out swapped, padded by 2 − padTop, 2 − padLeft: the same kernel runs it.
//
// Buffers (legend in conv-shape.ts): x [N, H, W, CI], w [3, 3, CI, CO] (HWIO), y and dy [N, OH, OW, CO],
// dx [N, H, W, CI]. 'valid' (pad 0) and TF's 'same' (pad 1 all round for a 3×3 kernel at stride 1).
//
// What it optimizes: every output pair of rows and columns (a 2×2 tile) costs 16 multiplies per
// (input, output) channel pair instead of 36, 2.25× fewer; the multiplies become 16 GEMMs
// [tiles, IC] · [IC, OC], run by the GEMM the caller chooses (WinogradGemmChoice). The price
// is the transforms, adds only, O(tiles·(IC + OC)): in JS they cost as much as the GEMMs, so with
// channel counts that are multiples of 4 they run on WebAssembly SIMD (conv2d-winograd-simd.ts),
// which also adds the bias and applies the ReLU; on `heap` (default: the engine's), and in JS for
// a chunk the heap cannot grow to hold (wasm/heap.ts). Profiled on the forward of 32×14×14×32→64 with
// bias and ReLU, chunks in wasm memory (node --cpu-prof, 1,000 calls, 2026-11-29 08:06 UTC, load 4.3):
// the GEMM kernel takes about 79% of the time, the SIMD transforms 9%, the JS filter transform 4%,
// the padded copy of x and the stores of whole output rows (storeBands) 3%.
//
// Tiles run in chunks of `tc`, so a chunk's transformed inputs V [16, tc, IC] and products
// M [16, tc, OC] stay in L2 between the transform, the GEMMs and the output transform. They read
// a zero-padded copy of a few images at a time (one memcpy per row), so no tile tests for edges.
// An output tile past the bottom or right edge (odd OH or OW) is computed whole from zeros
// and only its real pixels are stored.
//
// Accuracy: the adds of the transforms enlarge the operands (|V| ≤ 4·max|x|, |U| ≤ 2.25·max|w|)
// and each output sums 9 products of them, so the worst-case rounding error is ~9× the direct
// sum's. Measured against the direct twin (bench/winograd-accuracy.ts, the conv bench's data): the
// largest error was 6.2e-7 on outputs up to 1.8 (forward, 8×56×56×64→64) and 2.3e-6 on up to 2.3
// (input gradient, 32×14×14×32→64), level with im2col's (1.6e-6 and 2.4e-6): each of the 16 GEMMs
// sums IC products where im2col sums 9·IC, which offsets the larger operands.
//
// NaN and ±Inf: the transforms would turn one infinity into Inf − Inf = NaN beside outputs the
// direct loops make ±Inf, and a non-finite filter tap would reach border outputs whose padded
// taps the direct loops skip. So a tile whose outputs are not all finite is recomputed by the
// direct loops (its pixels only): the non-finite results are exactly the twin's, at its places.
// This costs one add per output when all is finite, and makes a non-finite filter (every tile)
// as slow as the direct loops: callers send those to the direct loops themselves.

import type { Conv2dShape } from './conv-shape.js';
import type { GemmLayout } from './gemm.js';
import { filterTransform, inputTransform, outputTransformTile } from './conv2d-winograd-transforms.js';
import { inputTransformChunkSimd, outputTransformChunkSimd } from './conv2d-winograd-simd.js';
import { tileStart, type TileGrid } from './conv2d-winograd-tiles.js';
import { simdAvailable } from './gemm-simd.js';
import { gemmFast } from './gemm-fast.js';
import { placeFilterInHeap, winogradChunkInHeap, winogradInHeapApplies } from './conv2d-winograd-heap.js';
import { engineHeap, type WasmHeap } from './wasm/heap.js';

/** The GEMM contract of gemm.ts: c [M, N] = (accumulate ? c : 0) + op(a) · op(b). */
export type WinogradGemm = (
  c: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean,
) => void;

/**
 * Which GEMM runs a pass's 16 products. 'engine': the engine's own, whose kernel can also run on
 * operands left in wasm memory, so whole chunks run there (conv2d-winograd-heap.ts, the same bits)
 * where the channel counts allow, and gemmFast on arrays elsewhere. A function: called as given,
 * on arrays, every chunk (a test's or a benchmark's GEMM, gemmFast included).
 */
export type WinogradGemmChoice = 'engine' | WinogradGemm;

/** True for the convolutions this kernel computes: a 3×3 kernel, stride 1, dilation 1 (any padding rule). */
export function winogradApplies(s: Conv2dShape): boolean {
  return s.KH === 3 && s.KW === 3 && s.strideH === 1 && s.strideW === 1 && s.dilationH === 1 && s.dilationW === 1;
}

function requireApplies(op: string, s: Conv2dShape): void {
  if (!winogradApplies(s)) {
    throw new Error(`${op}: Winograd F(2x2, 3x3) needs a 3x3 kernel, stride 1 and dilation 1, got kernel ` +
      `${s.KH}x${s.KW}, stride ${s.strideH}x${s.strideW}, dilation ${s.dilationH}x${s.dilationW}`);
  }
}

/**
 * y [N,OH,OW,CO] = conv(x, w) + bias, clamped at 0 when `relu`. Overwrites y. `scratch`: at least
 * {@link winogradScratchLength} floats the call may overwrite (a caller that reuses it spares the
 * fresh, page-faulting buffers), or null to allocate them.
 */
export function conv2dForwardWinograd(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape,
  gemm: WinogradGemmChoice, relu = false, heap: WasmHeap = engineHeap(), scratch: Float32Array | null = null,
): void {
  requireApplies('conv2dForwardWinograd', s);
  const u = new Float32Array(16 * s.CI * s.CO); // (16, CI, CO)
  filterTransform(u, w, s.CI, s.CO, false);
  runPass(y, x, w, u, forwardPass(s), bias, relu, false, gemm, heap, scratch);
}

/** dx [N,H,W,CI] += the gradient of y with respect to x, given dy [N,OH,OW,CO]. Accumulates. `scratch` as the forward's. */
export function conv2dBackwardInputWinograd(
  dx: Float32Array, dy: Float32Array, w: Float32Array, s: Conv2dShape, gemm: WinogradGemmChoice, heap: WasmHeap = engineHeap(),
  scratch: Float32Array | null = null,
): void {
  requireApplies('conv2dBackwardInputWinograd', s);
  const u = new Float32Array(16 * s.CO * s.CI); // (16, CO, CI)
  filterTransform(u, w, s.CI, s.CO, true);
  runPass(dx, dy, w, u, inputPass(s), null, false, true, gemm, heap, scratch);
}

/**
 * Floats of scratch the forward and the input gradient of shape s use (the larger of the two): the
 * zero-padded copy of a group of images. (V and M live in the heap; arrays for them are made only
 * for chunks that do not run there.)
 */
export function winogradScratchLength(s: Conv2dShape): number {
  return Math.max(planPass(forwardPass(s)).paddedLength, planPass(inputPass(s)).paddedLength);
}

/** A Float32Array of n floats made at the first call, the same one after. */
export function lazyArray(n: number): () => Float32Array {
  let a: Float32Array | null = null;
  return () => (a ??= new Float32Array(n));
}

function forwardPass(s: Conv2dShape): Pass {
  return { N: s.N, IH: s.H, IW: s.W, IC: s.CI, OH: s.OH, OW: s.OW, OC: s.CO, padTop: s.padTop, padLeft: s.padLeft, rotated: false };
}

/** dx[ih] gathers dy[ih + padTop − kh] for kh = 0..2, i.e. dy[ih − (2 − padTop) + kh'] with kh' = 2 − kh. */
function inputPass(s: Conv2dShape): Pass {
  return { N: s.N, IH: s.OH, IW: s.OW, IC: s.CO, OH: s.H, OW: s.W, OC: s.CI, padTop: 2 - s.padTop, padLeft: 2 - s.padLeft, rotated: true };
}

/**
 * One stride-1 3×3 correlation from `inp` [N, IH, IW, IC] to `out` [N, OH, OW, OC]: out pixel
 * (oh, ow) reads inp rows oh − padTop .. oh − padTop + 2 (and likewise columns), zero outside.
 * `rotated` says how the original filter w maps onto this pass (see filterTransform).
 */
export interface Pass {
  readonly N: number; readonly IH: number; readonly IW: number; readonly IC: number;
  readonly OH: number; readonly OW: number; readonly OC: number;
  readonly padTop: number; readonly padLeft: number; readonly rotated: boolean;
}

// Floats of V and M per chunk: 2^19 floats = 2 MB. Measured (same process, min of 25) 4–6% faster
// than the L2-sized 2^17 on 32×14×14×32→64 and 8×56×56×64→64: fewer, larger GEMM calls.
const CHUNK_FLOATS = 1 << 19;

/** How runPass cuts a pass: its tiles, the padded copy's size, the chunks, and the scratch they take. */
interface PassPlan {
  readonly TH: number; readonly TW: number; readonly perImage: number; readonly PH: number; readonly PW: number;
  /** Images per padded copy, and tiles per chunk (a multiple of TW). */
  readonly group: number; readonly tc0: number;
  readonly paddedLength: number;
}

function planPass(p: Pass): PassPlan {
  const { N, IC, OH, OW, OC } = p;
  const TH = Math.ceil(OH / 2);
  const TW = Math.ceil(OW / 2);
  const perImage = TH * TW; // 2×2 output tiles per image
  // Tiles are read from a zero-padded copy of a group of images, so every tile reads 16 pixels
  // at fixed distances with no edge tests: tile (th, tw) starts at padded row 2·th, column 2·tw.
  const PH = 2 * TH + 2;
  const PW = 2 * TW + 2;
  // Tiles per chunk: whole tile rows (TW tiles), so a chunk's outputs are whole bands of 2 image rows.
  const chunk = TW * Math.max(1, Math.floor(CHUNK_FLOATS / (16 * (IC + OC) * TW)));
  const group = Math.max(1, Math.min(N, Math.floor(chunk / perImage))); // images per padded copy
  const tc0 = Math.min(chunk, group * perImage); // a multiple of TW, as every chunk's tile count
  return { TH, TW, perImage, PH, PW, group, tc0, paddedLength: group * PH * PW * IC };
}

function runPass(
  out: Float32Array, inp: Float32Array, w: Float32Array, u: Float32Array, p: Pass,
  bias: Float32Array | null, relu: boolean, accumulate: boolean, gemm: WinogradGemmChoice, heap: WasmHeap, scratch: Float32Array | null,
): void {
  const { N, IC, OH, OW, OC } = p;
  const { TH, TW, perImage, PH, PW, group, tc0, paddedLength } = planPass(p);
  const grid: TileGrid = { IC, TH, TW, PH, PW };
  if (scratch !== null && scratch.length < paddedLength) {
    throw new Error(`conv2d Winograd: scratch has ${scratch.length} floats, needs ${paddedLength} for ${N} images of ${p.IH}x${p.IW}x${IC} → ${OH}x${OW}x${OC}`);
  }
  const padded = (scratch ?? new Float32Array(paddedLength)).subarray(0, paddedLength).fill(0); // (group, PH, PW, IC), borders stay 0
  // V [16, tc, IC] and M [16, tc, OC] as arrays, made at the first chunk that does not run in the heap.
  const v = lazyArray(16 * tc0 * IC);
  const m = lazyArray(16 * tc0 * OC);
  const o = Int32Array.from({ length: 16 }, (_, q) => ((q >> 2) * PW + (q & 3)) * IC); // d[r][c] from the tile's corner
  const useSimd = simdAvailable && IC % 4 === 0;
  const useSimdOut = simdAvailable && OC % 4 === 0;
  // The engine's GEMM runs whole chunks in wasm memory (conv2d-winograd-heap.ts) where the channel
  // counts allow; the GEMM on the arrays below is gemmFast for it, else the one given.
  let inHeap = gemm === 'engine' && simdAvailable && winogradInHeapApplies(IC, OC) && placeFilterInHeap(u, IC, OC, heap);
  const gemmArrays = gemm === 'engine' ? gemmFast : gemm;
  // The JS output transform's chunk of outputs [tc, 2, 2, OC] (the SIMD one leaves its own in the heap).
  const ytJs = lazyArray(4 * tc0 * OC);
  for (let n0 = 0; n0 < N; n0 += group) {
    const g = Math.min(group, N - n0);
    copyPadded(padded, inp, p, n0, g, PH, PW);
    const T = g * perImage;
    for (let t0 = 0; t0 < T; t0 += tc0) {
      const tc = Math.min(tc0, T - t0);
      // In the heap, an accumulating pass's outputs come with out's values already added ('onto'):
      // storing them replaces out's values instead of adding to them.
      const heapOut = inHeap ? winogradChunkInHeap(padded, t0, tc, grid, OC, bias, relu, heap, accumulate ? { out, n0, OH, OW } : null) : null;
      // A chunk the heap could not hold: this one and the rest go the way below (which uses the heap from 0, over U).
      if (heapOut === null) inHeap = false;
      const addOnStore = accumulate && heapOut === null;
      // 1. V = Bᵀ d B for every tile of the chunk (t = (image in group, th, tw)): four channels at a
      // time in WebAssembly where it can (and the heap holds the chunk), else tile by tile in JS.
      if (heapOut === null && !(useSimd && inputTransformChunkSimd(v(), padded, t0, tc, grid, heap))) {
        for (let tl = 0; tl < tc; tl++) inputTransform(v(), tl, tc, IC, padded, tileStart(grid, t0 + tl), o);
      }
      // 2. M[ξ] = V[ξ] · U[ξ]: 16 independent [tc, IC] · [IC, OC] products.
      for (let xi = 0; heapOut === null && xi < 16; xi++) {
        gemmArrays(
          m().subarray(xi * tc * OC, (xi + 1) * tc * OC), v().subarray(xi * tc * IC, (xi + 1) * tc * IC),
          u.subarray(xi * IC * OC, (xi + 1) * IC * OC), tc, OC, IC, 'nn', false,
        );
      }
      // 3. Y = Aᵀ M A for the chunk. In WebAssembly the bias, the ReLU and the NaN/±Inf test come
      // with the transform, and the tiles come out in bands as they sit in the image: with every
      // value finite, the chunk's rows are copied (or added) whole. Otherwise they are stored tile
      // by tile (clipped to the image), and a tile with a non-finite value is recomputed by the
      // direct loops; in JS the bias and the ReLU come with that store.
      const chunkOut = heapOut ?? (useSimdOut ? outputTransformChunkSimd(m(), tc, OC, bias, relu, TW, heap) : null);
      if (chunkOut !== null && allZero(chunkOut.flags)) {
        storeBands(out, chunkOut.yt, t0 / TW, tc / TW, n0, TH, OH, OW, OC, addOnStore);
        continue;
      }
      let yt: Float32Array;
      let flags: Float32Array | null = null;
      let ytRow: number; // floats from a tile's output row 0 to its row 1 in yt
      if (chunkOut !== null) {
        ({ yt, flags } = chunkOut);
        ytRow = 2 * TW * OC;
      } else {
        yt = ytJs();
        for (let tl = 0; tl < tc; tl++) outputTransformTile(yt, m(), tl, tc, OC);
        ytRow = 2 * OC;
      }
      for (let tl = 0; tl < tc; tl++) {
        const t = t0 + tl;
        const tw = t % TW;
        const rest = (t - tw) / TW;
        const th = rest % TH;
        const n = n0 + (rest - th) / TH;
        const oh0 = 2 * th;
        const ow0 = 2 * tw;
        const rows = Math.min(2, OH - oh0);
        const cols = Math.min(2, OW - ow0);
        const dst = ((n * OH + oh0) * OW + ow0) * OC; // out[n, oh0, ow0, 0]
        let stored: boolean;
        if (flags === null) {
          stored = storeTile(out, dst, OW * OC, yt, 4 * tl * OC, rows, cols, OC, bias, relu, accumulate);
        } else {
          stored = flags[4 * tl] + flags[4 * tl + 1] + flags[4 * tl + 2] + flags[4 * tl + 3] === 0;
          // yt[band of tl, row 0, pixel 2·tw, 0]: t0 is a multiple of TW, so tl − tw = band · TW.
          if (stored) copyTile(out, dst, OW * OC, yt, (4 * (tl - tw) + 2 * tw) * OC, ytRow, rows, cols, OC, addOnStore);
        }
        if (!stored) directTile(out, inp, w, p, bias, relu, accumulate, n, oh0, ow0, rows, cols);
      }
    }
  }
}

/** True when every flag is 0 (their sum is NaN as soon as one is NaN). */
function allZero(flags: Float32Array): boolean {
  let sum = 0;
  for (let i = 0; i < flags.length; i++) sum += flags[i];
  return sum === 0;
}

/**
 * out = the chunk's outputs, or out += them: yt [bands, 2, 2·TW, OC] holds tile rows b0 .. b0 + bands − 1
 * of the group starting at image n0, each two image rows wide, from which the real rows (below OH)
 * and pixels (left of OW) are copied.
 */
function storeBands(
  out: Float32Array, yt: Float32Array, b0: number, bands: number, n0: number, TH: number, OH: number, OW: number, OC: number, accumulate: boolean,
): void {
  const run = OW * OC; // one output row
  const ytRow = 2 * Math.ceil(OW / 2) * OC;
  for (let b = 0; b < bands; b++) {
    const th = (b0 + b) % TH;
    const n = n0 + (b0 + b - th) / TH;
    for (let dr = 0; dr < 2 && 2 * th + dr < OH; dr++) {
      const src = (2 * b + dr) * ytRow; // yt[b, dr, 0, 0]
      const dst = (n * OH + 2 * th + dr) * run; // out[n, 2·th + dr, 0, 0]
      if (accumulate) for (let i = 0; i < run; i++) out[dst + i] += yt[src + i];
      else out.set(yt.subarray(src, src + run), dst);
    }
  }
}

/**
 * Stores the `rows`×`cols` real pixels of one tile's outputs yt[y0 ..] [2, 2, OC] into out from
 * out[dst] on (rows `rowStride` floats apart): out = bias + y (then ReLU), or out += y. Returns false
 * when a stored value is not finite (tested on their sum: an overflowing sum only costs a
 * recompute); then an accumulating store has written nothing, an overwriting one must be redone.
 */
function storeTile(
  out: Float32Array, dst: number, rowStride: number, yt: Float32Array, y0: number, rows: number, cols: number,
  OC: number, bias: Float32Array | null, relu: boolean, accumulate: boolean,
): boolean {
  let sum = 0;
  if (accumulate) {
    // Test first: Inf − Inf cannot be taken back out of out.
    for (let dr = 0; dr < rows; dr++) {
      for (let i = y0 + 2 * dr * OC; i < y0 + (2 * dr + cols) * OC; i++) sum += yt[i];
    }
    if (!(sum - sum === 0)) return false;
  }
  for (let dr = 0; dr < rows; dr++) {
    for (let dc = 0; dc < cols; dc++) {
      const o = dst + dr * rowStride + dc * OC; // out[n, oh0 + dr, ow0 + dc, 0]
      const src = y0 + (2 * dr + dc) * OC; // yt[tl, dr, dc, 0]
      if (accumulate) {
        for (let oc = 0; oc < OC; oc++) out[o + oc] += yt[src + oc];
      } else {
        for (let oc = 0; oc < OC; oc++) {
          const val = bias === null ? yt[src + oc] : bias[oc] + yt[src + oc];
          sum += val;
          out[o + oc] = relu && val < 0 ? 0 : val;
        }
      }
    }
  }
  return sum - sum === 0;
}

/**
 * out = y, or out += y, for the `rows`×`cols` real pixels of a tile whose outputs (dr, dc) are at
 * yt[y0 + dr·ytRow + dc·OC ..] and are final and finite (the SIMD transform added the bias, applied
 * the ReLU and tested them). A tile row's `cols` pixels are neighbours in yt and in out: one run of
 * cols·OC floats each.
 */
function copyTile(
  out: Float32Array, dst: number, rowStride: number, yt: Float32Array, y0: number, ytRow: number, rows: number, cols: number,
  OC: number, accumulate: boolean,
): void {
  const run = cols * OC;
  for (let dr = 0; dr < rows; dr++) {
    const o = dst + dr * rowStride; // out[n, oh0 + dr, ow0, 0]
    const src = y0 + dr * ytRow; // the tile's output (dr, 0)
    if (accumulate) for (let i = 0; i < run; i++) out[o + i] += yt[src + i];
    else for (let i = 0; i < run; i++) out[o + i] = yt[src + i];
  }
}

/**
 * padded [g, PH, PW, IC] ← images n0 .. n0 + g − 1 of inp, pixel (ih, iw) at (ih + padTop, iw + padLeft),
 * one memcpy per row (what lies outside PH × PW is never read). The borders are never written, so
 * they keep the zeros the buffer was made with.
 */
export function copyPadded(padded: Float32Array, inp: Float32Array, p: Pass, n0: number, g: number, PH: number, PW: number): void {
  const { IH, IW, IC, padTop, padLeft } = p;
  const rows = Math.min(IH, PH - padTop);
  const rowFloats = Math.min(IW, PW - padLeft) * IC;
  for (let nl = 0; nl < g; nl++) {
    for (let ih = 0; ih < rows; ih++) {
      const src = (((n0 + nl) * IH + ih) * IW) * IC;
      padded.set(inp.subarray(src, src + rowFloats), ((nl * PH + ih + padTop) * PW + padLeft) * IC);
    }
  }
}

/**
 * The direct loops of conv2d.ts for one tile's `rows`×`cols` output pixels (float64 sums, taps
 * outside inp skipped as the twin skips them), in the pass's orientation. Overwrites or accumulates
 * as the pass does.
 */
function directTile(
  out: Float32Array, inp: Float32Array, w: Float32Array, p: Pass, bias: Float32Array | null, relu: boolean,
  accumulate: boolean, n: number, oh0: number, ow0: number, rows: number, cols: number,
): void {
  const { IH, IW, IC, OH, OW, OC, padTop, padLeft, rotated } = p;
  for (let oh = oh0; oh < oh0 + rows; oh++) {
    for (let ow = ow0; ow < ow0 + cols; ow++) {
      for (let oc = 0; oc < OC; oc++) {
        let sum = accumulate || bias === null ? 0 : bias[oc];
        for (let kh = 0; kh < 3; kh++) {
          const ih = oh - padTop + kh;
          if (ih < 0 || ih >= IH) continue;
          for (let kw = 0; kw < 3; kw++) {
            const iw = ow - padLeft + kw;
            if (iw < 0 || iw >= IW) continue;
            const tap = rotated ? 8 - (3 * kh + kw) : 3 * kh + kw;
            for (let ic = 0; ic < IC; ic++) {
              // w [3, 3, CI, CO]: forward (ic, oc) = (ci, co); rotated (ic, oc) = (co, ci).
              const wi = tap * IC * OC + (rotated ? oc * IC + ic : ic * OC + oc);
              sum += inp[((n * IH + ih) * IW + iw) * IC + ic] * w[wi];
            }
          }
        }
        const at = ((n * OH + oh) * OW + ow) * OC + oc;
        if (accumulate) out[at] += sum;
        else out[at] = relu && sum < 0 ? 0 : sum;
      }
    }
  }
}
