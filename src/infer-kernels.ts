/**
 * tatami/infer/kernels: the kernels tatami/infer can predict with beyond its default (plain JS on
 * any engine, no WebAssembly: im2col + the blocked JS GEMM for every convolution and Dense, plain
 * loops elsewhere), which keeps a page that embeds a plain CNN small.
 *
 * - `fastKernels`: every WebAssembly SIMD kernel: the SIMD GEMM (relaxed SIMD's FMA where the engine
 *   has it), Winograd F(2×2, 3×3) and the direct SIMD convolutions, the SIMD max-pool, batch norm,
 *   depthwise conv, ReLUs and elementwise loops: the forwards 'tatami' runs, at full speed, and
 *   their predictions bit for bit.
 *
 *   import { loadModel } from 'tatami/infer';
 *   import { fastKernels } from 'tatami/infer/kernels';
 *   const model = await loadModel(url, { kernels: fastKernels });
 */
export { fastInferenceKernels as fastKernels } from './kernel-tables/fast-inference.js';
