import { describe, it, expect } from 'vitest';
import { maxPool2dForward, maxPool2dForwardNaive, maxPool2dBackward } from '../../kernels/max-pool2d.js';
import { maxPool2dForwardSimd, isMaxPool2x2Simd } from '../../kernels/max-pool2d-simd.js';
import { maxPool2dForwardFast, maxPool2dBackwardFast } from '../../kernels/max-pool2d-fast.js';
import { pool2dShape, type Padding, type Pool2dShape } from '../../kernels/conv-shape.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';
import { mulberry32, randInt, randomArray, nanArray, type Rng } from './helpers.js';
import { firstDifference } from './same-bits.js';

type Forward = typeof maxPool2dForward;

/** x with ties (values on a coarse grid), NaN and ±∞ mixed in when `special`. */
function poolInput(rng: Rng, n: number, special: boolean): Float32Array {
  const x = randomArray(rng, n);
  for (let i = 0; i < n; i++) {
    const r = rng();
    if (r < 0.3) x[i] = Math.round(x[i] * 2) / 2; // ties: only 5 distinct values
    else if (special && r < 0.35) x[i] = NaN;
    else if (special && r < 0.4) x[i] = -Infinity;
    else if (special && r < 0.42) x[i] = Infinity;
  }
  return x;
}

/** `forward` against the naive reference: y starts NaN, argmax −7, both must come out identical. */
function check(rng: Rng, forward: Forward, s: Pool2dShape, special = true): void {
  const x = poolInput(rng, s.N * s.H * s.W * s.C, special);
  const n = s.N * s.OH * s.OW * s.C;
  const yWant = nanArray(n), aWant = new Int32Array(n).fill(-7);
  maxPool2dForwardNaive(yWant, aWant, x, s);
  const y = nanArray(n), a = new Int32Array(n).fill(-7);
  forward(y, a, x, s);
  const label = `N ${s.N} H ${s.H} W ${s.W} C ${s.C} pool ${s.PH}x${s.PW} strides ${s.strideH},${s.strideW}`;
  let i = firstDifference(y, yWant);
  expect(i, `${label}: y[${i}] got ${y[i]}, want ${yWant[i]}`).toBe(-1);
  i = firstDifference(a, aWant);
  expect(i, `${label}: argmax[${i}] got ${a[i]}, want ${aWant[i]}`).toBe(-1);
}

const shape = (N: number, H: number, W: number, C: number, PH = 2, PW = 2, stride = 2, padding: Padding = 'valid'): Pool2dShape =>
  pool2dShape(N, H, W, C, PH, PW, [stride, stride], padding);

