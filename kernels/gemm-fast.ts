// The GEMM the rest of tatami calls: the WebAssembly SIMD version where the engine has SIMD,
// gemmBlocked (plain JS) where it does not. Same contract as gemmNaive (see gemm.ts):
//
//   C [M, N] = (accumulate ? C : bias or 0) + op(A) · op(B)     layouts 'nn', 'tn', 'nt'
//
// Why a switch at all: SIMD is in every current browser and Node ≥ 16.4, but not in Safari
// before 16.4 or in engines run with it turned off; there the readable JS version still works.

import { gemmBlocked, gemmBlockedBias, type GemmLayout } from './gemm.js';
import { gemmSimd, gemmSimdBias, simdAvailable } from './gemm-simd.js';

/** c [M, N] = (accumulate ? c : 0) + op(A)·op(B), by {@link gemmSimd} when SIMD is available, else {@link gemmBlocked}. */
export function gemmFast(
  c: Float32Array, a: Float32Array, b: Float32Array,
  M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean,
): void {
  if (simdAvailable) gemmSimd(c, a, b, M, N, K, layout, accumulate);
  else gemmBlocked(c, a, b, M, N, K, layout, accumulate);
}

/** {@link gemmFast} with a bias row and an optional fused ReLU when overwriting; see {@link gemmBlockedBias}. */
export function gemmFastBias(
  c: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null,
  M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean, relu = false,
): void {
  if (simdAvailable) gemmSimdBias(c, a, b, bias, M, N, K, layout, accumulate, relu);
  else gemmBlockedBias(c, a, b, bias, M, N, K, layout, accumulate, relu);
}
