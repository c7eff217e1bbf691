/**
 * The conv path's ops (conv2d, maxPool2d, avgPool2d): gradients against finite differences, values
 * and gradients against TensorFlow.js run live, and their shape errors. The kernels under them are
 * tested against their naive twins in test/kernels/.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { Rng, Tensor, conv2d, maxPool2d, avgPool2d, randomNormal, mul, sum, tensor, type Conv2dOptions } from '../../src/index.js';
import { expectClose, expectGradOk, shuffledRamp } from '../helpers.js';
import { loadTf, toTf, fromTf } from '../tf-peer.js';

/** y and its gradients for L = Σ y·r, via backward. */
function valueAndGrads(f: (...ts: Tensor[]) => Tensor, inputs: Tensor[], r: Tensor): { y: Tensor; grads: Tensor[] } {
  for (const t of inputs) {
    t.requiresGrad = true;
    t.grad = null;
  }
  const y = f(...inputs);
  sum(mul(y, r)).backward();
  return { y, grads: inputs.map((t) => t.grad as Tensor) };
}

describe('conv2d, maxPool2d, avgPool2d: gradCheck', () => {
  const convCases: Array<[string, number[], number[], Conv2dOptions]> = [
    ['valid, stride 1', [2, 5, 6, 3], [3, 3, 3, 4], {}],
    ['same, stride 1', [2, 5, 6, 3], [3, 3, 3, 4], { padding: 'same' }],
    ['valid, stride 2', [1, 7, 6, 2], [3, 2, 2, 3], { strides: 2 }],
    ['same, stride 2 (extra row/column bottom/right)', [2, 6, 5, 2], [2, 2, 2, 3], { padding: 'same', strides: 2 }],
    ['dilation 2', [1, 7, 7, 2], [3, 3, 2, 2], { dilation: 2 }],
    ['same, dilation 2, strides [2, 1]', [1, 6, 7, 1], [2, 3, 1, 2], { padding: 'same', dilation: 2, strides: [2, 1] }],
  ];
  for (const [label, xShape, wShape, options] of convCases) {
    it(`conv2d ${label}`, () => {
      const rng = new Rng(xShape.reduce((p, d) => p * 7 + d, 3));
      const x = randomNormal(xShape, rng);
      const w = randomNormal(wShape, rng);
      const b = randomNormal([wShape[3]], rng);
      expectGradOk((xx, ww, bb) => conv2d(xx, ww, { ...options, bias: bb }), [x, w, b], {}, label);
    });
  }

  it('conv2d with the fused ReLU (inputs kept away from the kink)', () => {
    const rng = new Rng(11);
    // A 1×1 conv with weight 1 and bias 0 passes the ramp through; the ReLU then sees values ≥ 0.05 from 0.
    const x = shuffledRamp([1, 4, 4, 2], rng, 0.1, -1.6);
    const w = tensor([[[[1, 0.5], [-0.5, 1]]]]);
    expectGradOk((xx, ww) => conv2d(xx, ww, { relu: true }), [x, w], { eps: 1e-3 }, 'conv2d+relu');
  });

  for (const padding of ['valid', 'same'] as const) {
    it(`maxPool2d ${padding}, 2×2 stride 2 and 3×3 stride 2 (no ties: a shuffled ramp)`, () => {
      const rng = new Rng(5);
      expectGradOk((x) => maxPool2d(x, { poolSize: 2, padding }), [shuffledRamp([2, 5, 5, 3], rng)], {}, padding);
      expectGradOk((x) => maxPool2d(x, { poolSize: 3, strides: 2, padding }), [shuffledRamp([1, 7, 6, 2], rng)], {}, padding);
    });

    it(`avgPool2d ${padding}, 2×2 and 3×2 windows, strides 2 and [3, 2]`, () => {
      const rng = new Rng(6);
      expectGradOk((x) => avgPool2d(x, { poolSize: 2, padding }), [randomNormal([2, 5, 5, 3], rng)], {}, padding);
      expectGradOk((x) => avgPool2d(x, { poolSize: [3, 2], strides: [3, 2], padding }), [randomNormal([1, 4, 3, 2], rng)], {}, padding);
    });
  }
});

