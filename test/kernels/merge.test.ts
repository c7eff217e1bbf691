/**
 * The merge kernels: the streaming Maximum/Minimum, the SIMD sum and the block-copy concatenation
 * against their naive twins (exact: both only move and compare values, so the bits must agree, NaN and ±Inf
 * included), on ~50 seeded cases plus the awkward ones; and the backward kernels by hand.
 */
import { describe, it, expect } from 'vitest';
import { extremeForwardNaive, extremeForwardStreaming, extremeBackward, productBackward, sumForward } from '../../kernels/merge.js';
import { concatForwardNaive, concatForward, concatBackward } from '../../kernels/concat.js';
import { sumSimd } from '../../kernels/elementwise-simd.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';
import { createHeap } from '../../kernels/wasm/heap.js';
import { spyHeap } from './heap-spy.js';
import { mulberry32, randInt, randomArray, nanArray, type Rng } from './helpers.js';
import { firstDifference } from './same-bits.js';

/** Random values with some ties, NaN and ±Infinity sprinkled in (ties: values on a coarse grid). */
function awkwardArray(rng: Rng, n: number, specials: boolean): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rng();
    if (specials && r < 0.05) a[i] = NaN;
    else if (specials && r < 0.1) a[i] = rng() < 0.5 ? Infinity : -Infinity;
    else a[i] = Math.round((rng() * 2 - 1) * 4) / 2; // 17 values: many ties
  }
  return a;
}

function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  const i = firstDifference(actual, expected);
  expect(i, `${label}: first difference at ${i}: ${actual[i]} vs ${expected[i]}`).toBe(-1);
}

describe('extremeForwardStreaming equals extremeForwardNaive', () => {
  it('on 50 seeded cases and the awkward ones (K = 1, n = 1, ties, NaN, ±Inf)', () => {
    const rng = mulberry32(12);
    const cases: Array<[number, number]> = [[1, 1], [1, 7], [2, 1], [5, 1], [3, 33]];
    for (let t = 0; t < 50; t++) cases.push([randInt(rng, 1, 6), randInt(rng, 1, 300)]);
    cases.forEach(([K, n], c) => {
      const xs = Array.from({ length: K }, () => awkwardArray(rng, n, c % 2 === 0));
      for (const max of [true, false]) {
        const label = `K ${K} n ${n} ${max ? 'max' : 'min'}`;
        const y0 = nanArray(n);
        const w0 = new Int32Array(n).fill(-1);
        extremeForwardNaive(y0, w0, xs, max);
        const y1 = nanArray(n);
        const w1 = new Int32Array(n).fill(-1);
        extremeForwardStreaming(y1, w1, xs, max);
        expectSame(y1, y0, label);
        expectSame(w1, w0, `${label} winners`);
      }
    });
  });

  it('by hand: ties go to the first input; NaN anywhere gives NaN, from the first NaN input', () => {
    const xs = [Float32Array.of(1, 2, 3, NaN, 0), Float32Array.of(1, 5, 3, 1, NaN), Float32Array.of(0, 5, 3, NaN, NaN)];
    const y = nanArray(5);
    const w = new Int32Array(5);
    extremeForwardStreaming(y, w, xs, true);
    expect(Array.from(y)).toEqual([1, 5, 3, NaN, NaN]);
    expect(Array.from(w)).toEqual([0, 1, 0, 0, 1]);
    extremeForwardStreaming(y, w, xs, false);
    expect(Array.from(y)).toEqual([0, 2, 3, NaN, NaN]);
    expect(Array.from(w)).toEqual([2, 0, 0, 0, 1]);
  });

  it('extremeBackward accumulates dout into the winner only', () => {
    const dx = Float32Array.of(10, 10, 10);
    extremeBackward(dx, Float32Array.of(1, 2, 3), Int32Array.of(1, 0, 1), 1);
    expect(Array.from(dx)).toEqual([11, 10, 13]);
  });

  it('a streaming max that lets a later tie win fails the comparison (the checker sees it)', () => {
    const xs = [Float32Array.of(2, 1), Float32Array.of(2, 0)];
    const y0 = nanArray(2);
    const w0 = new Int32Array(2);
    extremeForwardNaive(y0, w0, xs, true);
    const wrong = Int32Array.of(1, 0); // the later input took the tie
    expect(firstDifference(wrong, w0)).toBe(0);
  });
});

describe('product and sum kernels', () => {
  it('productBackward: dx_k += dout · the product of the others (zeros included)', () => {
    const xs = [Float32Array.of(2, 0), Float32Array.of(3, 5), Float32Array.of(4, 7)];
    const dx = Float32Array.of(1, 1);
    productBackward(dx, Float32Array.of(1, 2), xs, 0);
    expect(Array.from(dx)).toEqual([1 + 12, 1 + 70]);
    const d1 = new Float32Array(2);
    productBackward(d1, Float32Array.of(1, 2), xs, 1);
    expect(Array.from(d1)).toEqual([8, 0]);
  });

  it('sumForward overwrites y with the sum', () => {
    const y = nanArray(2);
    sumForward(y, [Float32Array.of(1, 2), Float32Array.of(10, 20), Float32Array.of(100, 200)]);
    expect(Array.from(y)).toEqual([111, 222]);
  });
});

