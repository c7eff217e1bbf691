// 3×3 convolution with stride 1 by Winograd's F(2×2, 3×3), fused for layers with few channels (the
// small ResNet's 8 and 16). Same math as the direct twin in conv2d.ts:
//
//   forward     y[n,oh,ow,co] = b[co] + Σ_{kh,kw,ci} x[n, oh − padTop + kh, ow − padLeft + kw, ci] · w[kh,kw,ci,co]
//               (overwrites y; ReLU optional, NaN kept as reluInPlace keeps it)
//   input grad  dx[n,ih,iw,ci] += Σ_{kh,kw,co} dy[n, ih + padTop − kh, iw + padLeft − kw, co] · w[kh,kw,ci,co]
//               (accumulates dx): a correlation of dy with the filter turned 180° and its channel
//               axes swapped, padded by 2 − padTop, 2 − padLeft, so the same kernel runs it.
//
// Buffers (legend in conv-shape.ts): x, dx [N, H, W, CI]; w [3, 3, CI, CO] (HWIO); b [CO] or null;
// y, dy [N, OH, OW, CO]. Transforms and matrices: conv2d-winograd-transforms.ts (Lavin & Gray 2015).
//
// What it optimizes: a 2×2 output tile costs 16 multiply-adds per channel pair instead of the direct
// kernel's 36 (2.25× fewer), and the direct SIMD kernel (conv2d-direct-simd.ts) already runs near
// 128-bit wasm's multiply-add ceiling, so only less arithmetic can make these layers faster. The
// chunked Winograd of conv2d-winograd.ts runs its 16 products as GEMM calls over thousands of tiles
// with K = IC = 8 or 16: too little depth per call, and V and M pass through L2 (0.7–0.8× the direct
// kernel's speed on the resnet's 8 → 8 layer, src/conv2d-winograd-choice.ts). Here one module call (wasm/winograd-small-module.ts) walks all tile rows of the
// batch, and for each group of 4 tiles transforms the inputs, multiplies by U (16·IC·OC floats: 4 KB at
// 8 → 8, 16 KB at 16 → 16, so it stays in L1) and output-transforms into y, V and M never leaving L1.
// The group's tile count along a row is 4, with groups of 2 and 1 for the rest of a row, so no
// product is spent on tiles past the image (14 tiles: 4 + 4 + 4 + 2).
//
// Staging, as the direct kernel's: the input is copied into wasm memory zero-padded to
// [N, 2·TH + 2, 2·TW + 2, IC] (TH × TW tiles an image, ⌈OH/2⌉ × ⌈OW/2⌉) by the direct module's
// pad_rows; y is computed as [N, 2·TH, 2·TW, OC] and its real OH × OW pixels copied out. The input
// gradient places dx there first and adds onto it.
//
// NaN and ±Inf: the transforms turn an infinity into Inf − Inf = NaN where the direct loops give
// ±Inf, and a non-finite filter tap would reach border outputs whose padded taps the loops skip. So
// a non-finite filter goes to the naive loops at once, and the module sums (Σ of a tile's 4 outputs)·0
// over every tile and channel vector (0 while all are finite): if the call made any non-finite value
// (or a sum overflowed), its result is dropped and the naive loops compute the whole call (y or dx
// untouched until then). A non-finite x or dy always shows in
// the outputs whose window holds it (Inf·u and NaN·u are never finite), so nothing non-finite is lost.

import type { Conv2dShape } from './conv-shape.js';
import { conv2dForwardDirect, conv2dBackwardInputDirect } from './conv2d.js';
import { filterTransform } from './conv2d-winograd-transforms.js';
import { allFinite } from './all-finite.js';
import { reluInPlace } from './relu.js';
import { relaxedSimdAvailable, simdAvailable } from './gemm-simd.js';
import { conv2dDirectModuleBytes } from './wasm/conv2d-direct-module.js';
import { winogradSmallModuleBytes, type WinogradSmallSpec } from './wasm/winograd-small-module.js';
import { engineHeap, vec4Ceil, type WasmHeap } from './wasm/heap.js';

type WinoRowsFn = (
  y: number, x: number, u: number, bias: number, v: number, m: number, flags: number,
  nImages: number, TH: number, nGroups: number, xRow: number, xImg: number, yRow: number,
) => void;

type SmallExports = Record<`wino_${'bias' | 'relu' | 'add'}_${1 | 2 | 4}`, WinoRowsFn>;

interface PadRows {
  pad_rows(dst: number, src: number, nImages: number, nRows: number, rowBytes: number, srcRow: number, dstRow: number, srcImage: number, dstImage: number): void;
}

