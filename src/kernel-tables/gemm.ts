/** The matrix product (ops/matmul.ts, so Dense). */
import { gemmBlocked, type GemmLayout } from '../../kernels/gemm.js';
import { chosenKernels } from '../kernel-table.js';

export interface GemmKernels {
  /** c [M, N] = (accumulate ? c : 0) + op(a) · op(b); see kernels/gemm.ts. */
  gemm(c: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean): void;
}

/** tatami/infer's default: the cache-blocked GEMM in plain JS; the WebAssembly SIMD one comes with the fast tables. */
export const inferenceGemmKernels: GemmKernels = { gemm: gemmBlocked };

/** The table the ops call into now (kernel-table.ts). */
export function gemmKernels(): GemmKernels {
  return chosenKernels()?.gemm ?? inferenceGemmKernels;
}
