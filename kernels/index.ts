/**
 * tatami's kernels: pure functions over Float32Array/Int32Array with explicit sizes. No tensors, no
 * state beyond reusable scratch, no imports from src/. Each fast kernel has its naive twin beside it.
 *
 * Shape legend for the folder: N batch, H×W input height and width, C / CI input channels,
 * KH×KW kernel, OH×OW output height and width, CO output channels; layouts NHWC (activations) and
 * HWIO (filters), row-major.
 */
export { broadcastShape, broadcastStrides, binaryBroadcast, broadcastTo, unaryMap, binaryFunctions, type BinaryKind } from './elementwise.js';
export { binaryBroadcastFast, broadcastToFast, collapseAxes } from './elementwise-fast.js';
export { reluSimd, addRowsSimd, channelSumsSimd } from './elementwise-simd.js';
export { reduceSum, reduceMax, reduceMaxBackward, reduceSumTo } from './reduce.js';
export { reduceSumToFast } from './reduce-fast.js';
export { batchNormForwardTrainingNaive, batchNormForwardInferenceNaive, batchNormBackwardNaive } from './batch-norm.js';
export { batchNormForwardTraining, batchNormForwardInference, batchNormBackward } from './batch-norm-fast.js';
export { batchNormForwardTrainingSimd, batchNormForwardInferenceSimd, batchNormBackwardSimd } from './batch-norm-simd.js';
export { transpose } from './transpose.js';
export { gatherRows, scatterAddRows } from './gather.js';
export { softmaxForward, softmaxBackward } from './softmax.js';
export {
  softmaxCrossEntropyForward,
  softmaxCrossEntropyBackward,
  sigmoidCrossEntropyForward,
  sigmoidCrossEntropyBackward,
} from './cross-entropy.js';
export { adamUpdate, sgdUpdate, rmspropUpdate } from './optimizers.js';
export { conv2dShape, pool2dShape, type Padding, type Conv2dShape, type Pool2dShape } from './conv-shape.js';
export { gemmNaive, gemmBlocked, gemmBlockedBias, type GemmLayout } from './gemm.js';
export { conv2dForwardDirect, conv2dBackwardInputDirect, conv2dBackwardFilterDirect, conv2dBackwardBias } from './conv2d.js';
export {
  im2col,
  col2im,
  im2colIsIdentity,
  conv2dForwardIm2col,
  conv2dBackwardInputIm2col,
  conv2dBackwardFilterIm2col,
} from './conv2d-im2col.js';
export {
  conv2dDirectSimdApplies,
  conv2dDirectSimdInputApplies,
  conv2dForwardDirectSimd,
  conv2dBackwardInputDirectSimd,
  conv2dBackwardFilterDirectSimd,
} from './conv2d-direct-simd.js';
export { conv2dKeptIsInput, conv2dForwardFast, conv2dBackwardInputFast, conv2dBackwardFilterFast, conv2dBackwardBiasFast } from './conv2d-fast.js';
export { maxPool2dForwardNaive, maxPool2dForward, maxPool2dBackward, maxPool2dBackwardNaive } from './max-pool2d.js';
export { avgPool2dForwardNaive, avgPool2dForward, avgPool2dBackwardNaive, avgPool2dBackward } from './avg-pool2d.js';
export {
  gemmSimd, gemmSimdBias, gemmRelaxedSimd, gemmRelaxedSimdBias, gemmSimdTiled, simdAvailable, relaxedSimdAvailable,
  SIMD_TILE, RELAXED_TILE, type GemmTile,
} from './gemm-simd.js';
export { createHeap, engineHeap, type WasmHeap, type HeapOptions } from './wasm/heap.js';
export { gemmFast, gemmFastBias } from './gemm-fast.js';
export { reluInPlace, reluBackwardBias } from './relu.js';
export { reluBackwardBiasSimd } from './relu-simd.js';
export { reluBackwardBiasFast } from './relu-fast.js';
export { maxPool2dForwardSimd, isMaxPool2x2Simd } from './max-pool2d-simd.js';
export { maxPool2dForwardFast, maxPool2dBackwardFast } from './max-pool2d-fast.js';
export { adamUpdateSimd } from './adam-simd.js';
export { adamUpdateFast } from './optimizers-fast.js';
export {
  depthwiseConv2dShape,
  depthwiseConv2dForwardDirect,
  depthwiseConv2dBackwardInputDirect,
  depthwiseConv2dBackwardFilterDirect,
  type DepthwiseConv2dShape,
} from './depthwise-conv2d.js';
export { depthwiseConv2dForwardRows, depthwiseConv2dBackwardInputRows, depthwiseConv2dBackwardFilterRows } from './depthwise-conv2d-rows.js';
export {
  conv2dTransposeShape,
  adjointConv2dShape,
  deconvOutputLength,
  conv2dTransposeForwardDirect,
  conv2dTransposeBackwardInputDirect,
  conv2dTransposeBackwardFilterDirect,
  type Conv2dTransposeShape,
} from './conv2d-transpose.js';
export {
  conv2dTransposeForwardIm2col,
  conv2dTransposeCols,
  conv2dTransposeColsLength,
  conv2dTransposeBackwardInputIm2col,
  conv2dTransposeBackwardFilterIm2col,
} from './conv2d-transpose-im2col.js';
export { depthwiseConv2dForwardSimd, depthwiseConv2dBackwardInputSimd, depthwiseConv2dBackwardFilterSimd, depthwiseSimdApplies } from './depthwise-conv2d-simd.js';
export { depthwiseConv2dForwardFast, depthwiseConv2dBackwardInputFast, depthwiseConv2dBackwardFilterFast } from './depthwise-conv2d-fast.js';
export { erf } from './erf.js';
export { pad2dForward, pad2dBackward, crop2dForward, crop2dBackward, type Box2d } from './pad2d.js';
export { resizeNearestForward, resizeNearestBackward, resizeBilinearForward, resizeBilinearBackward, type Resize2dShape } from './resize2d.js';
export { layerNormForward, layerNormBackward, type LayerNormShape } from './layer-norm.js';
export { affineTransformForward, affineTransformBackward, type AffineShape, type FillMode, type AffineInterpolation } from './affine-transform.js';
export { winogradApplies, conv2dForwardWinograd, conv2dBackwardInputWinograd, type WinogradGemm, type WinogradGemmChoice } from './conv2d-winograd.js';
export { filterTransform, inputTransform, outputTransformTile, gradOutputTransform, filterGradTransform } from './conv2d-winograd-transforms.js';
export { conv2dBackwardFilterWinograd } from './conv2d-winograd-dw.js';
export { clippedReluForward, clippedReluBackward } from './clipped-relu.js';
export { clippedReluForwardSimd, clippedReluBackwardSimd } from './clipped-relu-simd.js';
export { allFinite } from './all-finite.js';
