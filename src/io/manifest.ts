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
    const groupPaths = own(group, 'paths');
    const weights = own(group, 'weights');
    if (!Array.isArray(groupPaths) || !Array.isArray(weights)) throw new Error(`${where} must be { paths: [...], weights: [...] }, got ${show(group)}`);
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

function readEntry(raw: unknown, where: string, byteOffset: number): WeightEntry {
  const name = own(raw, 'name');
  if (typeof name !== 'string' || name.length === 0 || name.length > 512) throw new Error(`${where} must be { name (1 to 512 characters), shape, dtype }, got ${show(raw)}`);
  const at = `${where} ('${name}')`;
  const shape = own(raw, 'shape');
  const dims = Array.isArray(shape) && shape.length <= MAX_RANK && shape.every((d) => Number.isInteger(d) && d >= 0 && d <= MAX_DIM) ? (shape as number[]) : [-1];
  const size = dims.reduce((p, d) => p * d, 1);
  if (size < 0 || size > MAX_DIM) throw new Error(`${at}: shape must be at most ${MAX_RANK} integer sizes in [0, 2³¹), fewer than 2³¹ values in all (see README 'Model files'), got ${show(shape)}`);
  const dtype = own(raw, 'dtype');
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`${at}: dtype ${show(dtype)} is not supported (supported: 'float32', 'int32')`);
  const group = own(raw, 'group');
  if (group !== undefined && group !== null && typeof group !== 'string') throw new Error(`${at}: group must be a string, got ${show(group)}`);
  const q = readQuantization(own(raw, 'quantization'), at);
  if (q.storedAs !== 'float32' && dtype !== 'float32') throw new Error(`${at}: only float32 weights may be quantized, got dtype ${show(dtype)}`);
  const storedAs: StoredAs = q.storedAs === 'float32' ? dtype : q.storedAs;
  return {
    name, shape: [...dims], size, storedAs, scale: q.scale, min: q.min,
    group: typeof group === 'string' ? group : null, byteOffset, byteLength: size * BYTES[storedAs],
  };
}

/** tfjs's quantization: { dtype: 'uint8' | 'uint16', scale, min } (value = min + scale · q) or { dtype: 'float16' }. */
function readQuantization(q: unknown, where: string): { storedAs: StoredAs; scale: number; min: number } {
  if (q === undefined || q === null) return { storedAs: 'float32', scale: 1, min: 0 };
  const keys = ['dtype', 'scale', 'min', 'original_dtype'];
  const [dtype, scale, min, original] = keys.map((k) => own(q, k));
  const known = isObject(q) && Object.keys(q).every((k) => keys.includes(k));
  const affine = (dtype === 'uint8' || dtype === 'uint16') && Number.isFinite(scale) && Number.isFinite(min);
  if (!known || (original !== undefined && original !== 'float32') || !(affine || dtype === 'float16')) {
    throw new Error(`${where}: quantization must be { dtype: 'uint8' or 'uint16', scale, min } (finite) or { dtype: 'float16' }, with original_dtype 'float32' if given and no other key (see README 'Model files'), got ${show(q)}`);
  }
  return affine ? { storedAs: dtype as StoredAs, scale: scale as number, min: min as number } : { storedAs: 'float16', scale: 1, min: 0 };
}
