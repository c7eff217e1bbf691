import { describe, it, expect } from 'vitest';
import { conv2dShape, type Conv2dShape, type Padding } from '../../kernels/conv-shape.js';
import { conv2dForwardDirect, conv2dBackwardInputDirect, conv2dBackwardFilterDirect, conv2dBackwardBias } from '../../kernels/conv2d.js';
import {
  conv2dDirectSimdApplies, conv2dDirectSimdInputApplies,
  conv2dForwardDirectSimd, conv2dBackwardInputDirectSimd, conv2dBackwardFilterDirectSimd, conv2dBackwardFilterBiasDirectSimd,
} from '../../kernels/conv2d-direct-simd.js';
import { conv2dKeptIsInput, conv2dForwardFast, conv2dBackwardInputFast, conv2dBackwardFilterFast, conv2dBackwardBiasFast } from '../../kernels/conv2d-fast.js';
import { reluInPlace } from '../../kernels/relu.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';
import { createHeap } from '../../kernels/wasm/heap.js';
import { compareArrays, expectTwinsAgree, mulberry32, nanArray, randInt, randomArray, sumTolerance, type ConvKernels, type Rng } from './helpers.js';
import { expectNonFiniteTwinsAgree, expectSameNonFinite } from './non-finite.js';
import { firstDifference } from './same-bits.js';

/** [N, H, W, CI, KH, KW, CO, strides, dilation, padding], the arguments of conv2dShape. */
type Spec = [number, number, number, number, number, number, number, [number, number], [number, number], Padding];
const shapeOf = (spec: Spec): Conv2dShape => conv2dShape(...spec);
const label = (s: Conv2dShape): string =>
  `N=${s.N} H=${s.H} W=${s.W} CI=${s.CI} K=${s.KH}x${s.KW} CO=${s.CO} stride=${s.strideH},${s.strideW} pad=${s.padTop},${s.padLeft} out=${s.OH}x${s.OW}`;

const DIRECT = (s: Conv2dShape): ConvKernels => ({
  forward: (y, x, w, bias) => conv2dForwardDirect(y, x, w, bias, s),
  input: (dx, dy, w) => conv2dBackwardInputDirect(dx, dy, w, s),
  filter: (dw, dy, x) => conv2dBackwardFilterDirect(dw, dy, x, s),
});
/** The SIMD kernels; the input gradient only where it applies (CI a multiple of 8), else the naive one, so the other two are still checked. */
const SIMD = (s: Conv2dShape): ConvKernels => ({
  forward: (y, x, w, bias) => conv2dForwardDirectSimd(y, x, w, bias, s),
  input: (dx, dy, w) => (conv2dDirectSimdInputApplies(s) ? conv2dBackwardInputDirectSimd(dx, dy, w, s) : conv2dBackwardInputDirect(dx, dy, w, s)),
  filter: (dw, dy, x) => conv2dBackwardFilterDirectSimd(dw, dy, x, s),
});

/** Forward (NaN-filled output) and both gradients (onto a random prefill) against the naive twins. */
function check(rng: Rng, s: Conv2dShape, k: (s: Conv2dShape) => ConvKernels = SIMD): void {
  const n = { x: s.N * s.H * s.W * s.CI, w: s.KH * s.KW * s.CI * s.CO, y: s.N * s.OH * s.OW * s.CO, CO: s.CO };
  expectTwinsAgree(rng, n, 0.7, DIRECT(s), k(s), { forward: s.KH * s.KW * s.CI, input: s.KH * s.KW * s.CO, filter: s.N * s.OH * s.OW }, label(s));
}

