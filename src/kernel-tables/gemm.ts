/** The matrix product (ops/matmul.ts, so Dense). */
import type { GemmLayout } from '../../kernels/gemm.js';
import { gemmFast } from '../../kernels/gemm-fast.js';
import { chosenKernels } from '../kernel-table.js';

export interface GemmKernels {
  /** c [M, N] = (accumulate ? c : 0) + op(a) · op(b); see kernels/gemm.ts. */
  gemm(c: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean): void;
}

export const fastGemmKernels: GemmKernels = {
  // The relaxed-SIMD GEMM (FMA) when its probe says the engine has it, else plain SIMD, else JS:
  // gemmFast chooses, so the convolutions that call it directly get the same GEMM.
  gemm: gemmFast,
};

/** The table the ops call into now (kernel-table.ts). */
export function gemmKernels(): GemmKernels {
  return chosenKernels()?.gemm ?? fastGemmKernels;
}
