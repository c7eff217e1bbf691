import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32, releaseFloat32 } from '../storage.js';
import { type Shape, shapeSize, normalizeAxis } from '../shape.js';
import { elementwiseKernels, reductionKernels } from '../kernel-tables/elementwise.js';

/** Which axes to reduce: one axis, several, or all when omitted. Negative axes count from the end. */
export type Axes = number | readonly number[] | undefined;

interface Reduction {
  reduced: boolean[];
  keptShape: number[]; // the reduced axes as 1s
  outShape: number[]; // keepDims ? keptShape : keptShape without the reduced axes
  count: number; // elements folded into each output
}

function planReduction(op: string, shape: Shape, axes: Axes, keepDims: boolean): Reduction {
  const rank = shape.length;
  const list = axes === undefined ? shape.map((_, i) => i) : typeof axes === 'number' ? [axes] : axes;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of list) {
    const ax = normalizeAxis(op, a, rank);
    if (reduced[ax]) throw new Error(`${op}: axis ${a} is listed twice`);
    reduced[ax] = true;
  }
  const keptShape = shape.map((d, i) => (reduced[i] ? 1 : d));
  const outShape = keepDims ? keptShape : shape.filter((_, i) => !reduced[i]);
  const count = shape.reduce((p, d, i) => (reduced[i] ? p * d : p), 1);
  return { reduced, keptShape, outShape, count };
}

/** Σ over `axes` (all by default). */
export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const plan = planReduction('sum', x.shape, axes, keepDims);
  const y = allocFloat32(shapeSize(plan.outShape));
  reductionKernels().reduceSumTo(y, x.data, x.shape, plan.keptShape);
  return Tensor.fromOp('sum', y, plan.outShape, [x], (dout) => {
    // Every input element contributed once: its gradient is the upstream gradient of its output.
    const dx = allocFloat32(x.size);
    elementwiseKernels().broadcastTo(dx, dout, plan.keptShape, x.shape);
    accumulateGrad(x, dx, true);
  });
}

/** Mean over `axes` (all by default). */
export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const plan = planReduction('mean', x.shape, axes, keepDims);
  const y = allocFloat32(shapeSize(plan.outShape));
  reductionKernels().reduceSumTo(y, x.data, x.shape, plan.keptShape);
  const inv = 1 / plan.count;
  for (let i = 0; i < y.length; i++) y[i] *= inv;
  return Tensor.fromOp('mean', y, plan.outShape, [x], (dout) => {
    // dout/count first, then stretched: the same float32 products, one per output value instead of one per input.
    const scaled = allocFloat32(dout.length); // (outShape)
    for (let i = 0; i < dout.length; i++) scaled[i] = dout[i] * inv;
    const dx = allocFloat32(x.size);
    elementwiseKernels().broadcastTo(dx, scaled, plan.keptShape, x.shape);
    releaseFloat32([scaled]);
    accumulateGrad(x, dx, true);
  });
}

/** Max over `axes` (all by default); tied maxima share the gradient equally, as TensorFlow. */
export function max(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const plan = planReduction('max', x.shape, axes, keepDims);
  if (x.size === 0) throw new Error('max: cannot reduce an empty tensor');
  const y = allocFloat32(shapeSize(plan.outShape));
  reductionKernels().reduceMax(y, x.data, x.shape, plan.reduced);
  return Tensor.fromOp('max', y, plan.outShape, [x], (dout) => {
    const dx = allocFloat32(x.size);
    reductionKernels().reduceMaxBackward(dx, dout, x.data, y, x.shape, plan.reduced);
    accumulateGrad(x, dx, true);
  });
}
