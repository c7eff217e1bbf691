import { describe, it, expect } from 'vitest';
import { conv2dShape, type Conv2dShape, type Padding } from '../../kernels/conv-shape.js';
import {
  conv2dForwardDirect, conv2dBackwardInputDirect, conv2dBackwardFilterDirect, conv2dBackwardBias,
} from '../../kernels/conv2d.js';
import {
  im2col, col2im, im2colIsIdentity,
  conv2dForwardIm2col, conv2dBackwardInputIm2col, conv2dBackwardFilterIm2col,
} from '../../kernels/conv2d-im2col.js';
import { gemmBlocked, gemmBlockedBias } from '../../kernels/gemm.js';
import { gemmFast, gemmFastBias } from '../../kernels/gemm-fast.js';
import {
  compareArrays, dot, expectGradientsMatchDifferences, expectTwinsAgree, mulberry32, nanArray, randInt, randomArray, sumTolerance,
  type ConvKernels, type Rng,
} from './helpers.js';

/** [N, H, W, CI, KH, KW, CO, strides, dilation, padding], the arguments of conv2dShape. */
type Spec = [number, number, number, number, number, number, number, [number, number], [number, number], Padding];

const shapeOf = (spec: Spec): Conv2dShape => conv2dShape(...spec);
const label = (s: Conv2dShape): string =>
  `N=${s.N} H=${s.H} W=${s.W} CI=${s.CI} K=${s.KH}x${s.KW} CO=${s.CO} stride=${s.strideH},${s.strideW} ` +
  `dilation=${s.dilationH},${s.dilationW} pad=${s.padTop},${s.padLeft} out=${s.OH}x${s.OW}`;

const sizes = (s: Conv2dShape) => ({
  x: s.N * s.H * s.W * s.CI,
  w: s.KH * s.KW * s.CI * s.CO,
  y: s.N * s.OH * s.OW * s.CO,
  cols: s.N * s.OH * s.OW * s.KH * s.KW * s.CI,
});

/** The direct kernels on one shape. */
const direct = (s: Conv2dShape): ConvKernels => ({
  forward: (y, x, w, bias) => conv2dForwardDirect(y, x, w, bias, s),
  input: (dx, dy, w) => conv2dBackwardInputDirect(dx, dy, w, s),
  filter: (dw, dy, x) => conv2dBackwardFilterDirect(dw, dy, x, s),
});

/** Runs direct forward on plain arrays (for the hand-computed cases). */
function directForward(s: Conv2dShape, x: number[], w: number[], bias: number[] | null): number[] {
  const y = nanArray(sizes(s).y);
  conv2dForwardDirect(y, Float32Array.from(x), Float32Array.from(w), bias === null ? null : Float32Array.from(bias), s);
  return Array.from(y);
}

const X3 = [1, 2, 3, 4, 5, 6, 7, 8, 9]; // a 3×3 image, one channel: rows [1 2 3] [4 5 6] [7 8 9]
const W2 = [1, 2, 3, 4]; // a 2×2 kernel, rows [1 2] [3 4], CI = CO = 1

