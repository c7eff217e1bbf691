import { describe, it, expect } from 'vitest';
import { conv2dShape, type Conv2dShape, type Padding } from '../../kernels/conv-shape.js';
import { conv2dForwardDirect, conv2dBackwardInputDirect } from '../../kernels/conv2d.js';
import { conv2dForwardWinograd, conv2dBackwardInputWinograd, winogradApplies, winogradScratchLength, type WinogradGemm, type WinogradGemmChoice } from '../../kernels/conv2d-winograd.js';
import { filterTransform } from '../../kernels/conv2d-winograd-transforms.js';
import { gemmFast } from '../../kernels/gemm-fast.js';
import { gemmNaive } from '../../kernels/gemm.js';
import { compareArrays, expectClose, mulberry32, nanArray, randInt, randomArray, winogradLabel, winogradShape, winogradTolerance, type Rng } from './helpers.js';
import { compareWinogradWithTwin } from './conv2d-winograd-twin.js';
import { expectSameNonFinite, withNonFinite } from './non-finite.js';
import { firstDifference } from './same-bits.js';
import { spyHeap } from './heap-spy.js';
import { createHeap, PAGE_BYTES, type WasmHeap } from '../../kernels/wasm/heap.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';

/** Forward and dx of the chunked Winograd against the naive twin (compareWinogradWithTwin). */
function expectAgreesWithTwin(rng: Rng, s: Conv2dShape, gemm: WinogradGemmChoice = 'engine'): void {
  const report = compareWinogradWithTwin(rng, s, {
    forward: (y, x, w, bias, shape, relu) => conv2dForwardWinograd(y, x, w, bias, shape, gemm, relu),
    inputGrad: (dx, dy, w, shape) => conv2dBackwardInputWinograd(dx, dy, w, shape, gemm),
  });
  expect(report.failures).toEqual([]);
}

describe('Winograd F(2x2, 3x3) transforms, by hand', () => {
  it('G g Gᵀ of the centre tap is the outer product of G\'s middle column [0, ½, −½, 0]', () => {
    const w = new Float32Array(9); // CI = CO = 1
    w[4] = 1; // g[1][1]
    const u = nanArray(16);
    filterTransform(u, w, 1, 1, false);
    const c = [0, 0.5, -0.5, 0];
    expect(Array.from(u)).toEqual(c.flatMap((a) => c.map((b) => a * b + 0))); // + 0: no −0 in the expectation
  });

  it('all-ones 4×4 image, all-ones filter, CI = 2: every valid output is 9·2 = 18', () => {
    const s = winogradShape(1, 4, 4, 2, 1, 'valid');
    const y = nanArray(4);
    conv2dForwardWinograd(y, new Float32Array(32).fill(1), new Float32Array(18).fill(1), null, s, 'engine');
    expect(Array.from(y)).toEqual([18, 18, 18, 18]);
  });

  it('only 3×3, stride 1, dilation 1 applies; other shapes throw an error naming the op and the shape', () => {
    expect(winogradApplies(winogradShape(1, 5, 5, 1, 1, 'same'))).toBe(true);
    const strided = conv2dShape(1, 5, 5, 1, 3, 3, 1, [2, 2], [1, 1], 'same');
    const dilated = conv2dShape(1, 7, 7, 1, 3, 3, 1, [1, 1], [2, 2], 'valid');
    const wide = conv2dShape(1, 5, 5, 1, 5, 5, 1, [1, 1], [1, 1], 'valid');
    for (const s of [strided, dilated, wide]) expect(winogradApplies(s)).toBe(false);
    expect(() => conv2dForwardWinograd(new Float32Array(9), new Float32Array(25), new Float32Array(9), null, strided, 'engine'))
      .toThrow('conv2dForwardWinograd: Winograd F(2x2, 3x3) needs a 3x3 kernel, stride 1 and dilation 1, got kernel 3x3, stride 2x2, dilation 1x1');
    expect(() => conv2dBackwardInputWinograd(new Float32Array(25), new Float32Array(1), new Float32Array(25), wide, 'engine'))
      .toThrow(/conv2dBackwardInputWinograd: .* got kernel 5x5/);
  });
});

