// The fast elementwise and reduction kernels against their naive twins (elementwise.ts's
// binaryBroadcast and broadcastTo, reduce.ts's reduceSumTo, relu.ts's reluInPlace for the SIMD ReLU)
// on seeded broadcast shapes: the ones a
// CNN runs (same shape, scalar, a bias over the channels, a per-row value), random ones of rank ≤ 5
// with stretched axes anywhere, and awkward ones (every axis 1, empty, rank 0), with NaN and ±∞ in
// the operands. The binary kernels must agree to the bit; the sums within a tolerance (the fast one
// sums in float64).

import { describe, it, expect } from 'vitest';
import { binaryBroadcast, broadcastTo, broadcastShape, binaryFunctions, type BinaryKind } from '../../kernels/elementwise.js';
import { binaryBroadcastFast, broadcastToFast, collapseAxes } from '../../kernels/elementwise-fast.js';
import { reduceSumTo } from '../../kernels/reduce.js';
import { reluInPlace } from '../../kernels/relu.js';
import { reluSimd, addRowsSimd, channelSumsSimd } from '../../kernels/elementwise-simd.js';
import { STREAM_CHUNK_FLOATS } from '../../kernels/wasm/heap.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';
import { reduceSumToFast } from '../../kernels/reduce-fast.js';
import { mulberry32, randInt, randomArray, nanArray, expectClose, compareArrays, type Rng } from './helpers.js';
import { firstDifference } from './same-bits.js';

const kinds: BinaryKind[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];
const size = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/** Values in [−2, 2) with NaN, ±∞, ±0 and ties sprinkled in when `special`. */
function operand(rng: Rng, n: number, special: boolean): Float32Array {
  const x = randomArray(rng, n, -2, 2);
  if (!special) return x;
  for (let i = 0; i < n; i++) {
    const r = rng();
    if (r < 0.04) x[i] = NaN;
    else if (r < 0.07) x[i] = Infinity;
    else if (r < 0.10) x[i] = -Infinity;
    else if (r < 0.13) x[i] = -0; // ±0 tie with each other: maximum(−0, +0) must keep a's −0
    else if (r < 0.16) x[i] = 0;
    else if (r < 0.22) x[i] = 1; // ties for maximum and minimum
  }
  return x;
}

/** A random out shape and two operand shapes that broadcast to it (axes dropped or set to 1). */
function randomPair(rng: Rng): [number[], number[]] {
  const rank = randInt(rng, 0, 5);
  const out = Array.from({ length: rank }, () => randInt(rng, 1, 5));
  const partner = (): number[] => {
    const keep = randInt(rng, 0, rank);
    return out.slice(rank - keep).map((d) => (rng() < 0.4 ? 1 : d));
  };
  return [partner(), partner()];
}

/** The broadcast pairs a CNN and its own loops run, and the awkward ones. */
const namedPairs: Array<[number[], number[]]> = [
  [[32, 26, 26, 8], [32, 26, 26, 8]], // same shape
  [[7, 3, 5], []], // scalar on the right
  [[], [7, 3, 5]], // scalar on the left
  [[4, 6, 6, 12], [12]], // a bias over the channels
  [[12], [4, 6, 6, 12]],
  [[3, 5, 7, 16], [3, 1, 1, 16]], // a global average pool's gradient: short runs of one pixel's channels
  [[2, 4, 40], [2, 1, 40]], // runs of 40, copied by TypedArray.set
  [[9, 10], [9, 1]], // a per-row value (logSumExp, a row max)
  [[9, 1], [1, 10]], // an outer sum
  [[1, 1, 1], [1]], // every axis 1
  [[], []], // rank 0
  [[0, 3], [3]], // empty
  [[2, 1, 4, 1, 3], [4, 5, 1]], // stretched axes on both sides
  [[1], [17]],
  [[3, 5, 7, 9], [1, 5, 1, 9]], // interleaved
];

function checkBinary(rng: Rng, aShape: number[], bShape: number[], special: boolean): void {
  const outShape = broadcastShape(aShape, bShape)!;
  const a = operand(rng, size(aShape), special);
  const b = operand(rng, size(bShape), special);
  for (const kind of kinds) {
    const want = nanArray(size(outShape));
    binaryBroadcast(want, a, aShape, b, bShape, outShape, binaryFunctions[kind]);
    const got = nanArray(size(outShape));
    binaryBroadcastFast(got, kind, a, aShape, b, bShape, outShape);
    const i = firstDifference(got, want);
    expect(i, `${kind} ${JSON.stringify(aShape)} ∘ ${JSON.stringify(bShape)}: [${i}] got ${got[i]}, want ${want[i]}`).toBe(-1);
  }
  const want = nanArray(size(outShape));
  broadcastTo(want, a, aShape, outShape);
  const got = nanArray(size(outShape));
  broadcastToFast(got, a, aShape, outShape);
  const i = firstDifference(got, want);
  expect(i, `broadcastTo ${JSON.stringify(aShape)} → ${JSON.stringify(outShape)}: [${i}] got ${got[i]}, want ${want[i]}`).toBe(-1);
}

