// Elementwise passes on WebAssembly SIMD, for the ops that run them on whole activations
// (the module is wasm/elementwise-module.ts; the memory is the shared heap of wasm/heap.ts).
//
//   reluSimd:         y[i] = x[i] < 0 ? +0 : x[i]   (max(x, 0), NaN and ±0 kept)      overwrites y
//   addRowsSimd:      y[r,c] = x[r,c] + b[c]          (a bias over the channels)         overwrites y
//   channelSumsSimd:  sums[c] += Σ_r x[r,c]           (a bias's gradient; float64 sums)   accumulates
//   sumSimd:          y[i] = x_0[i] + x_1[i] + …      (the Add merge; y may be x_0, so    overwrites y
//                                                      it also adds a gradient into another)
//
// x, y [rows, C] (or any length for reluSimd); b [C]; sums [C] float64. Naive twins: relu.ts's
// reluInPlace on a copy (the same bits: the select is relu-module.ts's `v & ~(v < 0)`, the one the
// GEMM applies to a conv's output), elementwise.ts's binaryBroadcast with add (the same bits: one
// float32 addition, correctly rounded either way), reduce.ts's reduceSumTo (within a tolerance:
// this adds the rows in order in float64, the twin in float32), merge.ts's sumForward (the same
// bits: the same float32 additions in the same order).
//
// What they optimize: the JS loops cost ~1–6 ns per float (scalar; the ReLU's sign branch is
// mispredicted half the time on random signs). Here the operand crosses into wasm memory with one
// TypedArray.set (channelSumsSimd: in chunks of STREAM_CHUNK_FLOATS, wasm/heap.ts, summed while in
// cache), the pass handles four floats per instruction, and the result comes back with one set
// (~0.5 ns per float in all).
//
// Each runs on `heap` (default: the engine's); when it cannot grow, the JS loops give the same
// bits: reluInPlace, binaryBroadcast with add, the module's float64 sums in row order (the
// loop of conv2d.ts's conv2dBackwardBias), and sumForward.
//
// Only call these when simdAvailable (gemm-simd.ts); addRowsSimd and channelSumsSimd need C % 4 = 0.

import { elementwiseModuleBytes } from './wasm/elementwise-module.js';
import { engineHeap, vec4Ceil, STREAM_CHUNK_FLOATS, type WasmHeap } from './wasm/heap.js';
import { reluInPlace } from './relu.js';
import { binaryBroadcast, binaryFunctions } from './elementwise.js';
import { sumForward } from './merge.js';

/** The module's exports; addresses in bytes, counts ≥ 1. */
interface ElementwiseExports {
  relu_in_place(p: number, nVec: number): void;
  add_rows(y: number, x: number, b: number, rows: number, cVec: number): void;
  channel_sums(x: number, s: number, rows: number, cVec: number): void;
  channel_sums_pairs: ElementwiseExports['channel_sums'];
}

const V128_BYTES = 16; // bytes per vector of four floats

// Instantiated on a heap at its first call there, then reused (the heap keeps the instance).
const exports = (heap: WasmHeap): ElementwiseExports =>
  heap.instance('elementwise', elementwiseModuleBytes) as unknown as ElementwiseExports;

/**
 * y = max(x, 0) with NaN and ±0 kept, as relu.ts's reluInPlace; overwrites y. On `heap` (default:
 * the engine's); when it cannot grow, reluInPlace on a copy.
 */
export function reluSimd(y: Float32Array, x: Float32Array, heap: WasmHeap = engineHeap()): void {
  const n = x.length;
  if (n === 0) return;
  // The heap holds x rounded up to whole vectors; the lanes past n are never copied back.
  const views = heap.views(vec4Ceil(n) * 4);
  if (views === null) {
    // The heap cannot grow: the JS twin, the same bits.
    y.set(x);
    reluInPlace(y);
    return;
  }
  const k = exports(heap);
  const { f32 } = views;
  f32.set(x, 0);
  k.relu_in_place(0, vec4Ceil(n) / 4);
  y.set(f32.subarray(0, n));
}

/**
 * y[r,c] = x[r,c] + b[c] over rows × C, C a multiple of 4; overwrites y. On `heap` (default: the
 * engine's); when it cannot grow, elementwise.ts's binaryBroadcast with add.
 */
export function addRowsSimd(y: Float32Array, x: Float32Array, b: Float32Array, rows: number, C: number, heap: WasmHeap = engineHeap()): void {
  const n = rows * C;
  if (n === 0) return;
  // Heap, in floats: b [C], then x, which becomes y in place.
  const views = heap.views((C + n) * 4);
  if (views === null) {
    // The heap cannot grow: the naive twin, the same bits (one float32 addition per element).
    binaryBroadcast(y, x, [rows, C], b, [C], [rows, C], binaryFunctions.add);
    return;
  }
  const { f32 } = views;
  const k = exports(heap);
  f32.set(b, 0);
  f32.set(x, C);
  k.add_rows(C * 4, C * 4, 0, rows, C / 4);
  y.set(f32.subarray(C, C + n));
}

