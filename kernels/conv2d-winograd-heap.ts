// One chunk of a Winograd pass (conv2d-winograd.ts's runPass; the filter gradient's below) done
// entirely in WebAssembly memory:
//
//   V[ξ] = (Bᵀ d B)[ξ]      winograd_input, from the chunk's padded rows       [16, tcPad, IC]
//   M[ξ] = V[ξ] · U[ξ]      the engine's GEMM kernel on V and U where they lie  [16, tcPad, OC]
//   Y    = Aᵀ M A (+ bias, ReLU, NaN/±Inf test)   winograd_output, in bands    as outputTransformChunkSimd
//
// What it optimizes: the chunk-by-chunk path copies V out of the heap after the input transform,
// the GEMM copies each V[ξ] back in and each M[ξ] out, and the output transform copies M in again:
// four passes over 16·tc·(IC + OC) floats that only move data. Here the three steps read each
// other's results in place; only the padded input rows go in and the finished outputs come out.
// Same kernels, same order of additions (gemm-simd-heap.ts), so the same bits as that path.
//
// Heap layout, in floats from 0 (the pass owns the whole heap from placeFilterInHeap to its end:
// nothing else runs on it in between):
//   zeros [OC]  |  U packed [16][⌈OC/NR⌉ strips, IC, NR]  |  the chunk: padded rows, V, M, yt, bias, flags
// V and M keep tcPad = ⌈tc/4⌉·4 rows a plane, since the GEMM's last row strip reads and writes 4
// rows; V's extra rows are zeroed so they stay finite (they only reach M's extra rows, never read).

import { gemmInHeap, packStripsInHeap, HEAP_GEMM_NR } from './gemm-simd-heap.js';
import { winogradExports, type OutputChunk } from './conv2d-winograd-simd.js';
import { chunkRows, forEachTileRun, tileStart, type TileGrid } from './conv2d-winograd-tiles.js';
import { vec4Ceil, type WasmHeap } from './wasm/heap.js';

/**
 * True when the chunks of a pass can run here: the channels it transforms as 4×4 input tiles (IC:
 * the forward's CI, the input gradient's CO, the filter gradient's CI) a multiple of 4, and the
 * GEMM's output columns (OC: CO, CI, CO) a multiple of its strip (8).
 */
export function winogradInHeapApplies(IC: number, OC: number): boolean {
  return IC % 4 === 0 && OC % HEAP_GEMM_NR === 0;
}

const zerosAt = 0;
const filterAt = (OC: number): number => vec4Ceil(OC);
const chunkAt = (IC: number, OC: number): number => filterAt(OC) + 16 * IC * OC;

/**
 * Places the zeros and U [16, IC, OC] (filterTransform's) packed for the GEMM at the start of `heap`,
 * before a pass's first chunk; false (nothing placed) when the heap cannot grow.
 */
export function placeFilterInHeap(u: Float32Array, IC: number, OC: number, heap: WasmHeap): boolean {
  const views = heap.views(chunkAt(IC, OC) * 4);
  if (views === null) return false;
  const { f32 } = views;
  f32.fill(0, zerosAt, zerosAt + OC);
  for (let xi = 0; xi < 16; xi++) packStripsInHeap(f32, filterAt(OC) + xi * IC * OC, u, xi * IC * OC, IC, OC);
  return true;
}

/** An output the chunk's results are added onto: out [N, OH, OW, OC], the group starting at image n0. */
export interface OntoRows { readonly out: Float32Array; readonly n0: number; readonly OH: number; readonly OW: number }

/**
 * The outputs of tiles t0 .. t0 + tc − 1 of `padded` (the grid's), as outputTransformChunkSimd
 * leaves them (bands of `grid.TW` tiles: tc a multiple of it), computed from U placed by
 * {@link placeFilterInHeap}; null, having written nothing past U, when the heap cannot grow. With
 * `onto`, each output already includes the value at its place in onto.out (the flags test the
 * chunk's own values), so that a store replaces instead of adding: two memcpys instead of a JS add.
 */
