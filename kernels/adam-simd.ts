// Adam's update (Keras form, see optimizers.ts) on WebAssembly SIMD, bit-for-bit the same w, m, v
// as adamUpdate:
//
//   m ← m + (g − m)(1 − β₁);   v ← v + (g² − v)(1 − β₂);   w ← w − α · m / (√v + ε)
//
// w, g, m, v: [P] float32, one parameter tensor and its state; w, m, v updated in place.
//
// What it optimizes: the JS loop costs ~15–20 ns per parameter here (scalar float64 math plus a
// sqrt and a divide per element); 217,610 parameters of the classic CNN take ~4 ms per step. The
// module (wasm/adam-module.ts) does two parameters per instruction in f64x2 lanes, which is what
// keeps it bit-identical to the JS loop. w, g, m, v cross into wasm memory with one
// TypedArray.set each and w, m, v come back with one each (7 copies of P floats, ~0.4 ns each).
// (Keeping m and v resident in wasm memory would save 4 of the 7 copies, but the optimizer owns
// its state as Float32Arrays, which the serializer and tests read; not done, see the report.)
//
// Only call it when simdAvailable (gemm-simd.ts); optimizers-fast.ts picks for you.

import { adamModuleBytes } from './wasm/adam-module.js';
import { heapViews, instantiateOnHeap } from './wasm/heap.js';

/** The module's export: four byte addresses, the pair count, then the float64 constants. */
type AdamUpdateFn = (w: number, g: number, m: number, v: number, pairs: number,
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
  // 16-byte aligned. An odd P computes one pad float per operand that is never copied back.
  const stride = Math.ceil(P / 4) * 4;
  const W_AT = 0, G_AT = stride, M_AT = 2 * stride, V_AT = 3 * stride; // (P) each
  const { f32 } = heapViews(4 * stride * 4);
  f32.set(w, W_AT);
  f32.set(g.subarray(0, P), G_AT);
  f32.set(m.subarray(0, P), M_AT);
  f32.set(v.subarray(0, P), V_AT);
  // 1 − β is computed here in float64, exactly as optimizers.ts does.
  adam(W_AT * 4, G_AT * 4, M_AT * 4, V_AT * 4, Math.ceil(P / 2), 1 - beta1, 1 - beta2, alpha, epsilon);
  w.set(f32.subarray(W_AT, W_AT + P));
  m.set(f32.subarray(M_AT, M_AT + P));
  v.set(f32.subarray(V_AT, V_AT + P));
}
