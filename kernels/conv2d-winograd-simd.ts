// Winograd's input and output transforms (conv2d-winograd-transforms.ts's inputTransform,
// outputTransformTile and gradOutputTransform, their twins) on WebAssembly SIMD, for a chunk of
// tiles whose channel counts are multiples of 4:
//
//   inputTransformChunkSimd    v [16, tc, IC] ← (Bᵀ d B)[ξ] of tiles t0 .. t0 + tc − 1 (overwritten);
//                              d = the tile's 4×4 pixels in padded [g, PH, PW, IC], tile (nl, th, tw)
//                              starting at row 2·th, column 2·tw
//   outputTransformChunkSimd   yt ← Aᵀ m A + bias (then ReLU) of every tile, m from mm [16, tc, OC],
//                              in bands of tiles side by side, with a NaN/±Inf test per tile
//   gradOutputTransformChunkSimd ed [16, tc, OC] ← (Ã e Ãᵀ)[ξ] of tiles t0 .. t0 + tc − 1 (overwritten);
//                              e = the tile's 2×2 pixels of dy in padded [g, PH, PW, OC], the
//                              filter gradient's (conv2d-winograd-dw.ts)
//
// What it optimizes: the JS transforms are scalar, with a float32 → float64 conversion per load and
// back per store; the input transform alone cost about as much as the 16 GEMMs (profiled on
// 8×56×56×64→64), the output transform half that. Here four channels go through each add. Operands
// cross into the shared heap with one TypedArray.set each; the module (wasm/winograd-module.ts)
// walks a run of tiles per call. Results may differ from the JS ones in the last bit (float32 adds).
//
// All run on `heap` (default: the engine's) and answer null or false, having done nothing, when it cannot
// grow: runPass (conv2d-winograd.ts) then runs the JS transforms for that chunk.

import { engineHeap, vec4Ceil, type WasmHeap } from './wasm/heap.js';
import { winogradModuleBytes } from './wasm/winograd-module.js';
import { chunkRows, forEachTileRun, tileStart, type TileGrid } from './conv2d-winograd-tiles.js';

interface WinogradExports {
  winograd_input(v: number, src: number, count: number, icVec: number, rowStride: number, colStride: number, plane: number): void;
  winograd_output(
    yt: number, m: number, count: number, ocVec: number, plane: number, bias: number, relu: number, flags: number, rowBytes: number, tileBytes: number,
  ): void;
  winograd_output_add(
    yt: number, m: number, count: number, ocVec: number, plane: number, bias: number, relu: number, flags: number, rowBytes: number, tileBytes: number,
  ): void;
  winograd_grad_output(ed: number, src: number, count: number, ocVec: number, rowStride: number, colStride: number, plane: number): void;
}

// Built and instantiated on a heap at its first call there, then the same instance (WasmHeap.instance).
export const winogradExports = (heap: WasmHeap): WinogradExports => heap.instance('winograd', winogradModuleBytes) as unknown as WinogradExports;

/**
 * v [16, tc, IC] ← the input transforms of tiles t0 .. t0 + tc − 1 of `padded`; true, or false (v
 * untouched) when `heap` cannot grow. Needs IC % 4 = 0 and SIMD.
 */
export function inputTransformChunkSimd(
  v: Float32Array, padded: Float32Array, t0: number, tc: number, grid: TileGrid, heap: WasmHeap = engineHeap(),
): boolean {
  if (grid.IC % 4 !== 0) throw new Error(`inputTransformChunkSimd: channels must be a multiple of 4, got ${grid.IC}`);
  return tileTransformChunk(v, padded, t0, tc, grid, 4, heap);
}

/**
 * ed [16, tc, OC] ← the filter gradient's transforms Ã e Ãᵀ of tiles t0 .. t0 + tc − 1 of
 * `padded` (dy zero-padded to [g, PH, PW, OC] with PH = 2·TH, PW = 2·TW; grid.IC is OC here); true,
 * or false (ed untouched) when `heap` cannot grow. Needs OC % 4 = 0 and SIMD.
 */
export function gradOutputTransformChunkSimd(
  ed: Float32Array, padded: Float32Array, t0: number, tc: number, grid: TileGrid, heap: WasmHeap = engineHeap(),
): boolean {
  if (grid.IC % 4 !== 0) throw new Error(`gradOutputTransformChunkSimd: channels must be a multiple of 4, got ${grid.IC}`);
  return tileTransformChunk(ed, padded, t0, tc, grid, 2, heap);
}

