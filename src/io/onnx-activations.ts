/**
 * Activations in ONNX: every activation name tatami knows (activations.ts), and the activation
 * layers (ReLU with its options, LeakyReLU, ELU, PReLU, Softmax on any axis, Activation).
 *
 * An activation acts value by value, so it runs in whatever layout its input has, except softmax,
 * which needs to know where the channels are, and PReLU, whose alpha is laid out channels last.
 * Where ONNX has the function as one operator at every opset from 13 it is used (Relu, Elu, Selu,
 * Softplus, Softsign, HardSigmoid); the others are composed from operators with the same formula:
 *   relu6        Clip(x, 0, 6)
 *   silu, swish  x · Sigmoid(x)
 *   gelu         Gelu from opset 20; below, x · (1 + Erf(x / √2)) / 2
 *   hard_silu    x · HardSigmoid(x; 1/6, 1/2) = x · relu6(x + 3) / 6
 *   ReLU         Where(x > threshold, Clip(x, 0, maxValue), negativeSlope · (x − threshold))
 */
import type { Activation } from '../layers/activation.js';
import type { ReLU, LeakyReLU, ELU, Softmax } from '../layers/advanced-activations.js';
import type { PReLU } from '../layers/prelu.js';
import type { OnnxGraphBuilder, OnnxValue } from './onnx-graph.js';
import { weight, type OnnxConverter } from './onnx-convert.js';

/** SELU's constants (Klambauer et al. 2017), as ops/unary.ts. */
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** Adds the activation to value `x` (named `base`/…); returns the output's name. */
type ActivationOp = (g: OnnxGraphBuilder, x: OnnxValue, base: string) => string;

const single = (op: string, attributes: Record<string, { float: number }> = {}): ActivationOp =>
  (g, x, base) => g.op(op, [x.name], base, attributes);

/** x · f(x), for the self-gated activations (silu, hard_silu). */
const gated = (gate: ActivationOp): ActivationOp => (g, x, base) => g.op('Mul', [x.name, gate(g, x, `${base}/gate`)], base);

const clip = (g: OnnxGraphBuilder, x: string, lo: number, hi: number | null, base: string): string =>
  g.op('Clip', hi === null ? [x, g.scalar(`${base}/min`, lo)] : [x, g.scalar(`${base}/min`, lo), g.scalar(`${base}/max`, hi)], base);

const gelu: ActivationOp = (g, x, base) => {
  if (g.opset >= 20) return g.op('Gelu', [x.name], base);
  const erf = g.op('Erf', [g.op('Mul', [x.name, g.scalar(`${base}/rsqrt2`, Math.SQRT1_2)], `${base}/scaled`)], `${base}/erf`);
  const half = g.op('Mul', [g.op('Add', [erf, g.scalar(`${base}/one`, 1)], `${base}/cdf2`), g.scalar(`${base}/half`, 0.5)], `${base}/cdf`);
  return g.op('Mul', [x.name, half], base);
};

/** The activations by tatami's name ('linear' and 'softmax' are handled by {@link activate}). */
const ACTIVATION_OPS: Readonly<Record<string, ActivationOp>> = {
  relu: single('Relu'),
  relu6: (g, x, base) => clip(g, x.name, 0, 6, base),
  sigmoid: single('Sigmoid'),
  tanh: single('Tanh'),
  elu: single('Elu', { alpha: { float: 1 } }), // tatami's elu: alpha 1, Keras's default
  leaky_relu: single('LeakyRelu', { alpha: { float: 0.2 } }), // tatami's default alpha
  selu: single('Selu', { alpha: { float: SELU_ALPHA }, gamma: { float: SELU_SCALE } }),
  softplus: single('Softplus'),
  softsign: single('Softsign'),
  silu: gated(single('Sigmoid')),
  swish: gated(single('Sigmoid')),
  gelu,
  exponential: single('Exp'),
  hard_sigmoid: single('HardSigmoid', { alpha: { float: 0.2 }, beta: { float: 0.5 } }),
  hard_sigmoid_keras3: single('HardSigmoid', { alpha: { float: 1 / 6 }, beta: { float: 0.5 } }),
  hard_silu: gated(single('HardSigmoid', { alpha: { float: 1 / 6 }, beta: { float: 0.5 } })),
  hard_swish: gated(single('HardSigmoid', { alpha: { float: 1 / 6 }, beta: { float: 0.5 } })),
};

/** The activation `name` applied to v, in v's layout ('linear' adds nothing); `base` names the output. */
export function activate(g: OnnxGraphBuilder, v: OnnxValue, name: string, base: string): OnnxValue {
  if (name === 'linear') return v;
  // Softmax runs over the channels, wherever the graph holds them (tatami's softmax is over the last axis).
  if (name === 'softmax') return { ...v, name: g.op('Softmax', [v.name], `${base}/softmax`, { axis: v.channelsFirst ? 1 : -1 }) };
  const make = Object.prototype.hasOwnProperty.call(ACTIVATION_OPS, name) ? ACTIVATION_OPS[name] : undefined;
  if (make === undefined) throw new Error(`toOnnx: activation '${name}' of '${base}' cannot be exported`);
  return { ...v, name: make(g, v, `${base}/${name}`) };
}

const relu: OnnxConverter = (g, layer, [x], shape) => {
  const { maxValue, negativeSlope, threshold } = layer as ReLU;
  const base = layer.name;
  const positive = maxValue === null ? g.op('Relu', [x.name], `${base}/relu`) : clip(g, x.name, 0, maxValue, `${base}/clip`);
  if (negativeSlope === 0 && threshold === 0) return { ...x, name: positive, shape };
  const t = g.scalar(`${base}/threshold`, threshold);
  const below = g.op('Mul', [g.op('Sub', [x.name, t], `${base}/shifted`), g.scalar(`${base}/slope`, negativeSlope)], `${base}/below`);
  const above = g.op('Greater', [x.name, t], `${base}/above`);
  return { ...x, name: g.op('Where', [above, positive, below], base), shape };
};

const prelu: OnnxConverter = (g, layer, [input], shape) => {
  // alpha is laid out over tatami's axes after the batch (shared axes of size 1): channels last.
  const x = g.channelsLast(input);
  const alpha = weight(layer, 'alpha');
  const slope = g.constant(`${layer.name}/alpha`, (layer as PReLU).alphaShape(input.shape), alpha);
  return { name: g.op('PRelu', [x.name, slope], layer.name), shape, channelsFirst: false };
};

const softmax: OnnxConverter = (g, layer, [input], shape) => {
  const { axis } = layer as Softmax;
  if (axis === -1) return activate(g, input, 'softmax', layer.name);
  // Another axis of tatami's layout: in that layout (opset 13's Softmax is over one axis).
  return { name: g.op('Softmax', [g.channelsLast(input).name], layer.name, { axis }), shape, channelsFirst: false };
};

/** A one-operator activation layer whose attribute `alpha` comes from the layer. */
const withAlpha = (op: string): OnnxConverter => (g, layer, [x], shape) =>
  ({ ...x, name: g.op(op, [x.name], layer.name, { alpha: { float: (layer as LeakyReLU | ELU).alpha } }), shape });

/** The activation layers' converters, by class name. */
export const ACTIVATION_CONVERTERS: Readonly<Record<string, OnnxConverter>> = {
  Activation: (g, layer, [input]) => activate(g, input, (layer as Activation).activation, layer.name),
  ReLU: relu,
  LeakyReLU: withAlpha('LeakyRelu'),
  ELU: withAlpha('Elu'),
  PReLU: prelu,
  Softmax: softmax,
};
