/**
 * One ONNX converter per exportable layer class: each adds the layer's inference computation to the
 * graph (onnx-graph.ts) and returns its output value. Weights become constants in ONNX's layouts:
 * a conv filter HWIO [KH, KW, CI, CO] becomes OIHW [CO, CI, KH, KW]; a Dense kernel [in, out] is
 * Gemm's (or MatMul's) B as it is.
 *
 * Padding: ONNX takes explicit pads [top, left, bottom, right]. 'same' is computed as TensorFlow
 * does (conv-shape.ts): the total is split with the extra row/column at the bottom/right, and
 * padded cells never count in an average (count_include_pad = 0) nor win a max.
 */
import type { Layer, SymbolicShape } from '../layers/layer.js';
import type { Conv2D } from '../layers/conv2d.js';
import type { Dense } from '../layers/dense.js';
import type { MaxPooling2D } from '../layers/pooling.js';
import type { Reshape } from '../layers/reshape.js';
import type { Activation } from '../layers/activation.js';
import type { BatchNormalization } from '../layers/batch-normalization.js';
import type { Embedding } from '../layers/embedding.js';
import { conv2dShape, type Padding } from '../../kernels/conv-shape.js';
import { formatShape } from '../layers/layer.js';
import type { OnnxGraphBuilder, OnnxValue } from './onnx-graph.js';
import type { OnnxAttribute } from './onnx-proto.js';

/** Adds `layer` applied to `inputs` (whose output has tatami's shape `shape`) and returns its output. */
export type OnnxConverter = (g: OnnxGraphBuilder, layer: Layer, inputs: readonly OnnxValue[], shape: SymbolicShape) => OnnxValue;

const INT64 = 7; // TensorProto.DataType.INT64, Cast's `to`

/** A layer's weight by its Keras name. */
function weight(layer: Layer, name: string): Float32Array | null {
  return layer.weights.find((w) => w.name === name)?.value.data ?? null;
}

/** The layer's height and width, which ONNX needs known to turn 'same' into pads. */
function spatial(layer: Layer, shape: SymbolicShape): [number, number] {
  const [, H, W] = shape;
  if (shape.length !== 4 || H === null || W === null) {
    throw new Error(`toOnnx: ${layer.describe()} needs a 4-D input with known height and width, got ${formatShape(shape)}`);
  }
  return [H, W];
}

/**
 * ONNX pads [top, left, bottom, right] for a window over H×W. The leading pads and output size are
 * tatami's own (conv-shape.ts, TensorFlow's rule); the trailing pad is what the last window needs
 * beyond the input: (out − 1)·stride + (k − 1)·dilation + 1 − size − leading, never negative.
 */
function pads(H: number, W: number, k: readonly [number, number], strides: readonly [number, number], dilation: readonly [number, number], padding: Padding): number[] {
  const s = conv2dShape(1, H, W, 1, k[0], k[1], 1, strides, dilation, padding);
  const trailing = (out: number, i: 0 | 1, size: number, leading: number): number =>
    Math.max((out - 1) * strides[i] + (k[i] - 1) * dilation[i] + 1 - size - leading, 0);
  return [s.padTop, s.padLeft, trailing(s.OH, 0, H, s.padTop), trailing(s.OW, 1, W, s.padLeft)];
}

/** ONNX's op (and attributes) for each activation, given whether the channels sit at axis 1. */
const ACTIVATION_OPS: Readonly<Record<string, (channelsFirst: boolean) => [string, Record<string, OnnxAttribute>]>> = {
  relu: () => ['Relu', {}],
  sigmoid: () => ['Sigmoid', {}],
  tanh: () => ['Tanh', {}],
  softmax: (channelsFirst) => ['Softmax', { axis: channelsFirst ? 1 : -1 }], // over the channels, as tatami
  elu: () => ['Elu', { alpha: { float: 1 } }], // tatami's elu: alpha 1, Keras's default
  leaky_relu: () => ['LeakyRelu', { alpha: { float: 0.2 } }], // tatami's default alpha
};

/** The activation `name` applied to v, in v's layout ('linear' adds nothing). */
function activate(g: OnnxGraphBuilder, v: OnnxValue, name: string, base: string): OnnxValue {
  if (name === 'linear') return v;
  const make = Object.prototype.hasOwnProperty.call(ACTIVATION_OPS, name) ? ACTIVATION_OPS[name] : undefined;
  if (make === undefined) throw new Error(`toOnnx: activation '${name}' of '${base}' cannot be exported`);
  const [op, attributes] = make(v.channelsFirst);
  return { ...v, name: g.op(op, [v.name], `${base}/${name}`, attributes) };
}

/** HWIO [KH, KW, CI, CO] → OIHW [CO, CI, KH, KW], a fresh array. */
export function hwioToOihw(w: Float32Array, KH: number, KW: number, CI: number, CO: number): Float32Array {
  const out = new Float32Array(w.length); // (CO, CI, KH, KW)
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      for (let ci = 0; ci < CI; ci++) {
        for (let co = 0; co < CO; co++) out[((co * CI + ci) * KH + kh) * KW + kw] = w[((kh * KW + kw) * CI + ci) * CO + co];
      }
    }
  }
  return out;
}

