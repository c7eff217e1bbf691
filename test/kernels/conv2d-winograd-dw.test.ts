// The Winograd filter gradient (kernels/conv2d-winograd-dw.ts) against its naive twin,
// conv2dBackwardFilterDirect, and its transforms' SIMD versions against their JS twins.
import { describe, it, expect } from 'vitest';
import { conv2dShape, type Conv2dShape, type Padding } from '../../kernels/conv-shape.js';
import { conv2dBackwardFilterDirect } from '../../kernels/conv2d.js';
import { conv2dBackwardFilterWinograd, winogradFilterGradScratchLength } from '../../kernels/conv2d-winograd-dw.js';
import type { WinogradGemm, WinogradGemmChoice } from '../../kernels/conv2d-winograd.js';
import { gradOutputTransform, filterGradTransform } from '../../kernels/conv2d-winograd-transforms.js';
import { gradOutputTransformChunkSimd } from '../../kernels/conv2d-winograd-simd.js';
import { gemmFast } from '../../kernels/gemm-fast.js';
import { gemmNaive } from '../../kernels/gemm.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';
import { createHeap, PAGE_BYTES } from '../../kernels/wasm/heap.js';
import { compareArrays, expectClose, mulberry32, nanArray, randInt, randomArray, sumTolerance, winogradFilterGradTerms, type Rng, type Tolerance } from './helpers.js';
import { expectSameNonFinite } from './non-finite.js';
import { firstDifference } from './same-bits.js';
import { spyHeap } from './heap-spy.js';

const shape = (N: number, H: number, W: number, CI: number, CO: number, padding: Padding): Conv2dShape =>
  conv2dShape(N, H, W, CI, 3, 3, CO, [1, 1], [1, 1], padding);
const label = (s: Conv2dShape): string =>
  `N=${s.N} H=${s.H} W=${s.W} CI=${s.CI} CO=${s.CO} pad=${s.padTop},${s.padLeft} out=${s.OH}x${s.OW}`;

/**
 * The tolerance against the twin, x and dy in [−1, 1], dw prefilled in [−1, 1]. sumTolerance(terms)
 * allows 2e-7 per summed product of magnitude ≤ 1: Winograd's 64·T unit terms (winogradFilterGradTerms,
 * T = N·⌈OH/2⌉·⌈OW/2⌉ tiles), plus the prefill's one.
 */
const dwTolerance = (s: Conv2dShape): Tolerance => sumTolerance(winogradFilterGradTerms(s) + 1);

/** dw (random prefill: the kernel must add) from random x and dy, against the twin. */
function expectAgreesWithTwin(rng: Rng, s: Conv2dShape, gemm: WinogradGemmChoice = 'engine'): void {
  const x = randomArray(rng, s.N * s.H * s.W * s.CI);
  const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
  const start = randomArray(rng, 9 * s.CI * s.CO);
  const want = start.slice();
  conv2dBackwardFilterDirect(want, dy, x, s);
  const got = start.slice();
  conv2dBackwardFilterWinograd(got, dy, x, s, gemm);
  expectClose(got, want, dwTolerance(s), `dw ${label(s)}`);
}

