import type { L1L2 } from './regularizers.js';

/**
 * A penalty fit adds for a weight or an output, as a layer's options give it. A layer checks the
 * spec when it is made and keeps it as given; fit resolves it to an L1L2 (regularizers.ts) when it
 * computes the penalty, so tatami/infer, which never fits, carries none of the regularizers' code.
 */
export type RegularizerSpec = L1L2 | 'l1' | 'l2' | 'l1l2' | 'l1_l2' | null;

/** What each name means, [l1, l2]: Keras's `l1()`, `l2()` and `l1_l2()` with their defaults (0.01). */
export const REGULARIZER_NAMES: Readonly<Record<Exclude<RegularizerSpec, L1L2 | null>, readonly [l1: number, l2: number]>> = {
  l1: [0.01, 0], l2: [0, 0.01], l1l2: [0.01, 0.01], l1_l2: [0.01, 0.01],
};

/** The spec, or null for none; an unknown name (or an object that is no regularizer) throws, naming the layer (`who`). */
export function checkRegularizer(spec: RegularizerSpec | undefined, who: string): RegularizerSpec {
  if (spec === undefined || spec === null) return null;
  // An L1L2 is told by its penalty, so that this check needs no regularizer code.
  const known = typeof spec === 'object' ? typeof spec.penalty === 'function' : Object.hasOwn(REGULARIZER_NAMES, spec);
  if (!known) throw new Error(`${who}: unknown regularizer ${JSON.stringify(spec)} (tatami has l1, l2, l1l2)`);
  return spec;
}

/** The Keras JSON form, as tfjs writes it: `{ class_name: 'L1L2', config: { l1, l2 } }`, or null. */
export function regularizerConfig(spec: RegularizerSpec): { class_name: 'L1L2'; config: { l1: number; l2: number } } | null {
  if (spec === null) return null;
  if (typeof spec === 'object') return spec.config();
  const [l1, l2] = REGULARIZER_NAMES[spec];
  return { class_name: 'L1L2', config: { l1, l2 } };
}
