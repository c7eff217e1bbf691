import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { unaryMap } from '../../kernels/elementwise.js';

/**
 * Elementwise unary ops and activations.
 *
 * Each is its forward y = f(x) and its derivative dy/dx written as a function of (x, y) — whichever
 * is cheaper (exp's derivative is y itself; sigmoid's is y(1−y)). Backward: dx += dout · f'(x, y).
 */
function unaryOp(op: string, x: Tensor, f: (v: number) => number, df: (v: number, y: number) => number): Tensor {
  const y = allocFloat32(x.size);
  unaryMap(y, x.data, f);
  return Tensor.fromOp(op, y, x.shape, [x], (dout) => {
    const dx = allocFloat32(x.size);
    const xd = x.data;
    for (let i = 0; i < dx.length; i++) dx[i] = dout[i] * df(xd[i], y[i]);
    accumulateGrad(x, dx, true);
  });
}

export const neg = (x: Tensor): Tensor => unaryOp('neg', x, (v) => -v, () => -1);
export const exp = (x: Tensor): Tensor => unaryOp('exp', x, Math.exp, (_v, y) => y);
export const log = (x: Tensor): Tensor => unaryOp('log', x, Math.log, (v) => 1 / v);
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', x, Math.sqrt, (_v, y) => 0.5 / y);
export const square = (x: Tensor): Tensor => unaryOp('square', x, (v) => v * v, (v) => 2 * v);
export const abs = (x: Tensor): Tensor => unaryOp('abs', x, Math.abs, (v) => Math.sign(v));
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', x, (v) => 1 / (1 + Math.exp(-v)), (_v, y) => y * (1 - y));
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', x, Math.tanh, (_v, y) => 1 - y * y);

/** x^p for a scalar exponent p; d/dx = p·x^(p−1) (0 for p = 0, also at x = 0 where x^(−1) is infinite). */
export function pow(x: Tensor, p: number): Tensor {
  if (typeof p !== 'number' || !Number.isFinite(p)) throw new Error(`pow: exponent must be a finite number, got ${String(p)}`);
  return unaryOp('pow', x, (v) => Math.pow(v, p), (v) => (p === 0 ? 0 : p * Math.pow(v, p - 1)));
}

/** Clamp to [min, max]; the gradient is 1 inside the interval and 0 where clamped. */
export function clip(x: Tensor, min: number, max: number): Tensor {
  if (!(min <= max)) throw new Error(`clip: min ${min} must not exceed max ${max}`);
  return unaryOp('clip', x, (v) => (v < min ? min : v > max ? max : v), (v) => (v < min || v > max ? 0 : 1));
}

/**
 * max(x, 0), NaN kept (as tf.nn.relu and torch.relu: a diverged network shows NaN, not 0).
 * Written out (no per-element call): it runs on every conv output in a CNN.
 */
export function relu(x: Tensor): Tensor {
  const xd = x.data;
  const y = allocFloat32(x.size);
  for (let i = 0; i < y.length; i++) y[i] = xd[i] < 0 ? 0 : xd[i];
  return Tensor.fromOp('relu', y, x.shape, [x], (dout) => {
    const dx = allocFloat32(x.size);
    for (let i = 0; i < dx.length; i++) dx[i] = xd[i] > 0 ? dout[i] : 0;
    accumulateGrad(x, dx, true);
  });
}

/** x for x > 0, alpha·x otherwise (default alpha 0.2, as tf.nn.leaky_relu, tfjs and Keras 3's activation). */
export function leakyRelu(x: Tensor, alpha = 0.2): Tensor {
  return unaryOp('leakyRelu', x, (v) => (v > 0 ? v : alpha * v), (v) => (v > 0 ? 1 : alpha));
}

/** x for x > 0, alpha·(eˣ − 1) otherwise (Keras default alpha = 1); d/dx = y + alpha below 0. */
export function elu(x: Tensor, alpha = 1): Tensor {
  return unaryOp('elu', x, (v) => (v > 0 ? v : alpha * (Math.exp(v) - 1)), (v, y) => (v > 0 ? 1 : y + alpha));
}
