import { describe, it, expect } from 'vitest';
import { pool2dShape, type Pool2dShape, type Padding } from '../../kernels/conv-shape.js';
import { maxPool2dForwardNaive, maxPool2dForward, maxPool2dBackward, maxPool2dBackwardNaive } from '../../kernels/max-pool2d.js';
import { avgPool2dForwardNaive, avgPool2dForward, avgPool2dBackwardNaive, avgPool2dBackward } from '../../kernels/avg-pool2d.js';
import { compareArrays, expectClose, mulberry32, nanArray, numericGradient, randInt, randomArray, type Rng, type Tolerance } from './helpers.js';
import { firstDifference } from './same-bits.js';

/** [N, H, W, C, PH, PW, strides, padding], the arguments of pool2dShape. */
type Spec = [number, number, number, number, number, number, [number, number], Padding];

const shapeOf = (spec: Spec): Pool2dShape => pool2dShape(...spec);
const label = (s: Pool2dShape): string =>
  `N=${s.N} H=${s.H} W=${s.W} C=${s.C} window=${s.PH}x${s.PW} stride=${s.strideH},${s.strideW} ` +
  `pad=${s.padTop},${s.padLeft} out=${s.OH}x${s.OW}`;
const inSize = (s: Pool2dShape): number => s.N * s.H * s.W * s.C;
const outSize = (s: Pool2dShape): number => s.N * s.OH * s.OW * s.C;

// Averages of a few values: both versions divide the same float64 sum (or nearly), so tight.
const poolTol = { atol: 1e-6, rtol: 1e-5 };

const X3 = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]); // 3×3 image, rows [1 2 3] [4 5 6] [7 8 9]