describe('Winograd forward and input gradient against the direct twin', () => {
  it('awkward shapes: smallest inputs, odd sizes, 1 channel, channel counts no 4 divides, batch 1', () => {
    const rng = mulberry32(16);
    const awkward: Conv2dShape[] = [
      winogradShape(1, 1, 1, 1, 1, 'same'), // the smallest 'same' input: one pixel, all taps but the centre padded
      winogradShape(1, 3, 3, 1, 1, 'valid'), // the smallest 'valid' input: one output pixel, half a tile
      winogradShape(1, 1, 2, 1, 3, 'same'), winogradShape(1, 2, 1, 3, 1, 'same'),
      winogradShape(1, 3, 4, 2, 2, 'valid'), winogradShape(1, 4, 3, 2, 2, 'valid'),
      winogradShape(1, 5, 7, 3, 5, 'same'), winogradShape(2, 7, 5, 5, 3, 'valid'), // odd OH and OW: partial last tiles
      winogradShape(1, 9, 9, 1, 7, 'same'), winogradShape(3, 6, 8, 7, 1, 'valid'),
      winogradShape(1, 4, 4, 4, 4, 'same'), winogradShape(2, 8, 8, 8, 8, 'valid'),
    ];
    for (const s of awkward) expectAgreesWithTwin(rng, s);
  });

  it('50 seeded random shapes, both paddings', () => {
    const rng = mulberry32(2016);
    for (let i = 0; i < 50; i++) {
      const padding: Padding = rng() < 0.5 ? 'same' : 'valid';
      const lo = padding === 'valid' ? 3 : 1;
      expectAgreesWithTwin(rng, winogradShape(randInt(rng, 1, 3), randInt(rng, lo, 13), randInt(rng, lo, 13), randInt(rng, 1, 9), randInt(rng, 1, 9), padding));
    }
  });

  it('several chunks per image, and several images per chunk with a partial last group', () => {
    // 64 + 64 channels: chunks of 2^19 / (16·128) = 256 tiles. 34×33 'same' has 17·17 = 289 tiles an
    // image: chunks of 256 and 33. 6×5 'same' has 3·3 = 9: groups of 28 images, so 30 images are 28 + 2.
    const rng = mulberry32(64);
    expectAgreesWithTwin(rng, winogradShape(1, 34, 33, 64, 64, 'same'));
    expectAgreesWithTwin(rng, winogradShape(30, 6, 5, 64, 64, 'same'));
    expectAgreesWithTwin(rng, winogradShape(1, 21, 22, 48, 40, 'valid'));
  });

  it('a caller\'s scratch full of NaN (a reused buffer) gives the bits of a fresh one; too small a scratch is refused', () => {
    const rng = mulberry32(96);
    const s = winogradShape(5, 13, 13, 8, 12, 'valid'); // 11×11 out, 13×13 dx: both passes read padded borders
    const x = randomArray(rng, s.N * s.H * s.W * s.CI);
    const w = randomArray(rng, 9 * s.CI * s.CO);
    const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
    const scratch = (): Float32Array => nanArray(winogradScratchLength(s) + 5);
    const y = nanArray(dy.length), yReused = nanArray(dy.length);
    conv2dForwardWinograd(y, x, w, null, s, 'engine');
    conv2dForwardWinograd(yReused, x, w, null, s, 'engine', false, undefined, scratch());
    expect(firstDifference(yReused, y)).toBe(-1);
    const dx = new Float32Array(x.length), dxReused = new Float32Array(x.length);
    conv2dBackwardInputWinograd(dx, dy, w, s, 'engine');
    conv2dBackwardInputWinograd(dxReused, dy, w, s, 'engine', undefined, scratch());
    expect(firstDifference(dxReused, dx)).toBe(-1);
    expect(() => conv2dBackwardInputWinograd(dx, dy, w, s, 'engine', undefined, new Float32Array(7)))
      .toThrow(/conv2d Winograd: scratch has 7 floats, needs \d+ for 5 images of 11x11x12 → 13x13x8/);
  });

  it('given the engine\'s GEMM, chunks run in wasm memory (conv2d-winograd-heap.ts) with the bits of the chunk-by-chunk arrays path', () => {
    const rng = mulberry32(95);
    // gemmFast given as a function runs the arrays path, chunk by chunk, with the same GEMM kernel.
    // 8 and 16 output channels run in the heap (OC a multiple of 8); 1 tile (M < 4 rows); several chunks of 289-tile images.
    for (const s of [winogradShape(3, 13, 13, 32, 64, 'valid'), winogradShape(1, 2, 2, 8, 8, 'same'), winogradShape(2, 34, 33, 64, 16, 'same'), winogradShape(3, 7, 9, 4, 8, 'valid')]) {
      const x = randomArray(rng, s.N * s.H * s.W * s.CI);
      x[7] = NaN; // one tile recomputed by the direct loops, in both paths
      const w = randomArray(rng, 9 * s.CI * s.CO);
      const bias = randomArray(rng, s.CO);
      const want = nanArray(s.N * s.OH * s.OW * s.CO);
      conv2dForwardWinograd(want, x, w, bias, s, gemmFast, true);
      const got = nanArray(want.length);
      conv2dForwardWinograd(got, x, w, bias, s, 'engine', true);
      expect(firstDifference(got, want), `forward ${winogradLabel(s)}`).toBe(-1);
      const dy = randomArray(rng, want.length);
      dy[dy.length - 3] = Infinity; // tiles recomputed by the direct loops onto dx's prior values (the heap path adds them itself elsewhere)
      const dxWant = randomArray(rng, x.length);
      const dxGot = dxWant.slice();
      conv2dBackwardInputWinograd(dxWant, dy, w, s, gemmFast);
      conv2dBackwardInputWinograd(dxGot, dy, w, s, 'engine');
      expect(firstDifference(dxGot, dxWant), `dx ${winogradLabel(s)}`).toBe(-1);
    }
  });

  it.runIf(simdAvailable)('the GEMM choice decides the path: \'engine\' runs the GEMMs on the heap given, a function (gemmFast too) on arrays', () => {
    const rng = mulberry32(93);
    const s = winogradShape(2, 10, 10, 8, 16, 'same'); // channel counts the heap path takes
    const x = randomArray(rng, s.N * s.H * s.W * s.CI);
    const w = randomArray(rng, 9 * s.CI * s.CO);
    const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
    /** The GEMM modules each pass instantiated on a heap of its own. */
    const gemmModules = (gemm: WinogradGemmChoice): [string[], string[]] => {
      const forward = spyHeap(createHeap());
      conv2dForwardWinograd(nanArray(dy.length), x, w, null, s, gemm, false, forward.heap);
      const input = spyHeap(createHeap());
      conv2dBackwardInputWinograd(new Float32Array(x.length), dy, w, s, gemm, input.heap);
      return [forward, input].map((spy) => spy.instances.filter((name) => name.startsWith('gemm'))) as [string[], string[]];
    };
    const [forward, input] = gemmModules('engine');
    expect(forward.length > 0 && input.length > 0).toBe(true);
    expect(gemmModules(gemmFast)).toEqual([[], []]);
  });

  it('runs whatever GEMM it is given (the naive one here)', () => {
    expectAgreesWithTwin(mulberry32(7), winogradShape(2, 9, 6, 5, 6, 'same'), gemmNaive);
  });

  it('the check catches a small error: a GEMM off by 0.1% fails it', () => {
    const rng = mulberry32(99);
    const s = winogradShape(2, 8, 7, 8, 8, 'same');
    const x = randomArray(rng, s.N * s.H * s.W * s.CI);
    const w = randomArray(rng, 9 * s.CI * s.CO);
    const want = nanArray(s.N * s.OH * s.OW * s.CO);
    conv2dForwardDirect(want, x, w, null, s);
    const skewed: WinogradGemm = (c, a, b, M, N, K, layout, acc) => {
      gemmFast(c, a, b, M, N, K, layout, acc);
      for (let i = 0; i < M * N; i++) c[i] *= 1.001;
    };
    const got = nanArray(want.length);
    conv2dForwardWinograd(got, x, w, null, s, skewed);
    expect(compareArrays(got, want, winogradTolerance(s.CI)).ok).toBe(false);
  });
});

