import { allocFloat32 } from './storage.js';
import type { Conv2dShape, Pool2dShape } from '../kernels/conv-shape.js';
import type { GemmLayout } from '../kernels/gemm.js';
import type { DepthwiseConv2dShape } from '../kernels/depthwise-conv2d.js';
import type { Conv2dTransposeShape } from '../kernels/conv2d-transpose.js';
import type { BinaryKind } from '../kernels/elementwise.js';
import { binaryBroadcastFast, broadcastToFast } from '../kernels/elementwise-fast.js';
import { reluSimd, sumSimd } from '../kernels/elementwise-simd.js';
import { simdAvailable } from '../kernels/gemm-simd.js';
import { gemmFast } from '../kernels/gemm-fast.js';
import { reduceSumToFast } from '../kernels/reduce-fast.js';
import { reluInPlace } from '../kernels/relu.js';
import { reluBackwardBiasFast } from '../kernels/relu-fast.js';
import { conv2dBackwardBiasFast } from '../kernels/conv2d-fast.js';
import { conv2dKeptWithWinograd, conv2dForwardWithWinograd, conv2dBackwardInputWithWinograd, conv2dBackwardFilterWithWinograd } from './conv2d-winograd-choice.js';
import { clippedReluForward, clippedReluBackward } from '../kernels/clipped-relu.js';
import { clippedReluForwardSimd, clippedReluBackwardSimd } from '../kernels/clipped-relu-simd.js';
import { depthwiseConv2dForwardFast, depthwiseConv2dBackwardInputFast, depthwiseConv2dBackwardFilterFast } from '../kernels/depthwise-conv2d-fast.js';
import { conv2dTransposeForwardIm2col, conv2dTransposeCols, conv2dTransposeColsLength, conv2dTransposeBackwardInputIm2col, conv2dTransposeBackwardFilterIm2col } from '../kernels/conv2d-transpose-im2col.js';
import { maxPool2dForwardFast, maxPool2dBackwardFast } from '../kernels/max-pool2d-fast.js';
import { avgPool2dForward, avgPool2dBackward } from '../kernels/avg-pool2d.js';
import type { batchNormForwardTrainingNaive, batchNormForwardInferenceNaive, batchNormBackwardNaive } from '../kernels/batch-norm.js';
import { batchNormForwardTrainingSimd, batchNormForwardInferenceSimd, batchNormBackwardSimd } from '../kernels/batch-norm-simd.js';
import { unaryMap } from '../kernels/elementwise.js';
import { reduceMax, reduceMaxBackward } from '../kernels/reduce.js';
import type { conv2dBackwardBias } from '../kernels/conv2d.js';
import { softmaxForward, softmaxBackward } from '../kernels/softmax.js';
import { layerNormForward, layerNormBackward } from '../kernels/layer-norm.js';
import { pad2dForward, pad2dBackward, crop2dForward, crop2dBackward } from '../kernels/pad2d.js';
import { resizeNearestForward, resizeNearestBackward, resizeBilinearForward, resizeBilinearBackward } from '../kernels/resize2d.js';
import { gatherRows, scatterAddRows } from '../kernels/gather.js';
import { transpose } from '../kernels/transpose.js';
import { concatForward, concatBackward } from '../kernels/concat.js';
import { sumForward, productForward, productBackward, extremeForwardStreaming, extremeBackward } from '../kernels/merge.js';
import { affineTransformForward, affineTransformBackward } from '../kernels/affine-transform.js';
/**
 * Which kernels the ops run: every op reaches its kernel through this one table.
 *
 * - 'fast' (the default): im2col + GEMM, the WebAssembly SIMD modules, the blocked and unrolled loops.
 * - 'reference': the naive twins beside them in kernels/ (seven plain loops for a convolution, one dot
 *   product per GEMM output), so fit runs on exactly the code a learner reads. Many times slower.
 *
 * The kernels that have one version only (softmax, layer-norm, pad/crop, resize, gather, transpose,
 * max-reduction, ...) are that readable version already: both tables share them ({@link sharedKernels}),
 * so every op still finds its kernel here. The optimizers' and losses' kernels follow the same choice
 * from their own table (training-kernels.ts), so that tatami/infer, which reaches only this one,
 * carries none of them.
 *
 * The choice is process-wide, as the issue pins it (`setKernels`), and kept in the one variable
 * below; ops read it with {@link kernels} when they run, so a change takes effect at the next op.
 * Each entry's signature is the fast kernel's; where the twin needs something else (the reference
 * max-pool backward re-finds the winner in x, the reference conv keeps x instead of the im2col
 * matrix) the entry says so.
 */
export type KernelsName = 'reference' | 'fast';

