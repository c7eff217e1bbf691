/**
 * `loadModel(source)`: a model in the TensorFlow.js Layers format (what tfjs's `model.save` and the
 * tensorflowjs converter write, and what tatami's `model.save` writes) → a tatami Model.
 *
 * The steps, each refusing with an Error naming the problem before anything large is allocated:
 *   1. model.json parsed without prototype keys (safe-json.ts);
 *   2. the topology read into a graph of layer calls (topology.ts), every layer config checked
 *      (layer-from-config.ts), every call's shape inferred;
 *   3. the manifest checked (manifest.ts) and matched to the weights the layers will create
 *      (weight-matching.ts);
 *   4. the shard bytes read, their count equal to the manifest's claim (sources.ts);
 *   5. the model built and its weights decoded (decode-weights.ts); optionally the optimizer state.
 */
import { Tensor } from '../tensor.js';
import type { SymbolicShape, SymbolicTensor } from '../layers/layer.js';
import { input } from '../layers/input.js';
import { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { isObject, own, show, type JsonObject } from './safe-json.js';
import { readTopology, type Topology } from './topology.js';
import { layerFromConfig, type BuiltLayer } from './layer-from-config.js';
import { kerasMajorVersion } from './keras-flavor.js';
import { planWeights } from './manifest.js';
import { matchWeights, type ExpectedWeight } from './weight-matching.js';
import { checkWeightBytes, decodeWeight } from './decode-weights.js';
import { openSource, type ModelSource, type SourceOptions } from './sources.js';
import { restoreTrainingState, trainingManifest } from './optimizer-state.js';

export interface LoadOptions extends SourceOptions {
  /** Refuse weights that are NaN or ±Infinity (default false). */
  checkFinite?: boolean;
  /**
   * Restore tatami's saved optimizer state (model.json's `tatamiTraining`): the model comes back
   * compiled with the saved optimizer, loss and metrics, ready for fit to resume (default false).
   */
  includeOptimizer?: boolean;
}

const PREFIX = 'loadModel';

/**
 * Load a model: a folder path or model.json path (Node), a URL (fetch), or `{ modelJson, weights }`.
 * See [tf.loadLayersModel](https://js.tensorflow.org/api/latest/#loadLayersModel) for the format.
 */
export async function loadModel(source: ModelSource, options: LoadOptions = {}): Promise<Model> {
  const src = await openSource(source, options, PREFIX);
  const prefix = src.what === 'artifacts' ? PREFIX : `${PREFIX} (${src.what})`;
  const json = src.json;
  if (!isObject(json)) throw new Error(`${prefix}: model.json must be an object, got ${show(json)}`);
  const format = own(json, 'format');
  if (format !== undefined && format !== 'layers-model') {
    throw new Error(`${prefix}: format ${show(format)} is not supported (tatami loads 'layers-model' files; graph models are not layer models)`);
  }
  const topology = readTopology(own(json, 'modelTopology'), prefix);

  // Build the layers and infer every call's shape; note the weights each will create (nothing
  // allocated yet: a layer builds its weights only when the model is assembled below).
  const built = new Map<string, BuiltLayer>();
  const shapes = new Map<string, SymbolicShape>();
  topology.inputs.forEach((t) => shapes.set(`${t.name ?? ''}#0`, [null, ...t.shape]));
  const expected: ExpectedWeight[] = [];
  const kerasMajor = kerasMajorVersion(own(json, 'modelTopology'));
  for (const call of topology.calls) {
    const { entry } = call;
    let b = built.get(entry.name);
    if (b === undefined) {
      b = layerFromConfig(entry.className, entry.config as Record<string, unknown>, entry.name, prefix, kerasMajor);
      built.set(entry.name, b);
    }
    const inShapes = call.inputs.map((r) => shapes.get(`${r.layer}#${r.node}`) as SymbolicShape);
    try {
      shapes.set(`${entry.name}#${call.node}`, b.layer.computeOutputShapes(inShapes));
    } catch (e) {
      throw new Error(`${prefix}: ${(e as Error).message}`);
    }
    if (call.node === 0) for (const [name, s] of b.weights(inShapes[0])) expected.push({ layer: entry.name, className: entry.className, name, shape: s });
  }
  // In the file's layer order, as its weights are listed (matchWeights may fall back to positions).
  const rank = new Map(topology.layers.map((e, i) => [e.name, i]));
  expected.sort((a, b) => (rank.get(a.layer) as number) - (rank.get(b.layer) as number));

  const plan = planWeights(own(json, 'weightsManifest') ?? [], prefix);
  // tfjs's own optimizer state (group 'optimizer') is for tfjs's optimizers; tatami skips it.
  const modelEntries = plan.entries.filter((e) => e.group !== 'optimizer');
  const intEntry = modelEntries.find((e) => e.storedAs === 'int32');
  if (intEntry !== undefined) throw new Error(`${prefix}: weight '${intEntry.name}' is int32; tatami's layers hold float32 weights`);
  const matched = matchWeights(expected, modelEntries, prefix);
  const bytes = await src.read('model', plan.paths, plan.totalBytes);
  checkWeightBytes(plan, bytes.byteLength, prefix);

  const model = assemble(topology, built);
  const byLayer = new Map<string, Tensor[]>();
  matched.forEach((entry, i) => {
    try {
      const t = new Tensor(decodeWeight(entry, bytes, { checkFinite: options.checkFinite }), expected[i].shape);
      byLayer.set(expected[i].layer, [...(byLayer.get(expected[i].layer) ?? []), t]);
    } catch (e) {
      throw new Error(`${prefix}: ${(e as Error).message}`);
    }
  });
  // The model lists its layers in Keras's order, which a file need not follow.
  model.setWeights(model.layers.flatMap((l) => byLayer.get(l.name) ?? []));

  const training = own(json, 'tatamiTraining');
  if (options.includeOptimizer === true) {
    if (!isObject(training)) throw new Error(`${prefix}: includeOptimizer was asked for but the file has no optimizer state (save with { includeOptimizer: true })`);
    const optPlan = trainingManifest(training as JsonObject, prefix);
    const optBytes = await src.read('optimizer', optPlan.paths, optPlan.totalBytes);
    restoreTrainingState(model, training as JsonObject, optBytes, prefix);
  }
  return model;
}

/** The tatami model for a checked topology: each call applied in the topology's order. */
function assemble(topology: Topology, built: ReadonlyMap<string, BuiltLayer>): Model {
  const inputs = topology.inputs.map((t) => input({ shape: t.shape, name: t.name ?? undefined }));
  if (topology.kind === 'sequential') return new Sequential([inputs[0], ...topology.calls.map((c) => (built.get(c.entry.name) as BuiltLayer).layer)], { name: topology.name });
  const tensors = new Map<string, SymbolicTensor>();
  topology.inputs.forEach((t, i) => tensors.set(`${t.name}#0`, inputs[i]));
  for (const call of topology.calls) {
    const layer = (built.get(call.entry.name) as BuiltLayer).layer;
    const args = call.inputs.map((r) => tensors.get(`${r.layer}#${r.node}`) as SymbolicTensor);
    tensors.set(`${call.entry.name}#${call.node}`, layer.apply(args.length === 1 ? args[0] : args));
  }
  const outputs = topology.outputs.map((r) => tensors.get(`${r.layer}#${r.node}`) as SymbolicTensor);
  return new Model({ inputs, outputs, name: topology.name });
}