describe('pooling, worked out by hand', () => {
  // 2×2 windows, stride 2, 'same' on 3×3: OH = 2, total padding 1 → bottom/right.
  // Windows: rows {0,1} or {2}, columns {0,1} or {2}.
  const s = shapeOf([1, 3, 3, 1, 2, 2, [2, 2], 'same']);

  it('max-pool: maxima and their flat indices; padded cells never win', () => {
    // [max(1,2,4,5), max(3,6); max(7,8), 9] = [5, 6; 8, 9] at indices [4, 5; 7, 8].
    for (const forward of [maxPool2dForwardNaive, maxPool2dForward]) {
      const y = nanArray(4);
      const argmax = new Int32Array(4).fill(-7);
      forward(y, argmax, X3, s);
      expect(Array.from(y)).toEqual([5, 6, 8, 9]);
      expect(Array.from(argmax)).toEqual([4, 5, 7, 8]);
    }
    // All-negative input: a padded cell read as 0 would win; it must not.
    const neg = X3.map((v) => -v);
    const y = nanArray(4);
    const argmax = new Int32Array(4);
    maxPool2dForward(y, argmax, neg, s);
    expect(Array.from(y)).toEqual([-1, -3, -7, -9]);
  });

  it('avg-pool divides by the number of real cells, as TensorFlow', () => {
    // [(1+2+4+5)/4, (3+6)/2; (7+8)/2, 9/1] = [3, 4.5; 7.5, 9]
    for (const forward of [avgPool2dForwardNaive, avgPool2dForward]) {
      const y = nanArray(4);
      forward(y, X3, s);
      expect(Array.from(y)).toEqual([3, 4.5, 7.5, 9]);
    }
    // Backward of dy = [4, 2, 2, 1]: each real cell receives dy / count = 1 (added onto 10).
    for (const backward of [avgPool2dBackwardNaive, avgPool2dBackward]) {
      const dx = new Float32Array(9).fill(10);
      backward(dx, Float32Array.from([4, 2, 2, 1]), s);
      expect(Array.from(dx)).toEqual(new Array(9).fill(11));
    }
  });

  it('max-pool: the first maximum wins a tie, and −∞ inputs still give a valid argmax', () => {
    const one = shapeOf([1, 2, 2, 1, 2, 2, [2, 2], 'valid']);
    for (const forward of [maxPool2dForwardNaive, maxPool2dForward]) {
      const argmax = new Int32Array(1);
      forward(nanArray(1), argmax, Float32Array.from([1, 7, 7, 7]), one);
      expect(argmax[0]).toBe(1);
      const y = nanArray(1);
      forward(y, argmax, new Float32Array(4).fill(-Infinity), one);
      expect([y[0], argmax[0]]).toEqual([-Infinity, 0]);
    }
  });

  it('max-pool: a NaN anywhere in the window gives NaN, its argmax and its gradient (first NaN of two)', () => {
    // One 3×3 window over a 3×3 image with +∞ in it: NaN must still win, wherever it sits.
    const one = shapeOf([1, 3, 3, 1, 3, 3, [3, 3], 'valid']);
    for (let at = 0; at < 9; at++) {
      const x = Float32Array.from([1, 2, Infinity, 4, 5, 6, 7, 8, -Infinity]);
      x[at] = NaN;
      for (const forward of [maxPool2dForwardNaive, maxPool2dForward]) {
        const y = Float32Array.of(0);
        const argmax = new Int32Array(1).fill(-7);
        forward(y, argmax, x, one);
        expect([y[0], argmax[0]], `${forward.name} NaN at ${at}`).toEqual([NaN, at]);
      }
      const dx = new Float32Array(9);
      maxPool2dBackwardNaive(dx, Float32Array.of(3), x, one);
      expect(dx[at], `naive backward NaN at ${at}`).toBe(3);
    }
    // Two NaNs (cells 4 and 7) behind a padded edge ('same', 2×2 stride 2 on 3×3): the first wins.
    const x = Float32Array.from([1, 2, 3, 4, NaN, 6, 7, NaN, 9]);
    for (const forward of [maxPool2dForwardNaive, maxPool2dForward]) {
      const y = nanArray(4);
      const argmax = new Int32Array(4).fill(-7);
      forward(y, argmax, x, s);
      // Windows {1,2,4,NaN}, {3,6}, {7,NaN}, {9}.
      expect(Array.from(y)).toEqual([NaN, 6, NaN, 9]);
      expect(Array.from(argmax)).toEqual([4, 5, 7, 8]);
    }
  });

  it('avg-pool: a NaN or −∞ + ∞ in the window gives NaN, ∞ gives ∞', () => {
    const one = shapeOf([1, 2, 2, 1, 2, 2, [2, 2], 'valid']);
    for (const forward of [avgPool2dForwardNaive, avgPool2dForward]) {
      for (const [x, want] of [[[1, NaN, 3, 4], NaN], [[1, Infinity, -Infinity, 4], NaN], [[1, Infinity, 3, 4], Infinity]] as const) {
        const y = Float32Array.of(0);
        forward(y, Float32Array.from(x), one);
        expect(y[0], `${forward.name} [${x.join(', ')}]`).toBe(want);
      }
    }
  });

  it('max-pool backward adds dy onto the winner, and only there', () => {
    const dy = Float32Array.from([1, 2, 3, 4]);
    const argmax = new Int32Array(4);
    maxPool2dForward(nanArray(4), argmax, X3, s);
    const dx = new Float32Array(9).fill(0.5);
    maxPool2dBackward(dx, dy, argmax, s);
    expect(Array.from(dx)).toEqual([0.5, 0.5, 0.5, 0.5, 1.5, 2.5, 0.5, 3.5, 4.5]);
    const dxNaive = new Float32Array(9).fill(0.5);
    maxPool2dBackwardNaive(dxNaive, dy, X3, s);
    expect(Array.from(dxNaive)).toEqual(Array.from(dx));
  });
});