/** The kernels with one version, the same in both tables: the readable loop is also the one that runs. */
export interface SharedKernels {
  unaryMap: typeof unaryMap;
  reduceMax: typeof reduceMax;
  reduceMaxBackward: typeof reduceMaxBackward;
  softmaxForward: typeof softmaxForward;
  softmaxBackward: typeof softmaxBackward;
  layerNormForward: typeof layerNormForward;
  layerNormBackward: typeof layerNormBackward;
  pad2dForward: typeof pad2dForward;
  pad2dBackward: typeof pad2dBackward;
  crop2dForward: typeof crop2dForward;
  crop2dBackward: typeof crop2dBackward;
  resizeNearestForward: typeof resizeNearestForward;
  resizeNearestBackward: typeof resizeNearestBackward;
  resizeBilinearForward: typeof resizeBilinearForward;
  resizeBilinearBackward: typeof resizeBilinearBackward;
  gatherRows: typeof gatherRows;
  scatterAddRows: typeof scatterAddRows;
  transpose: typeof transpose;
  concatBackward: typeof concatBackward;
  productForward: typeof productForward;
  productBackward: typeof productBackward;
  extremeBackward: typeof extremeBackward;
  affineTransformForward: typeof affineTransformForward;
  affineTransformBackward: typeof affineTransformBackward;
}

export const sharedKernels: SharedKernels = {
  unaryMap, reduceMax, reduceMaxBackward,
  softmaxForward, softmaxBackward,
  layerNormForward, layerNormBackward,
  pad2dForward, pad2dBackward, crop2dForward, crop2dBackward,
  resizeNearestForward, resizeNearestBackward, resizeBilinearForward, resizeBilinearBackward,
  gatherRows, scatterAddRows, transpose, affineTransformForward, affineTransformBackward,
  concatBackward, productForward, productBackward, extremeBackward,
};

/** The kernels that have a naive twin: each entry points at the fast version or at the twin. */
export interface KernelTable extends SharedKernels {
  readonly name: KernelsName;
  /** y = a ∘ b under broadcasting; overwrites y. */
  binaryBroadcast(out: Float32Array, kind: BinaryKind, a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[], outShape: readonly number[]): void;
  /** out = x repeated to outShape; overwrites out. */
  broadcastTo(out: Float32Array, x: Float32Array, xShape: readonly number[], outShape: readonly number[]): void;
  /** out = x summed down to the shape `to`; overwrites out. */
  reduceSumTo(out: Float32Array, x: Float32Array, from: readonly number[], to: readonly number[]): void;
  /** y = max(x, 0); overwrites y. */
  reluForward(y: Float32Array, x: Float32Array): void;
  /** dz = dout where y > 0, else 0 (overwrites dz, which may be dout itself), and db [C] += the channel sums of that; see kernels/relu.ts. */
  reluBackwardBias(dz: Float32Array, db: Float32Array | null, dout: Float32Array, y: Float32Array, C: number): void;
  /** y = min(max(x, 0), top), NaN kept; overwrites y (kernels/clipped-relu.ts). */
  clippedReluForward(y: Float32Array, x: Float32Array, top: number): void;
  /** dx += dout · [0 < x < top]; accumulates (kernels/clipped-relu.ts). */
  clippedReluBackward(dx: Float32Array, dout: Float32Array, x: Float32Array, top: number): void;
  /** c [M, N] = (accumulate ? c : 0) + op(a) · op(b); see kernels/gemm.ts. */
  gemm(c: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean): void;
  /**
   * What the conv's filter gradient reads, allocated for conv2dForward to fill: the im2col matrix
   * ('fast' on im2col shapes), or x itself ('reference', and 'fast' where the conv runs 1×1, direct
   * SIMD or Winograd).
   */
  conv2dKept(x: Float32Array, s: Conv2dShape): Float32Array;
  /** y = conv2d(x, w) + bias, clamped at 0 when `relu`; overwrites y and fills `kept`. */
  conv2dForward(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape, kept: Float32Array, relu: boolean): void;
  conv2dBackwardInput(dx: Float32Array, dy: Float32Array, w: Float32Array, s: Conv2dShape): void;
  conv2dBackwardFilter(dw: Float32Array, dy: Float32Array, kept: Float32Array, s: Conv2dShape): void;
  /** db [CO] += the channel sums of dy (kernels/conv2d.ts). */
  conv2dBackwardBias: typeof conv2dBackwardBias;
  depthwiseConv2dForward(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: DepthwiseConv2dShape): void;
  depthwiseConv2dBackwardInput(dx: Float32Array, dy: Float32Array, w: Float32Array, s: DepthwiseConv2dShape): void;
  depthwiseConv2dBackwardFilter(dw: Float32Array, dy: Float32Array, x: Float32Array, s: DepthwiseConv2dShape): void;
  conv2dTransposeForward(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dTransposeShape): void;
  /** dx and dw (either may be null: not asked for) += the transposed conv's gradients. Accumulates. */
  conv2dTransposeBackward(dx: Float32Array | null, dw: Float32Array | null, dy: Float32Array, x: Float32Array, w: Float32Array, s: Conv2dTransposeShape): void;
  /** y = each window's max; argmax (when not null: a backward will need it) = the winner's flat index in x. */
  maxPool2dForward(y: Float32Array, argmax: Int32Array | null, x: Float32Array, s: Pool2dShape): void;
  /** dx += dy at each window's winner: 'fast' reads argmax, 'reference' re-finds it in x. */
  maxPool2dBackward(dx: Float32Array, dy: Float32Array, argmax: Int32Array, x: Float32Array, s: Pool2dShape): void;
  avgPool2dForward(y: Float32Array, x: Float32Array, s: Pool2dShape): void;
  /** y = x_0 + x_1 + … elementwise; overwrites y, which may be x_0 (kernels/merge.ts). */
  sumForward: typeof sumForward;
  /** y = the inputs side by side along the last axis (`widths` each), `outer` rows; overwrites y. */
  concatForward: typeof concatForward;
  /** y = the elementwise max (or min) of the inputs, w = which input won; overwrites both. */
  extremeForward: typeof extremeForwardStreaming;
  avgPool2dBackward(dx: Float32Array, dy: Float32Array, s: Pool2dShape): void;
  batchNormForwardTraining: typeof batchNormForwardTrainingNaive;
  batchNormForwardInference: typeof batchNormForwardInferenceNaive;
  batchNormBackward: typeof batchNormBackwardNaive;
}

