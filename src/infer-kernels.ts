/**
 * tatami/infer/kernels: the kernels tatami/infer can predict with beyond its default (im2col + the
 * SIMD GEMM for every convolution, max-pool on SIMD, plain loops elsewhere), which keeps a page that
 * embeds a plain CNN small.
 *
 * - `fastKernels`: Winograd F(2×2, 3×3) and the direct SIMD convolutions, the SIMD ReLUs and
 *   elementwise loops: the forwards 'tatami' runs, for ResNets and MobileNets at full speed, and
 *   their predictions bit for bit.
 *
 *   import { loadModel } from 'tatami/infer';
 *   import { fastKernels } from 'tatami/infer/kernels';
 *   const model = await loadModel(url, { kernels: fastKernels });
 */
export { fastInferenceKernels as fastKernels } from './kernel-tables/fast-inference.js';
