// The optimizer updates the rest of tatami calls: Adam on WebAssembly SIMD (adam-simd.ts) where
// the engine has SIMD, the readable JS loop (optimizers.ts) where it does not; the same bits
// either way:
//
//   m ← m + (g − m)(1 − β₁);   v ← v + (g² − v)(1 − β₂);   w ← w − α · m / (√v + ε)
//
// Why a switch at all: see gemm-fast.ts (SIMD is missing in Safari < 16.4 and when disabled).
// Adam's state comes from here too (adamSlotsFast), so a big parameter's m and v can stay in wasm
// memory between steps.

import { adamUpdate } from './optimizers.js';
import { adamSlotsSimd, adamUpdateSimd } from './adam-simd.js';
import { simdAvailable } from './gemm-simd.js';

/** One Adam step in place, by {@link adamUpdateSimd} when SIMD is available, else {@link adamUpdate}. */
export function adamUpdateFast(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
  alpha: number, beta1: number, beta2: number, epsilon: number,
): void {
  if (simdAvailable) adamUpdateSimd(w, g, m, v, alpha, beta1, beta2, epsilon);
  else adamUpdate(w, g, m, v, alpha, beta1, beta2, epsilon);
}

// Below this a copy costs less than a few microseconds, and a memory of its own (64 KB at least,
// plus reserved address space) is not worth it.
const RESIDENT_MIN_FLOATS = 16384;

/**
 * Zeroed Adam state [m, v] for a parameter of P floats: in wasm memory of its own
 * ({@link adamSlotsSimd}, fewer copies per step) when SIMD is available and P is big enough for
 * the copies to matter, else plain Float32Arrays. Either way {@link adamUpdateFast} takes them.
 */
export function adamSlotsFast(P: number): [Float32Array, Float32Array] {
  const own = simdAvailable && P >= RESIDENT_MIN_FLOATS ? adamSlotsSimd(P) : null;
  return own ?? [new Float32Array(P), new Float32Array(P)];
}