describe('naive pooling backward matches finite differences', () => {
  const s = shapeOf([2, 5, 4, 3, 3, 2, [2, 1], 'same']);
  it(label(s), () => {
    const rng = mulberry32(7);
    // A shuffled ramp with gaps of 0.1 > 2h: no near-ties, so max-pool is differentiable here.
    const n = inSize(s);
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = 0.1 * i;
    for (let i = n - 1; i > 0; i--) {
      const j = randInt(rng, 0, i);
      [x[i], x[j]] = [x[j], x[i]];
    }
    const r = randomArray(rng, outSize(s));
    const y = new Float32Array(outSize(s));
    const argmax = new Int32Array(outSize(s));
    const tol = { atol: 2e-3, rtol: 2e-3 };
    const dxMax = new Float32Array(n);
    maxPool2dBackwardNaive(dxMax, r, x, s);
    const maxForward = (): Float32Array => {
      maxPool2dForwardNaive(y, argmax, x, s);
      return y;
    };
    expectClose(dxMax, numericGradient(x, r, maxForward), tol, `max ${label(s)}`);
    const dxAvg = new Float32Array(n);
    avgPool2dBackwardNaive(dxAvg, r, s);
    const avgForward = (): Float32Array => {
      avgPool2dForwardNaive(y, x, s);
      return y;
    };
    expectClose(dxAvg, numericGradient(x, r, avgForward), tol, `avg ${label(s)}`);
  });
});

/** NaN exactly where the reference has NaN, and close everywhere else. */
function expectCloseSameNaN(got: Float32Array, want: Float32Array, tol: Tolerance, what: string): void {
  const nanAt = (a: Float32Array): number[] => a.reduce<number[]>((at, v, i) => (Number.isNaN(v) ? [...at, i] : at), []);
  expect(nanAt(got), `${what}: NaN positions`).toEqual(nanAt(want));
  const finite = (a: Float32Array): Float32Array => a.map((v) => (Number.isNaN(v) ? 0 : v));
  expectClose(finite(got), finite(want), tol, what);
}

/** Inputs of checkPoolAgainstNaive: 'ties' draws small integers (many equal maxima), 'special' mixes in NaN and ±∞. */
type PoolInput = 'plain' | 'ties' | 'special';

function poolInput(rng: Rng, n: number, kind: PoolInput): Float32Array {
  if (kind === 'ties') return randomArray(rng, n, 0, 4).map(Math.floor);
  const x = randomArray(rng, n);
  if (kind === 'special') {
    const special = [NaN, Infinity, -Infinity];
    for (let i = 0; i < n; i++) if (rng() < 0.1) x[i] = special[randInt(rng, 0, 2)];
  }
  return x;
}

/**
 * Fast pooling kernels against their naive twins on one shape (argmax must agree exactly even
 * with ties and NaN).
 */
function checkPoolAgainstNaive(rng: Rng, s: Pool2dShape, kind: PoolInput): void {
  const nIn = inSize(s);
  const nOut = outSize(s);
  const x = poolInput(rng, nIn, kind);

  // Max forward: bit-for-bit equal values (NaN included) and indices, from NaN / −7 prefills.
  const yWant = nanArray(nOut);
  const amWant = new Int32Array(nOut).fill(-7);
  maxPool2dForwardNaive(yWant, amWant, x, s);
  const yGot = nanArray(nOut);
  const amGot = new Int32Array(nOut).fill(-7);
  maxPool2dForward(yGot, amGot, x, s);
  let i = firstDifference(yGot, yWant);
  expect(i, `max forward y ${label(s)} ${kind}: [${i}] got ${yGot[i]}, want ${yWant[i]}`).toBe(-1);
  i = firstDifference(amGot, amWant);
  expect(i, `max forward argmax ${label(s)} ${kind}: [${i}] got ${amGot[i]}, want ${amWant[i]}`).toBe(-1);

  // Max backward: argmax scatter vs re-finding the winner, onto a random prefill.
  const dy = randomArray(rng, nOut);
  const dxStart = randomArray(rng, nIn);
  const dxWant = dxStart.slice();
  maxPool2dBackwardNaive(dxWant, dy, x, s);
  const dxGot = dxStart.slice();
  maxPool2dBackward(dxGot, dy, amGot, s);
  expectClose(dxGot, dxWant, poolTol, `max backward ${label(s)}`);

  // Avg forward and backward.
  const aWant = nanArray(nOut);
  avgPool2dForwardNaive(aWant, x, s);
  const aGot = nanArray(nOut);
  avgPool2dForward(aGot, x, s);
  expectCloseSameNaN(aGot, aWant, poolTol, `avg forward ${label(s)} ${kind}`);
  const daWant = dxStart.slice();
  avgPool2dBackwardNaive(daWant, dy, s);
  const daGot = dxStart.slice();
  avgPool2dBackward(daGot, dy, s);
  expectClose(daGot, daWant, poolTol, `avg backward ${label(s)}`);
}

