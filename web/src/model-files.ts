/**
 * Model files in the page, in the TensorFlow.js Layers format that `tatami train` writes:
 * model.json (the topology and a manifest of the weights) and the weight files it names
 * (weights.bin), read from a file picker or fetched from the server, and saved as two downloads.
 */
import { loadModel, type Model } from '../../src/index.js';

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * Load a model from picked files: one .json and the weight files its manifest names, which are
 * concatenated in manifest order (just weights.bin for tatami's files; optimizer.bin is not needed).
 */
export async function modelFromFiles(files: readonly File[]): Promise<Model> {
  const jsonFile = files.find((f) => f.name.endsWith('.json'));
  if (jsonFile === undefined) throw new Error('pick a model.json together with its weights.bin');
  const text = await jsonFile.text();
  let manifest: { paths?: unknown }[] = [];
  try {
    const parsed = JSON.parse(text) as { weightsManifest?: { paths?: unknown }[] };
    manifest = Array.isArray(parsed.weightsManifest) ? parsed.weightsManifest : [];
  } catch {
    // loadModel below reports the bad JSON with its own message.
  }
  const paths = manifest.flatMap((g) => (Array.isArray(g.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : []));
  const shards = await Promise.all(paths.map(async (path) => {
    const file = files.find((f) => f.name === baseName(path));
    if (file === undefined) throw new Error(`${jsonFile.name} needs ${baseName(path)}: pick it too`);
    return new Uint8Array(await file.arrayBuffer());
  }));
  const weights = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  let offset = 0;
  for (const s of shards) {
    weights.set(s, offset);
    offset += s.length;
  }
  return loadModel({ modelJson: text, weights });
}

/** Load a model from the server, e.g. '/tatami-model/' (its model.json and weights.bin). */
export function modelFromUrl(url: string): Promise<Model> {
  return loadModel(new URL(url, location.href));
}

function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Save `model` as model.json + weights.bin downloads (load them back with `tatami … --model DIR`). */
export async function downloadModel(model: Model): Promise<void> {
  const artifacts = await model.save();
  download('model.json', JSON.stringify(artifacts.modelJson), 'application/json');
  download('weights.bin', artifacts.weights, 'application/octet-stream');
}