describe.runIf(simdAvailable)('max-pool forward on WebAssembly SIMD', () => {
  it('equals the naive kernel bit for bit on 30 random 2×2 stride-2 shapes, with ties, NaN and ±∞', () => {
    const rng = mulberry32(21);
    for (let t = 0; t < 30; t++) {
      const s = shape(randInt(rng, 1, 3), randInt(rng, 2, 13), randInt(rng, 2, 13), 4 * randInt(rng, 1, 12));
      expect(isMaxPool2x2Simd(s)).toBe(true);
      check(rng, maxPool2dForwardSimd, s);
    }
    check(rng, maxPool2dForwardSimd, shape(2, 26, 26, 128), false); // the seed model's pool
  });

  it('resolves ties to the first cell, and a NaN anywhere in the window wins (the first NaN)', () => {
    // One window, 4 channels; the cells in order (0,0) (0,1) (1,0) (1,1), channel-minor.
    const x = Float32Array.of(
      1, NaN, -Infinity, 0, /* (0,0) */ 1, 5, -Infinity, NaN, /* (0,1) */
      2, 7, -Infinity, NaN, /* (1,0) */ 2, 7, -Infinity, 3, /* (1,1) */
    );
    const s = shape(1, 2, 2, 4);
    const y = nanArray(4), a = new Int32Array(4);
    maxPool2dForwardSimd(y, a, x, s);
    expect(Array.from(y)).toEqual([2, NaN, -Infinity, NaN]);
    // tie 2 = 2: the (1,0) cell; NaN first: it stays; all −∞: the first; NaN at (0,1) and (1,0): (0,1).
    expect(Array.from(a)).toEqual([8, 1, 2, 7]);
  });

  it('handles odd H and W the pool does not divide, and N = 1', () => {
    const rng = mulberry32(22);
    for (const [N, H, W, C] of [[1, 3, 3, 4], [1, 5, 2, 8], [2, 2, 7, 4], [1, 27, 27, 16], [1, 2, 2, 4]]) {
      check(rng, maxPool2dForwardSimd, shape(N, H, W, C));
    }
  });

  it('falls back to the JS kernel for every other shape and still matches', () => {
    const rng = mulberry32(23);
    const others = [
      shape(2, 6, 6, 3), // C not a multiple of 4
      shape(1, 5, 5, 1),
      shape(2, 7, 5, 8, 3, 3, 2), // 3×3 windows
      shape(1, 6, 6, 4, 2, 2, 1), // stride 1: overlapping windows
      shape(1, 5, 5, 4, 2, 2, 2, 'same'), // padding: the last window hangs over the edge
      shape(1, 7, 7, 4, 2, 2, 3), // stride > window
      shape(1, 4, 6, 4, 1, 2, 2),
    ];
    for (const s of others) {
      expect(isMaxPool2x2Simd(s)).toBe(false);
      check(rng, maxPool2dForwardSimd, s);
      check(rng, maxPool2dForwardFast, s);
    }
  });

  it('without an argmax (inference: no backward), y is the same bits, on the SIMD and the JS shapes', () => {
    const rng = mulberry32(26);
    for (const s of [shape(2, 8, 6, 12), shape(1, 26, 26, 128), shape(2, 7, 5, 8, 3, 3, 2), shape(1, 5, 5, 4, 2, 2, 2, 'same')]) {
      const x = poolInput(rng, s.N * s.H * s.W * s.C, true);
      const n = s.N * s.OH * s.OW * s.C;
      const want = nanArray(n);
      maxPool2dForwardNaive(want, new Int32Array(n), x, s);
      for (const forward of [maxPool2dForwardSimd, maxPool2dForwardFast]) {
        const y = nanArray(n);
        forward(y, null, x, s);
        const i = firstDifference(y, want);
        expect(i, `${s.N}x${s.H}x${s.W}x${s.C} pool ${s.PH}x${s.PW}: y[${i}] got ${y[i]}, want ${want[i]}`).toBe(-1);
      }
    }
  });

  it('the dispatchers match: forward bits, and the backward scatters onto a prior', () => {
    const rng = mulberry32(24);
    const s = shape(2, 8, 6, 12);
    check(rng, maxPool2dForwardFast, s);
    const x = poolInput(rng, 2 * 8 * 6 * 12, false);
    const n = 2 * 4 * 3 * 12;
    const y = new Float32Array(n), a = new Int32Array(n);
    maxPool2dForwardFast(y, a, x, s);
    const dy = randomArray(rng, n), prior = randomArray(rng, x.length);
    const want = prior.slice(), got = prior.slice();
    maxPool2dBackward(want, dy, a, s);
    maxPool2dBackwardFast(got, dy, a, s);
    expect(firstDifference(got, want)).toBe(-1);
  });

  it('a kernel that lets later equal values win (>=) or hides NaN fails the comparison', () => {
    const rng = mulberry32(25);
    // Ties resolved to the last cell: wrong argmax wherever a window holds equal maxima.
    const lastTieWins: Forward = (y, argmax, x, s) => {
      maxPool2dForwardSimd(y, argmax, x, s);
      for (let o = 0; o < y.length; o++) {
        const [n, rest] = [Math.floor(o / (s.OH * s.OW * s.C)), o % (s.OH * s.OW * s.C)];
        const oh = Math.floor(rest / (s.OW * s.C)), ow = Math.floor(rest / s.C) % s.OW, c = rest % s.C;
        for (let cell = 0; cell < 4; cell++) {
          const i = ((n * s.H + 2 * oh + (cell >> 1)) * s.W + 2 * ow + (cell & 1)) * s.C + c;
          if (x[i] >= y[o]) argmax[o] = i;
        }
      }
    };
    expect(() => check(rng, lastTieWins, shape(1, 6, 6, 8))).toThrow();
    // The old rule, where a NaN after the first cell never won: NaN hidden behind a number.
    const hidesNaN: Forward = (y, argmax, x, s) => maxPool2dForwardSimd(y, argmax, x.map((v) => (Number.isNaN(v) ? -Infinity : v)), s);
    expect(() => check(rng, hidesNaN, shape(1, 6, 6, 8))).toThrow();
  });
});
