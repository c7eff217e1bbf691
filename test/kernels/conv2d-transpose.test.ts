import { describe, it, expect } from 'vitest';
import type { Padding } from '../../kernels/conv-shape.js';
import { conv2dForwardDirect, conv2dBackwardBias } from '../../kernels/conv2d.js';
import {
  conv2dTransposeShape, adjointConv2dShape, deconvOutputLength,
  conv2dTransposeForwardDirect, conv2dTransposeBackwardInputDirect, conv2dTransposeBackwardFilterDirect,
  type Conv2dTransposeShape,
} from '../../kernels/conv2d-transpose.js';
import {
  conv2dTransposeForwardIm2col, conv2dTransposeCols, conv2dTransposeBackwardInputIm2col, conv2dTransposeBackwardFilterIm2col,
} from '../../kernels/conv2d-transpose-im2col.js';
import { gemmBlocked } from '../../kernels/gemm.js';
import { gemmFast } from '../../kernels/gemm-fast.js';
import {
  compareArrays, dot, expectGradientsMatchDifferences, expectTwinsAgree, mulberry32, nanArray, randInt, randomArray, sumTolerance,
  type ConvKernels, type Rng,
} from './helpers.js';
import { expectSameNonFinite } from './non-finite.js';

/** [N, H, W, CI, KH, KW, CO, strides, dilation, padding, outputPadding], the arguments of conv2dTransposeShape. */
type Spec = [number, number, number, number, number, number, number, [number, number], [number, number], Padding, [number, number] | null];

const shapeOf = (spec: Spec): Conv2dTransposeShape => conv2dTransposeShape(...spec);
const label = (s: Conv2dTransposeShape): string =>
  `N=${s.N} H=${s.H} W=${s.W} CI=${s.CI} K=${s.KH}x${s.KW} CO=${s.CO} stride=${s.strideH},${s.strideW} ` +
  `dilation=${s.dilationH},${s.dilationW} pad=${s.padTop},${s.padLeft} out=${s.OH}x${s.OW}`;
const sizes = (s: Conv2dTransposeShape) => ({
  x: s.N * s.H * s.W * s.CI, w: s.KH * s.KW * s.CO * s.CI, y: s.N * s.OH * s.OW * s.CO, cols: s.N * s.H * s.W * s.KH * s.KW * s.CO,
});

/** The direct kernels on one shape. */
const direct = (s: Conv2dTransposeShape): ConvKernels => ({
  forward: (y, x, w, bias) => conv2dTransposeForwardDirect(y, x, w, bias, s),
  input: (dx, dy, w) => conv2dTransposeBackwardInputDirect(dx, dy, w, s),
  filter: (dw, dy, x) => conv2dTransposeBackwardFilterDirect(dw, dy, x, s),
});

describe('output sizes: Keras deconv_output_length, TensorFlow padding', () => {
  it('without outputPadding', () => {
    // H = 4, K = 3, stride 2: 'valid' 4·2 + max(3 − 2, 0) = 9; 'same' 4·2 = 8.
    expect(deconvOutputLength(4, 3, 2, 1, 'valid', null)).toBe(9);
    expect(deconvOutputLength(4, 3, 2, 1, 'same', null)).toBe(8);
    // stride 3 > K = 2: 'valid' 4·3 + 0 = 12 (the last row of each stride gets only the bias).
    expect(deconvOutputLength(4, 2, 3, 1, 'valid', null)).toBe(12);
    // dilation 2 makes K = 3 span 5: 'valid' 4·1 + 5 − 1 = 8.
    expect(deconvOutputLength(4, 3, 1, 2, 'valid', null)).toBe(8);
  });

  it('with outputPadding p: (H − 1)·s + K − 2·pad + p', () => {
    // 'same', K = 3 (pad 1), s = 2, p = 1: 3·2 + 3 − 2 + 1 = 8;  'valid' p = 1: 3·2 + 3 + 1 = 10.
    expect(deconvOutputLength(4, 3, 2, 1, 'same', 1)).toBe(8);
    expect(deconvOutputLength(4, 3, 2, 1, 'valid', 1)).toBe(10);
  });

  it("'same' pads like the conv2d from the output back to the input", () => {
    // OH = 8 from H = 4, K = 3, s = 2: conv2d 8 → 4 'same' pads (4 − 1)·2 + 3 − 8 = 1 in total, 0 on top.
    const s = shapeOf([1, 4, 5, 1, 3, 3, 1, [2, 2], [1, 1], 'same', null]);
    expect([s.OH, s.OW, s.padTop, s.padLeft]).toEqual([8, 10, 0, 0]);
    // K = 4, s = 2: total (4 − 1)·2 + 4 − 8 = 2, one on top.
    expect(shapeOf([1, 4, 4, 1, 4, 4, 1, [2, 2], [1, 1], 'same', null]).padTop).toBe(1);
  });

  it('errors name the op and the sizes', () => {
    expect(() => shapeOf([1, 4, 4, 1, 3, 3, 1, [2, 2], [1, 1], 'same', [2, 0]])).toThrow(/^conv2dTranspose: outputPadding must be integers in \[0, stride\)/);
    // An even kernel, 'same', outputPadding 0: (4 − 1)·2 + 2 − 2 + 0 = 6 convolves back to 3, not 4.
    expect(() => shapeOf([1, 4, 4, 1, 2, 2, 1, [2, 2], [1, 1], 'same', [0, 0]])).toThrow(/^conv2dTranspose: an output of 6x6 under 'same' padding does not convolve back to the input 4x4/);
  });
});