const smallExports = (heap: WasmHeap, spec: WinogradSmallSpec): SmallExports =>
  heap.instance(`winograd-small-${spec.IC}x${spec.OC}${spec.fma ? '-fma' : ''}`, () => winogradSmallModuleBytes(spec)) as unknown as SmallExports;
const padRows = (heap: WasmHeap): PadRows => heap.instance('conv2d-direct', conv2dDirectModuleBytes) as unknown as PadRows;

/** True for the convolutions this kernel computes: 3×3, stride 1, dilation 1, CI and CO multiples of 8, SIMD. */
export function winogradSmallApplies(s: Conv2dShape): boolean {
  return simdAvailable && s.KH === 3 && s.KW === 3 && s.strideH === 1 && s.strideW === 1 && s.dilationH === 1 && s.dilationW === 1 &&
    s.CI % 8 === 0 && s.CO % 8 === 0;
}

/** Throws, naming `op` and the shape, unless the fused small-channel Winograd applies to `s`. */
export function requireWinogradSmall(op: string, s: Conv2dShape): void {
  if (!winogradSmallApplies(s)) {
    throw new Error(`${op}: needs WebAssembly SIMD, a 3x3 kernel, stride 1, dilation 1 and channels that are multiples of 8, got kernel ` +
      `${s.KH}x${s.KW}, stride ${s.strideH}x${s.strideW}, dilation ${s.dilationH}x${s.dilationW}, CI ${s.CI}, CO ${s.CO}`);
  }
}

/**
 * One stride-1 3×3 correlation from `inp` [N, IH, IW, IC] to `out` [N, OH, OW, OC]: out pixel
 * (oh, ow) reads inp rows oh − padTop .. oh − padTop + 2 (and likewise columns), zero outside.
 * `rotated`: the filter is the input gradient's (see filterTransform).
 */
interface Pass {
  readonly N: number; readonly IH: number; readonly IW: number; readonly IC: number;
  readonly OH: number; readonly OW: number; readonly OC: number;
  readonly padTop: number; readonly padLeft: number; readonly rotated: boolean;
}

/**
 * y = conv2d(x, w) + bias (then clamped at 0 when `relu`); overwrites y. See the header. On `heap`
 * (default: the engine's); the naive loops when it cannot grow or when w or the result is not
 * finite. `fma`: the products fused (relaxed SIMD; default where the engine has it).
 */
export function conv2dForwardWinogradSmall(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape, relu = false,
  heap: WasmHeap = engineHeap(), fma = relaxedSimdAvailable,
): void {
  requireWinogradSmall('conv2dForwardWinogradSmall', s);
  const pass: Pass = { N: s.N, IH: s.H, IW: s.W, IC: s.CI, OH: s.OH, OW: s.OW, OC: s.CO, padTop: s.padTop, padLeft: s.padLeft, rotated: false };
  if (allFinite(w, 0, 9 * s.CI * s.CO) && runPass(y, x, w, bias, pass, relu, heap, fma)) return;
  conv2dForwardDirect(y, x, w, bias, s);
  if (relu) reluInPlace(y.subarray(0, s.N * s.OH * s.OW * s.CO));
}

/** dx += the gradient of y with respect to x, given dy. Accumulates. Fallbacks and `fma` as the forward's. */
export function conv2dBackwardInputWinogradSmall(
  dx: Float32Array, dy: Float32Array, w: Float32Array, s: Conv2dShape, heap: WasmHeap = engineHeap(), fma = relaxedSimdAvailable,
): void {
  requireWinogradSmall('conv2dBackwardInputWinogradSmall', s);
  const pass: Pass = { N: s.N, IH: s.OH, IW: s.OW, IC: s.CO, OH: s.H, OW: s.W, OC: s.CI, padTop: 2 - s.padTop, padLeft: 2 - s.padLeft, rotated: true };
  if (allFinite(w, 0, 9 * s.CI * s.CO) && runPass(dx, dy, w, null, pass, false, heap, fma)) return;
  conv2dBackwardInputDirect(dx, dy, w, s);
}

/**
 * Runs pass p in the heap: out = its result + bias (ReLU), or out += its result when p is the
 * input gradient's (`rotated`). True when done; false, out untouched, when the heap cannot grow or
 * a result is not finite.
 */
