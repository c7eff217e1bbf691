import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32, releaseFloat32 } from '../storage.js';
import type { Shape } from '../shape.js';
import { elementwiseKernels } from '../kernel-tables/elementwise.js';

/** A tensor or a plain number (treated as a scalar tensor). */
export type Operand = Tensor | number;

export function asTensor(v: Operand): Tensor {
  return v instanceof Tensor ? v : new Tensor(Float32Array.of(v), []);
}

/**
 * Add `scale` · g into input's gradient, where g is laid out over `shape` (the shape input was
 * broadcast to): g is summed down to the input's shape first (the backward of broadcasting).
 * `owned`: g is a buffer the caller hands over (a scratch buffer, or an owned dout: see Tensor's
 * BackwardFn): it may become the gradient, be negated in place, or go back to storage; otherwise g
 * is only read.
 */
export function passGrad(input: Tensor, g: Float32Array, shape: Shape, scale: 1 | -1, owned = false): void {
  if (!input.requiresGrad) return;
  let gi: Float32Array; // (input.shape)
  if (input.size === g.length) {
    // Nothing was stretched: g is already laid out as the input.
    if (scale === 1) {
      accumulateGrad(input, g, owned);
      return;
    }
    gi = owned ? g : allocFloat32(g.length);
  } else {
    gi = allocFloat32(input.size);
    elementwiseKernels().reduceSumTo(gi, g, shape, input.shape);
    if (owned) releaseFloat32([g]);
    if (scale === 1) {
      accumulateGrad(input, gi, true);
      return;
    }
    g = gi;
  }
  for (let i = 0; i < gi.length; i++) gi[i] = -g[i];
  accumulateGrad(input, gi, true);
}
