/**
 * depthwiseConv2d: gradients against finite differences, values and gradients against TensorFlow.js
 * run live, and its shape errors. The kernels under it are tested against their naive twins in
 * test/kernels/depthwise-conv2d.test.ts.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { Rng, randomNormal, tensor, depthwiseConv2d, type DepthwiseConv2dOptions } from '../../src/index.js';
import { expectGradOk } from '../helpers.js';
import { loadTf } from '../tf-peer.js';
import { compareOpWithTf } from './tf-compare.js';

describe('depthwiseConv2d: gradCheck', () => {
  const cases: Array<[string, number[], number[], DepthwiseConv2dOptions]> = [
    ['valid, stride 1, M = 1', [2, 5, 6, 3], [3, 3, 3, 1], {}],
    ['same, stride 1, M = 2', [2, 5, 6, 3], [3, 3, 3, 2], { padding: 'same' }],
    ['same, stride 2 (extra row/column bottom/right), M = 3', [2, 6, 5, 2], [2, 2, 2, 3], { padding: 'same', strides: 2 }],
    ['valid, stride 3 > kernel 2', [1, 8, 7, 2], [2, 2, 2, 1], { strides: 3 }],
    ['dilation 2, strides [2, 1]', [1, 7, 7, 2], [3, 2, 2, 2], { dilation: 2, strides: [2, 1], padding: 'same' }],
    // CI·M a multiple of 4: the WebAssembly SIMD kernels (the cases above run the channel-rows ones).
    ["SIMD path: 4 channels, M = 1, 'same' stride 2", [2, 6, 5, 4], [3, 3, 4, 1], { padding: 'same', strides: 2 }],
    ['SIMD path: 2 channels, M = 2, valid', [2, 5, 6, 2], [3, 2, 2, 2], {}],
  ];
  for (const [label, xShape, wShape, options] of cases) {
    it(label, () => {
      const rng = new Rng(xShape.reduce((p, d) => p * 7 + d, 5));
      const x = randomNormal(xShape, rng);
      const w = randomNormal(wShape, rng);
      const b = randomNormal([wShape[2] * wShape[3]], rng);
      expectGradOk((xx, ww, bb) => depthwiseConv2d(xx, ww, { ...options, bias: bb }), [x, w, b], {}, label);
    });
  }
});

describe('depthwiseConv2d against TensorFlow.js', () => {
  let tf: typeof TF;
  beforeAll(async () => {
    tf = await loadTf();
  });

  for (const padding of ['valid', 'same'] as const) {
    // C·M = 3 runs the channel-rows kernels, 8 and 12 the SIMD ones.
    for (const [stride, C, M] of [[1, 3, 1], [2, 3, 2], [3, 3, 1], [1, 8, 1], [2, 3, 4]] as const) {
      it(`${padding}, stride ${stride}, C = ${C}, M = ${M}: output, dx, dw`, () => {
        const rng = new Rng(10 * stride + M + C);
        const x = randomNormal([2, 7, 6, C], rng);
        const w = randomNormal([3, 2, C, M], rng);
        compareOpWithTf(
          tf, `depthwiseConv2d ${padding} s${stride} C${C} M${M}`,
          (xx, ww) => depthwiseConv2d(xx, ww, { padding, strides: stride }),
          (xx, ww) => tf.depthwiseConv2d(xx as TF.Tensor4D, ww as TF.Tensor4D, stride, padding),
          [x, w], 20 + stride,
        );
      });
    }
  }

  it("dilation 2 'same': output (tfjs allows dilation only with stride 1 and has no gradient for it; gradCheck covers it)", () => {
    const rng = new Rng(33);
    const x = randomNormal([2, 8, 7, 2], rng);
    const w = randomNormal([3, 3, 2, 2], rng);
    compareOpWithTf(
      tf, 'depthwiseConv2d dilation 2',
      (xx, ww) => depthwiseConv2d(xx, ww, { padding: 'same', dilation: 2 }),
      (xx, ww) => tf.depthwiseConv2d(xx as TF.Tensor4D, ww as TF.Tensor4D, 1, 'same', 'NHWC', 2),
      [x, w], 34, { gradients: false },
    );
  });
});

describe('depthwiseConv2d: shape errors name the op and the shapes', () => {
  it('channels, rank, kernel size and bias', () => {
    const x = randomNormal([1, 5, 5, 3], new Rng(1));
    expect(() => depthwiseConv2d(x, randomNormal([3, 3, 2, 1], new Rng(2)))).toThrow(/depthwiseConv2d: input \[1, 5, 5, 3\] and filter \[3, 3, 2, 1\]: the filter expects 2 input channels, the input has 3/);
    expect(() => depthwiseConv2d(randomNormal([5, 5, 3], new Rng(1)), randomNormal([3, 3, 3, 1], new Rng(2)))).toThrow(/depthwiseConv2d: input must be 4-D NHWC/);
    expect(() => depthwiseConv2d(x, randomNormal([7, 7, 3, 1], new Rng(2)))).toThrow(/depthwiseConv2d: input \[1, 5, 5, 3\] and filter \[7, 7, 3, 1\]: kernel 7x7 \(dilation 1\) is larger than input 5x5/);
    expect(() => depthwiseConv2d(x, randomNormal([3, 3, 3, 2], new Rng(2)), { bias: tensor([1, 2, 3]) })).toThrow(/depthwiseConv2d: bias has shape \[3\], expected \[6\]/);
  });
});