describe.runIf(simdAvailable)('sumSimd equals sumForward, bit for bit', () => {
  // sumForward into a NaN-filled y, and sumSimd the same, on one set of inputs (y = x_0 when `inPlace`).
  function check(xs: Float32Array[], inPlace: boolean, heap = createHeap()): void {
    const n = xs[0].length;
    const want = inPlace ? Float32Array.from(xs[0]) : nanArray(n);
    sumForward(want, inPlace ? [want, ...xs.slice(1)] : xs);
    const got = inPlace ? Float32Array.from(xs[0]) : nanArray(n);
    sumSimd(got, inPlace ? [got, ...xs.slice(1)] : xs, heap);
    expectSame(got, want, `K ${xs.length} n ${n} in place ${inPlace}`);
  }

  it('on 50 seeded cases and the awkward ones (K = 1, n = 1, n not a multiple of 4, NaN, ±Inf, y = x_0)', () => {
    const rng = mulberry32(21);
    const cases: Array<[number, number]> = [[1, 1], [2, 1], [2, 3], [2, 4], [3, 5], [1, 9], [2, 0]];
    for (let t = 0; t < 50; t++) cases.push([randInt(rng, 1, 4), randInt(rng, 1, 3000)]);
    cases.push([2, 200_704]); // the zoo resnet's first block at batch 32: 32·28·28·8
    for (const [K, n] of cases) {
      for (const specials of [false, true]) {
        const xs = Array.from({ length: K }, () => (specials ? awkwardArray(rng, n, true) : randomArray(rng, n)));
        check(xs, false);
        check(xs, true);
      }
    }
  });

  it('the sums are not exact: a kernel adding in another order would differ', () => {
    // (1 + 2^-24) + 2^-24 rounds to 1 twice; 1 + (2^-24 + 2^-24) is 1 + 2^-23. Input order is pinned.
    const xs = [Float32Array.of(1, 1, 1, 1, 1), Float32Array.of(2 ** -24, 0, 0, 0, 0), Float32Array.of(2 ** -24, 0, 0, 0, 0)];
    const y = nanArray(5);
    sumSimd(y, xs, createHeap());
    expect(y[0]).toBe(1);
    expect(Array.from(y.subarray(1))).toEqual([1, 1, 1, 1]);
  });

  it('when the heap cannot grow, falls back to sumForward (the same bits)', () => {
    const rng = mulberry32(22);
    const spy = spyHeap(createHeap({ maximumPages: 1 })); // 64 KiB: less than two inputs of 10,000 floats
    check([randomArray(rng, 10_000), awkwardArray(rng, 10_000, true)], true, spy.heap);
    expect(spy.answered).toEqual([false]);
  });
});

describe('concatForward equals concatForwardNaive', () => {
  it('on 50 seeded cases and the awkward ones (one input, outer 1, width 1, NaN, ±Inf)', () => {
    const rng = mulberry32(5);
    const cases: Array<[number, number[]]> = [[1, [1]], [1, [3]], [4, [1]], [1, [1, 1, 1]], [3, [2, 5]]];
    for (let t = 0; t < 50; t++) cases.push([randInt(rng, 1, 9), Array.from({ length: randInt(rng, 1, 5) }, () => randInt(rng, 1, 13))]);
    for (const [outer, widths] of cases) {
      const xs = widths.map((w) => awkwardArray(rng, outer * w, true));
      const total = widths.reduce((p, w) => p + w, 0);
      const y0 = nanArray(outer * total);
      concatForwardNaive(y0, xs, outer, widths);
      const y1 = nanArray(outer * total);
      concatForward(y1, xs, outer, widths);
      expectSame(y1, y0, `outer ${outer} widths ${widths.join(',')}`);
      // The backward gives every input back its own columns, added onto what was there.
      xs.forEach((x, k) => {
        const dx = randomArray(rng, x.length);
        const want = dx.map((v, i) => v + x[i]);
        concatBackward(dx, y0, outer, widths, k);
        expectSame(dx, want, `backward ${k} of outer ${outer} widths ${widths.join(',')}`);
      });
    }
  });

  it('by hand: [[1, 2], [3, 4]] and [[5], [6]] along the last axis', () => {
    const y = nanArray(6);
    concatForwardNaive(y, [Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6)], 2, [2, 1]);
    expect(Array.from(y)).toEqual([1, 2, 5, 3, 4, 6]);
  });
});
