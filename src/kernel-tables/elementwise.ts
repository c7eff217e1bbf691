/**
 * The elementwise family's kernels (ops/binary.ts, ops/operand.ts, ops/reduce.ts, ops/unary.ts's
 * map, ops/merge.ts's sum, and the gradient accumulation of tensor.ts): broadcasting arithmetic, its
 * backward (sums down to a shape), the elementwise sum, and the one-version map and max-reduction.
 * The reductions' ops read them through a getter of their own (reductionKernels), so that a
 * tatami/infer bundle whose layers reduce nothing carries no reduction kernel.
 */
import type { BinaryKind } from '../../kernels/elementwise.js';
import { unaryMap, binaryBroadcast, binaryFunctions, broadcastTo } from '../../kernels/elementwise.js';
import { reduceSumTo, reduceMax, type reduceMaxBackward } from '../../kernels/reduce.js';
import { sumForward } from '../../kernels/merge.js';
import { chosenKernels } from '../kernel-table.js';
import { inferenceOnly } from './inference-only.js';

/** The elementwise passes and the backward of broadcasting. */
export interface ElementwisePassKernels {
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
}

/** The reductions of ops/reduce.ts: the sum down to a shape (sum, mean), and the max and its backward. */
export interface ReductionKernels {
  reduceSumTo: ElementwisePassKernels['reduceSumTo'];
  /** One version: the max over some axes, and its backward. */
  reduceMax: typeof reduceMax;
  reduceMaxBackward: typeof reduceMaxBackward;
}

export type ElementwiseKernels = ElementwisePassKernels & ReductionKernels;

/**
 * tatami/infer's default passes: the readable loops (a plain CNN's elementwise work is a Dense layer's
 * bias and its activation, small next to the convolutions); the broadcasting and SIMD versions come
 * with the fast tables. Here the sum down to a shape is only the gradient of broadcasting.
 */
export const inferencePassKernels: ElementwisePassKernels = {
  binaryBroadcast: (out, kind, a, aShape, b, bShape, outShape) => binaryBroadcast(out, a, aShape, b, bShape, outShape, binaryFunctions[kind]),
  broadcastTo, sumForward, unaryMap,
  reduceSumTo: inferenceOnly('reduceSumTo'),
};

/**
 * tatami/infer's default reductions, for the layers that reduce (the global pools). With the passes
 * above (the reductions' sum in place of theirs), tatami/infer's whole default (kernel-tables/inference.ts).
 */
export const inferenceReductionKernels: ReductionKernels = {
  reduceSumTo, reduceMax,
  // Pure: a bundle that never reads this table drops it, and the reduction kernels with it.
  reduceMaxBackward: /* @__PURE__ */ inferenceOnly('reduceMaxBackward'),
};

/** The table the elementwise ops call into now (kernel-table.ts). */
export function elementwiseKernels(): ElementwisePassKernels {
  return chosenKernels()?.elementwise ?? inferencePassKernels;
}

/** The table ops/reduce.ts calls into now: the elementwise family's (kernel-table.ts). */
export function reductionKernels(): ReductionKernels {
  return chosenKernels()?.elementwise ?? inferenceReductionKernels;
}
