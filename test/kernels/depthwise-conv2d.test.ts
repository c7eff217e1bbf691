import { describe, it, expect } from 'vitest';
import type { Padding } from '../../kernels/conv-shape.js';
import { conv2dBackwardBias } from '../../kernels/conv2d.js';
import {
  depthwiseConv2dShape, depthwiseConv2dForwardDirect, depthwiseConv2dBackwardInputDirect, depthwiseConv2dBackwardFilterDirect,
  type DepthwiseConv2dShape,
} from '../../kernels/depthwise-conv2d.js';
import {
  depthwiseConv2dForwardRows, depthwiseConv2dBackwardInputRows, depthwiseConv2dBackwardFilterRows,
} from '../../kernels/depthwise-conv2d-rows.js';
import {
  compareArrays, expectClose, mulberry32, nanArray, numericGradient, randInt, randomArray, sumTolerance, type Rng,
} from './helpers.js';
import { expectSameNonFinite } from './non-finite.js';

/** [N, H, W, CI, KH, KW, M, strides, dilation, padding], the arguments of depthwiseConv2dShape. */
type Spec = [number, number, number, number, number, number, number, [number, number], [number, number], Padding];

const shapeOf = (spec: Spec): DepthwiseConv2dShape => depthwiseConv2dShape(...spec);
const label = (s: DepthwiseConv2dShape): string =>
  `N=${s.N} H=${s.H} W=${s.W} CI=${s.CI} M=${s.M} K=${s.KH}x${s.KW} stride=${s.strideH},${s.strideW} ` +
  `dilation=${s.dilationH},${s.dilationW} pad=${s.padTop},${s.padLeft} out=${s.OH}x${s.OW}`;
const sizes = (s: DepthwiseConv2dShape) => ({ x: s.N * s.H * s.W * s.CI, w: s.KH * s.KW * s.CI * s.M, y: s.N * s.OH * s.OW * s.CO });

describe('depthwiseConv2dForwardDirect, worked out by hand', () => {
  it('two channels never mix; M = 2 gives each channel two filters', () => {
    // x is 1×2×2 with channels (a, b): pixels (1, 10) (2, 20) (3, 30) (4, 40); kernel 2×2 'valid' → one pixel.
    // w[kh,kw,ci,m]: channel a's filters are [1, 1, 1, 1] (m = 0) and [1, 0, 0, 0] (m = 1);
    // channel b's are [0, 0, 0, 1] and [1, −1, 1, −1].
    // y = [a: 1+2+3+4 = 10, a·[1,0,0,0] = 1, b: 40, 10 − 20 + 30 − 40 = −20] + bias [0.5, 0, 0, 1].
    const s = shapeOf([1, 2, 2, 2, 2, 2, 2, [1, 1], [1, 1], 'valid']);
    const x = Float32Array.from([1, 10, 2, 20, 3, 30, 4, 40]);
    // Laid out [kh, kw, ci, m]: tap (0,0): a → [1, 1], b → [0, 1]; (0,1): [1, 0], [0, −1]; (1,0): [1, 0], [0, 1]; (1,1): [1, 0], [1, −1].
    const w = Float32Array.from([1, 1, 0, 1, 1, 0, 0, -1, 1, 0, 0, 1, 1, 0, 1, -1]);
    const y = nanArray(4);
    depthwiseConv2dForwardDirect(y, x, w, Float32Array.from([0.5, 0, 0, 1]), s);
    expect(Array.from(y)).toEqual([10.5, 1, 40, -19]);
  });

  it("'same' 3×3 on one channel sums each neighbourhood, like conv2d", () => {
    // An all-ones kernel on [1..9]: corner (0,0) = 1+2+4+5 = 12, centre = 45, corner (2,2) = 5+6+8+9 = 28.
    const s = shapeOf([1, 3, 3, 1, 3, 3, 1, [1, 1], [1, 1], 'same']);
    const y = nanArray(9);
    depthwiseConv2dForwardDirect(y, Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), new Float32Array(9).fill(1), null, s);
    expect(Array.from(y)).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28]);
  });

  it('shape errors name the op', () => {
    expect(() => shapeOf([1, 2, 2, 1, 3, 3, 1, [1, 1], [1, 1], 'valid'])).toThrow(/^depthwiseConv2d: kernel 3x3/);
    expect(() => shapeOf([1, 4, 4, 1, 3, 3, 0, [1, 1], [1, 1], 'valid'])).toThrow(/^depthwiseConv2d: depth multiplier/);
  });
});

