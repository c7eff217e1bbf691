/**
 * tatami/infer's fast kernels, public as `fastKernels` from 'tatami/infer/kernels': the forwards of
 * the fast tables (src/fast-kernels.ts, what 'tatami' runs), the backward and training-mode entries
 * throwing as in tatami/infer's default. Over that default they add Winograd F(2×2, 3×3) and the
 * direct SIMD convolutions (src/conv2d-winograd-choice.ts), the SIMD ReLUs and the broadcasting and
 * SIMD elementwise loops: the ResNet and MobileNet forwards run as fast as in 'tatami', at the price
 * of their bytes in a bundle. The other families' default already is their fast forward.
 */
import type { KernelTables } from '../kernel-table.js';
import { conv2dKeptWithWinograd, conv2dForwardWithWinograd } from '../conv2d-winograd-choice.js';
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
  // Winograd for the stride-1 3×3 convs where it pays, else the direct SIMD kernels or im2col
  // (src/conv2d-winograd-choice.ts, kernels/conv2d-fast.ts).
  conv2d: { ...inferenceKernels.conv2d, conv2dKept: conv2dKeptWithWinograd, conv2dForward: conv2dForwardWithWinograd },
};
