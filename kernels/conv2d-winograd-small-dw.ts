// The filter gradient of a 3×3 stride-1 convolution by Winograd's F(2×2, 3×3), fused for layers with
// few channels, beside the forward and input gradient of conv2d-winograd-small.ts. Same math as the
// direct twin in conv2d.ts:
//
//   dw[kh,kw,ci,co] += Σ_{n,oh,ow} dy[n,oh,ow,co] · x[n, oh − padTop + kh, ow − padLeft + kw, ci]   accumulates dw
//   db[co]          += Σ_{n,oh,ow} dy[n,oh,ow,co]                                                   accumulates db (when given)
//
// Buffers (legend in conv-shape.ts): x [N, H, W, CI]; dy [N, OH, OW, CO]; dw [3, 3, CI, CO]; db [CO].
//
// The identity (derived in conv2d-winograd-transforms.ts, as conv2d-winograd-dw.ts uses it):
//   dW = G̃ᵀ [ Σ_tiles (Ã e Ãᵀ) ⊙ (Bᵀ d B) ] G̃,   S[ξ] [CI, CO] = Σ_tiles V[ξ]ᵀ · E[ξ]
// with d a tile's 4×4 input pixels and e its 2×2 pixels of dy: 16 multiply-adds per tile and channel
// pair instead of the direct kernel's 36. The module (wasm/winograd-small-dw-module.ts's
// wino_filter_grad) transforms one tile row's V and E into L1 and adds its products onto S, which
// stays in the heap; filterGradTransform then gives the 9 taps.
//
// What it optimizes: the direct SIMD filter gradient (conv2d-direct-simd.ts) ran the small ResNet's
// 8 → 8 and 16 → 16 layers near wasm's multiply-add ceiling, so less arithmetic is the way left;
// the chunked Winograd filter gradient's GEMMs have K = tiles but only 8 or 16 rows and columns.
// The bias's sums come from the same copy of dy in the heap, as conv2d-direct-simd.ts's
// conv2dBackwardFilterBiasDirectSimd takes them (the same bits).
//
// Staging: x zero-padded as the forward stages it, dy zero-padded to whole tiles [N, 2·TH, 2·TW, CO]
// (a tile past OH or OW then adds 0 for its missing pixels).
//
// NaN and ±Inf: the transforms turn an infinity into NaN beside the twin's ±Inf, and the padding's
// zeros meet a non-finite dy at the border where the loops skip it, so a result holding a
// non-finite value is recomputed by the naive loops (0·x is never non-finite for a finite x, so a
// finite result came from finite terms).

import type { Conv2dShape } from './conv-shape.js';
import { conv2dBackwardFilterDirect, conv2dBackwardBias } from './conv2d.js';
import { filterGradTransform } from './conv2d-winograd-transforms.js';
import { allFinite } from './all-finite.js';
import { relaxedSimdAvailable } from './gemm-simd.js';
import { channelSumsInHeap } from './elementwise-simd.js';
import { placeRows, requireWinogradSmall } from './conv2d-winograd-small.js';
import { winogradSmallDwModuleBytes } from './wasm/winograd-small-dw-module.js';
import type { WinogradSmallSpec } from './wasm/winograd-small-module.js';
import { engineHeap, vec4Ceil, type WasmHeap } from './wasm/heap.js';

interface SmallDwExports {
  wino_filter_grad(sums: number, x: number, dy: number, v: number, e: number, nImages: number, TH: number, TW: number, xRow: number, xImg: number, dyRow: number): void;
}

const smallDwExports = (heap: WasmHeap, spec: WinogradSmallSpec): SmallDwExports =>
  heap.instance(`winograd-small-dw-${spec.IC}x${spec.OC}${spec.fma ? '-fma' : ''}`, () => winogradSmallDwModuleBytes(spec)) as unknown as SmallDwExports;

/**
 * dw += the filter gradient, and db += dy's channel sums when db is given (see the header).
 * Accumulates into both. On `heap` (default: the engine's); the naive loops when it cannot grow or
 * dw's part is not finite. `fma`: the products fused (relaxed SIMD; default where the engine has it).
 */
export function conv2dBackwardFilterBiasWinogradSmall(
  dw: Float32Array, db: Float32Array | null, dy: Float32Array, x: Float32Array, s: Conv2dShape,
  heap: WasmHeap = engineHeap(), fma = relaxedSimdAvailable,
): void {
  requireWinogradSmall('conv2dBackwardFilterBiasWinogradSmall', s);
  const { N, H, W, CI, CO, OH, OW } = s;
  const TH = Math.ceil(OH / 2), TW = Math.ceil(OW / 2);
  const PH = 2 * TH + 2, PW = 2 * TW + 2; // x padded: every tile's 4×4 pixels inside
  const YH = 2 * TH, YW = 2 * TW; // dy padded to whole tiles
  const S_AT = 0, V_AT = S_AT + 16 * CI * CO, E_AT = V_AT + 16 * TW * CI, SUMS_AT = E_AT + 16 * TW * CO;
  const X_AT = SUMS_AT + vec4Ceil(2 * CO); // (N, PH, PW, CI)
  const DY_AT = X_AT + N * PH * PW * CI; // (N, YH, YW, CO)
  const STAGE_AT = DY_AT + N * YH * YW * CO; // x, then dy, before padding
  const views = heap.views((STAGE_AT + Math.max(N * H * W * CI, N * OH * OW * CO)) * 4);
  if (views === null) {
    // the heap cannot grow
    if (db !== null) conv2dBackwardBias(db, dy, s);
    conv2dBackwardFilterDirect(dw, dy, x, s);
    return;
  }
  const { f32 } = views;
  placeRows(heap, f32, X_AT, STAGE_AT, x, N, H, W, CI, PH, PW, s.padTop, s.padLeft);
  if (db !== null && N * OH * OW > 0) {
    // The bias's sums from dy as it lies before padding: conv2dBackwardFilterBiasDirectSimd's bits.
    f32.set(dy.subarray(0, N * OH * OW * CO), STAGE_AT);
    f32.fill(0, SUMS_AT, SUMS_AT + 2 * CO); // the float64 sums start at +0
    const sums = new Float64Array(CO); // (CO)
    channelSumsInHeap(sums, heap, STAGE_AT, SUMS_AT, N * OH * OW, CO);
    for (let co = 0; co < CO; co++) db[co] += sums[co];
  }
  placeRows(heap, f32, DY_AT, STAGE_AT, dy, N, OH, OW, CO, YH, YW, 0, 0);
  f32.fill(0, S_AT, S_AT + 16 * CI * CO);
  smallDwExports(heap, { IC: CI, OC: CO, fma }).wino_filter_grad(4 * S_AT, 4 * X_AT, 4 * DY_AT, 4 * V_AT, 4 * E_AT, N, TH, TW,
    4 * PW * CI, 4 * PH * PW * CI, 4 * YW * CO);
  const g = new Float32Array(9 * CI * CO); // (3, 3, CI, CO)
  filterGradTransform(g, f32.subarray(S_AT, S_AT + 16 * CI * CO), CI, CO);
  if (!allFinite(g, 0, g.length)) {
    conv2dBackwardFilterDirect(dw, dy, x, s); // see the header
    return;
  }
  for (let i = 0; i < g.length; i++) dw[i] += g[i];
}