function runPass(out: Float32Array, inp: Float32Array, w: Float32Array, bias: Float32Array | null, p: Pass, relu: boolean, heap: WasmHeap, fma: boolean): boolean {
  const { N, IH, IW, IC, OH, OW, OC, padTop, padLeft, rotated } = p;
  const TH = Math.ceil(OH / 2), TW = Math.ceil(OW / 2);
  const PH = 2 * TH + 2, PW = 2 * TW + 2; // the padded input: every tile's 4×4 pixels inside
  const YH = 2 * TH, YW = 2 * TW; // the computed output, whole tiles
  const U_AT = 0, B_AT = U_AT + 16 * IC * OC, V_AT = B_AT + vec4Ceil(OC), M_AT = V_AT + 16 * 4 * IC, F_AT = M_AT + 16 * 4 * OC;
  const X_AT = F_AT + 4; // (N, PH, PW, IC)
  const Y_AT = X_AT + N * PH * PW * IC; // (N, YH, YW, OC)
  const STAGE_AT = Y_AT + N * YH * YW * OC; // inp before padding, then out without its extra pixels
  const views = heap.views((STAGE_AT + Math.max(N * IH * IW * IC, N * OH * OW * OC)) * 4);
  if (views === null) return false;
  const { f32 } = views;
  const k = smallExports(heap, { IC, OC, fma });
  filterTransform(f32.subarray(U_AT, U_AT + 16 * IC * OC), w, rotated ? OC : IC, rotated ? IC : OC, rotated);
  if (bias === null) f32.fill(0, B_AT, B_AT + OC);
  else f32.set(bias.subarray(0, OC), B_AT);
  f32.fill(0, F_AT, F_AT + 4);
  placeRows(heap, f32, X_AT, STAGE_AT, inp, N, IH, IW, IC, PH, PW, padTop, padLeft);
  if (rotated) placeRows(heap, f32, Y_AT, STAGE_AT, out, N, OH, OW, OC, YH, YW, 0, 0); // dx where the module adds onto it
  // Groups of 4 tiles along each tile row, then one of 2 and one of 1 for what is left.
  const n4 = Math.floor(TW / 4), rest = TW % 4;
  const runs: [1 | 2 | 4, number, number][] = [[4, 0, n4], [2, 4 * n4, rest >= 2 ? 1 : 0], [1, 4 * n4 + (rest >= 2 ? 2 : 0), rest % 2]];
  for (const [G, k0, nGroups] of runs) {
    if (nGroups === 0) continue;
    k[`wino_${rotated ? 'add' : relu ? 'relu' : 'bias'}_${G}`](4 * (Y_AT + 2 * k0 * OC), 4 * (X_AT + 2 * k0 * IC), 4 * U_AT, 4 * B_AT, 4 * V_AT, 4 * M_AT, 4 * F_AT,
      N, TH, nGroups, 4 * PW * IC, 4 * PH * PW * IC, 4 * YW * OC);
  }
  if (f32[F_AT] + f32[F_AT + 1] + f32[F_AT + 2] + f32[F_AT + 3] !== 0) return false; // a non-finite value: NaN flags
  // The real OH × OW pixels out.
  if (YH === OH && YW === OW) {
    out.set(f32.subarray(Y_AT, Y_AT + N * OH * OW * OC));
  } else {
    padRows(heap).pad_rows(4 * STAGE_AT, 4 * Y_AT, N, OH, 4 * OW * OC, 4 * YW * OC, 4 * OW * OC, 4 * YH * YW * OC, 4 * OH * OW * OC);
    out.set(f32.subarray(STAGE_AT, STAGE_AT + N * OH * OW * OC));
  }
  return true;
}

/**
 * heap[at ..] [N, Hh, Wh, C] ← src [N, rows, cols, C], pixel (r, c) at (top + r, left + c), zeros
 * around it (what falls past Hh × Wh is left out). The same layout is one set; else src goes whole
 * to heap[stage ..], the place is zeroed and the direct module's pad_rows moves it row by row (one
 * memory.copy a row), as conv2d-direct-simd.ts stages its operands. The heap must hold both.
 */
export function placeRows(
  heap: WasmHeap, f32: Float32Array, at: number, stage: number, src: Float32Array, N: number, rows: number, cols: number, C: number,
  Hh: number, Wh: number, top: number, left: number,
): void {
  const n = N * rows * cols * C;
  if (rows === Hh && cols === Wh && top === 0 && left === 0) {
    f32.set(src.subarray(0, n), at);
    return;
  }
  f32.fill(0, at, at + N * Hh * Wh * C);
  f32.set(src.subarray(0, n), stage);
  const nRows = Math.min(rows, Hh - top), nCols = Math.min(cols, Wh - left);
  padRows(heap).pad_rows(4 * (at + (top * Wh + left) * C), 4 * stage, N, nRows, 4 * nCols * C, 4 * cols * C, 4 * Wh * C, 4 * rows * cols * C, 4 * Hh * Wh * C);
}