export function winogradChunkInHeap(
  padded: Float32Array, t0: number, tc: number, grid: TileGrid, OC: number, bias: Float32Array | null, relu: boolean, heap: WasmHeap,
  onto: OntoRows | null = null,
): OutputChunk | null {
  const { IC, TH, TW, PW } = grid;
  const { from, to } = chunkRows(grid, t0, tc, 4); // the last tile's 4 rows
  const tcPad = Math.ceil(tc / 4) * 4;
  const P_AT = chunkAt(IC, OC);
  const V_AT = P_AT + vec4Ceil(to - from); // (16, tcPad, IC)
  const M_AT = V_AT + 16 * tcPad * IC; // (16, tcPad, OC)
  const Y_AT = M_AT + 16 * tcPad * OC; // (tc / TW, 2, 2·TW, OC)
  const B_AT = Y_AT + 4 * tc * OC; // (OC): the bias, zeros without one
  const F_AT = B_AT + vec4Ceil(OC); // (tc, 4)
  const views = heap.views((F_AT + 4 * tc) * 4);
  if (views === null) return null;
  const { f32 } = views;
  const k = winogradExports(heap);
  f32.set(padded.subarray(from, to), P_AT);
  // 1. V: one call per run of tiles side by side in a tile row; the planes' extra rows zeroed.
  forEachTileRun(TW, t0, tc, (t, count) => {
    const src = (P_AT + tileStart(grid, t) - from) * 4;
    k.winograd_input((V_AT + (t - t0) * IC) * 4, src, count, IC / 4, PW * IC * 4, IC * 4, tcPad * IC * 4);
  });
  for (let xi = 0; xi < 16; xi++) f32.fill(0, V_AT + (xi * tcPad + tc) * IC, V_AT + (xi + 1) * tcPad * IC);
  // 2. M[ξ] = V[ξ] · U[ξ], 'nn': V[ξ] is [tc, IC] with rows IC floats apart.
  for (let xi = 0; xi < 16; xi++) {
    gemmInHeap(heap, tc, OC, IC, V_AT + xi * tcPad * IC, IC, 1, filterAt(OC) + xi * IC * OC, HEAP_GEMM_NR, IC * HEAP_GEMM_NR,
      M_AT + xi * tcPad * OC, zerosAt, false);
  }
  // 3. Y in bands of TW tiles, with the bias, the ReLU and each tile's finiteness flag.
  if (bias === null) f32.fill(0, B_AT, B_AT + OC);
  else f32.set(bias.subarray(0, OC), B_AT);
  const rowOut = 2 * TW * OC;
  if (onto !== null) {
    // The rows of onto.out under the chunk's bands (band b: tile row t0/TW + b of the group), placed
    // where their outputs will land; what lies past OH or OW is never stored.
    const { out, n0, OH, OW } = onto;
    for (let b = 0; b < tc / TW; b++) {
      const th = (t0 / TW + b) % TH;
      const n = n0 + (t0 / TW + b - th) / TH;
      for (let dr = 0; dr < 2 && 2 * th + dr < OH; dr++) {
        const row = ((n * OH + 2 * th + dr) * OW) * OC; // out[n, 2·th + dr, 0, 0]
        f32.set(out.subarray(row, row + OW * OC), Y_AT + (2 * b + dr) * rowOut);
      }
    }
  }
  const output = onto === null ? k.winograd_output : k.winograd_output_add;
  for (let t = 0; t < tc; t += TW) {
    output((Y_AT + 2 * (t / TW) * rowOut) * 4, (M_AT + t * OC) * 4, TW, OC / 4, tcPad * OC * 4,
      B_AT * 4, relu ? -1 : 0, (F_AT + 4 * t) * 4, rowOut * 4, 2 * OC * 4);
  }
  return { yt: f32.subarray(Y_AT, Y_AT + 4 * tc * OC), flags: f32.subarray(F_AT, F_AT + 4 * tc) };
}

