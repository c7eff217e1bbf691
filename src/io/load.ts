/**
 * tatami's `loadModel(source)`: a model in the TensorFlow.js Layers format → a tatami Model (a
 * Sequential for a Sequential file), every layer class tatami supports, optionally with its saved
 * optimizer state (read-layers-model.ts has the steps). tatami/infer has its own, smaller loader
 * (load-inference.ts).
 */
import { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { readLayersModel, type ReadOptions } from './read-layers-model.js';
import { allLayers } from './all-layers.js';
import { readConstraint } from './constraint-config.js';
import { readRegularizer } from './regularizer-config.js';
import { readInitializer } from './keras-values.js';
import type { ModelKit } from './build-model.js';
import type { FitOptionReaders } from './layer-from-config.js';
import type { ModelSource } from './sources.js';
import { restoreTrainingState, trainingManifest } from './optimizer-state.js';
import { isObject, own, type JsonObject } from './safe-json.js';

export interface LoadOptions extends ReadOptions {
  /**
   * Restore tatami's saved optimizer state (model.json's `tatamiTraining`): the model comes back
   * compiled with the saved optimizer, loss and metrics, ready for fit to resume (default false).
   */
  includeOptimizer?: boolean;
}

/** The full engine reads the options of training (constraints, regularizers, initializers), for fit to act on them. */
export const FIT_OPTIONS: FitOptionReaders = { constraint: readConstraint, regularizer: readRegularizer, initializer: readInitializer };

const TRAINING_KIT: ModelKit<Model> = {
  layers: { builders: allLayers, fitOptions: FIT_OPTIONS },
  functional: (args) => new Model(args),
  chain: (items, name) => new Sequential(items, { name }),
};

/**
 * Load a model: a folder path or model.json path (Node), a URL (fetch), or `{ modelJson, weights }`.
 * See [tf.loadLayersModel](https://js.tensorflow.org/api/latest/#loadLayersModel) for the format.
 */
export async function loadModel(source: ModelSource, options: LoadOptions = {}): Promise<Model> {
  const { model, json, source: src, prefix } = await readLayersModel(source, options, TRAINING_KIT);
  const training = own(json, 'tatamiTraining');
  if (options.includeOptimizer === true) {
    if (!isObject(training)) throw new Error(`${prefix}: includeOptimizer was asked for but the file has no optimizer state (save with { includeOptimizer: true })`);
    const optPlan = trainingManifest(training as JsonObject, prefix);
    const optBytes = await src.read('optimizer', optPlan.paths, optPlan.totalBytes);
    restoreTrainingState(model, training as JsonObject, optBytes, prefix);
  }
  return model;
}