describe('Winograd filter gradient against the direct twin', () => {
  it('awkward shapes: smallest inputs, odd output sizes (half tiles), 1 channel, channel counts no 4 divides, batch 1', () => {
    const rng = mulberry32(17);
    const awkward: Conv2dShape[] = [
      shape(1, 1, 1, 1, 1, 'same'), // one pixel: every tap but the centre reads padding
      shape(1, 3, 3, 1, 1, 'valid'), // one output pixel: a quarter of a tile
      shape(1, 1, 2, 1, 3, 'same'), shape(1, 2, 1, 3, 1, 'same'),
      shape(1, 3, 4, 2, 2, 'valid'), shape(1, 4, 3, 2, 2, 'valid'),
      shape(1, 5, 7, 3, 5, 'same'), shape(2, 7, 5, 5, 3, 'valid'),
      shape(1, 9, 9, 1, 7, 'same'), shape(3, 6, 8, 7, 1, 'valid'),
      shape(1, 4, 4, 4, 4, 'same'), shape(2, 8, 8, 8, 8, 'valid'),
      shape(3, 13, 13, 32, 64, 'valid'), // Keras's convnet's second conv (11×11 out), batch 3
    ];
    for (const s of awkward) expectAgreesWithTwin(rng, s);
  });

  it('50 seeded random shapes, both paddings, channel counts on the SIMD and the JS transforms', () => {
    const rng = mulberry32(2017);
    for (let i = 0; i < 50; i++) {
      const padding: Padding = rng() < 0.5 ? 'same' : 'valid';
      const lo = padding === 'valid' ? 3 : 1;
      const channels = (): number => (rng() < 0.5 ? 4 * randInt(rng, 1, 4) : randInt(rng, 1, 9));
      expectAgreesWithTwin(rng, shape(randInt(rng, 1, 3), randInt(rng, lo, 13), randInt(rng, lo, 13), channels(), channels(), padding));
    }
  });

  it('several chunks per image, and several images per chunk with a partial last group', () => {
    // 64 + 64 channels: chunks of 2^19 / (16·128) = 256 tiles. 34×33 'same' has 17·17 = 289 tiles an
    // image: chunks of 256 and 33. 6×5 'same' has 3·3 = 9: groups of 28 images, so 30 images are 28 + 2.
    const rng = mulberry32(65);
    expectAgreesWithTwin(rng, shape(1, 34, 33, 64, 64, 'same'));
    expectAgreesWithTwin(rng, shape(30, 6, 5, 64, 64, 'same'));
    expectAgreesWithTwin(rng, shape(1, 21, 22, 48, 40, 'valid'));
  });

  it.runIf(simdAvailable)('the GEMM choice decides the path: \'engine\' runs the GEMMs on the heap given, a function (gemmFast too) on arrays', () => {
    const rng = mulberry32(93);
    const s = shape(2, 10, 10, 8, 16, 'same'); // channel counts the heap path takes
    const x = randomArray(rng, s.N * s.H * s.W * s.CI);
    const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
    /** The GEMM modules the filter gradient instantiated on a heap of its own. */
    const gemmModules = (gemm: WinogradGemmChoice): string[] => {
      const spy = spyHeap(createHeap());
      conv2dBackwardFilterWinograd(new Float32Array(9 * s.CI * s.CO), dy, x, s, gemm, spy.heap);
      return spy.instances.filter((name) => name.startsWith('gemm'));
    };
    expect(gemmModules('engine').length).toBeGreaterThan(0);
    expect(gemmModules(gemmFast)).toEqual([]);
  });

  it('runs whatever GEMM it is given (the naive one here)', () => {
    expectAgreesWithTwin(mulberry32(8), shape(2, 9, 6, 5, 8, 'same'), gemmNaive);
  });

  it('the check catches a small error: a GEMM off by 0.1% fails it, and so does a kernel that overwrites dw', () => {
    const rng = mulberry32(98);
    const s = shape(2, 8, 7, 8, 8, 'same');
    const x = randomArray(rng, s.N * s.H * s.W * s.CI);
    const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
    const start = randomArray(rng, 9 * s.CI * s.CO);
    const want = start.slice();
    conv2dBackwardFilterDirect(want, dy, x, s);
    const skewed: WinogradGemm = (c, a, b, M, N, K, layout, acc) => {
      const before = c.slice(0, M * N);
      gemmFast(c, a, b, M, N, K, layout, acc);
      for (let i = 0; i < M * N; i++) c[i] = before[i] + (c[i] - before[i]) * 1.001;
    };
    const got = start.slice();
    conv2dBackwardFilterWinograd(got, dy, x, s, skewed);
    expect(compareArrays(got, want, dwTolerance(s)).ok).toBe(false);
    const overwritten = nanArray(want.length).fill(0);
    conv2dBackwardFilterWinograd(overwritten, dy, x, s, 'engine');
    expect(compareArrays(overwritten, want, dwTolerance(s)).ok).toBe(false);
  });

  it('a caller\'s scratch full of NaN (a reused buffer) gives the bits of a fresh one; too small a scratch is refused', () => {
    const rng = mulberry32(97);
    const s = shape(5, 9, 8, 8, 12, 'valid'); // odd OH: dy's padded row must be zero again
    const x = randomArray(rng, s.N * s.H * s.W * s.CI);
    const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
    const fresh = new Float32Array(9 * s.CI * s.CO);
    conv2dBackwardFilterWinograd(fresh, dy, x, s, 'engine');
    const reused = new Float32Array(fresh.length);
    conv2dBackwardFilterWinograd(reused, dy, x, s, 'engine', undefined, nanArray(winogradFilterGradScratchLength(s) + 3));
    expect(firstDifference(reused, fresh)).toBe(-1);
    expect(() => conv2dBackwardFilterWinograd(reused, dy, x, s, 'engine', undefined, new Float32Array(10)))
      .toThrow(`conv2dBackwardFilterWinograd: scratch has 10 floats, needs ${winogradFilterGradScratchLength(s)} for input [5, 9, 8, 8] and filter [3, 3, 8, 12]`);
  });

  it('given the engine\'s GEMM, the chunks run in wasm memory onto sums kept there, with the bits of the arrays path', () => {
    const rng = mulberry32(94);
    // gemmFast given as a function runs the arrays path, chunk by chunk, with the same GEMM kernel.
    // Keras's convnet's conv 2; several chunks and groups (30 images of 9 tiles, chunks of 256); K blocks of ≤ 320 tiles (one 21×22 image: 110).
    for (const s of [shape(3, 13, 13, 32, 64, 'valid'), shape(30, 6, 5, 64, 64, 'same'), shape(4, 21, 22, 8, 16, 'valid')]) {
      const x = randomArray(rng, s.N * s.H * s.W * s.CI);
      const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
      const start = randomArray(rng, 9 * s.CI * s.CO);
      const want = start.slice();
      conv2dBackwardFilterWinograd(want, dy, x, s, gemmFast);
      const got = start.slice();
      conv2dBackwardFilterWinograd(got, dy, x, s, 'engine');
      expect(firstDifference(got, want), label(s)).toBe(-1);
      // A heap of one page holds the sums (16·CI·CO floats) but not a chunk: the arrays path takes
      // over (with the JS transforms, which the heap cannot hold either), the same bits as it alone.
      if (16 * s.CI * s.CO * 4 <= PAGE_BYTES) {
        const arrays = start.slice();
        conv2dBackwardFilterWinograd(arrays, dy, x, s, gemmFast, createHeap({ maximumPages: 1 }));
        const spy = spyHeap(createHeap({ maximumPages: 1 }));
        const small = start.slice();
        conv2dBackwardFilterWinograd(small, dy, x, s, 'engine', spy.heap);
        expect(firstDifference(small, arrays), `${label(s)} on one page`).toBe(-1);
        if (simdAvailable) expect(spy.answered.slice(0, 2)).toEqual([true, false]); // the sums placed, the first chunk refused
      }
    }
  });

  it('only 3×3, stride 1, dilation 1: other shapes throw an error naming the op and the shape', () => {
    const strided = conv2dShape(1, 5, 5, 1, 3, 3, 1, [2, 2], [1, 1], 'same');
    expect(() => conv2dBackwardFilterWinograd(new Float32Array(9), new Float32Array(9), new Float32Array(25), strided, 'engine'))
      .toThrow('conv2dBackwardFilterWinograd: Winograd F(2x2, 3x3) needs a 3x3 kernel, stride 1 and dilation 1, got kernel 3x3, stride 2x2, dilation 1x1');
  });
});