describe('Winograd with NaN and ±Inf: the twin\'s non-finite results, at the twin\'s places', () => {
  it('in x (forward) and dy (input gradient), edges included', () => {
    const rng = mulberry32(404);
    // Channel counts that take the JS transforms (3, 5, 2) and the SIMD ones (4, 8).
    for (const s of [winogradShape(2, 9, 7, 3, 5, 'same'), winogradShape(1, 10, 9, 4, 2, 'valid'), winogradShape(1, 1, 1, 2, 2, 'same'), winogradShape(2, 7, 9, 8, 8, 'same')]) {
      const x = withNonFinite(rng, randomArray(rng, s.N * s.H * s.W * s.CI), 3);
      const w = randomArray(rng, 9 * s.CI * s.CO);
      const want = nanArray(s.N * s.OH * s.OW * s.CO);
      conv2dForwardDirect(want, x, w, null, s);
      const got = nanArray(want.length);
      conv2dForwardWinograd(got, x, w, null, s, 'engine');
      expectSameNonFinite(got, want, winogradTolerance(s.CI), `forward ${winogradLabel(s)}`);

      const dy = withNonFinite(rng, randomArray(rng, want.length), 3);
      const dxWant = new Float32Array(x.length);
      conv2dBackwardInputDirect(dxWant, dy, w, s);
      const dxGot = new Float32Array(x.length);
      conv2dBackwardInputWinograd(dxGot, dy, w, s, 'engine');
      expectSameNonFinite(dxGot, dxWant, winogradTolerance(s.CO), `dx ${winogradLabel(s)}`);
    }
  });

  it('with a bias and the fused ReLU (which keeps NaN and clamps −Inf to 0), JS and SIMD channel counts', () => {
    const rng = mulberry32(405);
    for (const s of [winogradShape(2, 7, 9, 8, 8, 'same'), winogradShape(1, 6, 5, 3, 5, 'valid')]) {
      const x = withNonFinite(rng, randomArray(rng, s.N * s.H * s.W * s.CI), 4);
      const w = randomArray(rng, 9 * s.CI * s.CO);
      const bias = randomArray(rng, s.CO);
      const want = nanArray(s.N * s.OH * s.OW * s.CO);
      conv2dForwardDirect(want, x, w, bias, s);
      for (let i = 0; i < want.length; i++) if (want[i] < 0) want[i] = 0;
      const got = nanArray(want.length);
      conv2dForwardWinograd(got, x, w, bias, s, 'engine', true);
      expectSameNonFinite(got, want, winogradTolerance(s.CI), `forward+relu ${winogradLabel(s)}`);
    }
  });

  it('one +Inf input: ±Inf where the twin has it, not the Inf − Inf = NaN of the transforms', () => {
    const s = winogradShape(1, 6, 6, 1, 2, 'same');
    const x = randomArray(mulberry32(5), 36);
    x[2 * 6 + 3] = Infinity; // row 2, column 3: inside the tile rows 1..4 and 3..6 overlap
    const w = randomArray(mulberry32(6), 18);
    const want = nanArray(72);
    conv2dForwardDirect(want, x, w, null, s);
    const got = nanArray(72);
    conv2dForwardWinograd(got, x, w, null, s, 'engine');
    expect(want.filter((v) => v === Infinity || v === -Infinity).length).toBe(18); // 3×3 pixels × 2 channels
    expectSameNonFinite(got, want, winogradTolerance(1), 'one +Inf');
  });

  it('in the filter, including taps the direct loops skip at the padded border', () => {
    const rng = mulberry32(8);
    const s = winogradShape(2, 5, 6, 3, 4, 'same');
    const x = randomArray(rng, s.N * s.H * s.W * s.CI);
    const w = randomArray(rng, 9 * s.CI * s.CO);
    w[0 * 12 + 1 * 4 + 2] = NaN; // tap (0, 0), ci 1, co 2: padded for every top-row and left-column output
    w[8 * 12 + 2 * 4 + 0] = Infinity; // tap (2, 2), ci 2, co 0
    const want = nanArray(s.N * s.OH * s.OW * s.CO);
    conv2dForwardDirect(want, x, w, null, s);
    const got = nanArray(want.length);
    conv2dForwardWinograd(got, x, w, null, s, 'engine');
    expectSameNonFinite(got, want, winogradTolerance(s.CI), 'forward, non-finite filter');
    expect(want.some(Number.isFinite)).toBe(true); // the border outputs of channel 2 that skip the NaN tap
    const dy = randomArray(rng, want.length);
    const dxWant = new Float32Array(x.length);
    conv2dBackwardInputDirect(dxWant, dy, w, s);
    const dxGot = new Float32Array(x.length);
    conv2dBackwardInputWinograd(dxGot, dy, w, s, 'engine');
    expectSameNonFinite(dxGot, dxWant, winogradTolerance(s.CO), 'dx, non-finite filter');
  });
});