describe.runIf(simdAvailable)('the direct SIMD convolution equals the naive twins', () => {
  it('on ~50 seeded random shapes (CO 8 to 32; CI a multiple of 8 half the time, for the input gradient)', () => {
    const rng = mulberry32(211);
    let done = 0;
    let inputChecked = 0;
    let stridedInputChecked = 0;
    while (done < 50) {
      const CI = rng() < 0.5 ? 8 * randInt(rng, 1, 2) : randInt(rng, 1, 5);
      const spec: Spec = [
        randInt(rng, 1, 3), randInt(rng, 1, 11), randInt(rng, 1, 11), CI, randInt(rng, 1, 4), randInt(rng, 1, 4), 8 * randInt(rng, 1, 4),
        rng() < 0.6 ? [1, 1] : [randInt(rng, 1, 3), randInt(rng, 1, 3)], [1, 1], rng() < 0.5 ? 'valid' : 'same',
      ];
      let s: Conv2dShape;
      try {
        s = shapeOf(spec);
      } catch {
        continue; // kernel larger than the input under 'valid': draw again
      }
      if (!conv2dDirectSimdApplies(s)) continue; // a plain 1×1 conv: the GEMM's case
      if (conv2dDirectSimdInputApplies(s)) inputChecked++;
      if (conv2dDirectSimdInputApplies(s) && s.strideH * s.strideW > 1) stridedInputChecked++;
      check(rng, s);
      done++;
    }
    expect(inputChecked).toBeGreaterThan(10);
    expect(stridedInputChecked).toBeGreaterThan(5);
  });

  const awkward: [string, Spec][] = [
    ['N = 1, CI = 1 (a first layer), OW = 1', [1, 5, 1, 1, 3, 1, 8, [1, 1], [1, 1], 'same']],
    ['OW = 5: one full tile of 4 and a tile with 3 padding pixels', [2, 4, 5, 8, 3, 3, 8, [1, 1], [1, 1], 'same']],
    ["the ResNet's 3×3 'same' on 8 channels", [2, 9, 7, 8, 3, 3, 8, [1, 1], [1, 1], 'same']],
    ["its strided block: 3×3 'same' stride 2, 8 → 16 (the odd extra row at the bottom)", [2, 10, 10, 8, 3, 3, 16, [2, 2], [1, 1], 'same']],
    ['its 1×1 stride-2 shortcut', [2, 10, 10, 8, 1, 1, 16, [2, 2], [1, 1], 'same']],
    ["MobileNet's stem: 3×3 stride 2 'valid' on a padded 29×29", [1, 29, 29, 1, 3, 3, 16, [2, 2], [1, 1], 'valid']],
    ['3×1 and 1×5 kernels', [2, 6, 9, 16, 3, 1, 8, [1, 1], [1, 1], 'same']],
    ['1×5 valid', [1, 4, 9, 8, 1, 5, 24, [1, 1], [1, 1], 'valid']],
    ['stride 3 > 2×2 kernel', [2, 9, 9, 3, 2, 2, 8, [3, 3], [1, 1], 'valid']],
    ['stride 3 > 2×2 kernel, 8 input channels (input gradient phases that no tap reaches)', [2, 10, 11, 8, 2, 2, 8, [3, 3], [1, 1], 'valid']],
    ["stride 2 × 1, 5×3 'same' kernel, 16 → 8 (one phase has 3 row taps, the other 2)", [2, 9, 7, 16, 5, 3, 8, [2, 1], [1, 1], 'same']],
    ["4×4 'same' stride 2 on an odd 7×9 (pads 1 above: the phases start on different taps)", [3, 7, 9, 8, 4, 4, 16, [2, 2], [1, 1], 'same']],
    ['1×1 stride 2 on 1×1 images (phase 1 of each axis has no pixel)', [3, 1, 1, 8, 1, 1, 16, [2, 2], [1, 1], 'same']],
    ["even 4×4 'same' (pads 1 above, 2 below)", [2, 7, 6, 8, 4, 4, 16, [1, 1], [1, 1], 'same']],
    ["kernel wider than the image under 'same'", [2, 3, 2, 8, 5, 5, 8, [1, 1], [1, 1], 'same']],
    ['32 channels in and out, a tap row of 96 floats', [1, 6, 6, 32, 3, 3, 32, [1, 1], [1, 1], 'same']],
  ];
  for (const [name, spec] of awkward) {
    it(name, () => {
      const s = shapeOf(spec);
      expect(conv2dDirectSimdApplies(s)).toBe(true);
      check(mulberry32(213), s);
    });
  }

  it('the fused ReLU equals the naive forward clamped, bit for bit where the sums agree in sign', () => {
    const s = shapeOf([2, 6, 7, 8, 3, 3, 16, [1, 1], [1, 1], 'same']);
    const rng = mulberry32(215);
    const x = randomArray(rng, s.N * s.H * s.W * s.CI);
    const w = randomArray(rng, 9 * s.CI * s.CO);
    const plain = nanArray(s.N * s.OH * s.OW * s.CO);
    conv2dForwardDirectSimd(plain, x, w, null, s);
    const fused = nanArray(plain.length);
    conv2dForwardDirectSimd(fused, x, w, null, s, true);
    reluInPlace(plain);
    expect(firstDifference(fused, plain)).toBe(-1);
    expect(fused.some((v) => v === 0) && fused.some((v) => v > 0)).toBe(true);
  });

  it('propagates NaN and ±Infinity as the naive loops do (in x, in w, and in dy at border pixels)', () => {
    for (const spec of [[2, 6, 5, 8, 3, 3, 8, [1, 1], [1, 1], 'same'], [1, 7, 7, 8, 3, 3, 16, [2, 2], [1, 1], 'same']] as Spec[]) {
      const s = shapeOf(spec);
      const rng = mulberry32(217);
      const x = randomArray(rng, s.N * s.H * s.W * s.CI);
      x[9] = NaN;
      x[77] = Infinity;
      x[200] = -Infinity;
      const w = randomArray(rng, 9 * s.CI * s.CO);
      const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
      dy[3] = Infinity; // pixel (0, 0): its window hangs over the top-left padding
      dy[s.OW * s.CO + 1] = NaN; // pixel (1, 0): over the left padding
      dy[dy.length - 2] = -Infinity; // the last pixel: over the bottom-right padding
      const terms = { forward: 9 * s.CI, input: 9 * s.CO, filter: s.N * s.OH * s.OW };
      expectNonFiniteTwinsAgree(DIRECT(s), SIMD(s), x, w, dy, terms);
      // A non-finite weight, with finite x and dy (the forward and the input gradient read w): the
      // padding must not turn ±Infinity into NaN.
      const wInf = w.slice();
      wInf[0] = Infinity;
      wInf[5 * s.CO + 1] = -Infinity;
      const xf = randomArray(rng, x.length);
      const dyf = randomArray(rng, dy.length);
      const [want, got] = [nanArray(dy.length), nanArray(dy.length)];
      conv2dForwardDirect(want, xf, wInf, null, s);
      conv2dForwardDirectSimd(got, xf, wInf, null, s);
      expectSameNonFinite(got, want, sumTolerance(terms.forward), `forward with ±Inf in w, ${label(s)}`);
      const [dxWant, dxGot] = [new Float32Array(x.length), new Float32Array(x.length)];
      conv2dBackwardInputDirect(dxWant, dyf, wInf, s);
      SIMD(s).input(dxGot, dyf, wInf);
      expectSameNonFinite(dxGot, dxWant, sumTolerance(terms.input), `backward input with ±Inf in w, ${label(s)}`);
    }
  });

  it('on a heap that cannot grow, runs the naive loops: the same bits as the twins', () => {
    const s = shapeOf([2, 20, 20, 8, 3, 3, 8, [1, 1], [1, 1], 'same']);
    const heap = createHeap({ maximumPages: 1 }); // 64 KiB: less than the padded input and the output
    const rng = mulberry32(225);
    const x = randomArray(rng, 6400);
    const w = randomArray(rng, 576);
    const dy = randomArray(rng, 6400);
    const [want, got] = [nanArray(6400), nanArray(6400)];
    conv2dForwardDirect(want, x, w, null, s);
    conv2dForwardDirectSimd(got, x, w, null, s, false, heap);
    expect(firstDifference(got, want)).toBe(-1);
    const [dxWant, dxGot] = [new Float32Array(6400), new Float32Array(6400)];
    conv2dBackwardInputDirect(dxWant, dy, w, s);
    conv2dBackwardInputDirectSimd(dxGot, dy, w, s, heap);
    expect(firstDifference(dxGot, dxWant)).toBe(-1);
    const [dwWant, dwGot] = [new Float32Array(576), new Float32Array(576)];
    conv2dBackwardFilterDirect(dwWant, dy, x, s);
    conv2dBackwardFilterDirectSimd(dwGot, dy, x, s, heap);
    expect(firstDifference(dwGot, dwWant)).toBe(-1);
  });

  it('the comparison rejects a kernel run with its padding off by one', () => {
    const s = shapeOf([1, 6, 6, 8, 3, 3, 8, [1, 1], [1, 1], 'same']);
    const rng = mulberry32(219);
    const x = randomArray(rng, 288);
    const w = randomArray(rng, 576);
    const want = nanArray(288);
    conv2dForwardDirect(want, x, w, null, s);
    const wrong = nanArray(288);
    conv2dForwardDirectSimd(wrong, x, w, null, { ...s, padTop: 0 });
    expect(compareArrays(wrong, want, sumTolerance(72)).ok).toBe(false);
  });
});

