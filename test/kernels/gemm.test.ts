import { describe, it, expect } from 'vitest';
import { gemmNaive, gemmBlocked, gemmBlockedBias, type GemmLayout } from '../../kernels/gemm.js';
import { compareArrays, expectClose, mulberry32, nanArray, randInt, randomArray, sumTolerance, type Rng } from './helpers.js';

const layouts: readonly GemmLayout[] = ['nn', 'tn', 'nt'];

/** Random A and B stored as `layout` says, for C [M, N]. */
function operands(rng: Rng, M: number, N: number, K: number): [Float32Array, Float32Array] {
  return [randomArray(rng, M * K), randomArray(rng, K * N)];
}

/** Runs gemmBlocked against gemmNaive for one shape, layout and mode; fails with the shape. */
function checkBlocked(rng: Rng, M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean): void {
  const [a, b] = operands(rng, M, N, K);
  // Overwrite: start from NaN so a skipped element shows. Accumulate: start from known values.
  const start = accumulate ? randomArray(rng, M * N) : nanArray(M * N);
  const want = start.slice();
  const got = start.slice();
  gemmNaive(want, a, b, M, N, K, layout, accumulate);
  gemmBlocked(got, a, b, M, N, K, layout, accumulate);
  expectClose(got, want, sumTolerance(K), `gemmBlocked M=${M} N=${N} K=${K} layout=${layout} accumulate=${accumulate}`);
}

describe('gemmNaive', () => {
  it('matches a product worked out by hand in every layout', () => {
    // A = [1 2 3; 4 5 6] (2×3), B = [7 8; 9 10; 11 12] (3×2)
    // C = [1·7+2·9+3·11, 1·8+2·10+3·12; 4·7+5·9+6·11, 4·8+5·10+6·12] = [58 64; 139 154]
    const A = [1, 2, 3, 4, 5, 6];
    const At = [1, 4, 2, 5, 3, 6]; // A stored [K, M] for 'tn'
    const B = [7, 8, 9, 10, 11, 12];
    const Bt = [7, 9, 11, 8, 10, 12]; // B stored [N, K] for 'nt'
    const want = [58, 64, 139, 154];
    const cases: [GemmLayout, number[], number[]][] = [['nn', A, B], ['tn', At, B], ['nt', A, Bt]];
    for (const [layout, a, b] of cases) {
      const c = nanArray(4);
      gemmNaive(c, Float32Array.from(a), Float32Array.from(b), 2, 2, 3, layout, false);
      expect(Array.from(c), layout).toEqual(want);
      // Accumulate adds onto what is there: C = 1 + A·B.
      const c2 = new Float32Array(4).fill(1);
      gemmNaive(c2, Float32Array.from(a), Float32Array.from(b), 2, 2, 3, layout, true);
      expect(Array.from(c2), layout).toEqual(want.map((v) => v + 1));
    }
  });
});

describe('gemmBlocked equals gemmNaive', () => {
  it('on sizes no unroll factor divides (1, 3, 5, 7, 13, 17)', () => {
    const rng = mulberry32(1);
    const sizes = [1, 3, 5, 7, 13, 17];
    for (const layout of layouts) {
      for (const M of sizes) {
        for (const N of sizes) {
          const K = sizes[randInt(rng, 0, sizes.length - 1)];
          checkBlocked(rng, M, N, K, layout, rng() < 0.5);
        }
      }
    }
  });

  it('on ~50 random shapes, overwrite and accumulate', () => {
    const rng = mulberry32(2);
    for (let t = 0; t < 50; t++) {
      const M = randInt(rng, 1, 40);
      const N = randInt(rng, 1, 40);
      const K = randInt(rng, 1, 60);
      checkBlocked(rng, M, N, K, layouts[t % 3], t % 2 === 1);
    }
  });

  it('across cache-block edges (M > 128, N > 512, K > 256)', () => {
    const rng = mulberry32(3);
    checkBlocked(rng, 130, 515, 9, 'nn', false); // N crosses NC, K small (first conv layer)
    checkBlocked(rng, 131, 6, 517, 'nn', false); // K crosses two KC blocks, M crosses MC
    checkBlocked(rng, 9, 7, 700, 'tn', true); // filter-gradient shape: tiny M, long K
    checkBlocked(rng, 133, 11, 260, 'nt', true); // input-gradient shape
  });

  it('handles K = 0 (an empty sum)', () => {
    const c = nanArray(6);
    gemmBlocked(c, new Float32Array(0), new Float32Array(0), 2, 3, 0, 'nn', false);
    expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0]);
    const d = new Float32Array(6).fill(2);
    gemmBlocked(d, new Float32Array(0), new Float32Array(0), 2, 3, 0, 'nn', true);
    expect(Array.from(d)).toEqual([2, 2, 2, 2, 2, 2]);
  });
});

describe('gemmBlockedBias', () => {
  it('equals bias + gemmNaive on awkward and block-crossing shapes', () => {
    const rng = mulberry32(4);
    for (const [M, N, K] of [[1, 1, 1], [5, 7, 9], [13, 3, 17], [131, 9, 9], [6, 517, 300]]) {
      const [a, b] = operands(rng, M, N, K);
      const bias = randomArray(rng, N);
      const want = nanArray(M * N);
      gemmNaive(want, a, b, M, N, K, 'nn', false);
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) want[i * N + j] += bias[j];
      const got = nanArray(M * N);
      gemmBlockedBias(got, a, b, bias, M, N, K, 'nn', false);
      expectClose(got, want, sumTolerance(K), `gemmBlockedBias M=${M} N=${N} K=${K}`);
    }
  });

  it('refuses a bias when accumulating (the bias belongs to the forward pass only)', () => {
    const one = new Float32Array(1);
    expect(() => gemmBlockedBias(one, one, one, one, 1, 1, 1, 'nn', true)).toThrow(/only be added when overwriting/);
  });
});

describe('the closeness check', () => {
  it('rejects a GEMM that drops the last k term', () => {
    // A deliberately wrong kernel: the triple loop with K − 1 instead of K.
    const rng = mulberry32(5);
    const M = 7, N = 5, K = 13;
    const [a, b] = operands(rng, M, N, K);
    const want = nanArray(M * N);
    gemmNaive(want, a, b, M, N, K, 'nn', false);
    const wrong = nanArray(M * N);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K - 1; k++) s += a[i * K + k] * b[k * N + j];
        wrong[i * N + j] = s;
      }
    }
    const r = compareArrays(wrong, want, sumTolerance(K));
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/elements differ/);
    // ...and a left-over NaN fails too.
    const holey = want.slice();
    holey[3] = NaN;
    expect(compareArrays(holey, want, sumTolerance(K)).ok).toBe(false);
  });
});
