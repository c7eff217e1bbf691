/**
 * `model.save(target?, options?)`: write a model in the TensorFlow.js Layers format.
 *
 *   save()                 → the artifacts in memory: { modelJson, weights[, optimizerWeights] }
 *   save('path/to/dir')    → Node: model.json + weights.bin (+ optimizer.bin) in that folder,
 *                            written atomically (src/node/model-files.ts); returns the artifacts too
 *   save(new URL('file:…')) → the same, for a file URL
 */
import type { Model } from '../models/model.js';
import type { SavedArtifacts } from './artifacts.js';
import { modelToArtifacts, type SaveOptions } from './model-to-json.js';
import { importNodeFiles, isNode } from './sources.js';

/** Where to save: nothing (memory), a folder path, or a file: URL of a folder (Node). */
export type SaveTarget = string | URL | undefined;

export async function saveModel(model: Model, target?: SaveTarget, options: SaveOptions = {}): Promise<SavedArtifacts> {
  const artifacts = modelToArtifacts(model, options);
  if (target === undefined) return artifacts;
  if (!isNode()) throw new Error(`${model.name}.save: saving to a folder works only in Node; call save() for the artifacts`);
  const node = await importNodeFiles();
  if (target instanceof URL ? target.protocol !== 'file:' : typeof target !== 'string' || target.length === 0) {
    throw new Error(`${model.name}.save: target must be a folder path or a file: URL, got ${String(target)}`);
  }
  await node.writeModelFolder(target, artifactFiles(artifacts));
  return artifacts;
}

/** The files of a model folder, model.json last (it is renamed into place last). */
export function artifactFiles(artifacts: SavedArtifacts): { name: string; bytes: Uint8Array }[] {
  const files = [{ name: 'weights.bin', bytes: new Uint8Array(artifacts.weights) }];
  if (artifacts.optimizerWeights !== undefined) files.push({ name: 'optimizer.bin', bytes: new Uint8Array(artifacts.optimizerWeights) });
  files.push({ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(artifacts.modelJson)) });
  return files;
}