describe('Winograd filter gradient with NaN and ±Inf: the twin\'s result, bit for bit', () => {
  /** Copies `a` with `count` random elements set to NaN, +Inf or −Inf in turn (from `first` on). */
  function poison(rng: Rng, a: Float32Array, count: number, first = 0): Float32Array {
    const out = a.slice();
    const bad = [NaN, Infinity, -Infinity];
    for (let i = 0; i < count; i++) out[Math.floor(rng() * out.length)] = bad[(first + i) % 3];
    return out;
  }

  it('in x and in dy, edges included, JS and SIMD channel counts', () => {
    const rng = mulberry32(406);
    for (const s of [shape(2, 9, 7, 3, 5, 'same'), shape(1, 10, 9, 4, 4, 'valid'), shape(1, 1, 1, 2, 2, 'same'), shape(2, 7, 9, 8, 8, 'same')]) {
      for (const where of ['x', 'dy'] as const) {
        let x = randomArray(rng, s.N * s.H * s.W * s.CI);
        let dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
        if (where === 'x') x = poison(rng, x, 2);
        else dy = poison(rng, dy, 2, 1);
        const start = randomArray(rng, 9 * s.CI * s.CO);
        const want = start.slice();
        conv2dBackwardFilterDirect(want, dy, x, s);
        const got = start.slice();
        conv2dBackwardFilterWinograd(got, dy, x, s, 'engine');
        expectSameNonFinite(got, want, dwTolerance(s), `${where} ${label(s)}`);
        expect(firstDifference(got, want), `${where} ${label(s)}: the twin ran`).toBe(-1);
      }
    }
  });

  it('+Inf in dy at a border pixel of a \'same\' conv: ±Inf where the twin has it, not padding · Inf = NaN', () => {
    const s = shape(1, 4, 4, 1, 1, 'same');
    const x = randomArray(mulberry32(5), 16).map((v) => v + 2); // all positive, none zero
    const dy = randomArray(mulberry32(6), 16);
    dy[0] = Infinity; // output (0, 0): taps kh = 0 or kw = 0 read padding, which the twin skips
    const want = new Float32Array(9);
    conv2dBackwardFilterDirect(want, dy, x, s);
    expect(Array.from(want, (v) => v === Infinity)).toEqual([false, false, false, false, true, true, false, true, true]);
    const got = new Float32Array(9);
    conv2dBackwardFilterWinograd(got, dy, x, s, 'engine');
    expect(firstDifference(got, want)).toBe(-1);
  });
});

