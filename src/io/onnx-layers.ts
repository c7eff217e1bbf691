/**
 * The table of every exportable layer by class name, which toOnnx (onnx.ts) consults, and the
 * converters of the layers no family file holds: pools, Dense, Flatten, Reshape, Embedding and the
 * training-only layers. The families: onnx-convs.ts, onnx-activations.ts, onnx-normalization.ts,
 * onnx-reshaping.ts, onnx-merges.ts; what they share is in onnx-convert.ts.
 *
 * Weights become constants in ONNX's layouts: a Dense kernel [in, out] is Gemm's (or MatMul's) B as
 * it is. The training-only layers (Dropout and its kin, noise, random augmentation) act only in
 * training, as Keras's: at inference they are identities.
 */
import type { MaxPooling2D } from '../layers/pooling.js';
import type { Dense } from '../layers/dense.js';
import type { Reshape } from '../layers/reshape.js';
import type { Embedding } from '../layers/embedding.js';
import { weight, optionalWeight, spatial, pads, type OnnxConverter } from './onnx-convert.js';
import { activate, ACTIVATION_CONVERTERS } from './onnx-activations.js';
import { CONV_CONVERTERS } from './onnx-convs.js';
import { NORMALIZATION_CONVERTERS } from './onnx-normalization.js';
import { RESHAPING_CONVERTERS } from './onnx-reshaping.js';
import { MERGE_CONVERTERS } from './onnx-merges.js';

const INT64 = 7; // TensorProto.DataType.INT64, Cast's `to`

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

const dense: OnnxConverter = (g, layer, [input], shape) => {
  const d = layer as Dense;
  const x = g.channelsLast(input); // Dense acts on the last axis of tatami's layout
  const inUnits = input.shape[input.shape.length - 1] as number;
  const w = g.constant(`${layer.name}/kernel`, [inUnits, d.units], weight(layer, 'kernel'));
  const biasData = optionalWeight(layer, 'bias');
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
  const t = g.constant(`${layer.name}/embeddings`, [inputDim, outputDim], weight(layer, 'embeddings'));
  return { name: g.op('Gather', [t, indices], layer.name, { axis: 0 }), shape, channelsFirst: false };
};

const identity: OnnxConverter = (g, layer, [input]) => ({ ...input, name: g.op('Identity', [input.name], layer.name) });

/** The layers that only act in training. */
const TRAINING_ONLY = [
  'Dropout', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'RandomFlip', 'RandomTranslation', 'RandomRotation', 'RandomZoom', 'RandomContrast',
];

/** The exportable layers by class name. */
export const ONNX_CONVERTERS: Readonly<Record<string, OnnxConverter>> = {
  ...CONV_CONVERTERS,
  Dense: dense,
  MaxPooling2D: pool('MaxPool'),
  AveragePooling2D: pool('AveragePool'),
  GlobalAveragePooling2D: globalAveragePooling2d,
  ...NORMALIZATION_CONVERTERS,
  ...ACTIVATION_CONVERTERS,
  ...RESHAPING_CONVERTERS,
  ...MERGE_CONVERTERS,
  Flatten: flatten,
  Reshape: reshape,
  Embedding: embedding,
  ...Object.fromEntries(TRAINING_ONLY.map((name) => [name, identity])),
};