describe('conv2dTransposeForwardDirect, worked out by hand', () => {
  it('stride 2 stamps the kernel every other column; overlaps add', () => {
    // x = [1, 2] (one row), kernel 1×3 [1, 10, 100], stride 2, 'valid': OW = 2·2 + 1 = 5.
    // x[0] stamps [1, 10, 100] at columns 0..2, x[1] stamps [2, 20, 200] at 2..4: [1, 10, 102, 20, 200].
    const s = shapeOf([1, 1, 2, 1, 1, 3, 1, [1, 2], [1, 1], 'valid', null]);
    const y = nanArray(5);
    conv2dTransposeForwardDirect(y, Float32Array.from([1, 2]), Float32Array.from([1, 10, 100]), null, s);
    expect(Array.from(y)).toEqual([1, 10, 102, 20, 200]);
  });

  it("'same' stride 2 drops the first tap of the first pixel (padTop/padLeft = 1 for K = 4)", () => {
    // x = [1, 2], kernel [1, 10, 100, 1000], stride 2, 'same': OW = 4, padLeft = ((2 − 1)·2 + 4 − 4) / 2 = 1.
    // x[0] lands at columns −1..2: [10, 100, 1000] at 0..2; x[1] at 1..4: [2, 20, 200] at 1..3 (2000 dropped).
    const s = shapeOf([1, 1, 2, 1, 1, 4, 1, [1, 2], [1, 1], 'same', null]);
    const y = nanArray(4);
    conv2dTransposeForwardDirect(y, Float32Array.from([1, 2]), Float32Array.from([1, 10, 100, 1000]), Float32Array.from([0.5]), s);
    expect(Array.from(y)).toEqual([10.5, 102.5, 1020.5, 200.5]);
  });

  it('is the transpose of conv2d: <convT(x), v> = <x, conv2d(v)>', () => {
    const rng = mulberry32(5);
    const s = shapeOf([2, 3, 4, 3, 3, 2, 2, [2, 1], [1, 2], 'same', [1, 0]]);
    const n = sizes(s);
    const x = randomArray(rng, n.x);
    const w = randomArray(rng, n.w);
    const v = randomArray(rng, n.y);
    const y = nanArray(n.y);
    conv2dTransposeForwardDirect(y, x, w, null, s);
    const cv = nanArray(n.x);
    conv2dForwardDirect(cv, v, w, null, adjointConv2dShape(s));
    expect(Math.abs(dot(y, v) - dot(x, cv))).toBeLessThan(1e-4);
  });
});

describe('direct backward kernels match finite differences of the forward', () => {
  const specs: Spec[] = [
    [2, 3, 4, 2, 3, 2, 3, [2, 1], [1, 2], 'same', null],
    [1, 3, 3, 3, 2, 2, 2, [2, 2], [1, 1], 'valid', [1, 1]],
  ];
  for (const spec of specs) {
    const s = shapeOf(spec);
    it(label(s), () => {
      expectGradientsMatchDifferences(mulberry32(21), { ...sizes(s), CO: s.CO }, direct(s), (db, dy) => conv2dBackwardBias(db, dy, s), label(s));
    });
  }
});

/** The GEMMs the im2col kernels are given: the fast tables' SIMD one and tatami/infer's default JS one. */
const IM2COL_GEMMS = [{ name: 'gemmFast', gemm: gemmFast }, { name: 'gemmBlocked', gemm: gemmBlocked }] as const;

/** The im2col kernels, with each GEMM, against their direct twins on one shape; outputs NaN-filled, gradients prefilled. */
function checkIm2colAgainstDirect(rng: Rng, s: Conv2dTransposeShape): void {
  const n = sizes(s);
  // Both gradients read im2col(dy), laid out into NaN so a gap in it shows.
  const colsOf = (dy: Float32Array): Float32Array => conv2dTransposeCols(nanArray(n.cols), dy, s);
  for (const { name, gemm } of IM2COL_GEMMS) {
    const im2colKernels: ConvKernels = {
      forward: (y, x, w, bias) => conv2dTransposeForwardIm2col(y, x, w, bias, s, gemm),
      input: (dx, dy, w) => conv2dTransposeBackwardInputIm2col(dx, colsOf(dy), w, s, gemm),
      filter: (dw, dy, x) => conv2dTransposeBackwardFilterIm2col(dw, colsOf(dy), x, s, gemm),
    };
    expectTwinsAgree(rng, { ...n, CO: s.CO }, 0.7, direct(s), im2colKernels, {
      forward: s.KH * s.KW * s.CI, input: s.KH * s.KW * s.CO, filter: s.N * s.H * s.W,
    }, `${label(s)} ${name}`);
  }
}

