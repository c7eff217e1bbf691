// The fused-ReLU passes the rest of tatami calls: the WebAssembly SIMD versions (relu-simd.ts)
// where the engine has SIMD, the readable JS loops (relu.ts) where it does not. Same contract
// and the same bits either way:
//
//   reluInPlace:        y ← max(y, 0), NaN → 0                          (overwrites y)
//   reluBackwardBias:   dz[r,c] = dout[r,c] · [y[r,c] > 0];  db[c] += Σ_r dz[r,c]  (overwrites dz, accumulates db)
//
// Why a switch at all: see gemm-fast.ts (SIMD is missing in Safari < 16.4 and when disabled).

import { reluInPlace, reluBackwardBias } from './relu.js';
import { reluInPlaceSimd, reluBackwardBiasSimd } from './relu-simd.js';
import { simdAvailable } from './gemm-simd.js';

/** y ← max(y, 0) in place, by {@link reluInPlaceSimd} when SIMD is available, else {@link reluInPlace}. */
export function reluInPlaceFast(y: Float32Array): void {
  if (simdAvailable) reluInPlaceSimd(y);
  else reluInPlace(y);
}

/** The ReLU mask and bias-gradient pass, by {@link reluBackwardBiasSimd} or {@link reluBackwardBias}. */
export function reluBackwardBiasFast(dz: Float32Array, db: Float32Array | null, dout: Float32Array, y: Float32Array, C: number): void {
  if (simdAvailable) reluBackwardBiasSimd(dz, db, dout, y, C);
  else reluBackwardBias(dz, db, dout, y, C);
}
