import type { Tensor } from './tensor.js';
import { abs, square } from './ops/unary.js';
import { add, mul } from './ops/binary.js';
import { sum } from './ops/reduce.js';
import { type RegularizerSpec, REGULARIZER_NAMES, checkRegularizer } from './regularizer-spec.js';

export { type RegularizerSpec, regularizerConfig } from './regularizer-spec.js';

/**
 * Keras's L1L2 weight regularizer: penalty(w) = l1·Σ|w| + l2·Σw², added to the training loss (fit's
 * reported loss includes it) so that its gradient, l1·sign(w) + 2·l2·w, flows to the weight.
 * The three Keras names make one: `l1(0.01)` is L1L2 { l1: 0.01, l2: 0 }, `l2(0.01)` is
 * { l1: 0, l2: 0.01 }. Saved as tfjs saves it: `{ class_name: 'L1L2', config: { l1, l2 } }`.
 * Layers keep the spec they are given (an L1L2 or a name, regularizer-spec.ts); fit resolves it here.
 */
export class L1L2 {
  constructor(readonly l1: number, readonly l2: number) {
    for (const [k, v] of [['l1', l1], ['l2', l2]] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`L1L2 regularizer: ${k} must be a finite number ≥ 0, got ${String(v)}`);
    }
  }

  /** l1·Σ|x| + l2·Σx², a scalar recorded for backward (the terms of a zero factor are skipped, as tfjs). */
  penalty(x: Tensor): Tensor {
    const terms: Tensor[] = [];
    if (this.l1 !== 0) terms.push(mul(sum(abs(x)), this.l1));
    if (this.l2 !== 0) terms.push(mul(sum(square(x)), this.l2));
    return terms.length === 0 ? mul(sum(square(x)), 0) : terms.reduce((a, b) => add(a, b));
  }

  /** The Keras JSON form, as tfjs writes it. */
  config(): { class_name: 'L1L2'; config: { l1: number; l2: number } } {
    return { class_name: 'L1L2', config: { l1: this.l1, l2: this.l2 } };
  }
}

/** Keras `l1(l1 = 0.01)`: l1·Σ|w|. Keras 2, Keras 3 and tfjs all default to 0.01. */
export const l1 = (value = 0.01): L1L2 => new L1L2(value, 0);
/** Keras `l2(l2 = 0.01)`: l2·Σw². Keras 2, Keras 3 and tfjs all default to 0.01. */
export const l2 = (value = 0.01): L1L2 => new L1L2(0, value);
/**
 * Keras `l1_l2(l1 = 0.01, l2 = 0.01)` (tfjs `l1l2`, the same defaults). Keras 3's `L1L2` class, by
 * contrast, defaults both to 0 when built directly; a file always carries both values.
 */
export const l1l2 = ({ l1: a = 0.01, l2: b = 0.01 }: { l1?: number; l2?: number } = {}): L1L2 => new L1L2(a, b);

/** The regularizer a spec gives, or null; an unknown name throws, naming the layer (`who`). */
export function resolveRegularizer(spec: RegularizerSpec | undefined, who: string): L1L2 | null {
  const checked = checkRegularizer(spec, who);
  return typeof checked === 'string' ? new L1L2(...REGULARIZER_NAMES[checked]) : checked;
}

/**
 * How a layer's activity penalty enters the loss, in Keras's loss-reduction words. Keras 2 (tf.keras)
 * divides it by the batch size, "to make activity regularization strength batch-agnostic"
 * ('sum_over_batch_size'); Keras 3 adds it as computed over the whole batch ('sum').
 */
export type ActivityReduction = 'sum_over_batch_size' | 'sum';

/**
 * The activity penalty of one layer output y (batch axis first): penalty(y), divided by the batch
 * size B under 'sum_over_batch_size'. A scalar recorded for backward, so its gradient reaches y.
 */
export function activityPenalty(regularizer: L1L2, output: Tensor, reduction: ActivityReduction): Tensor {
  const total = regularizer.penalty(output);
  return reduction === 'sum' ? total : mul(total, 1 / output.shape[0]);
}