/**
 * sums[c] += Σ_r x[r,c] over rows × C, C a multiple of 4, rows added in order in float64; accumulates.
 * On `heap` (default: the engine's); when it cannot grow, the same sums in a JS loop.
 */
export function channelSumsSimd(sums: Float64Array, x: Float32Array, rows: number, C: number, heap: WasmHeap = engineHeap()): void {
  if (rows === 0) return;
  // Heap, in floats: the float64 sums [C] (2C floats), then a chunk of x's rows [chunkRows, C].
  const chunkRows = Math.max(1, Math.min(rows, Math.floor(STREAM_CHUNK_FLOATS / C)));
  const views = heap.views((2 * C + chunkRows * C) * 4);
  if (views === null) {
    // The heap cannot grow: conv2d.ts's conv2dBackwardBias loop, rows in order in float64 as the
    // module adds them (each float32 widened exactly), so the same bits.
    for (let r = 0; r < rows; r++) {
      const off = r * C; // row r of x
      for (let c = 0; c < C; c++) sums[c] += x[off + c];
    }
    return;
  }
  const k = exports(heap);
  f32Sums(views.f32, 0, C).set(sums);
  // Chunk by chunk, the sums carried in the heap: each channel still adds its rows in order.
  for (let r = 0; r < rows; r += chunkRows) {
    const count = Math.min(chunkRows, rows - r); // rows in this chunk
    views.f32.set(x.subarray(r * C, (r + count) * C), 2 * C);
    channelSumsPass(k, 2 * C, 0, count, C);
  }
  sums.set(f32Sums(views.f32, 0, C));
}

/** The module's channel sums of rows × C floats at float index xAt onto the float64 sums at sAt. */
function channelSumsPass(k: ElementwiseExports, xAt: number, sAt: number, rows: number, C: number): void {
  // Eight channels a row step where C allows (the same bits; 0.031 → 0.024 ms at the ResNet's 25,088 × 8).
  (C % 8 === 0 ? k.channel_sums_pairs : k.channel_sums)(xAt * 4, sAt * 4, rows, C / 4);
}

/** The float64 sums [C] at float index `at` of the heap (8-byte aligned: `at` even). */
const f32Sums = (f32: Float32Array, at: number, C: number): Float64Array => new Float64Array(f32.buffer, at * 4, C);

/**
 * channelSumsSimd on rows × C floats already in the heap at float index xAt (a kernel that placed
 * them for its own use, e.g. conv2d-direct-simd.ts's dy): the float64 sums [C] start from heap[sAt ..]
 * (sAt even, 2C floats, the caller's starting values) and end in `sums` (overwritten). The same
 * module function, so the same bits as channelSumsSimd from those starting values.
 */
export function channelSumsInHeap(sums: Float64Array, heap: WasmHeap, xAt: number, sAt: number, rows: number, C: number): void {
  const views = heap.views((Math.max(xAt + rows * C, sAt + 2 * C)) * 4);
  if (views === null) throw new Error('channelSumsInHeap: the heap does not hold the operands it was given');
  channelSumsPass(exports(heap), xAt, sAt, rows, C);
  sums.set(f32Sums(views.f32, sAt, C));
}

/**
 * y = x_0 + x_1 + …, added input by input as merge.ts's sumForward; overwrites y, which may be x_0
 * (y += x_1: how a gradient reaching a tensor from a second consumer is added in). Every xs[k] has
 * y's length. On `heap` (default: the engine's); when it cannot grow, sumForward.
 */
export function sumSimd(y: Float32Array, xs: readonly Float32Array[], heap: WasmHeap = engineHeap()): void {
  const n = y.length;
  if (n === 0) return;
  // Heap, in floats: the running sum, then the input being added, each rounded up to whole vectors
  // (add_rows over one row of nVec vectors is an elementwise add; the lanes past n are never copied back).
  const nVec = vec4Ceil(n) / 4;
  const views = xs.length < 2 ? null : heap.views(2 * nVec * V128_BYTES);
  if (views === null) {
    // One input (a copy), or the heap cannot grow: the twin, the same bits.
    sumForward(y, xs);
    return;
  }
  const { f32 } = views;
  const k = exports(heap);
  const second = 4 * nVec; // where the input being added sits, in floats
  f32.set(xs[0], 0);
  for (let i = 1; i < xs.length; i++) {
    f32.set(xs[i], second);
    k.add_rows(0, 0, second * 4, 1, nVec);
  }
  y.set(f32.subarray(0, n));
}