describe('the filter gradient\'s transforms', () => {
  it('Ã e Ãᵀ and G̃ᵀ S G̃ by hand: one tile whose e is 1 at (0, 0) gives dw = the 3×3 pixels at its corner', () => {
    // e = [[1, 0], [0, 0]]: Ã e Ãᵀ is the outer product of Ã's first column (1, 1, 1, 0) with itself.
    const ed = nanArray(16);
    gradOutputTransform(ed, 0, 1, 1, Float32Array.of(1, 0, 0, 0), 0, 2, 1);
    const c = [1, 1, 1, 0];
    expect(Array.from(ed)).toEqual(c.flatMap((a) => c.map((b) => a * b)));
    // With V = Bᵀ d B of d = 0..15, S = E ⊙ V and G̃ᵀ S G̃ = d[kh][kw] for kh, kw < 3 (dw[kh,kw] = e00·d[kh][kw]).
    const d = Array.from({ length: 16 }, (_, i) => i);
    const bt = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]];
    const v = bt.flatMap((bi) => bt.map((bj) => bi.reduce((sum, a, r) => sum + a * bj.reduce((t, b, k) => t + b * d[4 * r + k], 0), 0)));
    const sums = Float32Array.from(v, (vi, xi) => vi * ed[xi]);
    const g = nanArray(9);
    filterGradTransform(g, sums, 1, 1);
    expect(Array.from(g)).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10]);
  });

  it.runIf(simdAvailable)('gradOutputTransformChunkSimd equals gradOutputTransform on integer data (exact in either) over several tile rows and images', () => {
    const rng = mulberry32(31);
    const OC = 12, TH = 3, TW = 4, EH = 6, EW = 8, g = 2;
    const padded = Float32Array.from({ length: g * EH * EW * OC }, () => randInt(rng, -50, 50));
    for (const [t0, tc] of [[0, g * TH * TW], [5, 9], [11, 1]]) {
      const want = nanArray(16 * tc * OC);
      for (let tl = 0; tl < tc; tl++) {
        const t = t0 + tl;
        const tw = t % TW, th = Math.floor(t / TW) % TH, nl = Math.floor(t / (TW * TH));
        gradOutputTransform(want, tl, tc, OC, padded, ((nl * EH + 2 * th) * EW + 2 * tw) * OC, EW * OC, OC);
      }
      const got = nanArray(want.length);
      expect(gradOutputTransformChunkSimd(got, padded, t0, tc, { IC: OC, TH, TW, PH: EH, PW: EW })).toBe(true);
      expect(firstDifference(got, want), `t0=${t0} tc=${tc}`).toBe(-1);
    }
    expect(() => gradOutputTransformChunkSimd(new Float32Array(16), padded, 0, 1, { IC: 3, TH, TW, PH: EH, PW: EW }))
      .toThrow('gradOutputTransformChunkSimd: channels must be a multiple of 4, got 3');
  });

  it('on a heap that cannot grow: the JS transforms, the same result, nothing instantiated', () => {
    const rng = mulberry32(32);
    // 8 images of 8·8 tiles, one chunk: V alone is 16·512·8 floats, 4 pages of 64 KiB.
    const s = shape(8, 16, 16, 8, 12, 'same');
    const x = randomArray(rng, s.N * s.H * s.W * s.CI);
    const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
    const want = new Float32Array(9 * s.CI * s.CO);
    conv2dBackwardFilterDirect(want, dy, x, s);
    const spy = spyHeap(createHeap({ maximumPages: 1 }));
    const got = new Float32Array(want.length);
    conv2dBackwardFilterWinograd(got, dy, x, s, 'engine', spy.heap);
    expectClose(got, want, dwTolerance(s), `dw on a one-page heap ${label(s)}`);
    if (simdAvailable) expect(spy.asked.some((bytes) => bytes > PAGE_BYTES)).toBe(true); // it asked, and was refused
    expect(spy.instances).toEqual([]);
  });
});