describe('direct backward kernels match finite differences of the forward', () => {
  const specs: Spec[] = [
    [2, 4, 5, 2, 3, 2, 2, [2, 1], [1, 2], 'same'],
    [1, 5, 4, 3, 2, 2, 1, [1, 2], [1, 1], 'valid'],
  ];
  for (const spec of specs) {
    const s = shapeOf(spec);
    it(label(s), () => {
      const rng = mulberry32(21);
      const n = sizes(s);
      const x = randomArray(rng, n.x);
      const w = randomArray(rng, n.w);
      const b = randomArray(rng, s.CO);
      const r = randomArray(rng, n.y); // L = Σ y·r, so dL/dy = r
      const y = new Float32Array(n.y);
      const forward = (): Float32Array => {
        depthwiseConv2dForwardDirect(y, x, w, b, s);
        return y;
      };
      const tol = { atol: 2e-3, rtol: 2e-3 };
      const dx = new Float32Array(n.x);
      depthwiseConv2dBackwardInputDirect(dx, r, w, s);
      expectClose(dx, numericGradient(x, r, forward), tol, `dx ${label(s)}`);
      const dw = new Float32Array(n.w);
      depthwiseConv2dBackwardFilterDirect(dw, r, x, s);
      expectClose(dw, numericGradient(w, r, forward), tol, `dw ${label(s)}`);
      const db = new Float32Array(s.CO);
      conv2dBackwardBias(db, r, s);
      expectClose(db, numericGradient(b, r, forward), tol, `db ${label(s)}`);
    });
  }
});

/** The rows kernels against their direct twins on one shape; outputs NaN-filled, gradients prefilled. */
function checkRowsAgainstDirect(rng: Rng, s: DepthwiseConv2dShape): void {
  const n = sizes(s);
  const x = randomArray(rng, n.x);
  const w = randomArray(rng, n.w);
  const bias = rng() < 0.7 ? randomArray(rng, s.CO) : null;
  const want = nanArray(n.y);
  depthwiseConv2dForwardDirect(want, x, w, bias, s);
  const got = nanArray(n.y);
  depthwiseConv2dForwardRows(got, x, w, bias, s);
  expectClose(got, want, sumTolerance(s.KH * s.KW), `forward ${label(s)}`);

  const dy = randomArray(rng, n.y);
  const dxStart = randomArray(rng, n.x);
  const dxWant = dxStart.slice();
  depthwiseConv2dBackwardInputDirect(dxWant, dy, w, s);
  const dxGot = dxStart.slice();
  depthwiseConv2dBackwardInputRows(dxGot, dy, w, s);
  expectClose(dxGot, dxWant, sumTolerance(s.KH * s.KW * s.M), `backward input ${label(s)}`);

  const dwStart = randomArray(rng, n.w);
  const dwWant = dwStart.slice();
  depthwiseConv2dBackwardFilterDirect(dwWant, dy, x, s);
  const dwGot = dwStart.slice();
  depthwiseConv2dBackwardFilterRows(dwGot, dy, x, s);
  expectClose(dwGot, dwWant, sumTolerance(s.N * s.OH * s.OW), `backward filter ${label(s)}`);
}

