// The clipped ReLU of clipped-relu.ts on WebAssembly SIMD, bit-for-bit the same results:
//
//   clippedReluForwardSimd:   y = min(max(x, 0), top), NaN kept                 (overwrites y)
//   clippedReluBackwardSimd:  dx += dout · [0 < x < top]                        (accumulates dx)
//
// x, y, dout, dx: (n,), any n.
//
// What it optimizes: the op used to run these through the generic unary map, one closure call per
// float (~10 ns here: the map is shared by every unary op, so V8 cannot inline the closure), and a
// JS loop that tests the sign of random data mispredicts half its branches. Here each operand
// crosses into the shared wasm heap (wasm/heap.ts) with one TypedArray.set, the module
// (wasm/clipped-relu-module.ts) takes four floats per instruction with masks instead of branches,
// and the result comes back with one set. The last vector may run past n into the heap's slack:
// those lanes are computed and never copied back.
//
// Only call these when simdAvailable (gemm-simd.ts); the kernel table picks them or the JS twins.

import { clippedReluModuleBytes } from './wasm/clipped-relu-module.js';
import { engineHeap, vec4Ceil, type WasmHeap } from './wasm/heap.js';
import { clippedReluForward, clippedReluBackward } from './clipped-relu.js';

/** The module's exports; addresses in bytes, nVec ≥ 1. */
interface ClippedReluExports {
  clipped_relu(y: number, x: number, nVec: number, top: number): void;
  clipped_relu_grad(dx: number, dout: number, x: number, nVec: number, top: number): void;
}

// Built and instantiated on a heap at its first call there, then the same instance (WasmHeap.instance).
const exports = (heap: WasmHeap): ClippedReluExports => heap.instance('clipped-relu', clippedReluModuleBytes) as unknown as ClippedReluExports;

/** y = min(max(x, 0), top), NaN kept; the same bits as clippedReluForward (run instead when `heap` cannot grow). Overwrites y. */
export function clippedReluForwardSimd(y: Float32Array, x: Float32Array, top: number, heap: WasmHeap = engineHeap()): void {
  const n = x.length;
  if (n === 0) return;
  const n4 = vec4Ceil(n);
  // Heap, in floats: x, computed in place into y.
  const views = heap.views(n4 * 4);
  if (views === null) {
    clippedReluForward(y, x, top);
    return;
  }
  const { f32 } = views;
  f32.set(x, 0);
  exports(heap).clipped_relu(0, 0, n4 / 4, top);
  y.set(f32.subarray(0, n));
}

/** dx += dout · [0 < x < top]; the same bits as clippedReluBackward (run instead when `heap` cannot grow). Accumulates. */
export function clippedReluBackwardSimd(dx: Float32Array, dout: Float32Array, x: Float32Array, top: number, heap: WasmHeap = engineHeap()): void {
  const n = x.length;
  if (n === 0) return;
  const n4 = vec4Ceil(n);
  // Heap, in floats: dx, dout, x, each in whole vectors.
  const DOUT_AT = n4, X_AT = 2 * n4;
  const views = heap.views(3 * n4 * 4);
  if (views === null) {
    clippedReluBackward(dx, dout, x, top);
    return;
  }
  const { f32 } = views;
  f32.set(dx.subarray(0, n), 0);
  f32.set(dout.subarray(0, n), DOUT_AT);
  f32.set(x, X_AT);
  exports(heap).clipped_relu_grad(0, 4 * DOUT_AT, 4 * X_AT, n4 / 4, top);
  dx.set(f32.subarray(0, n));
}
