/**
 * The elementwise family's kernels (ops/binary.ts, ops/operand.ts, ops/reduce.ts, ops/unary.ts's
 * map, ops/merge.ts's sum, and the gradient accumulation of tensor.ts): broadcasting arithmetic, its
 * backward (sums down to a shape), the elementwise sum, and the one-version map and max-reduction.
 */
import type { BinaryKind } from '../../kernels/elementwise.js';
import { unaryMap } from '../../kernels/elementwise.js';
import { binaryBroadcastFast, broadcastToFast } from '../../kernels/elementwise-fast.js';
import { sumSimd } from '../../kernels/elementwise-simd.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';
import { reduceSumToFast } from '../../kernels/reduce-fast.js';
import { reduceMax, reduceMaxBackward } from '../../kernels/reduce.js';
import { sumForward } from '../../kernels/merge.js';
import { chosenKernels } from '../kernel-table.js';

export interface ElementwiseKernels {
  /** y = a ∘ b under broadcasting; overwrites y. */
  binaryBroadcast(out: Float32Array, kind: BinaryKind, a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[], outShape: readonly number[]): void;
  /** out = x repeated to outShape; overwrites out. */
  broadcastTo(out: Float32Array, x: Float32Array, xShape: readonly number[], outShape: readonly number[]): void;
  /** out = x summed down to the shape `to`; overwrites out. */
  reduceSumTo(out: Float32Array, x: Float32Array, from: readonly number[], to: readonly number[]): void;
  /** y = x_0 + x_1 + … elementwise; overwrites y, which may be x_0 (kernels/merge.ts). */
  sumForward: typeof sumForward;
  /** One version: y = f(x). */
  unaryMap: typeof unaryMap;
  /** One version: the max over some axes, and its backward. */
  reduceMax: typeof reduceMax;
  reduceMaxBackward: typeof reduceMaxBackward;
}

export const fastElementwiseKernels: ElementwiseKernels = {
  binaryBroadcast: binaryBroadcastFast,
  broadcastTo: broadcastToFast,
  reduceSumTo: reduceSumToFast,
  sumForward: simdAvailable ? sumSimd : sumForward,
  unaryMap, reduceMax, reduceMaxBackward,
};

/** The table the ops call into now (kernel-table.ts). */
export function elementwiseKernels(): ElementwiseKernels {
  return chosenKernels()?.elementwise ?? fastElementwiseKernels;
}