describe('binaryBroadcastFast and broadcastToFast equal their naive twins bit for bit', () => {
  it('on the shapes a CNN runs and the awkward ones, with and without NaN and ±∞', () => {
    const rng = mulberry32(15);
    for (const [as, bs] of namedPairs) {
      checkBinary(rng, as, bs, false);
      checkBinary(rng, as, bs, true);
    }
  });

  it('on 60 seeded random broadcast pairs of rank ≤ 5', () => {
    const rng = mulberry32(16);
    for (let t = 0; t < 60; t++) {
      const [as, bs] = randomPair(rng);
      checkBinary(rng, as, bs, t % 2 === 0);
    }
  });

  it('collapseAxes merges what steps alike and drops axes of 1', () => {
    // A bias over NHWC: the three leading axes become one run count, the channels one run.
    expect(collapseAxes([4, 6, 6, 12], [[432, 72, 12, 1], [0, 0, 0, 1]])).toEqual({ dims: [144, 12], strides: [[12, 1], [0, 1]] });
    expect(collapseAxes([1, 1], [[0, 0]])).toEqual({ dims: [1], strides: [[0]] });
    expect(collapseAxes([9, 1, 10], [[10, 0, 1], [1, 0, 0]])).toEqual({ dims: [9, 10], strides: [[10, 1], [1, 0]] });
  });
});

function checkSum(rng: Rng, from: number[], to: number[], special: boolean): void {
  const x = operand(rng, size(from), special);
  const prior = randomArray(rng, size(to)); // both accumulate onto the same known prior
  const want = Float32Array.from(prior);
  reduceSumTo(want, x, from, to);
  const got = Float32Array.from(prior);
  reduceSumToFast(got, x, from, to);
  // Sums of up to `terms` values of magnitude ≤ 2, one in float32, one in float64.
  const terms = size(from) / Math.max(1, size(to));
  const label = `reduceSumTo ${JSON.stringify(from)} → ${JSON.stringify(to)}`;
  for (let j = 0; j < want.length; j++) {
    // NaN and ±∞ must come out the same; finite sums within the tolerance.
    if (!Number.isFinite(want[j])) expect(Object.is(got[j], want[j]) || (Number.isNaN(got[j]) && Number.isNaN(want[j])), `${label} [${j}] got ${got[j]} want ${want[j]}`).toBe(true);
  }
  const finite = (v: Float32Array): Float32Array => v.map((e, j) => (Number.isFinite(want[j]) ? e : 0));
  expectClose(finite(got), finite(want), { atol: 1e-6 + 4e-7 * terms, rtol: 1e-5 }, label);
}

/** `to` for a `from`: some axes kept, the rest set to 1, some leading ones dropped. */
function reducedShape(rng: Rng, from: number[]): number[] {
  const kept = from.map((d) => (rng() < 0.5 ? 1 : d));
  return kept.slice(randInt(rng, 0, from.length));
}

describe('reduceSumToFast equals its naive twin', () => {
  it('on channel sums, row sums, full sums and awkward shapes, with and without NaN and ±∞', () => {
    const rng = mulberry32(17);
    const named: Array<[number[], number[]]> = [
      [[32, 26, 26, 8], [8]], [[4, 6, 6, 12], [1, 1, 1, 12]], [[9, 10], [9, 1]], [[7, 3, 5], []],
      [[1, 1], [1]], [[], []], [[0, 3], [3]], [[3, 5, 7, 9], [5, 1, 9]], [[2, 1, 4, 1, 3], [1, 1, 3]], [[200, 3], [3]],
      [[7, 5], [5]], [[3, 2, 5], [1, 5]], [[1, 9], [9]], // channel sums whose rows no block of four divides
      [[5, 7, 3, 16], [5, 1, 1, 16]], [[2, 9, 8], [2, 1, 8]], [[3, 4, 6], [3, 1, 6]], // per-image channel sums (a global average pool), C = 6 in JS
    ];
    for (const [from, to] of named) {
      checkSum(rng, from, to, false);
      checkSum(rng, from, to, true);
    }
  });

  it('on 60 seeded random reductions of rank ≤ 5', () => {
    const rng = mulberry32(18);
    for (let t = 0; t < 60; t++) {
      const from = Array.from({ length: randInt(rng, 0, 5) }, () => randInt(rng, 1, 6));
      checkSum(rng, from, reducedShape(rng, from), t % 2 === 0);
    }
  });

  it('the check catches a sum that overwrites instead of accumulating', () => {
    const rng = mulberry32(19);
    const x = randomArray(rng, 40);
    const want = Float32Array.of(1, 2, 3, 4);
    reduceSumTo(want, x, [10, 4], [4]);
    const wrong = new Float32Array(4); // forgot the prior
    reduceSumToFast(wrong, x, [10, 4], [4]);
    expect(compareArrays(wrong, want, { atol: 1e-5, rtol: 1e-5 }).ok).toBe(false);
  });
});

