// Shared helpers for the kernel tests: a seeded generator, buffer fillers, and the closeness
// check every fast-vs-naive comparison goes through (so the checker itself can be tested).

import { expect } from 'vitest';
import { conv2dShape, type Conv2dShape, type Padding } from '../../kernels/conv-shape.js';

/** mulberry32, a tiny seeded 32-bit generator returning floats in [0, 1): the benchmarks' own. */
export { seededRandom as mulberry32 } from '../../bench/data.js';

export type Rng = () => number;

/** Integer in [lo, hi], inclusive. */
export function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** n uniform floats in [lo, hi). */
export function randomArray(rng: Rng, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rng();
  return a;
}

/** A buffer of NaN: an overwrite kernel that forgets an element leaves NaN behind. */
export function nanArray(n: number): Float32Array {
  return new Float32Array(n).fill(NaN);
}

export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

export interface Comparison {
  readonly ok: boolean;
  readonly message: string;
}

/**
 * Element-wise |actual − expected| ≤ atol + rtol·|expected| (NaN anywhere fails, lengths must
 * match). Returns a report with the first mismatches rather than throwing, so tests can also
 * assert that a wrong kernel FAILS it.
 */
export function compareArrays(
  actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance,
): Comparison {
  if (actual.length !== expected.length) {
    return { ok: false, message: `length ${actual.length} != expected ${expected.length}` };
  }
  const lines: string[] = [];
  let bad = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const err = Math.abs(a - e);
    const limit = tol.atol + tol.rtol * Math.abs(e);
    // `!(err <= limit)` also catches NaN in either array.
    if (!(err <= limit) && !(a === e)) {
      bad++;
      if (lines.length < 6) lines.push(`  [${i}] got ${a}, want ${e} (|diff| ${err.toExponential(2)} > ${limit.toExponential(2)})`);
    }
    if (err > worst) worst = err;
  }
  if (bad === 0) return { ok: true, message: '' };
  return {
    ok: false,
    message: `${bad} of ${expected.length} elements differ (max |diff| ${worst.toExponential(2)}); first:\n${lines.join('\n')}`,
  };
}

/** Fails the test with `label` (the shape) and the first mismatches unless the arrays are close. */
export function expectClose(
  actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, label: string,
): void {
  const r = compareArrays(actual, expected, tol);
  expect(r.ok, `${label}\n${r.message}`).toBe(true);
}

/** Tolerance for sums of `terms` products of values in [−1, 1], computed two different ways. */
export function sumTolerance(terms: number): Tolerance {
  return { atol: 1e-5 + 2e-7 * terms, rtol: 1e-4 };
}

/**
 * Unit terms in the rounding bound of the Winograd filter gradient (kernels/conv2d-winograd-dw.ts's
 * header) for x and dy of magnitude ≤ 1 (scale it by max|x|·max|dy| otherwise). Each of the 16 sums
 * S[ξ] adds T = N·⌈OH/2⌉·⌈OW/2⌉ products V·E with |V| ≤ 4 (Bᵀ d B adds 4 inputs with signs per entry)
 * and |E| ≤ 4 (Ã e Ãᵀ adds up to 4 of the tile's 4 values); a tap is G̃ᵀ S G̃, 16 sums with weights
 * whose magnitudes add up to (1 + ½ + ½)² = 4. So 4·16·T.
 */
export function winogradFilterGradTerms(s: Conv2dShape): number {
  return 64 * s.N * Math.ceil(s.OH / 2) * Math.ceil(s.OW / 2);
}

/** Σ a[i]·b[i] in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Central-difference gradient of L(v) = Σ f(v)·r with respect to every element of v (which is
 * perturbed in place and restored). `f` runs the forward kernel and returns its output.
 * Step h in float32 per STYLE.md; the loss is accumulated in a JS number.
 */
export function numericGradient(
  v: Float32Array, r: Float32Array, f: () => Float32Array, h = 1e-2,
): Float64Array {
  const g = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const saved = v[i];
    v[i] = saved + h;
    const lPlus = dot(f(), r);
    v[i] = saved - h;
    const lMinus = dot(f(), r);
    v[i] = saved;
    // Use the float32 steps actually taken, not 2h, so rounding of v ± h does not bias the result.
    const step = Math.fround(saved + h) - Math.fround(saved - h);
    g[i] = (lPlus - lMinus) / step;
  }
  return g;
}

/**
 * One convolution family's three kernels, closed over a shape: `forward` overwrites y,
 * `input` and `filter` accumulate into dx and dw.
 */
export interface ConvKernels {
  readonly forward: (y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null) => void;
  readonly input: (dx: Float32Array, dy: Float32Array, w: Float32Array) => void;
  readonly filter: (dw: Float32Array, dy: Float32Array, x: Float32Array) => void;
}