describe('conv2dForwardDirect, worked out by hand', () => {
  it("'valid' 2×2 kernel on a 3×3 image, with bias 0.5", () => {
    // y[0,0] = 1·1 + 2·2 + 4·3 + 5·4 = 37;  y[0,1] = 2·1 + 3·2 + 5·3 + 6·4 = 47
    // y[1,0] = 4·1 + 5·2 + 7·3 + 8·4 = 67;  y[1,1] = 5·1 + 6·2 + 8·3 + 9·4 = 77;  then + 0.5
    const s = shapeOf([1, 3, 3, 1, 2, 2, 1, [1, 1], [1, 1], 'valid']);
    expect(directForward(s, X3, W2, [0.5])).toEqual([37.5, 47.5, 67.5, 77.5]);
  });

  it("'same' 2×2 kernel pads only the bottom and right", () => {
    // Total padding 1, top/left 0, so the last row/column see zeros below/right:
    // y[0,2] = 3·1 + 6·3 = 21;  y[1,2] = 6·1 + 9·3 = 33
    // y[2,0] = 7·1 + 8·2 = 23;  y[2,1] = 8·1 + 9·2 = 26;  y[2,2] = 9·1 = 9
    const s = shapeOf([1, 3, 3, 1, 2, 2, 1, [1, 1], [1, 1], 'same']);
    expect(directForward(s, X3, W2, null)).toEqual([37, 47, 21, 67, 77, 33, 23, 26, 9]);
  });

  it("'same' 2×2 kernel with stride 2", () => {
    // OH = OW = ceil(3/2) = 2, total padding (2−1)·2 + 2 − 3 = 1 → bottom/right.
    // Windows start at rows/cols 0 and 2: y = [37, 3·1+6·3 = 21; 7·1+8·2 = 23, 9]
    const s = shapeOf([1, 3, 3, 1, 2, 2, 1, [2, 2], [1, 1], 'same']);
    expect(directForward(s, X3, W2, null)).toEqual([37, 21, 23, 9]);
  });

  it("'same' 3×3 kernel pads one cell on every side", () => {
    // All-ones kernel sums the 3×3 neighbourhood: corner (0,0) = 1+2+4+5 = 12,
    // edge (0,1) = 1+2+3+4+5+6 = 21, centre = 45, corner (2,2) = 5+6+8+9 = 28.
    const s = shapeOf([1, 3, 3, 1, 3, 3, 1, [1, 1], [1, 1], 'same']);
    expect(directForward(s, X3, new Array(9).fill(1), null)).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28]);
  });

  it('1×1 kernel mixes channels through w[ci, co] (HWIO)', () => {
    // Two pixels x = [1, 2] and [3, 4]; w = [[1, 10], [100, 1000]] (rows ci, columns co).
    // Pixel 0: [1·1 + 2·100, 1·10 + 2·1000] = [201, 2010]; pixel 1: [3 + 400, 30 + 4000] = [403, 4030].
    const s = shapeOf([1, 1, 2, 2, 1, 1, 2, [1, 1], [1, 1], 'valid']);
    expect(directForward(s, [1, 2, 3, 4], [1, 10, 100, 1000], null)).toEqual([201, 2010, 403, 4030]);
  });

  it('dilation 2 skips every other input', () => {
    // One row [1 2 3 4 5], kernel [1 10] with dilation 2 (taps 0 and 2): [1+30, 2+40, 3+50].
    const s = shapeOf([1, 1, 5, 1, 1, 2, 1, [1, 1], [1, 2], 'valid']);
    expect(directForward(s, [1, 2, 3, 4, 5], [1, 10], null)).toEqual([31, 42, 53]);
  });
});

describe('im2col, worked out by hand', () => {
  it("lays out each 2×2 window as a row, with zeros where 'same' pads", () => {
    const valid = shapeOf([1, 3, 3, 1, 2, 2, 1, [1, 1], [1, 1], 'valid']);
    const cols = nanArray(16);
    im2col(cols, Float32Array.from(X3), valid);
    expect(Array.from(cols)).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
    const same = shapeOf([1, 3, 3, 1, 2, 2, 1, [2, 2], [1, 1], 'same']);
    const cols2 = nanArray(16);
    im2col(cols2, Float32Array.from(X3), same);
    expect(Array.from(cols2)).toEqual([1, 2, 4, 5, 3, 0, 6, 0, 7, 8, 0, 0, 9, 0, 0, 0]);
  });

  it('col2im is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>', () => {
    const rng = mulberry32(11);
    const s = shapeOf([2, 5, 6, 3, 3, 2, 1, [2, 1], [1, 2], 'same']);
    const n = sizes(s);
    const x = randomArray(rng, n.x);
    const c = randomArray(rng, n.cols);
    const cols = nanArray(n.cols);
    im2col(cols, x, s);
    const dx = new Float32Array(n.x);
    col2im(dx, c, s);
    expect(Math.abs(dot(cols, c) - dot(x, dx))).toBeLessThan(1e-4);
  });
});

