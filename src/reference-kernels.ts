/**
 * The 'reference' kernel tables (the naive twins) and the switch between them and the fast ones
 * (src/fast-kernels.ts), setKernels. Apart from the family modules of src/kernel-tables/, so that
 * what imports only those (tatami/infer) carries no naive twin.
 */
import { binaryBroadcast, binaryFunctions, broadcastTo, unaryMap } from '../kernels/elementwise.js';
import { gemmNaive } from '../kernels/gemm.js';
import { reduceSumTo, reduceMax, reduceMaxBackward } from '../kernels/reduce.js';
import { reluInPlace, reluBackwardBias } from '../kernels/relu.js';
import { conv2dForwardDirect, conv2dBackwardInputDirect, conv2dBackwardFilterDirect, conv2dBackwardBias } from '../kernels/conv2d.js';
import { clippedReluForward, clippedReluBackward } from '../kernels/clipped-relu.js';
import { depthwiseConv2dForwardDirect, depthwiseConv2dBackwardInputDirect, depthwiseConv2dBackwardFilterDirect } from '../kernels/depthwise-conv2d.js';
import { conv2dTransposeForwardDirect, conv2dTransposeBackwardInputDirect, conv2dTransposeBackwardFilterDirect } from '../kernels/conv2d-transpose.js';
import { maxPool2dForwardNaive, maxPool2dBackwardNaive } from '../kernels/max-pool2d.js';
import { avgPool2dForwardNaive, avgPool2dBackwardNaive } from '../kernels/avg-pool2d.js';
import { batchNormForwardTrainingNaive, batchNormForwardInferenceNaive, batchNormBackwardNaive } from '../kernels/batch-norm.js';
import { transpose } from '../kernels/transpose.js';
import { concatForwardNaive, concatBackward } from '../kernels/concat.js';
import { dropoutMask } from '../kernels/dropout-mask.js';
import { sumForward, productForward, productBackward, extremeForwardNaive, extremeBackward } from '../kernels/merge.js';
import { selectKernels, type KernelTables, type KernelsName } from './kernel-table.js';
import { fastKernels, oneVersionBackwardKernels } from './fast-kernels.js';

/**
 * The naive twins: plain loops written to be read, the reference every fast kernel is tested against.
 * The entries with one version (the map, the max-reduction, transpose, the product merge, the
 * backward of concat and of max/min) are the same functions as in the fast tables.
 */
export const referenceKernels: KernelTables = {
  name: 'reference',
  trains: true,
  elementwise: {
    binaryBroadcast: (out, kind, a, aShape, b, bShape, outShape) => binaryBroadcast(out, a, aShape, b, bShape, outShape, binaryFunctions[kind]),
    broadcastTo,
    reduceSumTo,
    sumForward,
    unaryMap, reduceMax, reduceMaxBackward,
  },
  relu: {
    reluForward(y, x) {
      y.set(x);
      reluInPlace(y);
    },
    reluBackwardBias,
    clippedReluForward,
    clippedReluBackward,
  },
  gemm: { gemm: gemmNaive },
  biasGradient: { conv2dBackwardBias },
  conv2d: {
    // The direct convolution's filter gradient reads x itself: nothing to allocate.
    conv2dKept: (x) => x,
    conv2dForward(y, x, w, bias, s, _kept, relu) {
      conv2dForwardDirect(y, x, w, bias, s);
      if (relu) reluInPlace(y);
    },
    conv2dBackwardInput: conv2dBackwardInputDirect,
    conv2dBackwardFilter: conv2dBackwardFilterDirect,
    // The two entries one after the other (the filter gradient's looked up at the call, as the fast table's).
    conv2dBackwardFilterBias(dw, db, dy, kept, s) {
      if (db !== null) conv2dBackwardBias(db, dy, s);
      if (dw !== null) referenceKernels.conv2d.conv2dBackwardFilter(dw, dy, kept, s);
    },
  },
  depthwiseConv2d: {
    depthwiseConv2dForward: depthwiseConv2dForwardDirect,
    depthwiseConv2dBackwardInput: depthwiseConv2dBackwardInputDirect,
    depthwiseConv2dBackwardFilter: depthwiseConv2dBackwardFilterDirect,
  },
  conv2dTranspose: {
    conv2dTransposeForward: conv2dTransposeForwardDirect,
    conv2dTransposeBackward(dx, dw, dy, x, w, s) {
      if (dx !== null) conv2dTransposeBackwardInputDirect(dx, dy, w, s);
      if (dw !== null) conv2dTransposeBackwardFilterDirect(dw, dy, x, s);
    },
  },
  pool2d: {
    // The naive forward always records the winners; with no backward to serve, into a buffer dropped after.
    maxPool2dForward: (y, argmax, x, s) => maxPool2dForwardNaive(y, argmax ?? new Int32Array(y.length), x, s),
    maxPool2dBackward: (dx, dy, _argmax, x, s) => maxPool2dBackwardNaive(dx, dy, x, s),
    avgPool2dForward: avgPool2dForwardNaive,
    avgPool2dBackward: avgPool2dBackwardNaive,
  },
  batchNorm: {
    batchNormForwardTraining: batchNormForwardTrainingNaive,
    batchNormForwardInference: batchNormForwardInferenceNaive,
    batchNormBackward: batchNormBackwardNaive,
  },
  merge: { productForward, productBackward, extremeForward: extremeForwardNaive, extremeBackward },
  layout: { transpose, concatForward: concatForwardNaive, concatBackward },
  dropout: { dropoutMask },
  oneVersionBackward: oneVersionBackwardKernels,
};

/**
 * Route every op to the naive reference kernels ('reference') or the optimized ones ('fast', the
 * default). Takes effect at the next op; a model trained under one setting runs under the other.
 */
export function setKernels(name: KernelsName): void {
  if (name === 'reference') selectKernels(referenceKernels);
  else if (name === 'fast') selectKernels(fastKernels);
  else throw new Error(`setKernels: expected 'reference' or 'fast', got ${JSON.stringify(name)}`);
}
