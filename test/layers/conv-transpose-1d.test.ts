/**
 * Conv2DTranspose and Conv1D: shapes and their errors, Keras parameter counts, values and gradients
 * against the same tfjs layers run live, and gradCheck of layer.call where tfjs has no peer
 * (outputPadding, dilation, 'causal').
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { Rng, Conv2DTranspose, Conv1D, Tensor, Layer, randomNormal, tensor, type CallContext } from '../../src/index.js';
import { expectClose, expectGradOk } from '../helpers.js';
import { loadTf } from '../tf-peer.js';
import { built, compareLayerWithTf, INFER } from './tf-layer-peer.js';

let tf: typeof TF;
beforeAll(async () => {
  tf = await loadTf();
});

const TRAIN: CallContext = { training: true, rng: new Rng(0) };

function checkLayerGrad(layer: Layer, x: Tensor, label = layer.className): void {
  const weights = layer.trainableWeights().map((w) => w.value);
  expectGradOk((xx) => layer.call(xx, TRAIN), [x, ...weights], {}, label);
}

describe('Conv2DTranspose', () => {
  it("shapes (Keras's deconv_output_length) and parameter counts", () => {
    // 'same': H·s; 'valid': H·s + max(K − s, 0); outputPadding p: (H − 1)·s + K − 2·⌊K/2⌋ + p ('same').
    expect(new Conv2DTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }).computeOutputShape([null, 7, 5, 2])).toEqual([null, 14, 10, 4]);
    expect(new Conv2DTranspose({ filters: 4, kernelSize: 3, strides: 2 }).computeOutputShape([null, 7, 5, 2])).toEqual([null, 15, 11, 4]);
    expect(new Conv2DTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', outputPadding: [1, 0] }).computeOutputShape([null, 7, 5, 2])).toEqual([null, 14, 9, 4]);
    expect(new Conv2DTranspose({ filters: 4, kernelSize: 2, strides: 3 }).computeOutputShape([null, 4, 4, 2])).toEqual([null, 12, 12, 4]);
    // Keras: Conv2DTranspose(64, 3) on 128 channels: 3·3·64·128 + 64 = 73,792; kernel [3, 3, 64, 128].
    const layer = built(new Conv2DTranspose({ filters: 64, kernelSize: 3 }), [null, 4, 4, 128]);
    expect(layer.countParams()).toBe(73792);
    expect(layer.weights[0].value.shape).toEqual([3, 3, 64, 128]);
  });

  it('errors name the layer', () => {
    expect(() => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, outputPadding: 2 })).toThrow(/Conv2DTranspose: outputPadding must be integers in \[0, stride\), got 2 with strides \[2, 2\]/);
    expect(() => new Conv2DTranspose({ filters: 2, kernelSize: 2, strides: 2, padding: 'same', outputPadding: 0 }).computeOutputShape([null, 4, 4, 1])).toThrow(/Conv2DTranspose: expected an input this 2x2 transposed convolution can upsample .*does not convolve back/);
    expect(() => new Conv2DTranspose({ filters: 2, kernelSize: 3 }).computeOutputShape([null, 4, 4])).toThrow(/Conv2DTranspose: expected 4-D NHWC input/);
    expect(() => new Conv2DTranspose({ filters: -1, kernelSize: 3 })).toThrow(/Conv2DTranspose: filters must be a positive integer/);
  });

  for (const [label, args] of [
    ["3×3 stride 2 'same', elu (the issue's decoder)", { filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu' }],
    ['3×2 valid stride 2, relu', { filters: 3, kernelSize: [3, 2], strides: 2, activation: 'relu' }],
    ["4×4 stride 2 'same', no bias", { filters: 2, kernelSize: 4, strides: 2, padding: 'same', useBias: false }],
  ] as const) {
    it(`values and gradients match tfjs: ${label}`, () => {
      const layer = built(new Conv2DTranspose(args), [null, 4, 5, 3], 3);
      if (layer.useBias) layer.weights[1].value.data.forEach((_, i, b) => { b[i] = 0.1 * (i - 1); });
      const theirs = tf.layers.conv2dTranspose({ ...args, kernelSize: args.kernelSize as number });
      compareLayerWithTf(tf, layer, theirs, randomNormal([2, 4, 5, 3], new Rng(4)), 5, label);
    });
  }

  it('gradCheck: outputPadding and dilation (no tfjs layer peer for them)', () => {
    checkLayerGrad(built(new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 1, activation: 'tanh' }), [null, 3, 3, 2]), randomNormal([2, 3, 3, 2], new Rng(6)));
    checkLayerGrad(built(new Conv2DTranspose({ filters: 2, kernelSize: 2, dilationRate: 2 }), [null, 3, 4, 2]), randomNormal([1, 3, 4, 2], new Rng(7)));
  });

  it('config writes output_padding (null by default) and the kernel keys', () => {
    expect(new Conv2DTranspose({ filters: 2, kernelSize: 3 }).getConfig()).toMatchObject({ filters: 2, kernel_size: [3, 3], output_padding: null, kernel_initializer: { class_name: 'GlorotUniform' } });
    expect(new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, outputPadding: 1 }).getConfig().output_padding).toEqual([1, 1]);
  });
});

describe('Conv1D', () => {
  it('shapes for valid, same, causal, strides, dilation; parameter counts', () => {
    expect(new Conv1D({ filters: 4, kernelSize: 3 }).computeOutputShape([null, 10, 2])).toEqual([null, 8, 4]);
    expect(new Conv1D({ filters: 4, kernelSize: 3, padding: 'same', strides: 3 }).computeOutputShape([null, 10, 2])).toEqual([null, 4, 4]);
    expect(new Conv1D({ filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 4 }).computeOutputShape([null, 10, 2])).toEqual([null, 10, 4]);
    expect(new Conv1D({ filters: 4, kernelSize: 3, padding: 'causal', strides: 2 }).computeOutputShape([null, 10, 2])).toEqual([null, 5, 4]);
    expect(new Conv1D({ filters: 4, kernelSize: 3 }).computeOutputShape([null, null, 2])).toEqual([null, null, 4]);
    // Keras: Conv1D(32, 5) on 8 channels: 5·8·32 + 32 = 1,312.
    expect(built(new Conv1D({ filters: 32, kernelSize: 5 }), [null, 20, 8]).countParams()).toBe(1312);
  });

  it('errors name the layer', () => {
    expect(() => new Conv1D({ filters: 4, kernelSize: 5 }).computeOutputShape([null, 3, 2])).toThrow(/Conv1D: expected an input the kernel of 5 fits .*got input shape \(None, 3, 2\)/);
    expect(() => new Conv1D({ filters: 4, kernelSize: 3 }).computeOutputShape([null, 8, 8, 2])).toThrow(/Conv1D: expected 3-D input/);
    expect(() => new Conv1D({ filters: 4, kernelSize: 3, padding: 'full' as 'same' })).toThrow(/Conv1D: padding must be 'valid', 'same' or 'causal'/);
  });

  it('by hand: causal, y[t] = relu(x[t−1]·w0 + x[t]·w1 + b)', () => {
    const layer = built(new Conv1D({ filters: 1, kernelSize: 2, padding: 'causal', activation: 'relu' }), [null, 4, 1]);
    layer.weights[0].value.data.set([-1, 2]);
    layer.weights[1].value.data.set([0.5]);
    // x = [1, 2, 3, 1]: [0·−1 + 2 + .5, −1 + 4 + .5, −2 + 6 + .5, −3 + 2 + .5] = [2.5, 3.5, 4.5, −0.5] → relu.
    expectClose(layer.call(tensor([1, 2, 3, 1], [1, 4, 1]), INFER), [2.5, 3.5, 4.5, 0], 1e-6);
  });

  for (const [label, args] of [
    ['valid, dilation 1, relu', { filters: 4, kernelSize: 3, activation: 'relu' }],
    ["'same', stride 2, tanh", { filters: 3, kernelSize: 4, padding: 'same', strides: 2, activation: 'tanh' }],
    ['valid, no bias', { filters: 2, kernelSize: 3, useBias: false }],
  ] as const) {
    it(`values and gradients match tfjs: ${label}`, () => {
      const layer = built(new Conv1D(args), [null, 9, 3], 8);
      const theirs = tf.layers.conv1d(args as unknown as Parameters<typeof tf.layers.conv1d>[0]);
      compareLayerWithTf(tf, layer, theirs, randomNormal([2, 9, 3], new Rng(9)), 10, label);
    });
  }

  it("gradCheck: 'causal' with dilation 2 (tfjs's Conv1D layer has no 'causal'; the op is checked against tf.pad + tf.conv1d)", () => {
    checkLayerGrad(built(new Conv1D({ filters: 2, kernelSize: 3, padding: 'causal', dilationRate: 2, activation: 'tanh' }), [null, 7, 2]), randomNormal([2, 7, 2], new Rng(11)));
  });
});
