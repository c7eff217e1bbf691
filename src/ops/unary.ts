import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { elementwiseKernels } from '../kernel-tables/elementwise.js';
import { reluKernels } from '../kernel-tables/relu.js';
import { erf } from '../../kernels/erf.js';

/**
 * Elementwise unary ops and activations.
 *
 * Each is its forward y = f(x) and its derivative dy/dx written as a function of (x, y) — whichever
 * is cheaper (exp's derivative is y itself; sigmoid's is y(1−y)). Backward: dx += dout · f'(x, y).
 */
function unaryOp(op: string, x: Tensor, f: (v: number) => number, df: (v: number, y: number) => number): Tensor {
  const y = allocFloat32(x.size);
  elementwiseKernels().unaryMap(y, x.data, f);
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
 * Forward on WebAssembly SIMD where available (kernels/elementwise-simd.ts, else relu.ts's loop);
 * backward is the fused-ReLU mask of kernels/relu-fast.ts: dout where x > 0. A JS loop branches on
 * the sign of every element, and with signs at random the branch is mispredicted half the time:
 * ~6 ns per float against ~0.5 on SIMD. (Under setKernels('reference'): relu.ts's loops both ways.)
 */
export function relu(x: Tensor): Tensor {
  const xd = x.data;
  const y = allocFloat32(x.size);
  reluKernels().reluForward(y, xd);
  return Tensor.fromOp('relu', y, x.shape, [x], (dout, owned) => {
    // An owned dout is masked in place and handed on (see Tensor's BackwardFn): no fresh buffer.
    const dx = owned ? dout : allocFloat32(x.size);
    reluKernels().reluBackwardBias(dx, null, dout, xd, 1);
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

export interface ReluOptions {
  /** Upper bound of the output (default: none). */
  maxValue?: number | null;
  /** Slope below the threshold (default 0). */
  negativeSlope?: number;
  /** Inputs at or below it take the negative slope (default 0). */
  threshold?: number;
}

/**
 * Keras's full ReLU (keras.activations.relu / layers.ReLU):
 * y = min(max(x, 0), maxValue) for x > threshold, negativeSlope·(x − threshold) otherwise.
 * d/dx = 1 where 0 < x < maxValue and x > threshold, negativeSlope below the threshold, 0 elsewhere.
 */
export function reluGeneral(x: Tensor, options: ReluOptions = {}): Tensor {
  const { maxValue = null, negativeSlope = 0, threshold = 0 } = options;
  const top = maxValue ?? Infinity;
  if (!(top >= 0) || !Number.isFinite(negativeSlope) || !Number.isFinite(threshold)) {
    throw new Error(`reluGeneral: maxValue must be ≥ 0 and negativeSlope, threshold finite, got ${maxValue}, ${negativeSlope}, ${threshold}`);
  }
  if (negativeSlope === 0 && threshold === 0) return clippedRelu(x, top);
  return unaryOp(
    'reluGeneral',
    x,
    // Written so a NaN input falls through every test and comes out NaN, and −∞ with slope 0 gives 0.
    (v) => (v > threshold ? (v < 0 ? 0 : v > top ? top : v) : v <= threshold ? (negativeSlope === 0 ? 0 : negativeSlope * (v - threshold)) : v),
    (v) => (v > threshold ? (v > 0 && v < top ? 1 : 0) : v < threshold ? negativeSlope : 0),
  );
}

/**
 * min(max(x, 0), top) (ReLU6 for top = 6), as its own kernels (kernels/clipped-relu.ts; WebAssembly
 * SIMD in the fast table): through the generic unary map every float paid a closure call, which made
 * MobileNet's ReLU6 half of its training step.
 */
function clippedRelu(x: Tensor, top: number): Tensor {
  const xd = x.data;
  const y = allocFloat32(x.size); // (x.shape)
  reluKernels().clippedReluForward(y, xd, top);
  return Tensor.fromOp('reluGeneral', y, x.shape, [x], (dout) => {
    const dx = allocFloat32(x.size); // (x.shape)
    reluKernels().clippedReluBackward(dx, dout, xd, top);
    accumulateGrad(x, dx, true);
  });
}

/** min(max(x, 0), 6). */
export const relu6 = (x: Tensor): Tensor => reluGeneral(x, { maxValue: 6 });

/** log(1 + eˣ), computed as max(x, 0) + log1p(e^(−|x|)) so it never overflows; d/dx = sigmoid(x). */
export const softplus = (x: Tensor): Tensor =>
  unaryOp('softplus', x, (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))), (v) => 1 / (1 + Math.exp(-v)));

/** x / (1 + |x|); d/dx = 1 / (1 + |x|)². */
export const softsign = (x: Tensor): Tensor =>
  unaryOp('softsign', x, (v) => v / (1 + Math.abs(v)), (v) => 1 / ((1 + Math.abs(v)) * (1 + Math.abs(v))));

/** SELU's constants (Klambauer et al. 2017), as Keras and tfjs spell them. */
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** scale·x for x > 0, scale·alpha·(eˣ − 1) otherwise; d/dx = scale, or y + scale·alpha below 0. */
export const selu = (x: Tensor): Tensor =>
  unaryOp('selu', x, (v) => (v > 0 ? SELU_SCALE * v : SELU_SCALE * SELU_ALPHA * Math.expm1(v)), (v, y) => (v > 0 ? SELU_SCALE : y + SELU_SCALE * SELU_ALPHA));

/** x·sigmoid(x) (Keras silu, alias swish); d/dx = s·(1 + x·(1 − s)) with s = sigmoid(x). */
export const silu = (x: Tensor): Tensor =>
  unaryOp('silu', x, (v) => v / (1 + Math.exp(-v)), (v) => {
    const s = 1 / (1 + Math.exp(-v));
    return s * (1 + v * (1 - s));
  });

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * GELU, as Keras gelu(x, approximate):
 *   exact:        x·Φ(x), Φ(x) = (1 + erf(x/√2)) / 2;             d/dx = Φ(x) + x·φ(x), φ the normal density
 *   approximate:  x·(1 + tanh(u)) / 2, u = √(2/π)·(x + 0.044715·x³); d/dx = (1 + t)/2 + x·(1 − t²)·u′/2
 */
export function gelu(x: Tensor, approximate = false): Tensor {
  if (!approximate) {
    return unaryOp('gelu', x, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)), (v) => 0.5 * (1 + erf(v / Math.SQRT2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
  }
  return unaryOp('gelu(approximate)', x, (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))), (v) => {
    const t = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v));
    return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
  });
}

/**
 * clip(slope·x + 0.5, 0, 1); d/dx = slope inside, 0 where clipped. The slope is where Keras's versions
 * differ: Keras 2 and tfjs use 0.2 (the default here); Keras 3 uses 1/6, i.e. relu6(x + 3) / 6.
 */
export function hardSigmoid(x: Tensor, slope = 0.2): Tensor {
  const lo = -0.5 / slope;
  const hi = 0.5 / slope;
  return unaryOp('hardSigmoid', x, (v) => (v <= lo ? 0 : v >= hi ? 1 : slope * v + 0.5), (v) => (v <= lo || v >= hi ? 0 : slope));
}

/** Keras 3 hard_silu (alias hard_swish): x·relu6(x + 3)/6; d/dx = 0 below −3, 1 above 3, (2x + 3)/6 between. */
export const hardSilu = (x: Tensor): Tensor =>
  unaryOp('hardSilu', x, (v) => (v <= -3 ? 0 : v >= 3 ? v : (v * (v + 3)) / 6), (v) => (v <= -3 ? 0 : v >= 3 ? 1 : (2 * v + 3) / 6));