/**
 * The chunk of `padded` rows the tiles read, copied into the heap, then one module call per run
 * of tiles side by side in a tile row: winograd_input for 4×4 tiles, winograd_grad_output for 2×2.
 */
function tileTransformChunk(
  out: Float32Array, padded: Float32Array, t0: number, tc: number, grid: TileGrid, tileRows: 2 | 4, heap: WasmHeap,
): boolean {
  const { IC, TW, PW } = grid;
  const { from, to } = chunkRows(grid, t0, tc, tileRows); // the last tile's rows, all in the copy
  // Heap, in floats: the chunk's padded rows, then the 16 planes.
  const P_AT = 0;
  const V_AT = vec4Ceil(to - from);
  const views = heap.views((V_AT + 16 * tc * IC) * 4);
  if (views === null) return false; // the heap cannot grow (asked before instantiating: nothing is built)
  const { f32 } = views;
  const k = winogradExports(heap);
  const transform = tileRows === 4 ? k.winograd_input : k.winograd_grad_output;
  f32.set(padded.subarray(from, to), P_AT);
  forEachTileRun(TW, t0, tc, (t, count) => {
    const src = (P_AT + tileStart(grid, t) - from) * 4;
    transform((V_AT + (t - t0) * IC) * 4, src, count, IC / 4, PW * IC * 4, IC * 4, tc * IC * 4);
  });
  out.set(f32.subarray(V_AT, V_AT + 16 * tc * IC));
  return true;
}

/** What {@link outputTransformChunkSimd} leaves in the shared heap (read both before the next heap kernel runs). */
export interface OutputChunk {
  /** [tc / bandTiles, 2, 2·bandTiles, OC]: Aᵀ m A + bias, clamped at 0 when asked; tiles side by side in bands of two rows. */
  readonly yt: Float32Array;
  /** [tc, 4]: per tile, 0 when all its values before the ReLU are finite, NaN when one is not. */
  readonly flags: Float32Array;
}

/**
 * yt ← Aᵀ m A + bias (then ReLU when `relu`, NaN kept as relu.ts) for the tc tiles of
 * mm [16, tc, OC], and each tile's finiteness test; null when `heap` cannot grow. The tiles are
 * laid out as they sit in the output: `bandTiles` side by side in a band of 2 rows
 * (yt [tc / bandTiles, 2, 2·bandTiles, OC]; bandTiles = 1 gives [tc, 2, 2, OC]), so that a whole
 * tile row of an image leaves as 2 runs of contiguous floats. Needs OC % 4 = 0, tc a multiple of
 * bandTiles, and SIMD.
 */
export function outputTransformChunkSimd(
  mm: Float32Array, tc: number, OC: number, bias: Float32Array | null, relu: boolean, bandTiles: number, heap: WasmHeap = engineHeap(),
): OutputChunk | null {
  if (OC % 4 !== 0) throw new Error(`outputTransformChunkSimd: channels must be a multiple of 4, got ${OC}`);
  if (tc % bandTiles !== 0) throw new Error(`outputTransformChunkSimd: ${tc} tiles are not whole bands of ${bandTiles}`);
  // Heap, in floats: M [16, tc, OC], yt (4·tc·OC), the bias [OC] (zeros without one), flags [tc, 4].
  const M_AT = 0;
  const Y_AT = 16 * tc * OC;
  const B_AT = Y_AT + 4 * tc * OC;
  const F_AT = B_AT + OC;
  const views = heap.views((F_AT + 4 * tc) * 4);
  if (views === null) return null; // the heap cannot grow
  const { f32 } = views;
  const k = winogradExports(heap);
  f32.set(mm.subarray(0, 16 * tc * OC), M_AT);
  if (bias === null) f32.fill(0, B_AT, B_AT + OC);
  else f32.set(bias.subarray(0, OC), B_AT);
  const rowFloats = 2 * bandTiles * OC;
  // One call per band: its tiles are two pixels apart, its second row one yt row on.
  for (let t = 0; t < tc; t += bandTiles) {
    k.winograd_output((Y_AT + 2 * (t / bandTiles) * rowFloats) * 4, (M_AT + t * OC) * 4, bandTiles, OC / 4, tc * OC * 4,
      B_AT * 4, relu ? -1 : 0, (F_AT + 4 * t) * 4, rowFloats * 4, 2 * OC * 4);
  }
  return { yt: f32.subarray(Y_AT, Y_AT + 4 * tc * OC), flags: f32.subarray(F_AT, F_AT + 4 * tc) };
}
