/**
 * Export a model to ONNX, for the runtimes deployments use (onnxruntime on servers, phones, the web).
 *
 * The ONNX graph takes the tatami model's own input layout (NHWC, float32, the batch axis dynamic),
 * one graph input per model input, and gives its outputs in order in tatami's layout; inside,
 * convolutions and pools run NCHW, with Transposes only where the layout changes (onnx-graph.ts).
 * The graph is inference: Dropout and the other training-only layers are identities,
 * BatchNormalization uses its moving statistics. Each layer class has a converter (onnx-layers.ts
 * lists them); a layer with none is refused by name.
 * The bytes are written here (onnx-proto.ts): no protobuf or onnx package is needed.
 */
import type { Model } from '../models/model.js';
import { formatShape, type Layer, type SymbolicShape, type SymbolicTensor } from '../layers/layer.js';
import { modelProto, valueInfo, type OnnxDim } from './onnx-proto.js';
import { OnnxGraphBuilder, type OnnxValue } from './onnx-graph.js';
import { ONNX_CONVERTERS } from './onnx-layers.js';

export interface ToOnnxOptions {
  /** ONNX opset of the default domain, 13 to 21 (default 13: Softmax over one axis, as tatami's). */
  opset?: number;
}

/** One layer call of the graph: which values it reads, and the name and shape of the value it makes. */
export interface OnnxNode {
  readonly layer: Layer;
  readonly inputNames: readonly string[];
  readonly outputName: string;
  readonly outputShape: SymbolicShape;
}

/** What the exporter walks: the graph inputs, the layer calls in a topological order, the outputs. */
export interface OnnxPlan {
  readonly inputs: readonly { readonly name: string; readonly shape: SymbolicShape }[];
  readonly nodes: readonly OnnxNode[];
  readonly outputs: readonly string[];
}

/**
 * The model as a list of layer calls, in the model's run order (model.connections()): each call reads
 * the values its inputs made and makes one named after its layer (a shared layer's later calls get
 * `name/call1`, `name/call2`, …). This is the one place that knows how a model is wired.
 */
export function onnxPlan(model: Model): OnnxPlan {
  const names = new Map<SymbolicTensor, string>();
  const calls = new Map<Layer, number>();
  const valueName = (t: SymbolicTensor): string => {
    const known = names.get(t);
    if (known !== undefined) return known;
    const k = calls.get(t.layer) ?? 0;
    calls.set(t.layer, k + 1);
    const name = k === 0 ? t.layer.name : `${t.layer.name}/call${k}`;
    names.set(t, name);
    return name;
  };
  const inputs = model.inputs.map((t) => ({ name: valueName(t), shape: t.shape }));
  const nodes = model.connections().map(({ node, layer, outputShape }) => ({ layer, inputNames: node.inputs.map(valueName), outputName: valueName(node), outputShape }));
  return { inputs, nodes, outputs: model.outputs.map(valueName) };
}

/** The opsets whose operators the converters use as written (Softmax on one axis needs 13). */
const MIN_OPSET = 13;
const MAX_OPSET = 21;

/** Symbolic dims → ONNX dims: the unknown batch axis gets the name 'batch'. */
const dims = (shape: SymbolicShape): OnnxDim[] => shape.map((d) => d ?? 'batch');

/**
 * Serialize `model` as an ONNX ModelProto. Weights are initialized first if they are still fresh.
 * Throws, naming the layer, when a layer cannot be exported.
 */
export function toOnnx(model: Model, options: ToOnnxOptions = {}): Uint8Array {
  const { opset = MIN_OPSET } = options;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new Error(`toOnnx: opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${String(opset)}`);
  }
  const plan = onnxPlan(model);
  for (const { layer } of plan.nodes) {
    if (!Object.prototype.hasOwnProperty.call(ONNX_CONVERTERS, layer.className)) {
      throw new Error(`toOnnx: ${layer.describe()} cannot be exported to ONNX (exportable: ${Object.keys(ONNX_CONVERTERS).join(', ')})`);
    }
  }
  model.ensureInitialized();
  const g = new OnnxGraphBuilder(opset);
  const values = new Map<string, OnnxValue>();
  for (const { name, shape } of plan.inputs) {
    g.reserve(name);
    values.set(name, { name, shape, channelsFirst: false });
  }
  for (const name of plan.outputs) g.reserve(name); // named last, by g.output
  for (const { layer, inputNames, outputName, outputShape } of plan.nodes) {
    const inputs = inputNames.map((n) => values.get(n) as OnnxValue);
    values.set(outputName, ONNX_CONVERTERS[layer.className](g, layer, inputs, outputShape));
  }
  // Each output leaves in tatami's layout under its own name.
  const outputs = plan.outputs.map((name) => {
    const v = g.channelsLast(values.get(name) as OnnxValue);
    g.output(v.name, name);
    return valueInfo(name, dims(v.shape));
  });
  const inputs = plan.inputs.map(({ name, shape }) => {
    if (shape.slice(1).some((d) => d === null)) throw new Error(`toOnnx: input '${name}' has shape ${formatShape(shape)}; only the batch axis may be unknown`);
    return valueInfo(name, dims(shape));
  });
  return modelProto({ name: model.name, nodes: g.nodes, initializers: g.initializers, inputs, outputs }, opset, 'tatami');
}
