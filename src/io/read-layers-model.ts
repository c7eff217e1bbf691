/**
 * A model in the TensorFlow.js Layers format (what tfjs's `model.save` and the tensorflowjs
 * converter write, and what tatami's `model.save` writes) → a model of the caller's kind, its
 * weights loaded. Both loaders use it: tatami's loadModel (load.ts) and tatami/infer's
 * (load-inference.ts).
 *
 * The steps, each refusing with an Error naming the problem before anything large is allocated:
 *   1. model.json parsed without prototype keys (safe-json.ts);
 *   2. the topology read into a graph of layer calls (topology.ts), every layer config checked
 *      (layer-from-config.ts, with the caller's layer builders), every call's shape inferred, the
 *      model built with its weights zeroed (build-model.ts; nested models recursively);
 *   3. the manifest checked (manifest.ts) and matched to the weights the layers will create
 *      (weight-matching.ts);
 *   4. the shard bytes read, their count equal to the manifest's claim (sources.ts);
 *   5. the weights decoded (decode-weights.ts).
 */
import { Tensor } from '../tensor.js';
import type { InferenceModel } from '../models/inference-model.js';
import { isObject, own, show, type JsonObject } from './safe-json.js';
import { readTopology } from './topology.js';
import { buildModel, type ModelKit } from './build-model.js';
import { kerasMajorVersion } from './keras-flavor.js';
import { planWeights } from './manifest.js';
import { matchWeights } from './weight-matching.js';
import { checkWeightBytes, decodeWeight } from './decode-weights.js';
import { openSource, type ModelSource, type SourceOptions, type OpenedSource } from './sources.js';

export interface ReadOptions extends SourceOptions {
  /** Refuse weights that are NaN or ±Infinity (default false). */
  checkFinite?: boolean;
}

export interface ReadModel<M extends InferenceModel> {
  readonly model: M;
  /** model.json, for what the caller reads beyond the model (tatami's optimizer state). */
  readonly json: JsonObject;
  /** Where the files came from, to read more of them. */
  readonly source: OpenedSource;
  /** What starts every error: 'loadModel', with the source unless it was artifacts in memory. */
  readonly prefix: string;
}

/** Load a model: a folder path or model.json path (Node), a URL (fetch), or `{ modelJson, weights }`. */
export async function readLayersModel<M extends InferenceModel>(source: ModelSource, options: ReadOptions, kit: ModelKit<M>, name = 'loadModel'): Promise<ReadModel<M>> {
  const src = await openSource(source, options, name);
  const prefix = src.what === 'artifacts' ? name : `${name} (${src.what})`;
  const json = src.json;
  if (!isObject(json)) throw new Error(`${prefix}: model.json must be an object, got ${show(json)}`);
  const format = own(json, 'format');
  if (format !== undefined && format !== 'layers-model') {
    throw new Error(`${prefix}: format ${show(format)} is not supported (supported: 'layers-model')`);
  }
  const topology = readTopology(own(json, 'modelTopology'), prefix);

  // Build the layers and infer every call's shape; note the weights each will create.
  const { model, expected } = buildModel(topology, prefix, kerasMajorVersion(own(json, 'modelTopology')), kit);
  if (!model.hasGraph()) throw new Error(`${prefix}: the Sequential model has no input shape (no InputLayer, batch_input_shape, batch_shape or build_input_shape)`);

  const plan = planWeights(own(json, 'weightsManifest') ?? [], prefix);
  // tfjs's own optimizer state (group 'optimizer') is for tfjs's optimizers; tatami skips it.
  const modelEntries = plan.entries.filter((e) => e.group !== 'optimizer');
  const intEntry = modelEntries.find((e) => e.storedAs === 'int32');
  if (intEntry !== undefined) throw new Error(`${prefix}: weight '${intEntry.name}' is int32; layers hold float32 weights`);
  const matched = matchWeights(expected, modelEntries, prefix);
  const bytes = await src.read('model', plan.paths, plan.totalBytes);
  checkWeightBytes(plan.totalBytes, bytes.byteLength, prefix);

  const byLayer = new Map<string, Tensor[]>();
  matched.forEach((entry, i) => {
    const t = new Tensor(decodeWeight(entry, bytes, prefix, { checkFinite: options.checkFinite }), expected[i].shape);
    byLayer.set(expected[i].layer, [...(byLayer.get(expected[i].layer) ?? []), t]);
  });
  // The model lists its layers in Keras's order, which a file need not follow.
  model.setWeights(model.layers.flatMap((l) => byLayer.get(l.name) ?? []));
  return { model, json: json as JsonObject, source: src, prefix };
}