describe('conv2d and pooling against TensorFlow.js', () => {
  let tf: typeof TF;
  beforeAll(async () => {
    tf = await loadTf();
  });

  /** tatami's y, dL/dx (and dL/dw) for L = Σ y·r beside tfjs's, for the same inputs and r. */
  function compare(
    label: string,
    ours: (...ts: Tensor[]) => Tensor,
    theirs: (...ts: TF.Tensor[]) => TF.Tensor,
    inputs: Tensor[],
    seed: number,
  ): void {
    const y0 = ours(...inputs.map((t) => t.detach()));
    const r = randomNormal(y0.shape, new Rng(seed));
    const { y, grads } = valueAndGrads(ours, inputs, r);
    const rTf = toTf(tf, r);
    const tfInputs = inputs.map((t) => toTf(tf, t));
    const tfGrads = tf.grads((...ts: TF.Tensor[]) => tf.sum(tf.mul(theirs(...ts), rTf)))(tfInputs);
    expectClose(y.data, fromTf(theirs(...tfInputs)).data, 1e-5, 1e-4, `${label}: output`);
    grads.forEach((g, i) => expectClose(g.data, fromTf(tfGrads[i]).data, 1e-4, 1e-4, `${label}: gradient of input ${i}`));
  }

  for (const padding of ['valid', 'same'] as const) {
    for (const stride of [1, 2] as const) {
      it(`conv2d ${padding}, stride ${stride}: output, dx, dw`, () => {
        const rng = new Rng(100 + stride);
        const x = randomNormal([2, 7, 6, 3], rng);
        const w = randomNormal([3, 2, 3, 4], rng);
        compare(
          `conv2d ${padding} ${stride}`,
          (xx, ww) => conv2d(xx, ww, { padding, strides: stride }),
          (xx, ww) => tf.conv2d(xx as TF.Tensor4D, ww as TF.Tensor4D, stride, padding),
          [x, w],
          200 + stride,
        );
      });

      it(`maxPool2d ${padding}, stride ${stride}: output and gradient`, () => {
        const x = shuffledRamp([2, 7, 6, 3], new Rng(300 + stride));
        compare(
          `maxPool2d ${padding} ${stride}`,
          (xx) => maxPool2d(xx, { poolSize: [3, 2], strides: stride, padding }),
          (xx) => tf.maxPool(xx as TF.Tensor4D, [3, 2], stride, padding),
          [x],
          400 + stride,
        );
      });

      it(`avgPool2d ${padding}, stride ${stride}: output${padding === 'valid' ? ' and gradient' : ''}`, () => {
        const x = randomNormal([2, 7, 6, 3], new Rng(500 + stride));
        const ours = (xx: Tensor): Tensor => avgPool2d(xx, { poolSize: [3, 2], strides: stride, padding });
        const theirs = (xx: TF.Tensor): TF.Tensor => tf.avgPool(xx as TF.Tensor4D, [3, 2], stride, padding);
        if (padding === 'valid') {
          compare(`avgPool2d valid ${stride}`, ours, theirs, [x], 600 + stride);
        } else {
          // Under 'same' tfjs's forward divides edge windows by their real cells (as we do), but its
          // gradient divides by the full window: there gradCheck is the judge (below), not tfjs.
          expectClose(ours(x).data, fromTf(theirs(toTf(tf, x))).data, 1e-5, 1e-4, 'avgPool2d same: output');
        }
      });
    }
  }

  it("avgPool2d 'same' gradient: finite differences agree with tatami, and tfjs's differs at the edge", () => {
    // The case: a 4×3 input, a 3×2 window, stride [3, 2], 'same'. Rows: OH = ⌈4/3⌉ = 2,
    // padding (2−1)·3 + 3 − 4 = 2 rows, 1 on top, so the first window spans rows −1..1: 2 real rows.
    // Columns: OW = ⌈3/2⌉ = 2, padding (2−1)·2 + 2 − 3 = 1 column, 0 on the left: columns 0..1.
    // The first window averages 2 × 2 = 4 real cells, so cell (0, 0) gets 1/4 of its gradient:
    // 0.250. tfjs divides by the full 3·2 = 6 window: 0.167.
    const x = randomNormal([1, 4, 3, 1], new Rng(7));
    const ones = (xx: Tensor): Tensor => avgPool2d(xx, { poolSize: [3, 2], strides: [3, 2], padding: 'same' });
    x.requiresGrad = true;
    sum(ones(x)).backward();
    expect(x.grad?.data[0]).toBeCloseTo(0.25, 6);
    expectGradOk(ones, [x.detach().clone()], {}, 'avgPool2d same');
    const g = tf.grad((xx: TF.Tensor) => tf.sum(tf.avgPool(xx as TF.Tensor4D, [3, 2], [3, 2], 'same')))(toTf(tf, x.detach()));
    expect(g.dataSync()[0]).toBeCloseTo(1 / 6, 5);
  });
});

describe('conv2d and pooling: shape errors name the op and the shapes', () => {
  it('conv2d', () => {
    const x = randomNormal([1, 5, 5, 3], new Rng(1));
    expect(() => conv2d(x, randomNormal([3, 3, 2, 4], new Rng(2)))).toThrow(/conv2d: input \[1, 5, 5, 3\] and filter \[3, 3, 2, 4\]: the filter expects 2 input channels, the input has 3/);
    expect(() => conv2d(randomNormal([5, 5, 3], new Rng(1)), randomNormal([3, 3, 3, 4], new Rng(2)))).toThrow(/conv2d: input must be 4-D NHWC/);
    expect(() => conv2d(x, randomNormal([7, 7, 3, 4], new Rng(2)))).toThrow(/conv2d: input \[1, 5, 5, 3\] and filter \[7, 7, 3, 4\]: kernel 7x7 \(dilation 1\) is larger than input 5x5/);
    expect(() => conv2d(x, randomNormal([3, 3, 3, 4], new Rng(2)), { bias: tensor([1, 2]) })).toThrow(/conv2d: bias has shape \[2\], expected \[4\]/);
  });

  it('maxPool2d and avgPool2d', () => {
    const x = randomNormal([1, 3, 3, 2], new Rng(1));
    expect(() => maxPool2d(x, { poolSize: 4 })).toThrow(/maxPool2d: input \[1, 3, 3, 2\]: window 4x4 is larger than input 3x3/);
    expect(() => avgPool2d(randomNormal([3, 3, 2], new Rng(1)), { poolSize: 2 })).toThrow(/avgPool2d: input must be 4-D NHWC/);
    expect(() => maxPool2d(x, { poolSize: 0 })).toThrow(/maxPool2d: poolSize must be positive integers/);
  });
});
