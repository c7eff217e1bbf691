// The GEMM the rest of tatami calls: the relaxed-SIMD version (fused multiply-add) where the
// engine has relaxed SIMD, else the WebAssembly SIMD version where it has SIMD, else gemmBlocked
// (plain JS). Same contract as gemmNaive (see gemm.ts):
//
//   C [M, N] = (accumulate ? C : bias or 0) + op(A) · op(B)     layouts 'nn', 'tn', 'nt'
//
// Why a switch at all: SIMD is in every current browser and Node ≥ 16.4, but not in Safari
// before 16.4 or in engines run with it turned off; there the readable JS version still works.
// Relaxed SIMD is on by default in Node ≥ 22 and Chrome ≥ 114; Node 20 needs
// --experimental-wasm-relaxed-simd (the bench and the CLI pass it, see package.json). The relaxed
// GEMM may round each multiply-add once instead of twice, so its sums can differ from the plain
// SIMD ones in the last bits; on one engine and machine it is deterministic.

import { gemmBlocked, gemmBlockedBias, type GemmLayout } from './gemm.js';
import { gemmRelaxedSimd, gemmRelaxedSimdBias, gemmSimd, gemmSimdBias, relaxedSimdAvailable, simdAvailable } from './gemm-simd.js';

/** c [M, N] = (accumulate ? c : 0) + op(A)·op(B), by the best of {@link gemmRelaxedSimd}, {@link gemmSimd}, {@link gemmBlocked} this engine runs. */
export function gemmFast(
  c: Float32Array, a: Float32Array, b: Float32Array,
  M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean,
): void {
  if (relaxedSimdAvailable) gemmRelaxedSimd(c, a, b, M, N, K, layout, accumulate);
  else if (simdAvailable) gemmSimd(c, a, b, M, N, K, layout, accumulate);
  else gemmBlocked(c, a, b, M, N, K, layout, accumulate);
}

/** {@link gemmFast} with a bias row and an optional fused ReLU when overwriting; see {@link gemmBlockedBias}. */
export function gemmFastBias(
  c: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null,
  M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean, relu = false,
): void {
  if (relaxedSimdAvailable) gemmRelaxedSimdBias(c, a, b, bias, M, N, K, layout, accumulate, relu);
  else if (simdAvailable) gemmSimdBias(c, a, b, bias, M, N, K, layout, accumulate, relu);
  else gemmBlockedBias(c, a, b, bias, M, N, K, layout, accumulate, relu);
}
