/**
 * conv1d: worked by hand, gradients against finite differences, values and gradients against
 * TensorFlow.js's tf.conv1d run live ('causal' against tf.pad of the start + tf.conv1d), and its
 * errors.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { Rng, randomNormal, tensor, conv1d, type Conv1dOptions } from '../../src/index.js';
import { expectClose, expectGradOk } from '../helpers.js';
import { loadTf } from '../tf-peer.js';
import { compareOpWithTf } from './tf-compare.js';

describe('conv1d by hand', () => {
  it("'causal' pads the start only: y[t] = w0·x[t − 1] + w1·x[t]", () => {
    // x = [1, 2, 3, 4], w = [10, 1] (K = 2): with one zero before the start,
    // y = [10·0 + 1, 10·1 + 2, 10·2 + 3, 10·3 + 4] = [1, 12, 23, 34].
    const y = conv1d(tensor([1, 2, 3, 4], [1, 4, 1]), tensor([10, 1], [2, 1, 1]), { padding: 'causal' });
    expect(y.shape).toEqual([1, 4, 1]);
    expectClose(y, [1, 12, 23, 34], 0);
    // Dilation 2: two zeros before the start, y[t] = 10·x[t − 2] + x[t] = [1, 2, 13, 24].
    expectClose(conv1d(tensor([1, 2, 3, 4], [1, 4, 1]), tensor([10, 1], [2, 1, 1]), { padding: 'causal', dilation: 2 }), [1, 2, 13, 24], 0);
  });
});

describe('conv1d: gradCheck', () => {
  const cases: Array<[string, number[], number[], Conv1dOptions]> = [
    ['valid', [2, 7, 3], [3, 3, 4], {}],
    ["'same', stride 2", [2, 7, 2], [4, 2, 3], { padding: 'same', stride: 2 }],
    ["'causal', dilation 2", [2, 6, 2], [3, 2, 2], { padding: 'causal', dilation: 2 }],
  ];
  for (const [label, xShape, wShape, options] of cases) {
    it(label, () => {
      const rng = new Rng(xShape.reduce((p, d) => p * 7 + d, 13));
      const x = randomNormal(xShape, rng);
      const w = randomNormal(wShape, rng);
      const b = randomNormal([wShape[2]], rng);
      expectGradOk((xx, ww, bb) => conv1d(xx, ww, { ...options, bias: bb }), [x, w, b], {}, label);
    });
  }
});

describe('conv1d against TensorFlow.js', () => {
  let tf: typeof TF;
  beforeAll(async () => {
    tf = await loadTf();
  });

  for (const [label, options] of [
    ['valid', {}], ["'same'", { padding: 'same' }], ['valid, stride 2', { stride: 2 }], ["'same', stride 3", { padding: 'same', stride: 3 }],
  ] as Array<[string, Conv1dOptions]>) {
    it(`${label}: output, dx, dw`, () => {
      const rng = new Rng(label.length);
      const x = randomNormal([2, 9, 3], rng);
      const w = randomNormal([3, 3, 4], rng);
      compareOpWithTf(
        tf, `conv1d ${label}`,
        (xx, ww) => conv1d(xx, ww, options),
        (xx, ww) => tf.conv1d(xx as TF.Tensor3D, ww as TF.Tensor3D, options.stride ?? 1, (options.padding ?? 'valid') as 'valid' | 'same'),
        [x, w], 40 + label.length,
      );
    });
  }


  it("'causal' equals tf.conv1d after padding (K − 1)·d zeros before the start (gradients: dilation 1 only in tfjs)", () => {
    const rng = new Rng(77);
    const x = randomNormal([2, 8, 3], rng);
    const w = randomNormal([3, 3, 2], rng);
    for (const dilation of [1, 2]) {
      compareOpWithTf(
        tf, `conv1d causal dilation ${dilation}`,
        (xx, ww) => conv1d(xx, ww, { padding: 'causal', dilation }),
        (xx, ww) => tf.conv1d(tf.pad(xx, [[0, 0], [2 * dilation, 0], [0, 0]]) as TF.Tensor3D, ww as TF.Tensor3D, 1, 'valid', 'NWC', dilation),
        [x, w], 78, { gradients: dilation === 1 },
      );
    }
  });
});

describe('conv1d: errors name the op and the shapes', () => {
  it('rank, channels, padding, kernel too long', () => {
    const x = randomNormal([1, 5, 3], new Rng(1));
    expect(() => conv1d(x, randomNormal([2, 2, 4], new Rng(2)))).toThrow(/conv1d: input \[1, 5, 3\] and filter \[2, 2, 4\]: the filter expects 2 input channels, the input has 3/);
    expect(() => conv1d(randomNormal([5, 3], new Rng(1)), randomNormal([2, 3, 4], new Rng(2)))).toThrow(/conv1d: input must be 3-D/);
    expect(() => conv1d(x, randomNormal([2, 3, 4], new Rng(2)), { padding: 'full' as 'same' })).toThrow(/conv1d: padding must be 'valid', 'same' or 'causal'/);
    expect(() => conv1d(x, randomNormal([7, 3, 4], new Rng(2)))).toThrow(/conv1d: input \[1, 5, 3\] and filter \[7, 3, 4\]: kernel 1x7/);
  });
});
