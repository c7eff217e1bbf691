import { describe, it, expect } from 'vitest';
import { gemmNaive, gemmBlockedBias, type GemmLayout } from '../../kernels/gemm.js';
import { reluInPlace } from '../../kernels/relu.js';
import { firstDifference } from './same-bits.js';
import { gemmSimd, gemmSimdBias, gemmSimdTiled, simdAvailable } from '../../kernels/gemm-simd.js';
import { gemmFast, gemmFastBias } from '../../kernels/gemm-fast.js';
import { sleb, uleb } from '../../kernels/wasm/assembler.js';
import { compareArrays, expectClose, mulberry32, nanArray, randInt, randomArray, sumTolerance, type Rng } from './helpers.js';

const layouts: readonly GemmLayout[] = ['nn', 'tn', 'nt'];
// Sizes no tile (4×8) or unroll divides, plus a few just past a multiple of it.
const awkward = [1, 2, 3, 5, 7, 9, 13, 17, 33, 65];

type Gemm = typeof gemmSimd;

/**
 * Runs `gemm` against gemmNaive for one shape, layout and mode, with a bias when `withBias`
 * (overwrite only). Overwrite starts from NaN so a skipped element shows; accumulate starts from
 * random values. Fails with the shape and the first mismatches.
 */
function check(rng: Rng, gemm: Gemm, M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean, withBias = false): void {
  const a = randomArray(rng, M * K); // [M, K] or [K, M] for 'tn'
  const b = randomArray(rng, K * N); // [K, N] or [N, K] for 'nt'
  const bias = withBias && !accumulate ? randomArray(rng, N) : null;
  const start = accumulate ? randomArray(rng, M * N) : nanArray(M * N);
  const want = start.slice();
  gemmNaive(want, a, b, M, N, K, layout, accumulate);
  if (bias !== null) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) want[i * N + j] += bias[j];
  const got = start.slice();
  if (bias !== null) gemmSimdBias(got, a, b, bias, M, N, K, layout, accumulate);
  else gemm(got, a, b, M, N, K, layout, accumulate);
  expectClose(got, want, sumTolerance(K), `M=${M} N=${N} K=${K} layout=${layout} accumulate=${accumulate} bias=${bias !== null}`);
}

describe('the assembler', () => {
  it('encodes LEB128 like the spec examples', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(sleb(0)).toEqual([0]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]); // bit 6 set would read as negative: one more byte
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});

