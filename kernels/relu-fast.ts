// The fused-ReLU backward pass the rest of tatami calls: the WebAssembly SIMD version
// (relu-simd.ts) where the engine has SIMD, the readable JS loop (relu.ts) where it does not. Same
// contract and the same bits either way (the forward ReLU is fused into the GEMM, gemm-fast.ts):
//
//   reluBackwardBias:   dz[r,c] = dout[r,c] · [y[r,c] > 0];  db[c] += Σ_r dz[r,c]  (overwrites dz, accumulates db)
//
// Why a switch at all: see gemm-fast.ts (SIMD is missing in Safari < 16.4 and when disabled).

import { reluBackwardBias } from './relu.js';
import { reluBackwardBiasSimd } from './relu-simd.js';
import { simdAvailable } from './gemm-simd.js';

/** The ReLU mask and bias-gradient pass, by {@link reluBackwardBiasSimd} or {@link reluBackwardBias}. */
export function reluBackwardBiasFast(dz: Float32Array, db: Float32Array | null, dout: Float32Array, y: Float32Array, C: number): void {
  if (simdAvailable) reluBackwardBiasSimd(dz, db, dout, y, C);
  else reluBackwardBias(dz, db, dout, y, C);
}
