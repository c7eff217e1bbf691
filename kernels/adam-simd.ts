// Adam's update (Keras form, see optimizers.ts) on WebAssembly SIMD, bit-for-bit the same w, m, v
// as adamUpdate:
//
//   m ← m + (g − m)(1 − β₁);   v ← v + (g² − v)(1 − β₂);   w ← w − α · m / (√v + ε)
//
// w, g, m, v: [P] float32, one parameter tensor and its state; w, m, v updated in place.
//
// What it optimizes: the JS loop costs ~20 ns per parameter here (scalar math, a Math.fround
// after every operation, a sqrt and a divide per element): 217,610 parameters of the classic CNN
// take ~5 ms per step. The module (wasm/adam-module.ts) does four parameters per instruction in
// f32x4 lanes, ~1.6 ns per parameter. w, g, m, v cross into wasm memory with one TypedArray.set
// each and w, m, v come back with one each (7 copies of P floats, ~0.35 ns per float each here),
// which is most of the remaining cost. Keeping m and v resident in wasm memory would save 4 of
// the 7 copies, but the optimizer owns its state as Float32Arrays, which the serializer and tests
// read, and a growing wasm memory detaches every view of it; not done.
//
// Only call it when simdAvailable (gemm-simd.ts); optimizers-fast.ts picks for you.

import { adamModuleBytes } from './wasm/adam-module.js';
import { heapViews, instantiateOnHeap } from './wasm/heap.js';

/** The module's export: four byte addresses, the quad count, then the float32 constants. */
type AdamUpdateFn = (w: number, g: number, m: number, v: number, quads: number,
  oneMinusB1: number, oneMinusB2: number, alpha: number, epsilon: number) => void;

// Instantiated at the first call, then reused.
let adam: AdamUpdateFn | null = null;

/** One Adam step of one parameter tensor, in place; the same bits as {@link adamUpdate}. */
export function adamUpdateSimd(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
  alpha: number, beta1: number, beta2: number, epsilon: number,
): void {
  const P = w.length;
  if (P === 0) return;
  if (adam === null) adam = instantiateOnHeap(adamModuleBytes()).adam_update as AdamUpdateFn;
  // Heap, in floats: four operands of P floats, each rounded up to a multiple of 4 so each starts
  // 16-byte aligned. A P that is not a multiple of 4 computes up to 3 pad floats per operand (on
  // whatever they hold; float math cannot trap) that are never copied back.
  const stride = Math.ceil(P / 4) * 4;
  const W_AT = 0, G_AT = stride, M_AT = 2 * stride, V_AT = 3 * stride; // (P) each
  const { f32 } = heapViews(4 * stride * 4);
  f32.set(w, W_AT);
  f32.set(g.subarray(0, P), G_AT);
  f32.set(m.subarray(0, P), M_AT);
  f32.set(v.subarray(0, P), V_AT);
  // 1 − β is computed in float64 and then rounded to float32 (the f32 parameters round), exactly
  // as optimizers.ts does.
  adam(W_AT * 4, G_AT * 4, M_AT * 4, V_AT * 4, stride / 4, 1 - beta1, 1 - beta2, alpha, epsilon);
  w.set(f32.subarray(W_AT, W_AT + P));
  m.set(f32.subarray(M_AT, M_AT + P));
  v.set(f32.subarray(V_AT, V_AT + P));
}