describe('depthwise rows kernels equal the direct reference', () => {
  it('on ~50 seeded random shapes', () => {
    const rng = mulberry32(61);
    let done = 0;
    while (done < 50) {
      const spec: Spec = [
        randInt(rng, 1, 3), randInt(rng, 1, 9), randInt(rng, 1, 9), randInt(rng, 1, 6),
        randInt(rng, 1, 4), randInt(rng, 1, 4), randInt(rng, 1, 3),
        [randInt(rng, 1, 3), randInt(rng, 1, 3)], [randInt(rng, 1, 2), randInt(rng, 1, 2)], rng() < 0.5 ? 'valid' : 'same',
      ];
      let s: DepthwiseConv2dShape;
      try {
        s = shapeOf(spec);
      } catch {
        continue; // kernel larger than the input under 'valid': draw again
      }
      checkRowsAgainstDirect(rng, s);
      done++;
    }
  });

  const awkward: [string, Spec][] = [
    ['N = C = 1', [1, 5, 5, 1, 3, 3, 1, [1, 1], [1, 1], 'valid']],
    ['1×1 kernel', [2, 4, 3, 5, 1, 1, 1, [1, 1], [1, 1], 'valid']],
    ['1×1 kernel, M = 3', [2, 4, 3, 5, 1, 1, 3, [1, 1], [1, 1], 'same']],
    ['stride 3 > 2×2 kernel', [2, 9, 8, 3, 2, 2, 1, [3, 3], [1, 1], 'valid']],
    ["stride 3×2 > 1×1 kernel 'same'", [1, 8, 7, 2, 1, 1, 2, [3, 2], [1, 1], 'same']],
    ["3×1 'same'", [2, 6, 5, 4, 3, 1, 1, [1, 1], [1, 1], 'same']],
    ["1×5 'same', M = 2", [1, 4, 9, 3, 1, 5, 2, [1, 1], [1, 1], 'same']],
    ['dilation 2 valid, M = 2', [2, 9, 8, 3, 3, 3, 2, [1, 1], [2, 2], 'valid']],
    ["dilation 3×2 'same'", [2, 9, 8, 3, 3, 3, 1, [1, 1], [3, 2], 'same']],
    ["even 4×4 'same' stride 2", [2, 7, 6, 3, 4, 4, 1, [2, 2], [1, 1], 'same']],
    ["odd sizes 'same' stride 2, M = 4", [3, 7, 5, 5, 3, 3, 4, [2, 2], [1, 1], 'same']],
    ['MobileNet block in miniature (32 channels)', [2, 14, 14, 32, 3, 3, 1, [1, 1], [1, 1], 'same']],
    ['kernel as large as the image', [2, 5, 5, 3, 5, 5, 1, [1, 1], [1, 1], 'valid']],
    ["kernel larger than the image under 'same'", [1, 2, 3, 2, 5, 5, 2, [1, 1], [1, 1], 'same']],
  ];
  for (const [name, spec] of awkward) {
    it(name, () => {
      checkRowsAgainstDirect(mulberry32(71), shapeOf(spec));
    });
  }

  it('propagates NaN and ±Infinity from the input as the direct loops do', () => {
    const s = shapeOf([2, 6, 5, 3, 3, 3, 2, [1, 1], [1, 1], 'same']);
    const n = sizes(s);
    const rng = mulberry32(81);
    const x = randomArray(rng, n.x);
    x[7] = NaN;
    x[40] = Infinity;
    x[101] = -Infinity;
    const w = randomArray(rng, n.w);
    const want = nanArray(n.y);
    depthwiseConv2dForwardDirect(want, x, w, null, s);
    const got = nanArray(n.y);
    depthwiseConv2dForwardRows(got, x, w, null, s);
    expectSameNonFinite(got, want, sumTolerance(9), 'forward with NaN/±Inf');
    const dy = randomArray(rng, n.y);
    dy[3] = Infinity;
    dy[60] = NaN;
    const dxWant = new Float32Array(n.x);
    depthwiseConv2dBackwardInputDirect(dxWant, dy, w, s);
    const dxGot = new Float32Array(n.x);
    depthwiseConv2dBackwardInputRows(dxGot, dy, w, s);
    expectSameNonFinite(dxGot, dxWant, sumTolerance(18), 'backward input with NaN/±Inf');
    const dwWant = new Float32Array(n.w);
    depthwiseConv2dBackwardFilterDirect(dwWant, dy, x, s);
    const dwGot = new Float32Array(n.w);
    depthwiseConv2dBackwardFilterRows(dwGot, dy, x, s);
    expectSameNonFinite(dwGot, dwWant, sumTolerance(s.N * s.OH * s.OW), 'backward filter with NaN/±Inf');
  });

  it('the comparison rejects a rows kernel that drops the last tap', () => {
    const s = shapeOf([1, 6, 6, 2, 3, 3, 1, [1, 1], [1, 1], 'same']);
    const rng = mulberry32(91);
    const n = sizes(s);
    const x = randomArray(rng, n.x);
    const w = randomArray(rng, n.w);
    const want = nanArray(n.y);
    depthwiseConv2dForwardDirect(want, x, w, null, s);
    const wrong = nanArray(n.y);
    depthwiseConv2dForwardRows(wrong, x, w, null, { ...s, KW: 2 });
    expect(compareArrays(wrong, want, sumTolerance(9)).ok).toBe(false);
  });
});