/** Element counts of x, w and y, and the number of output channels (the bias length). */
export interface ConvSizes {
  readonly x: number;
  readonly w: number;
  readonly y: number;
  readonly CO: number;
}

/**
 * A fast kernel set against its naive twins on one shape: the forward into NaN-filled outputs
 * (with a bias `biasChance` of the time), both gradients onto the same random prefill.
 * `terms` gives each check's tolerance as the number of products summed per element.
 */
export function expectTwinsAgree(
  rng: Rng, n: ConvSizes, biasChance: number, naive: ConvKernels, fast: ConvKernels,
  terms: { readonly forward: number; readonly input: number; readonly filter: number }, label: string,
): void {
  const x = randomArray(rng, n.x);
  const w = randomArray(rng, n.w);
  const bias = rng() < biasChance ? randomArray(rng, n.CO) : null;
  const want = nanArray(n.y);
  naive.forward(want, x, w, bias);
  const got = nanArray(n.y);
  fast.forward(got, x, w, bias);
  expectClose(got, want, sumTolerance(terms.forward), `forward ${label}`);

  const dy = randomArray(rng, n.y);
  expectAccumulationsAgree(rng, n.x, (dx) => naive.input(dx, dy, w), (dx) => fast.input(dx, dy, w), terms.input, `backward input ${label}`);
  expectAccumulationsAgree(rng, n.w, (dw) => naive.filter(dw, dy, x), (dw) => fast.filter(dw, dy, x), terms.filter, `backward filter ${label}`);
}

/** Two accumulating kernels run onto copies of one random prefill of `size` elements. */
function expectAccumulationsAgree(
  rng: Rng, size: number, naive: (g: Float32Array) => void, fast: (g: Float32Array) => void, terms: number, label: string,
): void {
  const start = randomArray(rng, size);
  const want = start.slice();
  naive(want);
  const got = start.slice();
  fast(got);
  expectClose(got, want, sumTolerance(terms), label);
}

/**
 * The naive backward kernels (and `biasGrad`) against central differences of the naive forward,
 * on L = Σ y·r for a random r, so dL/dy = r.
 */
export function expectGradientsMatchDifferences(
  rng: Rng, n: ConvSizes, naive: ConvKernels, biasGrad: (db: Float32Array, dy: Float32Array) => void, label: string,
): void {
  const x = randomArray(rng, n.x);
  const w = randomArray(rng, n.w);
  const b = randomArray(rng, n.CO);
  const r = randomArray(rng, n.y);
  const y = new Float32Array(n.y);
  const forward = (): Float32Array => {
    naive.forward(y, x, w, b);
    return y;
  };
  const tol = { atol: 2e-3, rtol: 2e-3 };
  const dx = new Float32Array(n.x);
  naive.input(dx, r, w);
  expectClose(dx, numericGradient(x, r, forward), tol, `dx ${label}`);
  const dw = new Float32Array(n.w);
  naive.filter(dw, r, x);
  expectClose(dw, numericGradient(w, r, forward), tol, `dw ${label}`);
  const db = new Float32Array(n.CO);
  biasGrad(db, r);
  expectClose(db, numericGradient(b, r, forward), tol, `db ${label}`);
}

/** A 3×3 stride-1 convolution's shape, as the Winograd tests use. */
export const winogradShape = (N: number, H: number, W: number, CI: number, CO: number, padding: Padding): Conv2dShape =>
  conv2dShape(N, H, W, CI, 3, 3, CO, [1, 1], [1, 1], padding);

export const winogradLabel = (s: Conv2dShape): string =>
  `N=${s.N} H=${s.H} W=${s.W} CI=${s.CI} CO=${s.CO} pad=${s.padTop},${s.padLeft} out=${s.OH}x${s.OW}`;

/**
 * The tolerance for Winograd against the direct twin, operands in [−1, 1], summing over `IC` channels.
 * sumTolerance(terms) allows 2e-7 (≈ 3.4 float32 roundings) per summed product of magnitude ≤ 1.
 * The direct sum has 9·IC such products. Winograd's output is ± the sum of 9 of the 16 products
 * M[ξ] = Σ_ic V[ξ]·U[ξ], where |V| ≤ 4 (each Bᵀ d B entry adds 4 inputs with signs) and
 * |U| ≤ 2.25 (each G g Gᵀ entry is a combination of 9 taps with weights summing to ≤ 1.5·1.5):
 * 9·IC products of magnitude ≤ 9, i.e. 81·IC unit terms. The direct twin's own float32 store is
 * inside the rtol of 1e-4. Fused products (relaxed SIMD) round once where mul + add rounds twice,
 * so the same bound holds for them.
 */
export const winogradTolerance = (IC: number): Tolerance => sumTolerance(81 * IC);
