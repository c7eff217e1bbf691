/**
 * ZeroPadding2D, Cropping2D, the activation layers (ReLU, LeakyReLU, ELU, Softmax, PReLU) and
 * Rescaling: worked examples, shape errors naming the layer, gradCheck, and tfjs's layers live.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import {
  Rng, tensor, randomNormal, ZeroPadding2D, Cropping2D, ReLU, LeakyReLU, ELU, Softmax, PReLU, Rescaling,
} from '../../src/index.js';
import { pad2dForward, pad2dBackward, crop2dForward, crop2dBackward } from '../../kernels/pad2d.js';
import { expectClose, shuffledRamp } from '../helpers.js';
import { loadTf } from '../tf-peer.js';
import { built, checkLayerGrad, compareLayerWithTf, INFER } from './layer-peer.js';

let tf: typeof TF;
beforeAll(async () => {
  tf = await loadTf();
});

describe('pad2d / crop2d kernels', () => {
  it('a worked example: one 2×2 image, one channel, padded [[1, 0], [0, 2]]', () => {
    const box = { N: 1, H: 2, W: 2, C: 1, top: 1, bottom: 0, left: 0, right: 2 };
    const out = new Float32Array(3 * 4).fill(NaN);
    pad2dForward(out, Float32Array.of(1, 2, 3, 4), box);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0]);
    const back = new Float32Array(4).fill(NaN);
    crop2dForward(back, out, box);
    expect(Array.from(back)).toEqual([1, 2, 3, 4]);
  });

  it('pad and crop are adjoint, and both backwards accumulate (seeded shapes)', () => {
    const rng = new Rng(4);
    for (let k = 0; k < 50; k++) {
      const box = { N: rng.integer(1, 3), H: rng.integer(1, 5), W: rng.integer(1, 5), C: rng.integer(1, 4), top: rng.integer(0, 3), bottom: rng.integer(0, 3), left: rng.integer(0, 3), right: rng.integer(0, 3) };
      const small = box.N * box.H * box.W * box.C;
      const large = box.N * (box.H + box.top + box.bottom) * (box.W + box.left + box.right) * box.C;
      const x = Float32Array.from({ length: small }, () => rng.uniform(-1, 1));
      const y = Float32Array.from({ length: large }, () => rng.uniform(-1, 1));
      const px = new Float32Array(large).fill(NaN);
      pad2dForward(px, x, box);
      const cy = new Float32Array(small).fill(NaN);
      crop2dForward(cy, y, box);
      // <pad(x), y> = <x, crop(y)>
      let a = 0;
      let b = 0;
      for (let i = 0; i < large; i++) a += px[i] * y[i];
      for (let i = 0; i < small; i++) b += x[i] * cy[i];
      expect(Math.abs(a - b), JSON.stringify(box)).toBeLessThan(1e-5);
      // Backwards add onto what is there: start from 1s.
      const dx = new Float32Array(small).fill(1);
      pad2dBackward(dx, y, box);
      expectClose(dx, Array.from(cy, (v) => v + 1), 1e-7, 1e-6, 'pad2dBackward');
      const dy = new Float32Array(large).fill(1);
      crop2dBackward(dy, x, box);
      expectClose(dy, Array.from(px, (v) => v + 1), 1e-7, 1e-6, 'crop2dBackward');
    }
  });
});

describe('ZeroPadding2D and Cropping2D', () => {
  it('the three ways to give the sides; shapes; errors name the layer', () => {
    expect(new ZeroPadding2D().padding).toEqual([[1, 1], [1, 1]]);
    expect(new ZeroPadding2D({ padding: [2, 3] }).padding).toEqual([[2, 2], [3, 3]]);
    expect(new ZeroPadding2D({ padding: [[0, 1], [2, 0]] }).computeOutputShape([null, 5, 5, 3])).toEqual([null, 6, 7, 3]);
    expect(new Cropping2D({ cropping: [[1, 2], [0, 1]] }).computeOutputShape([null, 5, 5, 3])).toEqual([null, 2, 4, 3]);
    expect(() => new ZeroPadding2D({ padding: -1 })).toThrow(/ZeroPadding2D: padding must be an integer ≥ 0/);
    expect(() => new ZeroPadding2D().computeOutputShape([null, 4, 3])).toThrow(/ZeroPadding2D: expected 4-D NHWC input .* got input shape \(None, 4, 3\)/);
    expect(() => new Cropping2D({ cropping: [[2, 2], [0, 0]] }).computeOutputShape([null, 4, 4, 1])).toThrow(/Cropping2D: expected an input larger than the cropping .* \(None, 4, 4, 1\)/);
    expect(new ZeroPadding2D({ padding: 2 }).countParams()).toBe(0);
  });

  it('match tfjs (asymmetric sides): values and gradients', () => {
    const x = randomNormal([2, 4, 5, 3], new Rng(1));
    compareLayerWithTf(tf, new ZeroPadding2D({ padding: [[0, 1], [2, 1]] }), tf.layers.zeroPadding2d({ padding: [[0, 1], [2, 1]] }), x, 'ZeroPadding2D');
    compareLayerWithTf(tf, new Cropping2D({ cropping: [[1, 0], [2, 1]] }), tf.layers.cropping2D({ cropping: [[1, 0], [2, 1]] }), x, 'Cropping2D');
  });

  it('gradCheck', () => {
    checkLayerGrad(new ZeroPadding2D({ padding: [[1, 0], [0, 2]] }), randomNormal([2, 3, 2, 2], new Rng(2)));
    checkLayerGrad(new Cropping2D({ cropping: [[0, 1], [1, 1]] }), randomNormal([1, 3, 4, 2], new Rng(3)));
  });
});

describe('ReLU, LeakyReLU, ELU, Softmax layers', () => {
  it('defaults as Keras: ReLU plain, LeakyReLU alpha 0.3, ELU alpha 1, Softmax axis −1', () => {
    const x = tensor([[-2, -0.5, 0.5, 8]]);
    expectClose(new ReLU().call(x), [[0, 0, 0.5, 8]], 0, 0);
    expectClose(new ReLU({ maxValue: 6 }).call(x), [[0, 0, 0.5, 6]], 0, 0);
    // threshold 0.5 (x = 0.5 is not above it), slope 0.1: −2 → 0.1·(−2.5), −0.5 → 0.1·(−1)
    expectClose(new ReLU({ negativeSlope: 0.1, threshold: 0.5 }).call(x), [[-0.25, -0.1, 0, 8]], 1e-7, 1e-6);
    expectClose(new LeakyReLU().call(x), [[-0.6, -0.15, 0.5, 8]], 1e-7, 1e-6);
    expectClose(new ELU({ alpha: 0.5 }).call(x), [[0.5 * (Math.exp(-2) - 1), 0.5 * (Math.exp(-0.5) - 1), 0.5, 8]], 1e-7, 1e-6);
    const e = [-2, -0.5, 0.5, 8].map(Math.exp);
    const z = e.reduce((p, v) => p + v, 0);
    expectClose(new Softmax().call(x), [e.map((v) => v / z)], 1e-7, 1e-6);
    expect(() => new ReLU({ maxValue: -1 })).toThrow(/ReLU: maxValue must be a finite number ≥ 0/);
    expect(() => new Softmax({ axis: 0 }).computeOutputShape([null, 3])).toThrow(/Softmax: expected an input with axis 0 other than the batch axis/);
  });

  it('match tfjs (values and gradients)', () => {
    const x = randomNormal([2, 3, 4, 5], new Rng(5), 0, 4);
    compareLayerWithTf(tf, new ReLU({ maxValue: 6 }), tf.layers.reLU({ maxValue: 6 }), x, 'ReLU(6)');
    compareLayerWithTf(tf, new LeakyReLU(), tf.layers.leakyReLU(), x, 'LeakyReLU');
    compareLayerWithTf(tf, new LeakyReLU({ alpha: 0.05 }), tf.layers.leakyReLU({ alpha: 0.05 }), x, 'LeakyReLU 0.05');
    compareLayerWithTf(tf, new ELU(), tf.layers.elu(), x, 'ELU');
    // tfjs's softmax takes only the last axis; other axes are covered by gradCheck below.
    compareLayerWithTf(tf, new Softmax(), tf.layers.softmax({ axis: -1 }), x, 'Softmax');
  });

  it('gradCheck (inputs away from the kinks)', () => {
    const rng = new Rng(6);
    checkLayerGrad(new ReLU({ maxValue: 1, negativeSlope: 0.2, threshold: 0.4 }), shuffledRamp([2, 3, 5], rng));
    checkLayerGrad(new LeakyReLU({ alpha: 0.1 }), shuffledRamp([2, 3, 5], rng));
    checkLayerGrad(new ELU({ alpha: 0.7 }), shuffledRamp([2, 3, 5], rng));
    checkLayerGrad(new Softmax({ axis: 1 }), randomNormal([2, 3, 5], rng));
  });
});

describe('PReLU', () => {
  it('alpha shape, sharedAxes, parameters, zeros by default', () => {
    const layer = built(new PReLU({ sharedAxes: [1, 2] }), [null, 5, 5, 3]);
    expect(layer.weights.map((w) => [w.name, w.value.shape])).toEqual([['alpha', [1, 1, 3]]]);
    expect(layer.countParams()).toBe(3);
    expect(built(new PReLU(), [null, 4, 4, 2]).countParams()).toBe(32);
    expect(Array.from(layer.weights[0].value.data)).toEqual([0, 0, 0]);
    expect(() => new PReLU({ sharedAxes: [0] })).toThrow(/PReLU: sharedAxes must be axes ≥ 1/);
    expect(() => new PReLU().computeOutputShape([null, null, 3])).toThrow(/PReLU: expected known sizes/);
  });

  it('y = x above 0, alpha·x below, per channel', () => {
    const layer = built(new PReLU({ sharedAxes: 1 }), [null, 2, 2]);
    layer.weights[0].value.data.set([0.1, 0.5]);
    expectClose(layer.call(tensor([[[-1, -2], [3, -4]]]), INFER), [[[-0.1, -1], [3, -2]]], 1e-7, 1e-6);
  });

  it('matches tfjs (values, input and alpha gradients) and passes gradCheck', () => {
    const rng = new Rng(7);
    const layer = built(new PReLU({ sharedAxes: [1, 2], alphaInitializer: 'random_uniform' }), [null, 3, 4, 2]);
    compareLayerWithTf(tf, layer, tf.layers.prelu({ sharedAxes: [1, 2] }), randomNormal([2, 3, 4, 2], rng), 'PReLU');
    const full = built(new PReLU({ alphaInitializer: 'random_normal' }), [null, 2, 3]);
    checkLayerGrad(full, shuffledRamp([3, 2, 3], rng));
  });
});

describe('Rescaling', () => {
  it('x·scale + offset, scalar or per channel; matches tfjs', () => {
    expectClose(new Rescaling({ scale: 1 / 127.5, offset: -1 }).call(tensor([0, 127.5, 255])), [-1, 0, 1], 1e-7, 1e-6);
    expectClose(new Rescaling({ scale: [1, 2], offset: [0, -1] }).call(tensor([[3, 3]])), [[3, 5]], 0, 0);
    expect(() => new Rescaling({ scale: [1, 2] }).computeOutputShape([null, 3])).toThrow(/Rescaling: expected a last axis of 2/);
    expect(() => new Rescaling({ scale: NaN })).toThrow(/Rescaling: scale must be a finite number/);
    compareLayerWithTf(tf, new Rescaling({ scale: 1 / 255, offset: 0.25 }), tf.layers.rescaling({ scale: 1 / 255, offset: 0.25 }), randomNormal([2, 3, 3, 2], new Rng(8), 100, 50), 'Rescaling');
    checkLayerGrad(new Rescaling({ scale: [0.5, -2], offset: 1 }), randomNormal([3, 2], new Rng(9)));
  });
});