// The filter gradient's chunks (conv2d-winograd-dw.ts) in wasm memory: the 16 sums S[ξ] [CI, CO]
// stay at the start of the heap over the whole pass, and each chunk adds V[ξ]ᵀ · E[ξ] onto them
// ('tn': V[ξ] [tc, CI] is A stored [K, M]; E[ξ] [tc, CO] is B, read unpacked, as gemmSimd does
// for M < 64). Layout: S [16, CI, CO] | the chunk: x's padded rows, dy's, V [16, tc, CI], E [16, tc, CO].

/** Zeroes S at the start of `heap` before a filter gradient's first chunk; false when the heap cannot grow. */
export function beginSumsInHeap(CI: number, CO: number, heap: WasmHeap): boolean {
  const views = heap.views(16 * CI * CO * 4);
  if (views === null) return false;
  views.f32.fill(0, 0, 16 * CI * CO);
  return true;
}

/**
 * The sums S [16, CI, CO] so far, as a view of the heap (copy it before another kernel runs there).
 * Read them only after beginSumsInHeap answered true: the heap then holds them (it never shrinks).
 */
export function sumsInHeap(CI: number, CO: number, heap: WasmHeap): Float32Array {
  const views = heap.views(16 * CI * CO * 4);
  if (views === null) throw new Error(`sumsInHeap: the heap cannot hold the sums [16, ${CI}, ${CO}] (${16 * CI * CO} floats)`);
  return views.f32.subarray(0, 16 * CI * CO);
}

/**
 * S[ξ] += V[ξ]ᵀ · E[ξ] for tiles t0 .. t0 + tc − 1: V from x's padded copy (grid `gx`, 4×4 tiles),
 * E from dy's (grid `gy`, 2×2 tiles); false, having written nothing past S, when the heap cannot grow.
 */
export function filterGradChunkInHeap(
  xPadded: Float32Array, dyPadded: Float32Array, t0: number, tc: number, gx: TileGrid, gy: TileGrid, heap: WasmHeap,
): boolean {
  const CI = gx.IC, CO = gy.IC;
  const rx = chunkRows(gx, t0, tc, 4), ry = chunkRows(gy, t0, tc, 2);
  const X_AT = 16 * CI * CO;
  const Y_AT = X_AT + vec4Ceil(rx.to - rx.from);
  const V_AT = Y_AT + vec4Ceil(ry.to - ry.from); // (16, tc, CI)
  const E_AT = V_AT + 16 * tc * CI; // (16, tc, CO)
  const views = heap.views((E_AT + 16 * tc * CO) * 4);
  if (views === null) return false;
  const { f32 } = views;
  const k = winogradExports(heap);
  f32.set(xPadded.subarray(rx.from, rx.to), X_AT);
  f32.set(dyPadded.subarray(ry.from, ry.to), Y_AT);
  // V and E: one call each per run of tiles side by side in a tile row (the two grids share TH and TW).
  forEachTileRun(gx.TW, t0, tc, (t, count) => {
    k.winograd_input((V_AT + (t - t0) * CI) * 4, (X_AT + tileStart(gx, t) - rx.from) * 4,
      count, CI / 4, gx.PW * CI * 4, CI * 4, tc * CI * 4);
    k.winograd_grad_output((E_AT + (t - t0) * CO) * 4, (Y_AT + tileStart(gy, t) - ry.from) * 4,
      count, CO / 4, gy.PW * CO * 4, CO * 4, tc * CO * 4);
  });
  // S[ξ] += V[ξ]ᵀ · E[ξ]: A(i, k) = V[ξ][k, i], B = E[ξ] as a plain [tc, CO] matrix.
  for (let xi = 0; xi < 16; xi++) {
    gemmInHeap(heap, CI, CO, tc, V_AT + xi * tc * CI, 1, CI, E_AT + xi * tc * CO, CO, HEAP_GEMM_NR, xi * CI * CO, 0, true);
  }
  return true;
}
