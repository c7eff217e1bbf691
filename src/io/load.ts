/**
 * `loadModel(source)`: a model in the TensorFlow.js Layers format (what tfjs's `model.save` and the
 * tensorflowjs converter write, and what tatami's `model.save` writes) → a tatami Model.
 *
 * The steps, each refusing with an Error naming the problem before anything large is allocated:
 *   1. model.json parsed without prototype keys (safe-json.ts);
 *   2. the topology read into a chain of layers (topology.ts), every layer config checked
 *      (layer-from-config.ts), every shape inferred;
 *   3. the manifest checked (manifest.ts) and matched to the weights the layers will create
 *      (weight-matching.ts);
 *   4. the shard bytes read, their count equal to the manifest's claim (sources.ts);
 *   5. the model built and its weights decoded (decode-weights.ts); optionally the optimizer state.
 */
import { Tensor } from '../tensor.js';
import type { SymbolicShape } from '../layers/layer.js';
import { input } from '../layers/input.js';
import { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { isObject, own, show, type JsonObject } from './safe-json.js';
import { readTopology } from './topology.js';
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

  // Build the layers and infer shapes; note the weights each will create (nothing allocated yet).
  const built: BuiltLayer[] = [];
  const expected: ExpectedWeight[] = [];
  let shape: SymbolicShape = [null, ...topology.inputShape];
  const kerasMajor = kerasMajorVersion(own(json, 'modelTopology'));
  for (const entry of topology.layers) {
    const b = layerFromConfig(entry.className, entry.config as Record<string, unknown>, entry.name, prefix, kerasMajor);
    let out: SymbolicShape;
    try {
      out = b.layer.computeOutputShape(shape);
    } catch (e) {
      throw new Error(`${prefix}: ${(e as Error).message}`);
    }
    for (const [name, s] of b.weights(shape)) expected.push({ layer: entry.name, className: entry.className, name, shape: s });
    built.push(b);
    shape = out;
  }

  const plan = planWeights(own(json, 'weightsManifest') ?? [], prefix);
  // tfjs's own optimizer state (group 'optimizer') is for tfjs's optimizers; tatami skips it.
  const modelEntries = plan.entries.filter((e) => e.group !== 'optimizer');
  const intEntry = modelEntries.find((e) => e.storedAs === 'int32');
  if (intEntry !== undefined) throw new Error(`${prefix}: weight '${intEntry.name}' is int32; tatami's layers hold float32 weights`);
  const matched = matchWeights(expected, modelEntries, prefix);
  const bytes = await src.read('model', plan.paths, plan.totalBytes);
  checkWeightBytes(plan, bytes.byteLength, prefix);

  const model = assemble(topology.kind, topology.name, topology.inputShape, topology.inputName, built);
  const tensors = matched.map((entry, i) => {
    try {
      return new Tensor(decodeWeight(entry, bytes, { checkFinite: options.checkFinite }), expected[i].shape);
    } catch (e) {
      throw new Error(`${prefix}: ${(e as Error).message}`);
    }
  });
  model.setWeights(tensors);

  const training = own(json, 'tatamiTraining');
  if (options.includeOptimizer === true) {
    if (!isObject(training)) throw new Error(`${prefix}: includeOptimizer was asked for but the file has no optimizer state (save with { includeOptimizer: true })`);
    const optPlan = trainingManifest(training as JsonObject, prefix);
    const optBytes = await src.read('optimizer', optPlan.paths, optPlan.totalBytes);
    restoreTrainingState(model, training as JsonObject, optBytes, prefix);
  }
  return model;
}

/** The tatami model for a checked chain of layers. */
function assemble(kind: 'sequential' | 'functional', name: string, inputShape: readonly number[], inputName: string | null, built: readonly BuiltLayer[]): Model {
  const x = input({ shape: inputShape, name: inputName ?? undefined });
  if (kind === 'sequential') return new Sequential([x, ...built.map((b) => b.layer)], { name });
  let h = x;
  for (const b of built) h = b.layer.apply(h);
  return new Model({ inputs: x, outputs: h, name });
}
