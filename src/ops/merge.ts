import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeToString, shapesEqual } from '../shape.js';
import { elementwiseKernels } from '../kernel-tables/elementwise.js';
import { mergeKernels } from '../kernel-tables/merge.js';

/**
 * Elementwise ops on a list of tensors of one shape (no broadcasting): the ops under Keras's merge
 * layers. Gradients and the tie rule of maximumN / minimumN are in kernels/merge.ts.
 */

function checkList(op: string, xs: readonly Tensor[]): void {
  if (xs.length < 1) throw new Error(`${op}: needs at least one tensor`);
  if (xs.some((x) => !shapesEqual(x.shape, xs[0].shape))) {
    throw new Error(`${op}: tensors must all have one shape, got ${xs.map((x) => shapeToString(x.shape)).join(', ')}`);
  }
}

/**
 * Σ_k x_k; backward: dout · scale into every input. Every input's gradient is the same g, so the
 * last input that wants one takes g over as its gradient's storage (when g is handed over: an owned
 * dout, or the scaled copy made here) after the others have read it, as add does (passIdentity in
 * ./binary.ts): a residual block's Add copies dout once, not twice.
 */
function scaledSum(op: string, xs: readonly Tensor[], scale: number): Tensor {
  checkList(op, xs);
  const y = allocFloat32(xs[0].size);
  elementwiseKernels().sumForward(y, xs.map((x) => x.data));
  if (scale !== 1) for (let i = 0; i < y.length; i++) y[i] *= scale;
  return Tensor.fromOp(op, y, xs[0].shape, xs, (dout, owned) => {
    const g = scale === 1 ? dout : dout.map((v) => v * scale);
    let taker = xs.length - 1;
    while (taker > 0 && !xs[taker].requiresGrad) taker--;
    xs.forEach((x, k) => accumulateGrad(x, g, k === taker && (owned || scale !== 1)));
  });
}

/** x_0 + x_1 + … (Keras Add). */
export function addN(xs: readonly Tensor[]): Tensor {
  return scaledSum('addN', xs, 1);
}

/** (x_0 + x_1 + …) / K (Keras Average). */
export function averageN(xs: readonly Tensor[]): Tensor {
  return scaledSum('averageN', xs, 1 / xs.length);
}

/** x_0 · x_1 · … elementwise (Keras Multiply). */
export function multiplyN(xs: readonly Tensor[]): Tensor {
  checkList('multiplyN', xs);
  const data = xs.map((x) => x.data);
  const y = allocFloat32(xs[0].size);
  mergeKernels().productForward(y, data);
  return Tensor.fromOp('multiplyN', y, xs[0].shape, xs, (dout) => {
    xs.forEach((x, k) => {
      if (!x.requiresGrad) return;
      const dx = allocFloat32(x.size);
      mergeKernels().productBackward(dx, dout, data, k);
      accumulateGrad(x, dx, true);
    });
  });
}

function extreme(op: string, xs: readonly Tensor[], max: boolean): Tensor {
  checkList(op, xs);
  const y = allocFloat32(xs[0].size);
  const winner = new Int32Array(y.length);
  mergeKernels().extremeForward(y, winner, xs.map((x) => x.data), max);
  return Tensor.fromOp(op, y, xs[0].shape, xs, (dout) => {
    xs.forEach((x, k) => {
      if (!x.requiresGrad) return;
      const dx = allocFloat32(x.size);
      mergeKernels().extremeBackward(dx, dout, winner, k);
      accumulateGrad(x, dx, true);
    });
  });
}

/** Elementwise max over the list (Keras Maximum); a tie's gradient goes to the first input reaching it. */
export function maximumN(xs: readonly Tensor[]): Tensor {
  return extreme('maximumN', xs, true);
}

/** Elementwise min over the list (Keras Minimum); a tie's gradient goes to the first input reaching it. */
export function minimumN(xs: readonly Tensor[]): Tensor {
  return extreme('minimumN', xs, false);
}
