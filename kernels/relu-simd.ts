// The fused-ReLU backward pass of relu.ts on WebAssembly SIMD, bit-for-bit the same results:
//
//   reluBackwardBiasSimd:   dz[r,c] = y[r,c] > 0 ? dout[r,c] : 0            (overwrites dz)
//                           db[c] += Σ_r dz[r,c]  (float64 sums)            (accumulates db)
//
// y, dout, dz: [rows, C] (a conv output [N, OH, OW, CO] as N·OH·OW rows of CO); db: [C].
//
// What it optimizes: V8 runs the JS loops at ~4 ns per float (scalar, float32 ↔ float64
// conversions). Here the operands cross into wasm memory by TypedArray.set (~0.4 ns per float),
// the wasm loop handles four floats per instruction, and the result comes back by set, in chunks
// of ~64 KB (wasm/heap.ts's STREAM_CHUNK_FLOATS) that stay in cache between the copies and the
// pass. The module is wasm/relu-module.ts; the memory is the shared heap of wasm/heap.ts.
//
// Only call these when simdAvailable (gemm-simd.ts); relu-fast.ts picks them or relu.ts for you.
// reluBackwardBiasSimd with a bias and C not a multiple of 4 runs relu.ts's loop (the f64x2 sums
// walk whole vectors of channels); the mask-only pass takes any length.
// (The forward ReLU has no pass of its own here: the GEMM clamps the convolution's output before
// storing it, gemm-simd.ts.)

import { reluBackwardBias } from './relu.js';
import { reluModuleBytes } from './wasm/relu-module.js';
import { engineHeap, vec4Ceil, STREAM_CHUNK_FLOATS, type WasmHeap } from './wasm/heap.js';

/** The module's exports; addresses in bytes, counts ≥ 1. */
interface ReluExports {
  relu_mask(dz: number, dout: number, y: number, nVec: number): void;
  relu_mask_bias(dz: number, dout: number, y: number, sums: number, rows: number, cVec: number): void;
}

// Instantiated on a heap at its first call there, then reused (compiling costs ~0.1 ms).
const exports = (heap: WasmHeap): ReluExports => heap.instance('relu', reluModuleBytes) as unknown as ReluExports;

/**
 * dz = dout masked by y > 0 (overwrites), db += its column sums in float64 when db is given
 * (accumulates); the same bits as {@link reluBackwardBias}. dz, dout, y: [rows, C]; db: [C].
 * On `heap` (default: the engine's); when it cannot grow, reluBackwardBias itself.
 */
export function reluBackwardBiasSimd(
  dz: Float32Array, db: Float32Array | null, dout: Float32Array, y: Float32Array, C: number, heap: WasmHeap = engineHeap(),
): void {
  const n = y.length;
  if (db !== null && C % 4 !== 0) {
    reluBackwardBias(dz, db, dout, y, C); // the f64x2 sums need whole vectors of channels
    return;
  }
  if (n === 0) {
    if (db !== null) for (let c = 0; c < C; c++) db[c] += 0; // as relu.ts: adds its zero sums
    return;
  }
  // The pass streams through the heap in chunks of ~STREAM_CHUNK_FLOATS (whole rows with db, whose sums
  // run on in the heap from one chunk to the next, row by row as before: the same bits).
  const chunk = db === null ? Math.min(n, STREAM_CHUNK_FLOATS) : Math.max(1, Math.min(n / C, Math.floor(STREAM_CHUNK_FLOATS / C))) * C;
  // Heap, in floats: the float64 sums [C] (2C floats, only with db), a chunk of y, then the same
  // chunk of dout, which the kernel overwrites with dz in place (one operand less to hold and copy).
  const S_AT = 0; // (C) float64
  const Y_AT = db === null ? 0 : 2 * C; // (chunk); 2C is a multiple of 8 floats: 16-byte aligned
  const D_AT = Y_AT + vec4Ceil(chunk); // (chunk) dout in, dz out
  const views = heap.views((D_AT + vec4Ceil(chunk)) * 4);
  if (views === null) {
    reluBackwardBias(dz, db, dout, y, C); // the heap cannot grow: the JS twin, the same bits
    return;
  }
  const k = exports(heap);
  const { f32 } = views;
  if (db !== null) f32.fill(0, S_AT, S_AT + 2 * C); // the sums start at +0, as relu.ts's new Float64Array
  for (let from = 0; from < n; from += chunk) {
    const len = Math.min(chunk, n - from); // floats in this chunk (whole rows with db)
    f32.set(y.subarray(from, from + len), Y_AT);
    f32.set(dout.subarray(from, from + len), D_AT);
    // Without db the last chunk's vector may run past len: those lanes are never copied back.
    if (db === null) k.relu_mask(D_AT * 4, D_AT * 4, Y_AT * 4, vec4Ceil(len) / 4);
    else k.relu_mask_bias(D_AT * 4, D_AT * 4, Y_AT * 4, S_AT * 4, len / C, C / 4);
    dz.set(f32.subarray(D_AT, D_AT + len), from);
  }
  if (db !== null) {
    const sums = new Float64Array(f32.buffer, S_AT * 4, C); // (C)
    for (let c = 0; c < C; c++) db[c] += sums[c];
  }
}
