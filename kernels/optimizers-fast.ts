// The optimizer updates the rest of tatami calls: Adam on WebAssembly SIMD (adam-simd.ts) where
// the engine has SIMD, the readable JS loop (optimizers.ts) where it does not; the same bits
// either way:
//
//   m ← m + (g − m)(1 − β₁);   v ← v + (g² − v)(1 − β₂);   w ← w − α · m / (√v + ε)
//
// Why a switch at all: see gemm-fast.ts (SIMD is missing in Safari < 16.4 and when disabled).

import { adamUpdate } from './optimizers.js';
import { adamUpdateSimd } from './adam-simd.js';
import { simdAvailable } from './gemm-simd.js';

/** One Adam step in place, by {@link adamUpdateSimd} when SIMD is available, else {@link adamUpdate}. */
export function adamUpdateFast(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
  alpha: number, beta1: number, beta2: number, epsilon: number,
): void {
  if (simdAvailable) adamUpdateSimd(w, g, m, v, alpha, beta1, beta2, epsilon);
  else adamUpdate(w, g, m, v, alpha, beta1, beta2, epsilon);
}