describe('the fast convolution chooses a version that fits', () => {
  it('direct SIMD for few channels (CO a multiple of 8, ≤ 32), im2col + GEMM otherwise; x is kept instead of cols when direct', () => {
    const applies = (spec: Spec): boolean => conv2dDirectSimdApplies(shapeOf(spec));
    expect(applies([1, 8, 8, 8, 3, 3, 16, [1, 1], [1, 1], 'same'])).toBe(simdAvailable);
    expect(applies([1, 8, 8, 8, 3, 3, 12, [1, 1], [1, 1], 'same'])).toBe(false); // CO not a multiple of 8
    expect(applies([1, 8, 8, 8, 3, 3, 64, [1, 1], [1, 1], 'same'])).toBe(false); // wide: im2col pays off
    expect(applies([1, 8, 8, 8, 3, 3, 16, [1, 1], [2, 2], 'same'])).toBe(false); // dilation
    expect(applies([1, 8, 8, 8, 1, 1, 16, [1, 1], [1, 1], 'valid'])).toBe(false); // x already is cols
    expect(conv2dDirectSimdInputApplies(shapeOf([1, 8, 8, 8, 3, 3, 16, [2, 2], [1, 1], 'same']))).toBe(simdAvailable); // stride 2: by phases
    expect(conv2dDirectSimdInputApplies(shapeOf([1, 8, 8, 4, 3, 3, 16, [1, 1], [1, 1], 'same']))).toBe(false); // CI = 4
    expect(conv2dKeptIsInput(shapeOf([1, 8, 8, 3, 3, 3, 64, [1, 1], [1, 1], 'same']))).toBe(false);
    const FAST = (s: Conv2dShape): ConvKernels => {
      let kept: Float32Array = new Float32Array(0);
      return {
        forward: (y, x, w, bias) => {
          kept = conv2dKeptIsInput(s) ? x : nanArray(s.N * s.OH * s.OW * s.KH * s.KW * s.CI);
          conv2dForwardFast(y, x, w, bias, s, kept);
        },
        input: (dx, dy, w) => conv2dBackwardInputFast(dx, dy, w, s),
        filter: (dw, dy) => conv2dBackwardFilterFast(dw, dy, kept, s),
      };
    };
    for (const spec of [[2, 7, 6, 8, 3, 3, 16, [1, 1], [1, 1], 'same'], [2, 7, 6, 3, 3, 3, 64, [2, 1], [1, 1], 'same'], [2, 7, 6, 16, 3, 3, 8, [2, 2], [1, 1], 'valid']] as Spec[]) {
      check(mulberry32(221), shapeOf(spec), FAST);
    }
  });

  it('the bias gradient on SIMD is bit-identical to the naive channel sums', () => {
    for (const spec of [[3, 9, 7, 2, 3, 3, 16, [1, 1], [1, 1], 'same'], [2, 5, 5, 2, 3, 3, 6, [1, 1], [1, 1], 'same']] as Spec[]) {
      const s = shapeOf(spec);
      const rng = mulberry32(223);
      const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO, -100, 100);
      dy[4] = Infinity;
      const start = randomArray(rng, s.CO);
      const want = start.slice();
      conv2dBackwardBias(want, dy, s);
      const got = start.slice();
      conv2dBackwardBiasFast(got, dy, s);
      expect(firstDifference(got, want), label(s)).toBe(-1);
    }
  });
});

