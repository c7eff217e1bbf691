/**
 * conv2dTranspose: gradients against finite differences, values and gradients against TensorFlow.js
 * run live (tf.conv2dTranspose given Keras's output shape), and its shape errors. The kernels under
 * it are tested against their naive twins in test/kernels/conv2d-transpose.test.ts.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { Rng, randomNormal, tensor, conv2dTranspose, type Conv2dTransposeOptions } from '../../src/index.js';
import { expectGradOk } from '../helpers.js';
import { loadTf } from '../tf-peer.js';
import { compareOpWithTf } from './tf-compare.js';

describe('conv2dTranspose: gradCheck', () => {
  const cases: Array<[string, number[], number[], Conv2dTransposeOptions]> = [
    ['valid, stride 1', [2, 3, 4, 3], [3, 3, 2, 3], {}],
    ["'same', stride 2", [2, 3, 3, 2], [3, 3, 3, 2], { padding: 'same', strides: 2 }],
    ['valid, stride 3 > kernel 2', [1, 3, 2, 2], [2, 2, 2, 2], { strides: 3 }],
    ["'same', stride 2, outputPadding 1, 4×3 kernel", [1, 3, 3, 2], [4, 3, 2, 2], { padding: 'same', strides: 2, outputPadding: 1 }],
    ['dilation 2, strides [2, 1]', [1, 3, 4, 2], [2, 2, 2, 2], { dilation: 2, strides: [2, 1] }],
  ];
  for (const [label, xShape, wShape, options] of cases) {
    it(label, () => {
      const rng = new Rng(xShape.reduce((p, d) => p * 7 + d, 9));
      const x = randomNormal(xShape, rng);
      const w = randomNormal(wShape, rng);
      const b = randomNormal([wShape[2]], rng);
      expectGradOk((xx, ww, bb) => conv2dTranspose(xx, ww, { ...options, bias: bb }), [x, w, b], {}, label);
    });
  }
});

describe('conv2dTranspose against TensorFlow.js', () => {
  let tf: typeof TF;
  beforeAll(async () => {
    tf = await loadTf();
  });

  const cases: Array<[string, Conv2dTransposeOptions, [number, number]]> = [
    ['valid, stride 1', {}, [7, 5]],
    ['valid, stride 2 (H·s + K − s)', { strides: 2 }, [11, 8]],
    ["'same', stride 2 (H·s)", { padding: 'same', strides: 2 }, [10, 8]],
    ["'same', strides [3, 2]", { padding: 'same', strides: [3, 2] }, [15, 8]],
    ['valid, stride 3 > kernel 3×2 width', { strides: 3 }, [15, 12]],
    ["'same', stride 2, outputPadding 1: (H − 1)·2 + K − 2·⌊K/2⌋ + 1", { padding: 'same', strides: 2, outputPadding: 1 }, [10, 7]],
    ['valid, stride 2, outputPadding [1, 0]', { strides: 2, outputPadding: [1, 0] }, [12, 8]],
  ];
  // x [2, 5, 4, 3], kernel 3×2: each case lists the output size Keras's formula gives.
  for (const [label, options, [OH, OW]] of cases) {
    it(`${label}: output ${OH}x${OW}, dx, dw`, () => {
      const rng = new Rng(OH * 31 + OW);
      const x = randomNormal([2, 5, 4, 3], rng);
      const w = randomNormal([3, 2, 4, 3], rng);
      const s = options.strides ?? 1;
      compareOpWithTf(
        tf, `conv2dTranspose ${label}`,
        (xx, ww) => conv2dTranspose(xx, ww, options),
        (xx, ww) => tf.conv2dTranspose(xx as TF.Tensor4D, ww as TF.Tensor4D, [2, OH, OW, 4], typeof s === 'number' ? s : [s[0], s[1]], options.padding ?? 'valid'),
        [x, w], OH + OW,
      );
    });
  }
});

describe('conv2dTranspose: shape errors name the op and the shapes', () => {
  it('channels, rank, outputPadding and bias', () => {
    const x = randomNormal([1, 4, 4, 3], new Rng(1));
    expect(() => conv2dTranspose(x, randomNormal([3, 3, 2, 2], new Rng(2)))).toThrow(/conv2dTranspose: input \[1, 4, 4, 3\] and filter \[3, 3, 2, 2\]: the filter expects 2 input channels \(its last axis\), the input has 3/);
    expect(() => conv2dTranspose(randomNormal([4, 4, 3], new Rng(1)), randomNormal([3, 3, 2, 3], new Rng(2)))).toThrow(/conv2dTranspose: input must be 4-D NHWC/);
    expect(() => conv2dTranspose(x, randomNormal([3, 3, 2, 3], new Rng(2)), { strides: 2, outputPadding: 2 })).toThrow(/conv2dTranspose: input \[1, 4, 4, 3\] and filter \[3, 3, 2, 3\]: outputPadding must be integers in \[0, stride\)/);
    expect(() => conv2dTranspose(x, randomNormal([3, 3, 2, 3], new Rng(2)), { bias: tensor([1, 2, 3]) })).toThrow(/conv2dTranspose: bias has shape \[3\], expected \[2\]/);
  });
});
