import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeToString, shapesEqual } from '../shape.js';
import { sumForward, productForward, productBackward, extremeForwardStreaming, extremeBackward } from '../../kernels/merge.js';

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

/** Σ_k x_k; backward: dout · scale into every input. */
function scaledSum(op: string, xs: readonly Tensor[], scale: number): Tensor {
  checkList(op, xs);
  const y = allocFloat32(xs[0].size);
  sumForward(y, xs.map((x) => x.data));
  if (scale !== 1) for (let i = 0; i < y.length; i++) y[i] *= scale;
  return Tensor.fromOp(op, y, xs[0].shape, xs, (dout) => {
    const g = scale === 1 ? dout : dout.map((v) => v * scale);
    for (const x of xs) accumulateGrad(x, g, false);
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
  productForward(y, data);
  return Tensor.fromOp('multiplyN', y, xs[0].shape, xs, (dout) => {
    xs.forEach((x, k) => {
      if (!x.requiresGrad) return;
      const dx = allocFloat32(x.size);
      productBackward(dx, dout, data, k);
      accumulateGrad(x, dx, true);
    });
  });
}

function extreme(op: string, xs: readonly Tensor[], max: boolean): Tensor {
  checkList(op, xs);
  const y = allocFloat32(xs[0].size);
  const winner = new Int32Array(y.length);
  extremeForwardStreaming(y, winner, xs.map((x) => x.data), max);
  return Tensor.fromOp(op, y, xs[0].shape, xs, (dout) => {
    xs.forEach((x, k) => {
      if (!x.requiresGrad) return;
      const dx = allocFloat32(x.size);
      extremeBackward(dx, dout, winner, k);
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
