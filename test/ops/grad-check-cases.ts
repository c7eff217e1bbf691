/**
 * gradCheck of a convolution-like op on x, w and its bias, each case seeded by x's shape (so
 * adding a case does not move the others' numbers).
 */
import { it } from 'vitest';
import { Rng, Tensor, randomNormal } from '../../src/index.js';
import { expectGradOk } from '../helpers.js';

/** [label, x shape, w shape, options] */
export type GradCase<O> = [string, number[], number[], O];

/**
 * One `it` per case: x, w, then a bias of `biasLength(wShape)` elements drawn from
 * Rng(Σ-fold of x's shape from `seed`), and `op(x, w, { ...options, bias })` gradChecked.
 */
export function gradCheckCases<O>(
  cases: readonly GradCase<O>[], seed: number, biasLength: (wShape: number[]) => number,
  op: (x: Tensor, w: Tensor, options: O & { bias: Tensor }) => Tensor,
): void {
  for (const [label, xShape, wShape, options] of cases) {
    it(label, () => {
      const rng = new Rng(xShape.reduce((p, d) => p * 7 + d, seed));
      const x = randomNormal(xShape, rng);
      const w = randomNormal(wShape, rng);
      const b = randomNormal([biasLength(wShape)], rng);
      expectGradOk((xx, ww, bb) => op(xx, ww, { ...options, bias: bb }), [x, w, b], {}, label);
    });
  }
}
