// Run by gemm-relaxed.test.ts in a child Node process, with or without
// --experimental-wasm-relaxed-simd (vitest cannot pass V8 flags to its own workers):
//
//   node [--experimental-wasm-relaxed-simd | --no-experimental-wasm-relaxed-simd] --import tsx gemm-relaxed-child.ts
//
// It prints one JSON line (ChildReport) that the test asserts on. Everything is seeded.
//
// The relaxed GEMM is compared with a float64 reference under a bound written out here, not a
// tuned tolerance. Each output of the GEMM is a sum of K products plus a starting value s₀ (the
// bias, zero, or C itself when accumulating), carried in float32; with relaxed_madd each step
// rounds once (fused) or twice (mul, then add), the engine decides. Either way, for any order of
// the additions (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1 and §2.2):
//
//   |computed − exact| ≤ γ_n · (|s₀| + Σ_k |A(i,k)|·|B(k,j)|),   γ_n = n·u / (1 − n·u),  u = 2⁻²⁴
//
// with n = K + 2: K products, one addition of s₀, and one more rounding for the dot-product path
// (dot_rows adds its lane sums onto C at the end). The float64 reference's own error (about
// K·2⁻⁵³ of the same sum) is 2⁻²⁹ times smaller and is ignored. The fused ReLU only clamps, so it
// keeps the bound. Non-finite references (NaN, ±∞ in A, B or the bias) must come out identical:
// with |values| ≤ 1 nothing overflows, and NaN and ±∞ arithmetic does not depend on rounding.

import { gemmFast, gemmFastBias } from '../../kernels/gemm-fast.js';
import { gemmRelaxedSimd, gemmRelaxedSimdBias, gemmSimd, relaxedSimdAvailable, simdAvailable } from '../../kernels/gemm-simd.js';
import type { GemmLayout } from '../../kernels/gemm.js';
import { seededRandom } from '../../bench/data.js';

/** What the child found; see gemm-relaxed.test.ts. */
export interface ChildReport {
  readonly simd: boolean;
  readonly relaxed: boolean;
  /** Outputs compared against the bound (relaxed runs only). */
  readonly checked: number;
  /** Non-finite outputs among them that matched the reference's NaN or ±∞. */
  readonly nonFinite: number;
  /** The first few outputs outside the bound, with their shape. */
  readonly failures: readonly string[];
  /** A GEMM with its last k skipped was caught by the same bound. */
  readonly brokenCaught: boolean;
  /** gemmFast gave exactly the bits of the relaxed GEMM / of the plain SIMD GEMM. */
  readonly fastIsRelaxed: boolean;
  readonly fastIsSimd: boolean;
}

type Rng = () => number;
const u = 2 ** -24;
const gamma = (n: number): number => (n * u) / (1 - n * u);

/** Stored element of A(i, k) and B(k, j) for a layout. */
function at(layout: GemmLayout, M: number, N: number, K: number) {
  return {
    a: (i: number, k: number): number => (layout === 'tn' ? k * M + i : i * K + k),
    b: (k: number, j: number): number => (layout === 'nt' ? j * K + k : k * N + j),
  };
}

/** Uniform in [-1, 1), with a fraction `spice` of the entries NaN, +∞ or −∞. */
function values(rng: Rng, n: number, spice: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng() < spice ? [NaN, Infinity, -Infinity][Math.floor(rng() * 3)] : 2 * rng() - 1;
  }
  return x;
}

interface Problem {
  readonly M: number; readonly N: number; readonly K: number; readonly layout: GemmLayout;
  readonly a: Float32Array; readonly b: Float32Array; readonly bias: Float32Array | null;
  readonly start: Float32Array; // C before the call: NaN (overwrite) or values (accumulate)
  readonly accumulate: boolean; readonly relu: boolean;
}

/**
 * Checks `got` against the float64 reference and the bound above; returns the failures
 * (at most 3) and counts checked and non-finite outputs into `tally`.
 */
function check(p: Problem, got: Float32Array, tally: { checked: number; nonFinite: number }): string[] {
  const { M, N, K, layout, a, b, bias, start, accumulate, relu } = p;
  const idx = at(layout, M, N, K);
  const failures: string[] = [];
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const s0 = accumulate ? start[i * N + j] : bias !== null ? bias[j] : 0;
      let sum = s0;
      let mag = Math.abs(s0);
      for (let k = 0; k < K; k++) {
        const x = a[idx.a(i, k)] * b[idx.b(k, j)];
        sum += x;
        mag += Math.abs(x);
      }
      const want = relu && sum < 0 ? 0 : sum;
      const g = got[i * N + j];
      tally.checked++;
      let ok: boolean;
      if (!Number.isFinite(want)) {
        tally.nonFinite++;
        ok = Object.is(g, want) || (Number.isNaN(g) && Number.isNaN(want));
      } else {
        ok = Math.abs(g - want) <= gamma(K + 2) * mag;
      }
      if (!ok && failures.length < 3) {
        failures.push(`M=${M} N=${N} K=${K} ${layout} acc=${accumulate} bias=${bias !== null} relu=${relu} at (${i},${j}): got ${g}, want ${want} ± ${gamma(K + 2) * mag}`);
      }
    }
  }
  return failures;
}