describe('Winograd on a heap that cannot grow: the JS transforms', () => {
  // 8 channels in and out, so both transforms run on SIMD where the heap holds a chunk. 2 images of
  // 20×20 'same' are one chunk of 200 tiles: V alone is 16·200·8 floats (100 KiB), more than a page.
  const s = winogradShape(2, 20, 20, 8, 8, 'same');
  const rng = mulberry32(1515);
  const x = randomArray(rng, s.N * s.H * s.W * s.CI);
  const w = randomArray(rng, 9 * s.CI * s.CO);
  const bias = randomArray(rng, s.CO);
  const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
  const start = randomArray(rng, x.length);
  /** A heap that refuses every request: runPass's JS transforms for every chunk. */
  const refusing: WasmHeap = {
    views: () => null,
    instance: () => { throw new Error('the refusing heap instantiates nothing'); },
    instantiate: () => { throw new Error('the refusing heap instantiates nothing'); },
  };
  /** y (forward with bias and ReLU) and dx (onto `start`) on `heap`. */
  function run(heap?: WasmHeap): [Float32Array, Float32Array] {
    const y = nanArray(dy.length);
    conv2dForwardWinograd(y, x, w, bias, s, 'engine', true, heap);
    const dx = start.slice();
    conv2dBackwardInputWinograd(dx, dy, w, s, 'engine', heap);
    return [y, dx];
  }
  const [yJs, dxJs] = run(refusing);
  const [yBefore, dxBefore] = run(); // the engine heap, as callers run it

  it('the JS path agrees with the direct twin (so the bits below are right ones)', () => {
    const want = nanArray(dy.length);
    conv2dForwardDirect(want, x, w, bias, s);
    for (let i = 0; i < want.length; i++) if (want[i] < 0) want[i] = 0;
    expectClose(yJs, want, winogradTolerance(s.CI), 'forward, JS transforms');
    const dxWant = start.slice();
    conv2dBackwardInputDirect(dxWant, dy, w, s);
    expectClose(dxJs, dxWant, winogradTolerance(s.CO + 1), 'dx, JS transforms');
  });

  it('on a 1-page heap: asked, refused, nothing instantiated, the JS path\'s bits', () => {
    const spy = spyHeap(createHeap({ maximumPages: 1 }));
    const [y, dx] = run(spy.heap);
    expect(firstDifference(y, yJs)).toBe(-1);
    expect(firstDifference(dx, dxJs)).toBe(-1);
    // Per pass: U placed for the in-heap chunks (4 KiB, granted), then the in-heap chunk, the input
    // and the output transform, each over a page and refused.
    const pass = [true, false, false, false];
    expect(spy.answered).toEqual(simdAvailable ? [...pass, ...pass] : []);
    expect(spy.asked.every((b, i) => (spy.answered[i] ? b <= PAGE_BYTES : b > PAGE_BYTES))).toBe(true);
    expect(spy.instances).toEqual([]);
  });

  it('on a heap that grows: the module is instantiated there, and the same bits as on the engine heap', () => {
    const spy = spyHeap(createHeap());
    const [y, dx] = run(spy.heap);
    expect(firstDifference(y, yBefore)).toBe(-1);
    expect(firstDifference(dx, dxBefore)).toBe(-1);
    expect(spy.answered.every((ok) => ok)).toBe(true);
    expect(spy.instances.length > 0).toBe(simdAvailable);
  });
});