describe('conv2dBackwardBias', () => {
  it('adds the per-channel sum of dy onto db', () => {
    // dy has 3 pixels × 2 channels: [1, 10], [2, 20], [3, 30] → sums [6, 60], added onto [0.5, -1].
    const s = shapeOf([1, 1, 3, 1, 1, 1, 2, [1, 1], [1, 1], 'valid']);
    const db = Float32Array.from([0.5, -1]);
    conv2dBackwardBias(db, Float32Array.from([1, 10, 2, 20, 3, 30]), s);
    expect(Array.from(db)).toEqual([6.5, 59]);
  });
});

describe('direct backward kernels match finite differences of the forward', () => {
  const specs: Spec[] = [
    [2, 4, 5, 2, 3, 2, 3, [2, 1], [1, 2], 'same'],
    [1, 5, 4, 3, 2, 2, 2, [1, 2], [1, 1], 'valid'],
  ];
  for (const spec of specs) {
    const s = shapeOf(spec);
    it(label(s), () => {
      expectGradientsMatchDifferences(mulberry32(21), { ...sizes(s), CO: s.CO }, direct(s), (db, dy) => conv2dBackwardBias(db, dy, s), label(s));
    });
  }
});

/** The GEMMs the im2col kernels are given: the fast tables' SIMD one and tatami/infer's default JS one. */
const IM2COL_GEMMS = [
  { name: 'gemmFast', gemm: gemmFast, gemmBias: gemmFastBias },
  { name: 'gemmBlocked', gemm: gemmBlocked, gemmBias: gemmBlockedBias },
] as const;

/** Every im2col kernel, with each GEMM, against its direct twin on one shape; outputs NaN-filled, gradients prefilled. */
function checkIm2colAgainstDirect(rng: Rng, s: Conv2dShape, passXAsCols = false): void {
  const n = sizes(s);
  for (const { name, gemm, gemmBias } of IM2COL_GEMMS) {
    // The filter gradient reads the cols the forward left behind.
    let cols: Float32Array = new Float32Array(0);
    const im2colKernels: ConvKernels = {
      forward: (y, x, w, bias) => {
        cols = passXAsCols ? x : nanArray(n.cols);
        conv2dForwardIm2col(y, x, w, bias, s, cols, gemmBias);
      },
      input: (dx, dy, w) => conv2dBackwardInputIm2col(dx, dy, w, s, gemm),
      filter: (dw, dy) => conv2dBackwardFilterIm2col(dw, dy, cols, s, gemm),
    };
    // Sums over KH·KW·CI terms (forward), KH·KW·CO (input), N·OH·OW (filter).
    expectTwinsAgree(rng, { ...n, CO: s.CO }, 0.8, direct(s), im2colKernels, {
      forward: s.KH * s.KW * s.CI, input: s.KH * s.KW * s.CO, filter: s.N * s.OH * s.OW,
    }, `${label(s)} ${name}`);
  }
}