describe('gemmSimd equals gemmNaive', () => {
  it('runs here (Node 20 has WebAssembly SIMD)', () => {
    expect(simdAvailable).toBe(true);
  });

  it('on every pair of awkward sizes (1, 2, 3, 5, … 65), each layout, overwrite on NaN and accumulate', () => {
    const rng = mulberry32(11);
    for (const layout of layouts) {
      for (const M of awkward) {
        for (const N of awkward) {
          const K = awkward[randInt(rng, 0, awkward.length - 1)];
          check(rng, gemmSimd, M, N, K, layout, rng() < 0.5);
        }
      }
      // ...and every K with both modes, on a shape with edges in both directions.
      for (const K of awkward) {
        check(rng, gemmSimd, 7, 9, K, layout, false);
        check(rng, gemmSimd, 9, 7, K, layout, true);
      }
    }
  });

  it('on ~50 random shapes', () => {
    const rng = mulberry32(12);
    for (let t = 0; t < 50; t++) {
      const M = randInt(rng, 1, 100);
      const N = randInt(rng, 1, 100);
      const K = randInt(rng, 1, 120);
      check(rng, gemmSimd, M, N, K, layouts[t % 3], t % 2 === 1);
    }
  });

  it('across block edges (M > 128 and ≥ 64 for packed B, N > 256, K > 256) and for tiny M with long K', () => {
    const rng = mulberry32(13);
    for (const layout of layouts) {
      check(rng, gemmSimd, 131, 261, 259, layout, false);
      check(rng, gemmSimd, 133, 19, 517, layout, true);
      check(rng, gemmSimd, 9, 21, 1300, layout, true); // filter-gradient shape: B unpacked
      check(rng, gemmSimd, 300, 10, 9, layout, false); // first conv layer: K = 9, N < NR·2
    }
  });

  it('on a Dense layer\'s thin shapes (vector × matrix, vector × matrixᵀ, outer product), C of 10 columns over several blocks', () => {
    const rng = mulberry32(14);
    for (const accumulate of [false, true]) {
      check(rng, gemmSimd, 1, 10, 2000, 'nn', accumulate); // forward at batch 1
      check(rng, gemmSimd, 1, 3001, 10, 'nt', accumulate); // input gradient at batch 1: read as B · Aᵀ
      check(rng, gemmSimd, 2, 3001, 10, 'nt', accumulate); // ... and at batch 2: B transposed in
      check(rng, gemmSimd, 3001, 10, 1, 'tn', accumulate); // kernel gradient at batch 1
      check(rng, gemmSimd, 301, 13, 3, 'tn', accumulate); // 3 blocks of whole 13-float rows
      check(rng, gemmSimd, 3, 37, 8, 'nt', accumulate); // dot products: K a multiple of 4 (no partial vector)
      check(rng, gemmSimd, 1, 5, 4, 'nt', accumulate);
    }
  });

  it('K = 1 (an outer product) gives exactly gemmNaive\'s bits, in every layout', () => {
    const rng = mulberry32(17);
    for (const layout of layouts) {
      for (const [M, N] of [[3001, 10], [7, 1], [1, 9], [33, 13]]) {
        const a = randomArray(rng, M);
        const b = randomArray(rng, N);
        const want = nanArray(M * N);
        gemmNaive(want, a, b, M, N, 1, layout, false);
        const got = nanArray(M * N);
        gemmSimd(got, a, b, M, N, 1, layout, false);
        expect(firstDifference(got, want), `M=${M} N=${N} ${layout}`).toBe(-1);
      }
    }
  });

  it("dot products ('nt', short M) keep each row of B to itself: an ∞ in the next row does not leak in", () => {
    // B [3, 2] = [[1, 2], [∞, 1], [3, 4]]: row 0's 4-float vector also reads row 1's ∞, which the
    // mask must zero (0·∞ would be NaN). A = [0.5, 0.25]: C = [0.5 + 0.5, ∞, 1.5 + 1].
    const c = nanArray(3);
    gemmSimd(c, Float32Array.of(0.5, 0.25), Float32Array.of(1, 2, Infinity, 1, 3, 4), 1, 3, 2, 'nt', false);
    expect(Array.from(c)).toEqual([1, Infinity, 2.5]);
  });

  it('handles K = 0 (an empty sum) and M or N = 0', () => {
    const c = nanArray(6);
    gemmSimd(c, new Float32Array(0), new Float32Array(0), 2, 3, 0, 'nn', false);
    expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0]);
    const d = new Float32Array(6).fill(2);
    gemmSimd(d, new Float32Array(0), new Float32Array(0), 2, 3, 0, 'nn', true);
    expect(Array.from(d)).toEqual([2, 2, 2, 2, 2, 2]);
    const e = Float32Array.of(1, 2, 3);
    gemmSimdBias(e, new Float32Array(0), new Float32Array(0), e.slice(), 1, 3, 0, 'nt', false);
    expect(Array.from(e)).toEqual([1, 2, 3]); // the bias alone
    gemmSimd(new Float32Array(0), new Float32Array(0), new Float32Array(5), 0, 5, 1, 'nn', false); // no-op
  });

  it('keeps working while its memory grows: small, big, then small again', () => {
    const rng = mulberry32(14);
    check(rng, gemmSimd, 5, 6, 7, 'nn', false);
    check(rng, gemmSimd, 300, 200, 400, 'tn', true); // 0.8 MB of operands: the memory must grow
    check(rng, gemmSimd, 3, 2, 5, 'nt', false);
    check(rng, gemmSimd, 70, 12, 9, 'nn', true);
  });
});

describe('gemmSimdTiled with the other register tiles bench/gemm.ts races', () => {
  it('6×8, 3×16 and 5×12 (plain SIMD) equal gemmNaive on awkward and block-crossing shapes, each layout', () => {
    const rng = mulberry32(18);
    for (const tile of [{ mr: 6, nv: 2, fma: false }, { mr: 3, nv: 4, fma: false }, { mr: 5, nv: 3, fma: false }]) {
      const gemm: Gemm = (c, a, b, M, N, K, layout, accumulate) => gemmSimdTiled(tile, c, a, b, null, M, N, K, layout, accumulate);
      for (const layout of layouts) {
        for (const [M, N, K] of [[1, 1, 1], [7, 13, 5], [13, 17, 33], [131, 261, 259], [65, 9, 300]]) {
          check(rng, gemm, M, N, K, layout, rng() < 0.5);
        }
      }
    }
  });
});