/** The optimized kernels: what tatami runs unless told otherwise. */
export const fastKernels: KernelTable = {
  ...sharedKernels,
  name: 'fast',
  binaryBroadcast: binaryBroadcastFast,
  broadcastTo: broadcastToFast,
  reduceSumTo: reduceSumToFast,
  reluForward(y, x) {
    if (simdAvailable) {
      reluSimd(y, x);
    } else {
      y.set(x);
      reluInPlace(y);
    }
  },
  reluBackwardBias: reluBackwardBiasFast,
  clippedReluForward: simdAvailable ? clippedReluForwardSimd : clippedReluForward,
  clippedReluBackward: simdAvailable ? clippedReluBackwardSimd : clippedReluBackward,
  // The relaxed-SIMD GEMM (FMA) when its probe says the engine has it, else plain SIMD, else JS:
  // gemmFast chooses, so the convolutions that call it directly get the same GEMM.
  gemm: gemmFast,
  // Winograd for the stride-1 3×3 convs where it pays, else the direct SIMD kernels or im2col
  // (src/conv2d-winograd-choice.ts, kernels/conv2d-fast.ts).
  conv2dKept: conv2dKeptWithWinograd,
  conv2dForward: conv2dForwardWithWinograd,
  conv2dBackwardInput: conv2dBackwardInputWithWinograd,
  conv2dBackwardFilter: conv2dBackwardFilterWithWinograd,
  conv2dBackwardBias: conv2dBackwardBiasFast,
  depthwiseConv2dForward: depthwiseConv2dForwardFast,
  depthwiseConv2dBackwardInput: depthwiseConv2dBackwardInputFast,
  depthwiseConv2dBackwardFilter: depthwiseConv2dBackwardFilterFast,
  conv2dTransposeForward: conv2dTransposeForwardIm2col,
  conv2dTransposeBackward(dx, dw, dy, x, w, s) {
    // Both gradients multiply the same im2col of dy: build it once.
    const cols = conv2dTransposeCols(allocFloat32(conv2dTransposeColsLength(s)), dy, s); // (N·H·W, KH·KW·CO)
    if (dx !== null) conv2dTransposeBackwardInputIm2col(dx, cols, w, s);
    if (dw !== null) conv2dTransposeBackwardFilterIm2col(dw, cols, x, s);
  },
  maxPool2dForward: maxPool2dForwardFast,
  maxPool2dBackward: (dx, dy, argmax, _x, s) => maxPool2dBackwardFast(dx, dy, argmax, s),
  avgPool2dForward,
  avgPool2dBackward,
  concatForward,
  sumForward: simdAvailable ? sumSimd : sumForward,
  extremeForward: extremeForwardStreaming,
  batchNormForwardTraining: batchNormForwardTrainingSimd,
  batchNormForwardInference: batchNormForwardInferenceSimd,
  batchNormBackward: batchNormBackwardSimd,
};

// The one piece of process-wide state: which of the two tables the ops read.
let current: KernelTable = fastKernels;

/** Make `table` the one the ops call into (setKernels, in reference-kernels.ts, is the public switch). */
export function selectKernels(table: KernelTable): void {
  current = table;
}

/** Which kernels the ops run now: 'fast' (default) or 'reference'. */
export function getKernels(): KernelsName {
  return current.name;
}

/** The table the ops call into (for ops and for tests that wrap an entry; users call setKernels). */
export function kernels(): KernelTable {
  return current;
}
