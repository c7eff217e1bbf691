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

/** The first names of a list, and how many more. */
const some = (names: string[]): string => names.slice(0, 5).map((n) => `'${n}'`).join(', ') + (names.length > 5 ? ` (and ${names.length - 5} more)` : '');

export function matchWeights(expected: readonly ExpectedWeight[], entries: readonly WeightEntry[], prefix: string): WeightEntry[] {
  // Index every entry under each '/'-suffix of its name: 'a/b/c' → 'a/b/c', 'b/c', 'c'; and under the
  // suffixes Keras's renaming of a repeated layer name gives: 'conv1_2/kernel' → 'conv1/kernel'.
  const bySuffix = new Map<string, WeightEntry[]>();
  const renamed = new Map<string, WeightEntry[]>();
  const add = (map: Map<string, WeightEntry[]>, key: string, e: WeightEntry): void => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [e]);
    else list.push(e);
  };
  for (const e of entries) {
    const parts = strip(e.name).split('/');
    parts.forEach((part, i) => {
      add(bySuffix, parts.slice(i).join('/'), e);
      const m = /^(.*)_\d+$/.exec(part);
      if (m !== null && i < parts.length - 1) add(renamed, [m[1], ...parts.slice(i + 1)].join('/'), e);
    });
  }
  const one = (list: WeightEntry[] | undefined): WeightEntry | undefined => (list?.length === 1 ? list[0] : undefined);
  const unique = (key: string): WeightEntry | undefined => one(bySuffix.get(key));
  // A renamed variable is taken only when no entry has the name itself.
  const byRename = (key: string): WeightEntry | undefined => (bySuffix.has(key) ? undefined : one(renamed.get(key)));
  // A nested model's weight ('mobilenet' / 'conv1/kernel') may be written without the model's name.
  const find = (w: ExpectedWeight, lookup: (key: string) => WeightEntry | undefined): WeightEntry | undefined =>
    lookup(`${w.layer}/${w.name}`) ?? (w.name.includes('/') ? lookup(w.name) : undefined);
  // Keras 3 names a DepthwiseConv2D's kernel 'kernel' where Keras 2 and tfjs write 'depthwise_kernel'.
  const depthwise = /(^|\/)depthwise_kernel$/;
  let matched: (WeightEntry | undefined)[] = expected.map(
    (w) => find(w, unique) ?? find(w, byRename) ?? (depthwise.test(w.name) ? find({ ...w, name: w.name.replace(depthwise, '$1kernel') }, unique) : undefined),
  );
  const byName = matched.every((m) => m !== undefined) && new Set(matched).size === matched.length;
  if (!byName && entries.length === expected.length && entries.every((e, i) => strip(e.name).split('/').pop() === expected[i].name)) matched = [...entries];
  const missing = expected.filter((_, i) => matched[i] === undefined);
  if (missing.length > 0) throw new Error(`${prefix}: the weights file has no ${some(missing.map((w) => `${w.layer}/${w.name}`))}`);
  const used = new Set(matched);
  const extra = entries.filter((e) => !used.has(e));
  if (extra.length > 0) throw new Error(`${prefix}: no layer uses the weights ${some(extra.map((e) => e.name))}`);
  expected.forEach((w, i) => {
    const e = matched[i] as WeightEntry;
    if (e.shape.join() !== w.shape.join()) {
      throw new Error(`${prefix}: weight '${e.name}' has shape [${e.shape.join(', ')}] but layer '${w.layer}' (${w.className}) needs [${w.shape.join(', ')}]`);
    }
  });
  return matched as WeightEntry[];
}