describe('transposed-conv im2col kernels equal the direct reference', () => {
  it('on ~50 seeded random shapes', () => {
    const rng = mulberry32(61);
    let done = 0;
    while (done < 50) {
      const strides: [number, number] = [randInt(rng, 1, 3), randInt(rng, 1, 3)];
      const outputPadding: [number, number] | null = rng() < 0.3 ? [randInt(rng, 0, strides[0] - 1), randInt(rng, 0, strides[1] - 1)] : null;
      const spec: Spec = [
        randInt(rng, 1, 3), randInt(rng, 1, 6), randInt(rng, 1, 6), randInt(rng, 1, 5),
        randInt(rng, 1, 4), randInt(rng, 1, 4), randInt(rng, 1, 5),
        strides, [randInt(rng, 1, 2), randInt(rng, 1, 2)], rng() < 0.5 ? 'valid' : 'same', outputPadding,
      ];
      let s: Conv2dTransposeShape;
      try {
        s = shapeOf(spec);
      } catch {
        continue; // an even kernel under 'same' with outputPadding 0 has no such output: draw again
      }
      checkIm2colAgainstDirect(rng, s);
      done++;
    }
  });

  const awkward: [string, Spec][] = [
    ['N = C = 1', [1, 4, 4, 1, 3, 3, 1, [1, 1], [1, 1], 'valid', null]],
    ['1×1 kernel stride 1 (cols = dy)', [2, 4, 3, 3, 1, 1, 4, [1, 1], [1, 1], 'valid', null]],
    ['1×1 kernel stride 2', [2, 4, 3, 3, 1, 1, 4, [2, 2], [1, 1], 'same', null]],
    ['stride 3 > 2×2 kernel (gaps get only the bias)', [2, 3, 4, 2, 2, 2, 3, [3, 3], [1, 1], 'valid', null]],
    ["3×3 stride 2 'same' (U-Net's upsampler)", [2, 5, 4, 3, 3, 3, 2, [2, 2], [1, 1], 'same', null]],
    ["4×4 stride 2 'same' (DCGAN's)", [2, 4, 3, 3, 4, 4, 2, [2, 2], [1, 1], 'same', null]],
    ["3×3 stride 2 'same', outputPadding 1", [1, 3, 4, 2, 3, 3, 2, [2, 2], [1, 1], 'same', [1, 1]]],
    ["'valid' outputPadding [2, 0] with strides [3, 1]", [1, 3, 4, 2, 3, 2, 2, [3, 1], [1, 1], 'valid', [2, 0]]],
    ['dilation 2', [2, 4, 5, 2, 3, 3, 2, [1, 1], [2, 2], 'valid', null]],
    ["3×1 and 1×5 kernels 'same'", [1, 5, 4, 2, 3, 5, 2, [1, 2], [1, 1], 'same', null]],
  ];
  for (const [name, spec] of awkward) {
    it(name, () => {
      checkIm2colAgainstDirect(mulberry32(71), shapeOf(spec));
    });
  }

  it('propagates NaN and ±Infinity as the direct loops do', () => {
    const s = shapeOf([2, 4, 3, 3, 3, 3, 2, [2, 2], [1, 1], 'same', null]);
    const n = sizes(s);
    const rng = mulberry32(81);
    const x = randomArray(rng, n.x);
    x[5] = NaN;
    x[30] = Infinity;
    const w = randomArray(rng, n.w);
    const want = nanArray(n.y);
    conv2dTransposeForwardDirect(want, x, w, null, s);
    const dy = randomArray(rng, n.y);
    dy[9] = -Infinity;
    const dxWant = new Float32Array(n.x);
    conv2dTransposeBackwardInputDirect(dxWant, dy, w, s);
    for (const { name, gemm } of IM2COL_GEMMS) {
      const got = nanArray(n.y);
      conv2dTransposeForwardIm2col(got, x, w, null, s, gemm);
      expectSameNonFinite(got, want, sumTolerance(27), `forward with NaN/±Inf, ${name}`);
      const dxGot = new Float32Array(n.x);
      conv2dTransposeBackwardInputIm2col(dxGot, conv2dTransposeCols(nanArray(n.cols), dy, s), w, s, gemm);
      expectSameNonFinite(dxGot, dxWant, sumTolerance(18), `backward input with ±Inf, ${name}`);
    }
  });

  it('the comparison rejects a forward whose padding is off by one', () => {
    const s = shapeOf([1, 3, 3, 2, 3, 3, 2, [2, 2], [1, 1], 'same', null]);
    const rng = mulberry32(91);
    const n = sizes(s);
    const x = randomArray(rng, n.x);
    const w = randomArray(rng, n.w);
    const want = nanArray(n.y);
    conv2dTransposeForwardDirect(want, x, w, null, s);
    const wrong = nanArray(n.y);
    conv2dTransposeForwardIm2col(wrong, x, w, null, { ...s, padTop: s.padTop + 1 }, gemmFast);
    expect(compareArrays(wrong, want, sumTolerance(18)).ok).toBe(false);
  });
});