describe('the fused ReLU of the bias GEMMs', () => {
  // relu = true must give exactly reluInPlace (relu.ts: negatives → +0, NaN and ±0 kept) of the
  // same GEMM's unfused result: the SIMD one clamps each C block in wasm, the JS one at the end.
  it('equals reluInPlace of the unfused result, bit for bit, with NaN, ±∞ and −0 in the bias', () => {
    const rng = mulberry32(16);
    const gemms = [['gemmSimdBias', gemmSimdBias], ['gemmBlockedBias', gemmBlockedBias], ['gemmFastBias', gemmFastBias]] as const;
    for (const [name, gemm] of gemms) {
      for (const [M, N, K] of [[1, 10, 50], [3, 13, 7], [676, 128, 9], [131, 261, 259], [5, 7, 0]]) {
        const a = randomArray(rng, M * K);
        const b = randomArray(rng, K * N);
        const bias = randomArray(rng, N);
        [NaN, Infinity, -Infinity, -0].forEach((v, i) => { if (i < N) bias[i] = v; });
        const unfused = nanArray(M * N);
        gemm(unfused, a, b, bias, M, N, K, 'nn', false);
        const want = unfused.slice();
        reluInPlace(want);
        const got = nanArray(M * N);
        gemm(got, a, b, bias, M, N, K, 'nn', false, true);
        expect(firstDifference(got, want), `${name} M=${M} N=${N} K=${K}`).toBe(-1);
        // The rule spelled out: negatives become +0, everything else (NaN, ±0, +∞) passes unchanged.
        const rule = Array.from(unfused, (v) => (v < 0 ? 0 : v));
        expect(firstDifference(got, rule), `${name} rule M=${M} N=${N} K=${K}`).toBe(-1);
        // Column 0 has the NaN bias: NaN comes out, never a plausible 0.
        for (let i = 0; i < M; i++) expect(got[i * N]).toBeNaN();
      }
      const one = new Float32Array(1);
      expect(() => gemm(one, one, one, null, 1, 1, 1, 'nn', true, true)).toThrow(/fused ReLU can only be added when overwriting/);
    }
  });

  it('on 50 seeded shapes with NaN and ±∞ inside A and B: SIMD and JS both give the rule\'s bits', () => {
    const rng = mulberry32(17);
    const spicy = (n: number): Float32Array => {
      const x = randomArray(rng, n);
      for (let i = 0; i < n; i++) if (rng() < 0.02) x[i] = [NaN, Infinity, -Infinity][randInt(rng, 0, 2)];
      return x;
    };
    for (let t = 0; t < 50; t++) {
      const [M, N, K] = [randInt(rng, 1, 70), randInt(rng, 1, 70), randInt(rng, 1, 40)];
      const a = spicy(M * K), b = spicy(K * N), bias = spicy(N);
      for (const [name, gemm] of [['gemmSimdBias', gemmSimdBias], ['gemmBlockedBias', gemmBlockedBias]] as const) {
        const unfused = nanArray(M * N);
        gemm(unfused, a, b, bias, M, N, K, 'nn', false);
        const got = nanArray(M * N);
        gemm(got, a, b, bias, M, N, K, 'nn', false, true);
        const rule = Array.from(unfused, (v) => (v < 0 ? 0 : v));
        expect(firstDifference(got, rule), `${name} M=${M} N=${N} K=${K}`).toBe(-1);
      }
    }
  });
});

describe('gemmSimdBias', () => {
  it('equals bias + gemmNaive on awkward and block-crossing shapes, each layout', () => {
    const rng = mulberry32(15);
    for (const layout of layouts) {
      for (const [M, N, K] of [[1, 1, 1], [5, 7, 9], [13, 3, 17], [65, 33, 2], [131, 9, 9], [6, 517, 300]]) {
        check(rng, gemmSimd, M, N, K, layout, false, true);
      }
    }
  });

  it('refuses a bias when accumulating (the bias belongs to the forward pass only)', () => {
    const one = new Float32Array(1);
    expect(() => gemmSimdBias(one, one, one, one, 1, 1, 1, 'nn', true)).toThrow(/only be added when overwriting/);
  });
});

describe('gemmFast', () => {
  it('equals gemmNaive, with and without a bias', () => {
    const rng = mulberry32(16);
    for (const layout of layouts) check(rng, gemmFast, 13, 17, 33, layout, true);
    const [M, N, K] = [9, 13, 5];
    const a = randomArray(rng, M * K);
    const b = randomArray(rng, K * N);
    const bias = randomArray(rng, N);
    const want = nanArray(M * N);
    gemmNaive(want, a, b, M, N, K, 'nn', false);
    for (let i = 0; i < M * N; i++) want[i] += bias[i % N];
    const got = nanArray(M * N);
    gemmFastBias(got, a, b, bias, M, N, K, 'nn', false);
    expectClose(got, want, sumTolerance(K), 'gemmFastBias');
  });
});

describe('the closeness check catches a broken SIMD GEMM', () => {
  it('rejects gemmSimd run with the last k skipped', () => {
    // In 'tn' layout A is [K, M] and B is [K, N], so their first K − 1 rows are exactly the
    // problem without its last k: running gemmSimd with K − 1 is the broken variant.
    const rng = mulberry32(17);
    const M = 7, N = 9, K = 13;
    const a = randomArray(rng, K * M);
    const b = randomArray(rng, K * N);
    const want = nanArray(M * N);
    gemmNaive(want, a, b, M, N, K, 'tn', false);
    const wrong = nanArray(M * N);
    gemmSimd(wrong, a, b, M, N, K - 1, 'tn', false);
    const r = compareArrays(wrong, want, sumTolerance(K));
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/elements differ/);
    // The same call with the full K passes, so it is the skipped k that fails.
    const right = nanArray(M * N);
    gemmSimd(right, a, b, M, N, K, 'tn', false);
    expect(compareArrays(right, want, sumTolerance(K)).ok).toBe(true);
  });
});
