import { describe, it, expect } from 'vitest';
import { reluBackwardBias } from '../../kernels/relu.js';
import { reluBackwardBiasSimd } from '../../kernels/relu-simd.js';
import { reluBackwardBiasFast } from '../../kernels/relu-fast.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';
import { mulberry32, randInt, randomArray, nanArray, type Rng } from './helpers.js';
import { firstDifference } from './same-bits.js';


function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  const i = firstDifference(got, want);
  expect(i, `${label}: first difference at [${i}]: got ${got[i]}, want ${want[i]}`).toBe(-1);
}

/** Random values with the awkward ones mixed in: ±0, NaN, ±Infinity, tiny and huge. */
function spicyArray(rng: Rng, n: number): Float32Array {
  const special = [0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-40, 3e38];
  const a = randomArray(rng, n);
  for (let i = 0; i < n; i++) if (rng() < 0.05) a[i] = special[randInt(rng, 0, special.length - 1)];
  return a;
}

type BackwardBias = typeof reluBackwardBias;

/** Runs `kernel` and relu.ts's loop on the same inputs; dz starts NaN, db a random prior. */
function checkBackward(rng: Rng, kernel: BackwardBias, rows: number, C: number, withBias: boolean, spicy = true): void {
  const y = spicy ? spicyArray(rng, rows * C) : randomArray(rng, rows * C);
  const dout = spicy ? spicyArray(rng, rows * C) : randomArray(rng, rows * C);
  const prior = randomArray(rng, C);
  const dzWant = nanArray(rows * C);
  const dbWant = withBias ? Float32Array.from(prior) : null;
  reluBackwardBias(dzWant, dbWant, dout, y, C);
  const dz = nanArray(rows * C);
  const db = withBias ? Float32Array.from(prior) : null;
  kernel(dz, db, dout, y, C);
  expectSame(dz, dzWant, `dz rows ${rows} C ${C} bias ${withBias}`);
  if (db !== null && dbWant !== null) expectSame(db, dbWant, `db rows ${rows} C ${C}`);
}

describe.runIf(simdAvailable)('ReLU passes on WebAssembly SIMD', () => {
  it('reluBackwardBiasSimd gives the same dz and float64 bias sums as reluBackwardBias', () => {
    const rng = mulberry32(12);
    for (let t = 0; t < 30; t++) {
      const rows = randInt(rng, 1, 300);
      const C = 4 * randInt(rng, 1, 40);
      checkBackward(rng, reluBackwardBiasSimd, rows, C, true);
      checkBackward(rng, reluBackwardBiasSimd, rows, C, false);
    }
    // The conv output of the seed model at batch 1 (26·26 rows of 128) and the 43,264 rows of batch 64.
    checkBackward(rng, reluBackwardBiasSimd, 676, 128, true);
    checkBackward(rng, reluBackwardBiasSimd, 43264, 16, true);
  });

  it('takes the awkward shapes: C not a multiple of 4 (fallback), C = 1, one row, zero rows, and the chunk edges', () => {
    const rng = mulberry32(13);
    // The pass streams 16,384 floats at a time: a last chunk of 3 floats (no bias: a part vector),
    // one row over a chunk, rows that no chunk divides.
    const chunkEdges = [[16387, 1], [16384, 1], [1, 16388], [2, 16388], [4097, 4], [129, 132]];
    for (const [rows, C] of [[1, 1], [5, 1], [7, 3], [9, 5], [3, 37], [1, 4], [1, 128], [0, 8], [0, 3], ...chunkEdges]) {
      checkBackward(rng, reluBackwardBiasSimd, rows, C, true);
      checkBackward(rng, reluBackwardBiasSimd, rows, C, false);
    }
  });

  it('the bias sums stay float64: within 1e-6 of an exact sum over 43,264 rows', () => {
    const rng = mulberry32(14);
    const rows = 43264, C = 8;
    const y = randomArray(rng, rows * C, 0, 1); // all positive: every gradient passes
    const dout = randomArray(rng, rows * C, 0, 1);
    const db = new Float32Array(C);
    reluBackwardBiasSimd(new Float32Array(rows * C), db, dout, y, C);
    for (let c = 0; c < C; c++) {
      let exact = 0;
      for (let r = 0; r < rows; r++) exact += dout[r * C + c];
      expect(Math.abs(db[c] - exact)).toBeLessThanOrEqual(1e-6 * exact);
    }
  });

  it('the dispatcher matches the JS version', () => {
    const rng = mulberry32(15);
    checkBackward(rng, reluBackwardBiasFast, 50, 12, true);
  });

  it('a kernel that sums in float32 or drops the mask fails the comparison', () => {
    const rng = mulberry32(16);
    // Float32 running sums: the rounding shows on long columns (finite data, or NaN hides it).
    const float32Sums: BackwardBias = (dz, db, dout, y, C) => {
      reluBackwardBiasSimd(dz, null, dout, y, C);
      if (db !== null) for (let i = 0; i < dz.length; i++) db[i % C] = Math.fround(db[i % C] + dz[i]);
    };
    expect(() => checkBackward(rng, float32Sums, 5000, 8, true, false)).toThrow();
    // Passing the gradient where y ≤ 0.
    const noMask: BackwardBias = (dz, db, dout, _y, C) => reluBackwardBiasSimd(dz, db, dout, dout.map(() => 1), C);
    expect(() => checkBackward(rng, noMask, 10, 8, false)).toThrow();
  });
});
