/**
 * The fast tables, forward and backward: what 'tatami' runs unless setKernels says 'reference'.
 * Each family's forward half is tatami/infer's fast table (kernel-tables/fast-inference.ts); the
 * backward half is here only, so that tatami/infer, which never imports this module, carries no
 * backward kernel. The Model class's module (models/model.ts) installs these tables when it is imported
 * (kernel-table.ts's installKernels).
 */
import type { Conv2dShape } from '../kernels/conv-shape.js';
import type { KernelTables } from './kernel-table.js';
import type { Conv2dKernels } from './kernel-tables/conv2d.js';
import type { OneVersionBackwardKernels } from './kernel-tables/single-version.js';
import { fastInferenceKernels as forward } from './kernel-tables/fast-inference.js';
import { conv2dBackwardInputWithWinograd, conv2dBackwardFilterWithWinograd, winogradSmallPays } from './conv2d-winograd-choice.js';
import { conv2dBackwardFilterBiasWinogradSmall } from '../kernels/conv2d-winograd-small-dw.js';
import { conv2dDirectSimdApplies, conv2dBackwardFilterBiasDirectSimd } from '../kernels/conv2d-direct-simd.js';
import { conv2dBackwardBiasFast } from '../kernels/conv2d-fast.js';
import { reluBackwardBiasFast } from '../kernels/relu-fast.js';
import { clippedReluBackward } from '../kernels/clipped-relu.js';
import { clippedReluBackwardSimd } from '../kernels/clipped-relu-simd.js';
import { simdAvailable } from '../kernels/gemm-simd.js';
import { gemmFast } from '../kernels/gemm-fast.js';
import { reduceMaxBackward } from '../kernels/reduce.js';
import { maxPool2dBackwardFast } from '../kernels/max-pool2d-fast.js';
import { avgPool2dBackward } from '../kernels/avg-pool2d.js';
import { batchNormForwardTrainingSimd, batchNormBackwardSimd } from '../kernels/batch-norm-simd.js';
import { depthwiseConv2dBackwardInputFast, depthwiseConv2dBackwardFilterFast } from '../kernels/depthwise-conv2d-fast.js';
import { conv2dTransposeCols, conv2dTransposeColsLength, conv2dTransposeBackwardInputIm2col, conv2dTransposeBackwardFilterIm2col } from '../kernels/conv2d-transpose-im2col.js';
import { productBackward, extremeBackward } from '../kernels/merge.js';
import { concatBackward } from '../kernels/concat.js';
import { dropoutMaskSimd } from '../kernels/dropout-mask-simd.js';
import { softmaxBackward } from '../kernels/softmax.js';
import { layerNormBackward } from '../kernels/layer-norm.js';
import { pad2dBackward, crop2dBackward } from '../kernels/pad2d.js';
import { resizeNearestBackward, resizeBilinearBackward } from '../kernels/resize2d.js';
import { scatterAddRows } from '../kernels/gather.js';
import { affineTransformBackward } from '../kernels/affine-transform.js';
import { allocFloat32 } from './storage.js';

export const fastConv2dKernels: Conv2dKernels = {
  ...forward.conv2d,
  conv2dBackwardInput: conv2dBackwardInputWithWinograd,
  conv2dBackwardFilter: conv2dBackwardFilterWithWinograd,
  conv2dBackwardFilterBias,
};

/**
 * Where the fused small-channel Winograd or the direct SIMD kernels take the filter gradient, dw and
 * db from one copy of dy in wasm memory (kernels/conv2d-winograd-small-dw.ts,
 * kernels/conv2d-direct-simd.ts); elsewhere the fast bias gradient, then the table's filter-gradient
 * entry, looked up at the call (so what replaces or watches that entry sees the call:
 * test/core/kernel-table.test.ts). The same bits as the filter-gradient entry and the bias gradient
 * run apart.
 */
function conv2dBackwardFilterBias(dw: Float32Array | null, db: Float32Array | null, dy: Float32Array, kept: Float32Array, s: Conv2dShape): void {
  if (dw !== null && winogradSmallPays(s)) {
    conv2dBackwardFilterBiasWinogradSmall(dw, db, dy, kept, s);
    return;
  }
  if (dw !== null && conv2dDirectSimdApplies(s)) {
    conv2dBackwardFilterBiasDirectSimd(dw, db, dy, kept, s);
    return;
  }
  if (db !== null) conv2dBackwardBiasFast(db, dy, s);
  if (dw !== null) fastConv2dKernels.conv2dBackwardFilter(dw, dy, kept, s);
}

/** The one-version ops' backwards: the same in 'fast' and 'reference'. */
export const oneVersionBackwardKernels: OneVersionBackwardKernels = {
  softmaxBackward, layerNormBackward, pad2dBackward, crop2dBackward, resizeNearestBackward, resizeBilinearBackward, scatterAddRows, affineTransformBackward,
};

/** Every family's optimized table: what tatami runs unless told otherwise. */
export const fastKernels: KernelTables = {
  name: 'fast',
  trains: true,
  elementwise: { ...forward.elementwise, reduceMaxBackward },
  relu: {
    ...forward.relu,
    reluBackwardBias: reluBackwardBiasFast,
    clippedReluBackward: simdAvailable ? clippedReluBackwardSimd : clippedReluBackward,
  },
  gemm: forward.gemm,
  biasGradient: { conv2dBackwardBias: conv2dBackwardBiasFast },
  conv2d: fastConv2dKernels,
  depthwiseConv2d: {
    ...forward.depthwiseConv2d,
    depthwiseConv2dBackwardInput: depthwiseConv2dBackwardInputFast,
    depthwiseConv2dBackwardFilter: depthwiseConv2dBackwardFilterFast,
  },
  conv2dTranspose: {
    ...forward.conv2dTranspose,
    conv2dTransposeBackward(dx, dw, dy, x, w, s) {
      // Both gradients multiply the same im2col of dy: build it once.
      const cols = conv2dTransposeCols(allocFloat32(conv2dTransposeColsLength(s)), dy, s); // (N·H·W, KH·KW·CO)
      if (dx !== null) conv2dTransposeBackwardInputIm2col(dx, cols, w, s, gemmFast);
      if (dw !== null) conv2dTransposeBackwardFilterIm2col(dw, cols, x, s, gemmFast);
    },
  },
  pool2d: {
    ...forward.pool2d,
    maxPool2dBackward: (dx, dy, argmax, _x, s) => maxPool2dBackwardFast(dx, dy, argmax, s),
    avgPool2dBackward,
  },
  batchNorm: { ...forward.batchNorm, batchNormForwardTraining: batchNormForwardTrainingSimd, batchNormBackward: batchNormBackwardSimd },
  merge: { ...forward.merge, productBackward, extremeBackward },
  layout: { ...forward.layout, concatBackward },
  dropout: { dropoutMask: (mask, rate, scale, draw) => dropoutMaskSimd(mask, rate, scale, draw) },
  oneVersionBackward: oneVersionBackwardKernels,
};