function problem(rng: Rng, M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean, withBias: boolean, relu: boolean, spice: number): Problem {
  return {
    M, N, K, layout, accumulate, relu,
    a: values(rng, M * K, spice), b: values(rng, K * N, spice),
    bias: withBias ? values(rng, N, spice) : null,
    start: accumulate ? values(rng, M * N, 0) : new Float32Array(M * N).fill(NaN),
  };
}

function runRelaxed(p: Problem): Float32Array {
  const c = p.start.slice();
  gemmRelaxedSimdBias(c, p.a, p.b, p.bias, p.M, p.N, p.K, p.layout, p.accumulate, p.relu);
  return c;
}

function relaxedChecks(): Pick<ChildReport, 'checked' | 'nonFinite' | 'failures' | 'brokenCaught'> {
  const rng = seededRandom(31);
  const layouts: GemmLayout[] = ['nn', 'tn', 'nt'];
  const awkward = [1, 2, 3, 5, 7, 9, 13, 17, 33, 65];
  const problems: Problem[] = [];
  // Every pair of awkward sizes in each layout, K drawn from the same list, both modes.
  for (const layout of layouts) {
    for (const M of awkward) {
      for (const N of awkward) {
        const K = awkward[Math.floor(rng() * awkward.length)];
        problems.push(problem(rng, M, N, K, layout, rng() < 0.5, false, false, 0));
      }
    }
    // Block edges (M > 128, N > 256, K > 256), the conv shape B's K, thin Dense shapes.
    problems.push(problem(rng, 131, 261, 259, layout, false, true, false, 0));
    problems.push(problem(rng, 133, 19, 517, layout, true, false, false, 0));
    problems.push(problem(rng, 200, 64, 288, layout, false, true, true, 0));
    problems.push(problem(rng, 1, 10, 300, layout, false, false, false, 0));
    problems.push(problem(rng, 2, 301, 10, layout, true, false, false, 0));
  }
  // 50 seeded shapes, with bias and fused ReLU on some, NaN and ±∞ in 2% of A, B and bias.
  for (let t = 0; t < 50; t++) {
    const M = 1 + Math.floor(rng() * 70), N = 1 + Math.floor(rng() * 70), K = 1 + Math.floor(rng() * 80);
    const accumulate = t % 3 === 0;
    problems.push(problem(rng, M, N, K, layouts[t % 3], accumulate, !accumulate, !accumulate && t % 2 === 0, t % 2 === 1 ? 0.02 : 0));
  }
  const tally = { checked: 0, nonFinite: 0 };
  const failures: string[] = [];
  for (const p of problems) {
    const f = check(p, runRelaxed(p), tally);
    if (failures.length < 5) failures.push(...f);
  }
  // The bound must catch a broken GEMM: in 'tn' A is [K, M] and B [K, N], so running with K − 1
  // is the same problem with its last k skipped.
  const p = problem(rng, 7, 9, 13, 'tn', false, false, false, 0);
  const broken = p.start.slice();
  gemmRelaxedSimd(broken, p.a, p.b, p.M, p.N, p.K - 1, 'tn', false);
  const brokenCaught = check(p, broken, { checked: 0, nonFinite: 0 }).length > 0;
  return { ...tally, failures, brokenCaught };
}

/** Which GEMM gemmFast and gemmFastBias ran, told by their bits on a shape where FMA rounds differently. */
function fastPicks(): Pick<ChildReport, 'fastIsRelaxed' | 'fastIsSimd'> {
  const rng = seededRandom(32);
  const [M, N, K] = [37, 29, 300];
  const a = values(rng, M * K, 0), b = values(rng, K * N, 0);
  const fast = new Float32Array(M * N), fastBias = new Float32Array(M * N), simd = new Float32Array(M * N);
  gemmFast(fast, a, b, M, N, K, 'nn', false);
  gemmFastBias(fastBias, a, b, null, M, N, K, 'nn', false);
  gemmSimd(simd, a, b, M, N, K, 'nn', false);
  const same = (x: Float32Array, y: Float32Array): boolean => x.every((v, i) => Object.is(v, y[i]));
  let fastIsRelaxed = false;
  if (relaxedSimdAvailable) {
    const relaxed = new Float32Array(M * N);
    gemmRelaxedSimd(relaxed, a, b, M, N, K, 'nn', false);
    fastIsRelaxed = same(fast, relaxed) && same(fastBias, relaxed);
  }
  return { fastIsRelaxed, fastIsSimd: same(fast, simd) && same(fastBias, simd) };
}

const report: ChildReport = {
  simd: simdAvailable,
  relaxed: relaxedSimdAvailable,
  ...(relaxedSimdAvailable ? relaxedChecks() : { checked: 0, nonFinite: 0, failures: [], brokenCaught: false }),
  ...fastPicks(),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
