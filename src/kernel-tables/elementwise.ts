/**
 * The elementwise family's kernels (ops/binary.ts, ops/operand.ts, ops/reduce.ts, ops/unary.ts's
 * map, ops/merge.ts's sum, and the gradient accumulation of tensor.ts): broadcasting arithmetic, its
 * backward (sums down to a shape), the elementwise sum, and the one-version map and max-reduction.
 */
import type { BinaryKind } from '../../kernels/elementwise.js';
import { unaryMap, binaryBroadcast, binaryFunctions, broadcastTo } from '../../kernels/elementwise.js';
import { reduceSumTo, reduceMax, type reduceMaxBackward } from '../../kernels/reduce.js';
import { sumForward } from '../../kernels/merge.js';
import { chosenKernels } from '../kernel-table.js';
import { inferenceOnly } from './inference-only.js';

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

/**
 * tatami/infer's default: the readable loops (a plain CNN's elementwise work is a Dense layer's bias
 * and its activation, small next to the convolutions); the broadcasting and SIMD versions come with
 * the fast tables.
 */
export const inferenceElementwiseKernels: ElementwiseKernels = {
  binaryBroadcast: (out, kind, a, aShape, b, bShape, outShape) => binaryBroadcast(out, a, aShape, b, bShape, outShape, binaryFunctions[kind]),
  broadcastTo, reduceSumTo, sumForward, unaryMap, reduceMax,
  reduceMaxBackward: inferenceOnly('reduceMaxBackward'),
};

/** The table the ops call into now (kernel-table.ts). */
export function elementwiseKernels(): ElementwiseKernels {
  return chosenKernels()?.elementwise ?? inferenceElementwiseKernels;
}
