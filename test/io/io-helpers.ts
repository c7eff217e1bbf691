/** Shared helpers of the model-file tests: tfjs artifacts in memory, random inputs, differences. */
import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Rng, Tensor, type Model, type SavedArtifacts } from '../../src/index.js';

tf.env().set('IS_TEST', true);

/** tfjs's artifacts for a model, captured through a save handler (what `model.save(...)` writes). */
export async function tfjsArtifacts(model: tf.LayersModel, includeOptimizer = false): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      captured = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer },
  );
  return captured as unknown as tf.io.ModelArtifacts;
}

/** tfjs artifacts as the files tfjs writes: model.json (weightsManifest) + one weights buffer. */
export function asModelJson(a: tf.io.ModelArtifacts, paths = ['weights.bin']): { modelJson: Record<string, unknown>; weights: ArrayBuffer } {
  const modelJson = {
    format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy, modelTopology: a.modelTopology,
    ...(a.trainingConfig === undefined ? {} : { trainingConfig: a.trainingConfig }),
    weightsManifest: [{ paths, weights: a.weightSpecs }],
  };
  return { modelJson, weights: a.weightData as ArrayBuffer };
}

/** Load tatami's saved artifacts into tfjs, as `tf.loadLayersModel(tf.io.fromMemory(...))`. */
export function loadIntoTfjs(a: SavedArtifacts): Promise<tf.LayersModel> {
  const weightSpecs = a.modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: a.modelJson.modelTopology as tf.io.ModelJSON['modelTopology'], weightSpecs, weightData: a.weights }));
}

export function randomInput(shape: number[], seed: number): Float32Array {
  const rng = new Rng(seed);
  return new Float32Array(shape.reduce((p, d) => p * d, 1)).map(() => rng.uniform(-1, 1));
}

/** Largest |a − b| between tatami's and tfjs's predictions for the same input. */
export function predictionDiff(ours: Model, theirs: tf.LayersModel, x: Float32Array, shape: number[]): number {
  const a = ours.predict(new Tensor(x, shape)).data;
  const b = (theirs.predict(tf.tensor(x, shape)) as tf.Tensor).dataSync();
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

export function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** The artifacts of a tatami model in memory, as loadModel takes them. */
export async function artifactsOf(model: Model): Promise<{ modelJson: string; weights: ArrayBuffer }> {
  const saved = await model.save();
  return { modelJson: JSON.stringify(saved.modelJson), weights: saved.weights };
}