const conv2d: OnnxConverter = (g, layer, [input], shape) => {
  const conv = layer as Conv2D;
  const [H, W] = spatial(layer, input.shape);
  const [KH, KW] = conv.kernelSize;
  const CI = input.shape[3] as number;
  const CO = conv.filters;
  const x = g.channelsFirst(input);
  const w = g.constant(`${layer.name}/kernel`, [CO, CI, KH, KW], hwioToOihw(weight(layer, 'kernel') as Float32Array, KH, KW, CI, CO));
  const bias = weight(layer, 'bias');
  const inputs = bias === null ? [x.name, w] : [x.name, w, g.constant(`${layer.name}/bias`, [CO], bias)];
  const y = g.op('Conv', inputs, `${layer.name}/conv`, {
    kernel_shape: [KH, KW], strides: conv.strides, dilations: conv.dilationRate, group: 1,
    pads: pads(H, W, conv.kernelSize, conv.strides, conv.dilationRate, conv.padding),
  });
  return activate(g, { name: y, shape, channelsFirst: true }, conv.activation, layer.name);
};

const pool = (op: 'MaxPool' | 'AveragePool'): OnnxConverter => (g, layer, [input], shape) => {
  const p = layer as MaxPooling2D;
  const [H, W] = spatial(layer, input.shape);
  const attributes = {
    kernel_shape: p.poolSize, strides: p.strides, pads: pads(H, W, p.poolSize, p.strides, [1, 1], p.padding),
    ...(op === 'AveragePool' ? { count_include_pad: 0 } : {}),
  };
  return { name: g.op(op, [g.channelsFirst(input).name], layer.name, attributes), shape, channelsFirst: true };
};

const globalAveragePooling2d: OnnxConverter = (g, layer, [input], shape) => {
  spatial(layer, input.shape);
  const pooled = g.op('GlobalAveragePool', [g.channelsFirst(input).name], `${layer.name}/pool`); // [N, C, 1, 1]
  return { name: g.op('Flatten', [pooled], layer.name, { axis: 1 }), shape, channelsFirst: false };
};

const batchNormalization: OnnxConverter = (g, layer, [input], shape) => {
  const bn = layer as BatchNormalization;
  const mean = weight(layer, 'moving_mean') as Float32Array;
  const C = mean.length;
  // ONNX normalizes axis 1: the channels must be there (rank 2 already has them there).
  const x = input.shape.length > 2 ? g.channelsFirst(input) : input;
  const constant = (name: string, fill: number): string => g.constant(`${layer.name}/${name}`, [C], weight(layer, name) ?? new Float32Array(C).fill(fill));
  const inputs = [x.name, constant('gamma', 1), constant('beta', 0), constant('moving_mean', 0), constant('moving_variance', 1)];
  return { name: g.op('BatchNormalization', inputs, layer.name, { epsilon: { float: bn.epsilon } }), shape, channelsFirst: x.channelsFirst };
};

const dense: OnnxConverter = (g, layer, [input], shape) => {
  const d = layer as Dense;
  const x = g.channelsLast(input); // Dense acts on the last axis of tatami's layout
  const inUnits = input.shape[input.shape.length - 1] as number;
  const w = g.constant(`${layer.name}/kernel`, [inUnits, d.units], weight(layer, 'kernel') as Float32Array);
  const biasData = weight(layer, 'bias');
  const bias = biasData === null ? null : g.constant(`${layer.name}/bias`, [d.units], biasData);
  let z: string;
  if (input.shape.length === 2) {
    z = g.op('Gemm', bias === null ? [x.name, w] : [x.name, w, bias], `${layer.name}/gemm`);
  } else {
    z = g.op('MatMul', [x.name, w], `${layer.name}/matmul`); // MatMul broadcasts over the leading axes
    if (bias !== null) z = g.op('Add', [z, bias], `${layer.name}/add`);
  }
  return activate(g, { name: z, shape, channelsFirst: false }, d.activation, layer.name);
};

const flatten: OnnxConverter = (g, layer, [input], shape) =>
  // Back to NHWC first: tatami flattens in NHWC order, so the next Dense sees the same features.
  ({ name: g.op('Flatten', [g.channelsLast(input).name], layer.name, { axis: 1 }), shape, channelsFirst: false });

const reshape: OnnxConverter = (g, layer, [input], shape) => {
  // 0 copies the (dynamic) batch size from the input; the target may hold one -1.
  const target = g.int64Constant(`${layer.name}/shape`, [0, ...(layer as Reshape).targetShape]);
  return { name: g.op('Reshape', [g.channelsLast(input).name, target], layer.name), shape, channelsFirst: false };
};

const embedding: OnnxConverter = (g, layer, [input], shape) => {
  const { inputDim, outputDim } = layer as Embedding;
  const indices = g.op('Cast', [g.channelsLast(input).name], `${layer.name}/indices`, { to: INT64 }); // tatami's ids are floats
  const t = g.constant(`${layer.name}/embeddings`, [inputDim, outputDim], weight(layer, 'embeddings') as Float32Array);
  return { name: g.op('Gather', [t, indices], layer.name, { axis: 0 }), shape, channelsFirst: false };
};

/** The exportable layers by class name. Dropout only acts in training: identity here. */
export const ONNX_CONVERTERS: Readonly<Record<string, OnnxConverter>> = {
  Conv2D: conv2d,
  Dense: dense,
  MaxPooling2D: pool('MaxPool'),
  AveragePooling2D: pool('AveragePool'),
  GlobalAveragePooling2D: globalAveragePooling2d,
  BatchNormalization: batchNormalization,
  Activation: (g, layer, [input]) => activate(g, input, (layer as Activation).activation, layer.name),
  Flatten: flatten,
  Reshape: reshape,
  Dropout: (g, layer, [input]) => ({ ...input, name: g.op('Identity', [input.name], layer.name) }),
  Embedding: embedding,
};
