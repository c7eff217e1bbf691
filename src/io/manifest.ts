/**
 * The weights manifest of a model.json, checked before any weight is read:
 *
 *   weightsManifest: [{ paths: ['group1-shard1of2.bin', ...], weights: [{ name, shape, dtype, quantization? }, ...] }, ...]
 *
 * Each group's weights lie back to back in the concatenation of its shards; the groups follow one
 * another. Every number is checked (shape entries are integers in [0, 2³¹)), so the byte count the
 * manifest claims can be compared with the bytes really present before anything large is allocated.
 */
import { isObject, own, show } from './safe-json.js';
import { checkShardPath } from './weight-paths.js';

/** How one weight is stored: float32, or quantized (tfjs's uint8 / uint16 affine, or float16). */
export type StoredAs = 'float32' | 'int32' | 'uint8' | 'uint16' | 'float16';

export interface WeightEntry {
  readonly name: string;
  readonly shape: readonly number[];
  /** Number of values. */
  readonly size: number;
  readonly storedAs: StoredAs;
  /** For uint8 / uint16: value = min + scale · q (tfjs's affine quantization). */
  readonly scale: number;
  readonly min: number;
  /** tfjs marks optimizer state with group 'optimizer'. */
  readonly group: string | null;
  /** Where the weight starts in the concatenation of all shards of all groups. */
  readonly byteOffset: number;
  readonly byteLength: number;
}

export interface WeightsPlan {
  readonly entries: readonly WeightEntry[];
  /** Shard paths in order; the bytes of each are expected at `shardOffsets[i]` (not known until read). */
  readonly paths: readonly string[];
  /** Bytes every shard together must hold. */
  readonly totalBytes: number;
}

const BYTES: Readonly<Record<StoredAs, number>> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };
const MAX_DIM = 2 ** 31 - 1;
const MAX_RANK = 8;
const MAX_WEIGHTS = 100_000;

/** Validate a weightsManifest (what names the file in errors) and lay out its weights. */
export function planWeights(manifest: unknown, what: string): WeightsPlan {
  if (!Array.isArray(manifest)) throw new Error(`${what}: weightsManifest must be a list of groups, got ${show(manifest)}`);
  const entries: WeightEntry[] = [];
  const paths: string[] = [];
  const names = new Set<string>();
  let offset = 0;
  manifest.forEach((group, g) => {
    const where = `${what}: weightsManifest[${g}]`;
    if (!isObject(group)) throw new Error(`${where} must be an object with paths and weights`);
    const groupPaths = own(group, 'paths');
    const weights = own(group, 'weights');
    if (!Array.isArray(groupPaths) || !Array.isArray(weights)) throw new Error(`${where} must have a 'paths' list and a 'weights' list`);
    if (groupPaths.length === 0 && weights.length > 0) throw new Error(`${where} lists weights but no paths`);
    for (const p of groupPaths) {
      const path = checkShardPath(p, where);
      if (paths.includes(path)) throw new Error(`${where}: weights path '${path}' is listed twice`);
      paths.push(path);
    }
    if (entries.length + weights.length > MAX_WEIGHTS) throw new Error(`${where}: more than ${MAX_WEIGHTS} weights`);
    weights.forEach((spec, i) => {
      const entry = readEntry(spec, `${where}.weights[${i}]`, offset);
      const key = `${entry.group ?? ''}\u0000${entry.name}`;
      if (names.has(key)) throw new Error(`${where}.weights[${i}]: weight name '${entry.name}' appears twice`);
      names.add(key);
      entries.push(entry);
      offset += entry.byteLength;
    });
  });
  return { entries, paths, totalBytes: offset };
}

function readEntry(spec: unknown, where: string, byteOffset: number): WeightEntry {
  if (!isObject(spec)) throw new Error(`${where} must be an object { name, shape, dtype }`);
  const name = own(spec, 'name');
  if (typeof name !== 'string' || name.length === 0 || name.length > 512) throw new Error(`${where}: name must be a non-empty string, got ${show(name)}`);
  const shape = own(spec, 'shape');
  if (!Array.isArray(shape) || shape.length > MAX_RANK) throw new Error(`${where} ('${name}'): shape must be a list of at most ${MAX_RANK} sizes, got ${show(shape)}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > MAX_DIM) {
      throw new Error(`${where} ('${name}'): shape ${show(shape)} has ${show(d)}, not an integer in [0, 2^31)`);
    }
  }
  const size = (shape as number[]).reduce((p, d) => p * d, 1);
  if (size > MAX_DIM) throw new Error(`${where} ('${name}'): shape ${show(shape)} has ${size} values, more than a weight may have`);
  const dtype = own(spec, 'dtype');
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`${where} ('${name}'): dtype ${show(dtype)} is not supported (float32, or int32 for optimizer counters)`);
  const group = own(spec, 'group');
  if (group !== undefined && group !== null && typeof group !== 'string') throw new Error(`${where} ('${name}'): group must be a string, got ${show(group)}`);
  const q = readQuantization(own(spec, 'quantization'), `${where} ('${name}')`);
  if (q.storedAs !== 'float32' && dtype !== 'float32') throw new Error(`${where} ('${name}'): only float32 weights may be quantized, got dtype ${show(dtype)}`);
  const storedAs: StoredAs = q.storedAs === 'float32' ? dtype : q.storedAs;
  return {
    name, shape: [...(shape as number[])], size, storedAs, scale: q.scale, min: q.min,
    group: typeof group === 'string' ? group : null, byteOffset, byteLength: size * BYTES[storedAs],
  };
}

function readQuantization(q: unknown, where: string): { storedAs: StoredAs; scale: number; min: number } {
  if (q === undefined || q === null) return { storedAs: 'float32', scale: 1, min: 0 };
  if (!isObject(q)) throw new Error(`${where}: quantization must be an object, got ${show(q)}`);
  const dtype = own(q, 'dtype');
  for (const key of Object.keys(q)) {
    if (!['dtype', 'scale', 'min', 'original_dtype'].includes(key)) throw new Error(`${where}: quantization option '${key}' is not supported`);
  }
  const original = own(q, 'original_dtype');
  if (original !== undefined && original !== 'float32') throw new Error(`${where}: quantization.original_dtype ${show(original)} is not supported (float32 only)`);
  if (dtype === 'float16') return { storedAs: 'float16', scale: 1, min: 0 };
  if (dtype !== 'uint8' && dtype !== 'uint16') throw new Error(`${where}: quantization dtype ${show(dtype)} is not supported (uint8, uint16, float16)`);
  const scale = own(q, 'scale');
  const min = own(q, 'min');
  if (typeof scale !== 'number' || typeof min !== 'number' || !Number.isFinite(scale) || !Number.isFinite(min)) {
    throw new Error(`${where}: ${dtype} quantization needs finite numbers scale and min, got ${show(scale)} and ${show(min)}`);
  }
  return { storedAs: dtype, scale, min };
}