describe('im2col kernels equal the direct reference', () => {
  it('on ~50 seeded random shapes', () => {
    const rng = mulberry32(31);
    let done = 0;
    while (done < 50) {
      const padding: Padding = rng() < 0.5 ? 'valid' : 'same';
      const spec: Spec = [
        randInt(rng, 1, 3), randInt(rng, 1, 9), randInt(rng, 1, 9), randInt(rng, 1, 5),
        randInt(rng, 1, 4), randInt(rng, 1, 4), randInt(rng, 1, 6),
        [randInt(rng, 1, 3), randInt(rng, 1, 3)], [randInt(rng, 1, 2), randInt(rng, 1, 2)], padding,
      ];
      let s: Conv2dShape;
      try {
        s = shapeOf(spec);
      } catch {
        continue; // kernel larger than the input under 'valid': draw again
      }
      checkIm2colAgainstDirect(rng, s);
      done++;
    }
  });

  const awkward: [string, Spec][] = [
    ['N = C = 1', [1, 5, 5, 1, 3, 3, 1, [1, 1], [1, 1], 'valid']],
    ['1×1 stride 1 (cols = x)', [2, 6, 7, 3, 1, 1, 4, [1, 1], [1, 1], 'valid']],
    ["1×1 stride 1 'same' (cols = x)", [2, 6, 7, 3, 1, 1, 4, [1, 1], [1, 1], 'same']],
    ['1×1 stride 2', [2, 7, 7, 3, 1, 1, 4, [2, 2], [1, 1], 'valid']],
    ["3×1 'same'", [2, 6, 5, 2, 3, 1, 3, [1, 1], [1, 1], 'same']],
    ['1×5 valid', [1, 4, 9, 2, 1, 5, 2, [1, 1], [1, 1], 'valid']],
    ["1×5 'same'", [1, 4, 9, 2, 1, 5, 2, [1, 1], [1, 1], 'same']],
    ['stride 3 > 2×2 kernel', [2, 9, 9, 2, 2, 2, 3, [3, 3], [1, 1], 'valid']],
    ["stride 3×2 > 1×1 kernel 'same'", [1, 8, 8, 2, 1, 1, 2, [3, 2], [1, 1], 'same']],
    ['dilation 2 valid', [2, 9, 8, 2, 3, 3, 2, [1, 1], [2, 2], 'valid']],
    ["dilation 2 'same'", [2, 9, 8, 2, 3, 3, 2, [1, 1], [2, 2], 'same']],
    ["even 2×2 'same'", [2, 6, 7, 2, 2, 2, 3, [1, 1], [1, 1], 'same']],
    ["even 4×4 'same' stride 2", [2, 7, 6, 2, 4, 4, 3, [2, 2], [1, 1], 'same']],
    ["odd 3×3 'same' stride 2", [2, 7, 6, 2, 3, 3, 3, [2, 2], [1, 1], 'same']],
    ["5×5 'same' stride 2, one channel", [1, 7, 7, 1, 5, 5, 2, [2, 2], [1, 1], 'same']],
    ['first layer in miniature (K = 9, M > 128)', [4, 28, 28, 1, 3, 3, 16, [1, 1], [1, 1], 'valid']],
    ['K = 270 > one GEMM block, dcols in two chunks', [2, 24, 24, 30, 3, 3, 5, [1, 1], [1, 1], 'same']],
  ];
  for (const [name, spec] of awkward) {
    it(name, () => {
      checkIm2colAgainstDirect(mulberry32(41), shapeOf(spec));
    });
  }

  it('accepts x itself as cols for a pointwise conv', () => {
    const s = shapeOf([2, 5, 3, 4, 1, 1, 3, [1, 1], [1, 1], 'valid']);
    expect(im2colIsIdentity(s)).toBe(true);
    expect(im2colIsIdentity(shapeOf([2, 5, 3, 4, 1, 1, 3, [2, 1], [1, 1], 'valid']))).toBe(false);
    checkIm2colAgainstDirect(mulberry32(42), s, true);
  });
});

describe('the closeness check', () => {
  it('rejects a convolution whose padding is off by one', () => {
    const rng = mulberry32(51);
    const s = shapeOf([1, 6, 6, 2, 3, 3, 2, [1, 1], [1, 1], 'same']);
    const n = sizes(s);
    const x = randomArray(rng, n.x);
    const w = randomArray(rng, n.w);
    const want = nanArray(n.y);
    conv2dForwardDirect(want, x, w, null, s);
    const wrong = nanArray(n.y);
    conv2dForwardDirect(wrong, x, w, null, { ...s, padTop: s.padTop + 1 });
    const r = compareArrays(wrong, want, sumTolerance(18));
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/first:\n {2}\[0\]/);
  });
});