describe.runIf(simdAvailable)('the filter and bias gradients from one copy of dy (conv2dBackwardFilterBiasDirectSimd)', () => {
  /**
   * dw, db from the shared call against conv2dBackwardFilterDirectSimd (the naive loops on a heap
   * that cannot grow, `naive`) and the naive bias sums, onto random priors: the same bits.
   */
  function same(s: Conv2dShape, rng: Rng, dy: Float32Array, x: Float32Array, heap = createHeap(), naive = false): void {
    const dwStart = randomArray(rng, s.KH * s.KW * s.CI * s.CO), dbStart = randomArray(rng, s.CO);
    const dwWant = dwStart.slice(), dbWant = dbStart.slice();
    (naive ? conv2dBackwardFilterDirect : conv2dBackwardFilterDirectSimd)(dwWant, dy, x, s);
    conv2dBackwardBias(dbWant, dy, s);
    const dwGot = dwStart.slice(), dbGot = dbStart.slice();
    conv2dBackwardFilterBiasDirectSimd(dwGot, dbGot, dy, x, s, heap);
    const at = firstDifference(dbGot, dbWant);
    expect(at, `db ${label(s)}: [${at}] got ${dbGot[at]}, want ${dbWant[at]}`).toBe(-1);
    expect(firstDifference(dwGot, dwWant), `dw ${label(s)}`).toBe(-1);
    // without db: dw alone, the same bits
    const dwAlone = dwStart.slice();
    conv2dBackwardFilterBiasDirectSimd(dwAlone, null, dy, x, s, heap);
    expect(firstDifference(dwAlone, dwWant), `dw without db ${label(s)}`).toBe(-1);
  }

  it('equals the filter gradient and conv2d.ts\'s bias sums bit for bit, on seeded shapes with NaN and ±∞ in dy', () => {
    const rng = mulberry32(1919);
    const specs: Spec[] = [
      [32, 28, 28, 8, 3, 3, 8, [1, 1], [1, 1], 'same'], [32, 28, 28, 8, 3, 3, 16, [2, 2], [1, 1], 'same'], [1, 1, 1, 1, 1, 1, 8, [2, 2], [1, 1], 'valid'],
      [1, 3, 5, 3, 3, 1, 24, [1, 1], [1, 1], 'same'], [2, 7, 6, 5, 1, 5, 32, [1, 2], [1, 1], 'same'],
    ];
    while (specs.length < 40) {
      const spec: Spec = [randInt(rng, 1, 3), randInt(rng, 1, 11), randInt(rng, 1, 11), randInt(rng, 1, 9), randInt(rng, 1, 4), randInt(rng, 1, 4), 8 * randInt(rng, 1, 4),
        rng() < 0.6 ? [1, 1] : [randInt(rng, 1, 3), randInt(rng, 1, 3)], [1, 1], rng() < 0.5 ? 'valid' : 'same'];
      try {
        if (conv2dDirectSimdApplies(shapeOf(spec))) specs.push(spec);
      } catch { /* kernel larger than the input under 'valid': draw again */ }
    }
    for (const spec of specs) {
      const s = shapeOf(spec);
      const x = randomArray(rng, s.N * s.H * s.W * s.CI);
      const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO, -100, 100);
      if (rng() < 0.5) for (let i = 0; i < dy.length; i++) {
        const r = rng();
        if (r < 0.01) dy[i] = NaN;
        else if (r < 0.02) dy[i] = Infinity;
        else if (r < 0.03) dy[i] = -Infinity;
      }
      same(s, rng, dy, x);
    }
  });

  it('on a heap that cannot grow: the naive loops, the same bits', () => {
    const s = shapeOf([2, 20, 20, 8, 3, 3, 8, [1, 1], [1, 1], 'same']);
    const rng = mulberry32(1920);
    same(s, rng, randomArray(rng, 6400), randomArray(rng, 6400), createHeap({ maximumPages: 1 }), true);
  });

  it('the check rejects sums that skip the last row', () => {
    const s = shapeOf([2, 5, 5, 8, 3, 3, 8, [1, 1], [1, 1], 'same']);
    const rng = mulberry32(1921);
    const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
    const want = new Float32Array(8), got = new Float32Array(8);
    conv2dBackwardBias(want, dy, s);
    conv2dBackwardFilterBiasDirectSimd(new Float32Array(576), got, dy, randomArray(rng, 400), { ...s, OH: s.OH - 1 });
    expect(firstDifference(got, want)).not.toBe(-1);
  });
});
