/**
 * tatami/infer's fast kernels, public as `fastKernels` from 'tatami/infer/kernels': the forwards of
 * the fast tables (src/fast-kernels.ts, what 'tatami' runs), the backward and training-mode entries
 * throwing as in tatami/infer's default. tatami/infer's default runs plain JS everywhere; over it
 * these bring every WebAssembly SIMD kernel: the SIMD GEMM (relaxed SIMD's FMA where the engine has
 * it) for Dense and the im2col convolutions, Winograd F(2×2, 3×3) and the direct SIMD convolutions
 * (src/conv2d-winograd-choice.ts), the SIMD max-pool, batch norm and depthwise convolution, the SIMD
 * ReLUs and the broadcasting and SIMD elementwise loops: every forward runs as in 'tatami', bit for
 * bit, at the price of their bytes in a bundle. Where the engine has no SIMD, each falls back to JS.
 */
import type { KernelTables } from '../kernel-table.js';
import { conv2dKeptWithWinograd, conv2dForwardWithWinograd } from '../conv2d-winograd-choice.js';
import { gemmFast } from '../../kernels/gemm-fast.js';
import { maxPool2dForwardFast } from '../../kernels/max-pool2d-fast.js';
import { conv2dTransposeForwardIm2col } from '../../kernels/conv2d-transpose-im2col.js';
import { batchNormForwardInferenceSimd } from '../../kernels/batch-norm-simd.js';
import { depthwiseConv2dForwardFast } from '../../kernels/depthwise-conv2d-fast.js';
import { clippedReluForwardSimd } from '../../kernels/clipped-relu-simd.js';
import { reluSimd, sumSimd } from '../../kernels/elementwise-simd.js';
import { binaryBroadcastFast, broadcastToFast } from '../../kernels/elementwise-fast.js';
import { reduceSumToFast } from '../../kernels/reduce-fast.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';
import { inferenceKernels } from './inference.js';

export const fastInferenceKernels: KernelTables = {
  ...inferenceKernels,
  elementwise: {
    ...inferenceKernels.elementwise,
    binaryBroadcast: binaryBroadcastFast,
    broadcastTo: broadcastToFast,
    reduceSumTo: reduceSumToFast,
    sumForward: simdAvailable ? sumSimd : inferenceKernels.elementwise.sumForward,
  },
  relu: {
    ...inferenceKernels.relu,
    reluForward: simdAvailable ? (y, x) => reluSimd(y, x) : inferenceKernels.relu.reluForward,
    clippedReluForward: simdAvailable ? clippedReluForwardSimd : inferenceKernels.relu.clippedReluForward,
  },
  // The relaxed-SIMD GEMM (FMA) when its probe says the engine has it, else plain SIMD, else JS:
  // gemmFast chooses, and the convolutions' im2col GEMMs below are the same one.
  gemm: { gemm: gemmFast },
  // Winograd for the stride-1 3×3 convs where it pays, else the direct SIMD kernels or im2col + gemmFast
  // (src/conv2d-winograd-choice.ts, kernels/conv2d-fast.ts).
  conv2d: { ...inferenceKernels.conv2d, conv2dKept: conv2dKeptWithWinograd, conv2dForward: conv2dForwardWithWinograd },
  conv2dTranspose: {
    ...inferenceKernels.conv2dTranspose,
    conv2dTransposeForward: (y, x, w, bias, s) => conv2dTransposeForwardIm2col(y, x, w, bias, s, gemmFast),
  },
  pool2d: { ...inferenceKernels.pool2d, maxPool2dForward: maxPool2dForwardFast },
  batchNorm: { ...inferenceKernels.batchNorm, batchNormForwardInference: batchNormForwardInferenceSimd },
  depthwiseConv2d: { ...inferenceKernels.depthwiseConv2d, depthwiseConv2dForward: depthwiseConv2dForwardFast },
};