describe('fast pooling equals the naive twins', () => {
  it('on ~50 seeded random shapes (a third with many ties, a third with NaN and ±∞)', () => {
    const rng = mulberry32(61);
    let done = 0;
    while (done < 50) {
      const spec: Spec = [
        randInt(rng, 1, 3), randInt(rng, 1, 9), randInt(rng, 1, 9), randInt(rng, 1, 6),
        randInt(rng, 1, 4), randInt(rng, 1, 4), [randInt(rng, 1, 4), randInt(rng, 1, 4)],
        rng() < 0.5 ? 'valid' : 'same',
      ];
      let s: Pool2dShape;
      try {
        s = shapeOf(spec);
      } catch {
        continue; // window larger than the input under 'valid': draw again
      }
      checkPoolAgainstNaive(rng, s, (['plain', 'ties', 'special'] as const)[done % 3]);
      done++;
    }
  });

  const awkward: [string, Spec][] = [
    ['N = C = 1', [1, 4, 4, 1, 2, 2, [2, 2], 'valid']],
    ['odd size 2×2 does not divide (valid drops the edge)', [2, 7, 5, 3, 2, 2, [2, 2], 'valid']],
    ["odd size 2×2 does not divide ('same' pads bottom/right)", [2, 7, 5, 3, 2, 2, [2, 2], 'same']],
    ["3×3 stride 2 'same'", [2, 8, 7, 5, 3, 3, [2, 2], 'same']],
    ['1×1 window, stride 3 > window', [1, 7, 8, 2, 1, 1, [3, 3], 'valid']],
    ["stride 3 > 2×2 window 'same'", [2, 8, 7, 3, 2, 2, [3, 3], 'same']],
    ['3×1 window', [1, 6, 5, 4, 3, 1, [1, 1], 'valid']],
    ["1×5 window 'same'", [1, 4, 9, 2, 1, 5, [1, 2], 'same']],
    ["4×4 'same' overlapping, stride 1", [1, 6, 6, 3, 4, 4, [1, 1], 'same']],
  ];
  for (const [name, spec] of awkward) {
    it(name, () => {
      const rng = mulberry32(71);
      checkPoolAgainstNaive(rng, shapeOf(spec), 'plain');
      checkPoolAgainstNaive(rng, shapeOf(spec), 'ties');
      checkPoolAgainstNaive(rng, shapeOf(spec), 'special');
    });
  }
});

describe('the closeness check', () => {
  it('rejects an average pool that divides by the full window', () => {
    // The tfjs-cpu bug from FACTS.md: dividing edge windows by PH·PW instead of the real count.
    const s = shapeOf([1, 5, 5, 2, 2, 2, [2, 2], 'same']);
    const x = randomArray(mulberry32(81), inSize(s), 1, 2);
    const want = nanArray(outSize(s));
    avgPool2dForwardNaive(want, x, s);
    const wrong = nanArray(outSize(s));
    const padded = new Float32Array((s.H + 1) * (s.W + 1) * s.C); // x with its zero bottom/right border
    for (let h = 0; h < s.H; h++) for (let w = 0; w < s.W; w++) for (let c = 0; c < s.C; c++) {
      padded[(h * (s.W + 1) + w) * s.C + c] = x[(h * s.W + w) * s.C + c];
    }
    avgPool2dForwardNaive(wrong, padded, shapeOf([1, 6, 6, 2, 2, 2, [2, 2], 'valid']));
    expect(compareArrays(wrong, want, poolTol).ok).toBe(false);
  });
});