describe('reluSimd equals its naive twin (relu.ts reluInPlace on a copy) bit for bit', () => {
  it('on lengths no vector of four divides, with NaN, ±∞ and ±0', () => {
    expect(simdAvailable).toBe(true);
    const rng = mulberry32(20);
    const lengths = [0, 1, 3, 4, 5, 7, 64, 101, 1000, ...Array.from({ length: 40 }, () => randInt(rng, 1, 3000))];
    for (const n of lengths) {
      const x = operand(rng, n, true);
      const want = Float32Array.from(x);
      reluInPlace(want);
      const got = nanArray(n);
      reluSimd(got, x);
      const i = firstDifference(got, want);
      expect(i, `relu n ${n}: [${i}] got ${got[i]}, want ${want[i]}`).toBe(-1);
    }
  });
});

describe('addRowsSimd and channelSumsSimd against their naive twins', () => {
  it('on 50 seeded [rows, C] shapes (C a multiple of 4, rows from 1), with NaN and ±∞', () => {
    const rng = mulberry32(23);
    for (let t = 0; t < 50; t++) {
      const rows = t < 3 ? t + 1 : randInt(rng, 1, 300);
      const C = 4 * randInt(rng, 1, 40);
      const label = `rows ${rows} C ${C}`;
      const x = operand(rng, rows * C, t % 2 === 0);
      const b = operand(rng, C, t % 3 === 0);
      // x + b over the channels: the same bits as the naive broadcast.
      const want = nanArray(rows * C);
      binaryBroadcast(want, x, [rows, C], b, [C], [rows, C], binaryFunctions.add);
      const got = nanArray(rows * C);
      addRowsSimd(got, x, b, rows, C);
      const i = firstDifference(got, want);
      expect(i, `addRows ${label}: [${i}] got ${got[i]}, want ${want[i]}`).toBe(-1);
      // Σ over the rows, accumulated onto a prior: within a tolerance of the naive float32 sums,
      // NaN and ±∞ where they are.
      const prior = randomArray(rng, C);
      const sumsWant = Float32Array.from(prior);
      reduceSumTo(sumsWant, x, [rows, C], [C]);
      const sums = Float64Array.from(prior);
      channelSumsSimd(sums, x, rows, C);
      const sumsGot = Float32Array.from(sums);
      for (let c = 0; c < C; c++) {
        if (!Number.isFinite(sumsWant[c])) expect(Object.is(sumsGot[c], sumsWant[c]) || (Number.isNaN(sumsGot[c]) && Number.isNaN(sumsWant[c])), `sums ${label} [${c}]`).toBe(true);
      }
      const finite = (v: Float32Array): Float32Array => v.map((e, c) => (Number.isFinite(sumsWant[c]) ? e : 0));
      expectClose(finite(sumsGot), finite(sumsWant), { atol: 1e-5 + 4e-7 * rows, rtol: 1e-5 }, `channelSums ${label}`);
    }
  });
});

/** channelSumsSimd onto a random prior against sums[c] += x[r,c] in float64, rows in order: bit for bit. */
function expectChannelSumsBits(rng: Rng, rows: number, C: number, nonFinite: boolean): void {
  const x = operand(rng, rows * C, nonFinite);
  const prior = Float64Array.from(randomArray(rng, C));
  const want = prior.slice();
  for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) want[c] += x[r * C + c];
  const got = prior.slice();
  channelSumsSimd(got, x, rows, C);
  const i = firstDifference(got, want);
  expect(i, `rows ${rows} C ${C}: [${i}] got ${got[i]}, want ${want[i]}`).toBe(-1);
}

describe('channelSumsSimd adds in float64, rows in order: the bits of that JS loop', () => {
  // Eight channels a row step (channel_sums_pairs) where C is a multiple of 8, four otherwise
  // (channel_sums): both must give, bit for bit, sums[c] += x[r,c] for r = 0, 1, … in float64 (the
  // loop conv2d.ts's conv2dBackwardBias runs), onto a prior, NaN and ±∞ included.
  it('on seeded [rows, C] shapes, C = 4 … 64', () => {
    const rng = mulberry32(2323);
    for (let t = 0; t < 40; t++) {
      const rows = t < 3 ? t + 1 : randInt(rng, 1, 2000);
      const C = t < 8 ? [4, 8, 12, 16, 24, 32, 8, 16][t] : 4 * randInt(rng, 1, 16);
      expectChannelSumsBits(rng, rows, C, t % 2 === 0);
    }
  });

  it('with rows wider than a chunk of the stream (C > STREAM_CHUNK_FLOATS: one row a chunk)', () => {
    const rng = mulberry32(2324);
    for (const [rows, C] of [[2, STREAM_CHUNK_FLOATS + 4], [3, 20000]]) {
      expectChannelSumsBits(rng, rows, C, true);
    }
  });
});
