/**
 * Running one corpus file as a new user would: weights drawn from a seed to fit its manifest
 * (float32, or the raw uint8 / uint16 / float16 codes of a quantized one), the files written to a
 * folder (each group's bytes split across its shards), tatami loading the folder, tfjs 4.22 loading
 * the same bytes (the file as it is, else its hand-converted copy), both predicting the same input;
 * then the other way, tfjs reading what tatami saves of the model it loaded.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng, Tensor, loadModel } from '../../../src/index.js';
import { weightRange } from './flavors.js';
import type { CorpusEntry } from './make-corpus.js';
import { tfjsReadableCopy } from './tfjs-copy.js';

type Json = Record<string, unknown>;
interface Spec { name: string; shape: number[]; dtype: string; quantization?: { dtype: string } }

/** float32 → the nearest-below IEEE half (sign, 5-bit exponent, 10-bit fraction); values here are normal or 0. */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const bits = new Uint32Array(f.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign;
  return sign | (exp << 10) | ((bits >>> 13) & 0x3ff);
}

/** Each group's bytes, its weights drawn in order from one Rng. */
export function drawWeights(manifest: Json[], seed: number): Uint8Array[] {
  const rng = new Rng(seed);
  return manifest.map((group) => {
    const specs = group.weights as Spec[];
    const size = (s: Spec): number => s.shape.reduce((p, d) => p * d, 1);
    const bytesPer = (s: Spec): number => ({ uint8: 1, uint16: 2, float16: 2 })[s.quantization?.dtype as 'uint8'] ?? 4;
    const bytes = new Uint8Array(specs.reduce((n, s) => n + size(s) * bytesPer(s), 0));
    const view = new DataView(bytes.buffer);
    let at = 0;
    for (const s of specs) {
      const [lo, hi] = weightRange(s.name, s.shape);
      for (let i = 0; i < size(s); i++) {
        const q = s.quantization?.dtype;
        if (q === 'uint8') view.setUint8(at, Math.floor(rng.uniform(0, 256)));
        else if (q === 'uint16') view.setUint16(at, Math.floor(rng.uniform(0, 65536)), true);
        else if (q === 'float16') view.setUint16(at, toHalf(rng.uniform(lo, hi)), true);
        else if (s.dtype === 'int32') view.setInt32(at, Math.floor(rng.uniform(0, 100)), true);
        else view.setFloat32(at, rng.uniform(lo, hi), true);
        at += bytesPer(s);
      }
    }
    return bytes;
  });
}

/** model.json and the shards in `dir`, each group's bytes cut into equal parts, one per path. */
export function writeModelFolder(dir: string, modelJson: Json, groups: readonly Uint8Array[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
  (modelJson.weightsManifest as Json[]).forEach((g, i) => {
    const paths = g.paths as string[];
    const step = Math.ceil(groups[i].length / paths.length);
    paths.forEach((p, k) => writeFileSync(join(dir, p), groups[i].subarray(k * step, (k + 1) * step)));
  });
}

/** One batch per input of the model, drawn as the entry says. */
export function drawInputs(e: CorpusEntry, batch: number, seed: number): { data: Float32Array; shape: number[] }[] {
  const rng = new Rng(seed);
  const draw = (sample: number[], kind: CorpusEntry['input']['kind']): { data: Float32Array; shape: number[] } => {
    const shape = [batch, ...sample];
    const data = new Float32Array(shape.reduce((p, d) => p * d, 1)).map(() => {
      if (kind === 'tokens') return Math.floor(rng.uniform(0, e.input.vocab as number));
      return kind === 'pixels' ? rng.uniform(0, 255) : rng.uniform(-1, 1);
    });
    return { data, shape };
  };
  return [draw(e.input.shape, e.input.kind), ...(e.input.more ?? []).map((s) => draw(s, 'uniform'))];
}

export interface Outcome {
  readonly id: string;
  /** tfjs: 'reads' the file as it is, reads only its 'hand-converted' copy, or 'cannot' run either. */
  readonly tfjs: 'reads' | 'hand-converted' | 'cannot';
  /** tatami's prediction, or the message it refused with. */
  readonly tatami: { ok: true; relErr: number | null } | { ok: false; message: string };
  /** The other way: tfjs reading tatami's save of the loaded model, its prediction against tatami's (null: it cannot read it). */
  readonly back: number | null;
}

const concat = (parts: readonly Uint8Array[]): ArrayBuffer => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out.buffer;
};

type Batch = { data: Float32Array; shape: number[] };

/** Every output's values, one after the other. */
const flat = (outs: readonly { data: ArrayLike<number> }[]): Float32Array => Float32Array.from(outs.flatMap((o) => Array.from(o.data)));

async function tfjsPredict(topology: Json, specs: Json[], weightData: ArrayBuffer, xs: Batch[]): Promise<Float32Array> {
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs: specs as unknown as tf.io.WeightsManifestEntry[], weightData }));
  const y = model.predict(xs.map((x) => tf.tensor(x.data, x.shape)));
  return flat((Array.isArray(y) ? y : [y]).map((t) => ({ data: t.dataSync() })));
}

/** max |ours − theirs| / max |theirs|: the relative error of a whole prediction. */
export function relativeError(ours: Float32Array, theirs: Float32Array): number {
  if (ours.length !== theirs.length) return Infinity;
  let d = 0;
  let m = 0;
  for (let i = 0; i < ours.length; i++) {
    d = Math.max(d, Math.abs(ours[i] - theirs[i]));
    m = Math.max(m, Math.abs(theirs[i]));
  }
  return Number.isNaN(d) ? Infinity : d / Math.max(m, 1e-6);
}

export async function runEntry(e: CorpusEntry, dir: string, seed: number): Promise<Outcome> {
  const groups = drawWeights(e.json.weightsManifest as Json[], seed);
  writeModelFolder(dir, e.json, groups);
  const x = drawInputs(e, 2, seed + 1);
  const weightData = concat(groups);

  let theirs: Float32Array | null = null;
  let tfjs: Outcome['tfjs'] = 'cannot';
  const top = e.json.modelTopology as Json;
  const specs = (e.json.weightsManifest as Json[]).flatMap((g) => g.weights as Json[]);
  try {
    theirs = await tfjsPredict(top, specs, weightData, x);
    tfjs = 'reads';
  } catch {
    try {
      const copy = tfjsReadableCopy(e.json);
      theirs = await tfjsPredict(copy.modelTopology, copy.weightSpecs, weightData, x);
      tfjs = 'hand-converted';
    } catch {
      tfjs = 'cannot';
    }
  }

  try {
    const model = await loadModel(dir);
    const ys = model.predict<Tensor | Tensor[]>(x.length === 1 ? new Tensor(x[0].data, x[0].shape) : x.map((b) => new Tensor(b.data, b.shape)));
    const ours = flat(Array.isArray(ys) ? ys : [ys]);
    const saved = await model.save();
    const specs = saved.modelJson.weightsManifest.flatMap((g) => g.weights) as unknown as Json[];
    const back = await tfjsPredict(saved.modelJson.modelTopology as Json, specs, saved.weights, x).then((y) => relativeError(ours, y), () => null);
    return { id: e.id, tfjs, tatami: { ok: true, relErr: theirs === null ? null : relativeError(ours, theirs) }, back };
  } catch (err) {
    return { id: e.id, tfjs, tatami: { ok: false, message: (err as Error).message }, back: null };
  }
}
