/**
 * Shared test helpers: inputs that keep finite differences honest, closeness with atol + rtol·|ref|,
 * a gradCheck wrapper that explains its failures, and small seeded generators of shapes.
 *
 * Everything random takes an Rng, so a failing case can be replayed from its seed.
 */
import { expect } from 'vitest';
import { Tensor, Rng, gradCheck, type GradCheckOptions, type NestedArray, type Shape } from '../src/index.js';

/** Anything expectClose can read numbers from. */
export type Numbers = Tensor | Float32Array | Float64Array | Int32Array | NestedArray | readonly number[];

/** Flatten a tensor, typed array or nested array into a plain number[] (row-major). */
export function flat(v: Numbers): number[] {
  if (v instanceof Tensor) return Array.from(v.data);
  if (typeof v === 'number') return [v];
  if (ArrayBuffer.isView(v)) return Array.from(v as Float32Array);
  const out: number[] = [];
  const walk = (x: NestedArray | number): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else out.push(x as number);
  };
  walk(v as NestedArray);
  return out;
}

/** The shape of a rectangular nested array (no checking: use it on expected values you wrote). */
export function nestedShape(v: NestedArray): number[] {
  const shape: number[] = [];
  let x: NestedArray = v;
  while (Array.isArray(x)) {
    shape.push(x.length);
    if (x.length === 0) break;
    x = x[0];
  }
  return shape;
}

/**
 * Assert that `actual` and `expected` agree elementwise within `atol + rtol·|expected|`
 * (never a pure relative error: near zero it would demand the impossible).
 *
 * NaN matches only NaN, ±Infinity only the same infinity. When `actual` is a Tensor and `expected`
 * a nested array of rank ≥ 2, the shapes must match too (a flat array is compared element by element). On failure it throws with the sizes, the worst error and
 * the first mismatches (flat index, actual, expected), so the output says what went wrong.
 *
 * @param atol  absolute tolerance (default 1e-6)
 * @param rtol  relative tolerance, times |expected| (default 1e-5)
 * @param label prefixed to the failure message (say which case or input this is)
 */
export function expectClose(actual: Numbers, expected: Numbers, atol = 1e-6, rtol = 1e-5, label = ''): void {
  const prefix = label ? `${label}: ` : '';
  if (actual instanceof Tensor && Array.isArray(expected) && Array.isArray(expected[0])) {
    const want = nestedShape(expected as NestedArray);
    if (want.join(',') !== actual.shape.join(',')) {
      throw new Error(`${prefix}shape [${actual.shape.join(', ')}] but expected [${want.join(', ')}]`);
    }
  }
  const a = flat(actual);
  const e = flat(expected);
  if (a.length !== e.length) throw new Error(`${prefix}${a.length} values but expected ${e.length}`);
  const bad: string[] = [];
  let worst = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = e[i];
    let ok: boolean;
    if (Number.isNaN(y)) ok = Number.isNaN(x);
    else if (!Number.isFinite(y)) ok = x === y;
    else ok = Math.abs(x - y) <= atol + rtol * Math.abs(y);
    if (!ok) {
      count++;
      const err = Math.abs(x - y);
      if (!(err <= worst)) worst = err;
      if (bad.length < 8) bad.push(`  [${i}] actual ${x}, expected ${y}, |diff| ${err.toExponential(2)}`);
    }
  }
  if (count > 0) {
    throw new Error(
      `${prefix}${count} of ${a.length} values differ (atol ${atol}, rtol ${rtol}, worst |diff| ${worst}); first mismatches:\n${bad.join('\n')}`,
    );
  }
}

/**
 * Values for gradient checks that stay away from kinks and ties: a shuffled ramp of distinct
 * half-integer multiples of `gap`, i.e. gap·(k + ½) for k = −⌊n/2⌋ … n−⌊n/2⌋−1, plus `offset`.
 *
 * With the default offset 0, no value is within gap/2 of 0 (ReLU, |x|, leaky ReLU and ELU are safe),
 * and every two values differ by at least `gap` (max and maximum have no near-ties). Choose
 * gap > 2h for gradCheck's step h (the default 0.1 is ten times gradCheck's default h of 1e-2).
 * Values grow with the size, so keep shapes small (or lower `gap`) before feeding exp.
 */
export function shuffledRamp(shape: Shape, rng: Rng, gap = 0.1, offset = 0, options: { requiresGrad?: boolean } = {}): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const half = Math.floor(n / 2);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = offset + gap * (i - half + 0.5);
  rng.shuffle(data);
  return new Tensor(data, shape, options.requiresGrad ?? false);
}

/** Uniform values in [low, high) (e.g. a positive range for log, sqrt and divisors). */
export function uniformTensor(shape: Shape, rng: Rng, low = -1, high = 1): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(low, high);
  return new Tensor(data, shape);
}

/** A random shape of rank in [minRank, maxRank] with every size in [1, maxDim]. */
export function randomShape(rng: Rng, minRank = 1, maxRank = 3, maxDim = 4): number[] {
  const rank = rng.integer(minRank, maxRank + 1);
  return Array.from({ length: rank }, () => rng.integer(1, maxDim + 1));
}

/**
 * Run gradCheck and fail with its verdict spelled out (max error, which input, which element, both
 * derivatives) instead of a bare `expected false to be true`.
 */
export function expectGradOk(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradCheckOptions = {},
  label = '',
): void {
  const res = gradCheck(fn, inputs, options);
  const w = res.worst;
  const where = `input ${w.input} ${inputs[w.input] ? `[${inputs[w.input].shape.join(', ')}]` : ''} element ${w.index}`;
  expect(res.passed, `${label ? label + ': ' : ''}gradCheck max error ${res.maxError} at ${where}: analytic ${w.analytic}, numeric ${w.numeric}`).toBe(true);
}
