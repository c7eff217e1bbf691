/**
 * Which manifest entry holds which layer weight. Names are matched, not positions, because files
 * differ: tfjs and the Keras 2 converter write `conv2d/kernel`, older TensorFlow adds `:0`, Keras 3
 * may prefix the model's name (`sequential/conv2d/kernel`); a nested model's weights come with or
 * without its name (`mobilenet/conv1/kernel` or `conv1/kernel`); Keras may have renamed a variable
 * of a repeated layer name (`conv1_2/kernel` for layer `conv1`), taken when nothing else matches; Keras 3
 * calls a DepthwiseConv2D's `depthwise_kernel` `kernel`, tried last. When names do not settle it but the
 * entries carry the bare weight names in Keras order (`kernel`, `bias`, ...), order decides.
 * Every layer weight needs exactly one entry with its shape, and every entry must be used.
 */
import type { WeightEntry } from './manifest.js';

export interface ExpectedWeight {
  readonly layer: string;
  readonly className: string;
  readonly name: string;
  readonly shape: readonly number[];
}

const strip = (n: string): string => n.replace(/:0$/, '');

export function matchWeights(expected: readonly ExpectedWeight[], entries: readonly WeightEntry[], prefix: string): WeightEntry[] {
  // Index every entry under each '/'-suffix of its name: 'a/b/c' → 'a/b/c', 'b/c', 'c'.
  const bySuffix = new Map<string, WeightEntry[]>();
  for (const e of entries) {
    const parts = strip(e.name).split('/');
    for (let i = 0; i < parts.length; i++) {
      const key = parts.slice(i).join('/');
      const list = bySuffix.get(key);
      if (list === undefined) bySuffix.set(key, [e]);
      else list.push(e);
    }
  }
  const unique = (key: string): WeightEntry | undefined => {
    const list = bySuffix.get(key);
    return list !== undefined && list.length === 1 ? list[0] : undefined;
  };
  // Keras renames a variable whose layer name repeats in a session: 'conv1_2/kernel' for layer 'conv1'.
  const renamed = new Map<string, WeightEntry[]>();
  for (const e of entries) {
    const parts = strip(e.name).split('/');
    for (let i = 0; i < parts.length - 1; i++) {
      const m = /^(.*)_\d+$/.exec(parts[i]);
      if (m === null) continue;
      const key = [m[1], ...parts.slice(i + 1)].join('/');
      renamed.set(key, [...(renamed.get(key) ?? []), e]);
    }
  }
  const byRename = (key: string): WeightEntry | undefined => {
    const list = renamed.get(key);
    return list !== undefined && list.length === 1 && bySuffix.get(key) === undefined ? list[0] : undefined;
  };
  // A nested model's weight ('mobilenet' / 'conv1/kernel') may be written without the model's name.
  const find = (w: ExpectedWeight, lookup: (key: string) => WeightEntry | undefined): WeightEntry | undefined =>
    lookup(`${w.layer}/${w.name}`) ?? (w.name.includes('/') ? lookup(w.name) : undefined);
  // Keras 3 names a DepthwiseConv2D's kernel 'kernel' where Keras 2 and tfjs write 'depthwise_kernel'.
  const keras3 = (w: ExpectedWeight): ExpectedWeight => ({ ...w, name: w.name.replace(/(^|\/)depthwise_kernel$/, '$1kernel') });
  const isDepthwise = (w: ExpectedWeight): boolean => /(^|\/)depthwise_kernel$/.test(w.name);
  let matched: (WeightEntry | undefined)[] = expected.map((w) => find(w, unique) ?? find(w, byRename) ?? (isDepthwise(w) ? find(keras3(w), unique) : undefined));
  const byName = matched.every((m) => m !== undefined) && new Set(matched).size === matched.length;
  if (!byName) {
    const positional = entries.length === expected.length && entries.every((e, i) => strip(e.name).split('/').pop() === expected[i].name);
    if (positional) matched = [...entries];
  }
  const missing = expected.filter((_, i) => matched[i] === undefined);
  if (missing.length > 0) {
    const names = missing.slice(0, 5).map((w) => `'${w.layer}/${w.name}'`).join(', ');
    throw new Error(`${prefix}: the weights file has no ${names}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''} (missing weights, or names that do not match the layers)`);
  }
  const used = new Set(matched);
  const extra = entries.filter((e) => !used.has(e));
  if (extra.length > 0) {
    const names = extra.slice(0, 5).map((e) => `'${e.name}'`).join(', ');
    throw new Error(`${prefix}: the weights file has weights no layer uses: ${names}${extra.length > 5 ? ` (and ${extra.length - 5} more)` : ''}`);
  }
  expected.forEach((w, i) => {
    const e = matched[i] as WeightEntry;
    if (e.shape.length !== w.shape.length || e.shape.some((d, k) => d !== w.shape[k])) {
      throw new Error(`${prefix}: weight '${e.name}' has shape [${e.shape.join(', ')}] but layer '${w.layer}' (${w.className}) needs [${w.shape.join(', ')}] for its ${w.name}`);
    }
  });
  return matched as WeightEntry[];
}
