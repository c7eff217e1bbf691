/**
 * Export a model to ONNX, for the runtimes deployments use (onnxruntime on servers, phones, the web).
 *
 * The ONNX graph takes the tatami model's own input layout (NHWC, float32, the batch axis dynamic),
 * one graph input per model input, and gives its outputs in order in tatami's layout; inside,
 * convolutions and pools run NCHW, with Transposes only where the layout changes (onnx-graph.ts).
 * The graph is inference: Dropout and the other training-only layers are identities,
 * BatchNormalization uses its moving statistics. Each layer class has a converter (onnx-layers.ts
 * lists them); a layer with none is refused by name.
 *
 * A nested model (a Model or Sequential used as a layer, models/nested-model.ts) is inlined: its own
 * graph is converted in place of its call, its inputs the call's inputs, its output the call's
 * output. Its nodes and constants are named under its name (`base/conv1`, `base/conv1/kernel`); a
 * second call's nodes under `base/call1/`, with the first call's constants, so a shared base's
 * weights are in the file once. A nested model inside a nested model nests the names again.
 * The bytes are written here (onnx-proto.ts): no protobuf or onnx package is needed.
 */
import type { Model } from '../models/model.js';
import type { InferenceModel } from '../models/inference-model.js';
import { NestedModel } from '../models/nested-model.js';
import { formatShape, type Layer, type SymbolicShape, type SymbolicTensor } from '../layers/layer.js';
import { modelProto, valueInfo, type OnnxDim } from './onnx-proto.js';
import { OnnxGraphBuilder, type OnnxScope, type OnnxValue } from './onnx-graph.js';
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
 * `name/call1`, `name/call2`, …). This is the one place that knows how a model is wired. A nested
 * model's call is one node here, whose layer is the NestedModel; toOnnx converts its own plan there.
 */
export function onnxPlan(model: InferenceModel): OnnxPlan {
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

/** Refuse, naming it and the nested models it sits in, the first layer with no converter. */
function checkExportable(model: InferenceModel, within: string): void {
  for (const { layer } of onnxPlan(model).nodes) {
    if (layer instanceof NestedModel) {
      checkExportable(layer.model, ` in ${layer.describe()}${within}`);
    } else if (!Object.prototype.hasOwnProperty.call(ONNX_CONVERTERS, layer.className)) {
      throw new Error(`toOnnx: ${layer.describe()}${within} cannot be exported to ONNX (exportable: ${Object.keys(ONNX_CONVERTERS).join(', ')})`);
    }
  }
}

/**
 * Add `model`'s layer calls to the graph, applied to `inputs` (one per model input), with names
 * under `scope`; returns its outputs. A nested model's call converts that model's plan the same way,
 * under the call's name for its nodes and, for its constants, the scope its first call gave them
 * (`constantScopes`, by nested model), so every call shares one copy of the weights.
 */
function convertModel(g: OnnxGraphBuilder, model: InferenceModel, inputs: readonly OnnxValue[], scope: OnnxScope, constantScopes: Map<NestedModel, string>): OnnxValue[] {
  const plan = onnxPlan(model);
  const values = new Map<string, OnnxValue>(plan.inputs.map(({ name }, i) => [name, inputs[i]]));
  for (const { layer, inputNames, outputName, outputShape } of plan.nodes) {
    const xs = inputNames.map((n) => values.get(n) as OnnxValue);
    if (layer instanceof NestedModel) {
      const constants = constantScopes.get(layer) ?? `${scope.constants}${layer.name}/`;
      constantScopes.set(layer, constants);
      values.set(outputName, convertModel(g, layer.model, xs, { nodes: `${scope.nodes}${outputName}/`, constants }, constantScopes)[0]);
    } else {
      values.set(outputName, g.within(scope, () => ONNX_CONVERTERS[layer.className](g, layer, xs, outputShape)));
    }
  }
  return plan.outputs.map((n) => values.get(n) as OnnxValue);
}

/**
 * Serialize `model` as an ONNX ModelProto. Weights are initialized first if they are still fresh.
 * Throws, naming the layer (and the nested models it sits in), when a layer cannot be exported.
 */
export function toOnnx(model: Model, options: ToOnnxOptions = {}): Uint8Array {
  const { opset = MIN_OPSET } = options;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new Error(`toOnnx: opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${String(opset)}`);
  }
  checkExportable(model, '');
  model.ensureInitialized();
  const plan = onnxPlan(model);
  const g = new OnnxGraphBuilder(opset);
  for (const name of [...plan.inputs.map((i) => i.name), ...plan.outputs]) g.reserve(name); // outputs named last, by g.output
  const given = plan.inputs.map(({ name, shape }): OnnxValue => ({ name, shape, channelsFirst: false }));
  const made = convertModel(g, model, given, { nodes: '', constants: '' }, new Map());
  // Each output leaves in tatami's layout under its own name.
  const outputs = plan.outputs.map((name, o) => {
    const v = g.channelsLast(made[o]);
    g.output(v.name, name);
    return valueInfo(name, dims(v.shape));
  });
  const inputs = plan.inputs.map(({ name, shape }) => {
    if (shape.slice(1).some((d) => d === null)) throw new Error(`toOnnx: input '${name}' has shape ${formatShape(shape)}; only the batch axis may be unknown`);
    return valueInfo(name, dims(shape));
  });
  return modelProto({ name: model.name, nodes: g.nodes, initializers: g.initializers, inputs, outputs }, opset, 'tatami');
}
