/**
 * DepthwiseConv2D and SeparableConv2D: shapes and their errors, Keras parameter counts, values
 * and gradients against the same tfjs layers run live, and gradCheck of layer.call.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { Rng, Layer, DepthwiseConv2D, SeparableConv2D, Tensor, randomNormal, type CallContext } from '../../src/index.js';
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

describe('DepthwiseConv2D', () => {
  it('shapes: valid, same, strides, dilation, depthMultiplier; Keras parameter counts', () => {
    expect(new DepthwiseConv2D({ kernelSize: 3 }).computeOutputShape([null, 8, 8, 2])).toEqual([null, 6, 6, 2]);
    expect(new DepthwiseConv2D({ kernelSize: 3, padding: 'same', strides: 2, depthMultiplier: 3 }).computeOutputShape([null, 7, 7, 2])).toEqual([null, 4, 4, 6]);
    expect(new DepthwiseConv2D({ kernelSize: 3, dilationRate: 2 }).computeOutputShape([null, 8, 8, 2])).toEqual([null, 4, 4, 2]);
    // Keras: MobileNet's 3×3 depthwise on 32 channels has 32·9 + 32 = 320 parameters.
    expect(built(new DepthwiseConv2D({ kernelSize: 3 }), [null, 14, 14, 32]).countParams()).toBe(320);
    // 3×2 kernel, 5 channels, M = 2: 3·2·5·2 + 10 = 70; without bias 60.
    expect(built(new DepthwiseConv2D({ kernelSize: [3, 2], depthMultiplier: 2 }), [null, 8, 8, 5]).countParams()).toBe(70);
    expect(built(new DepthwiseConv2D({ kernelSize: [3, 2], depthMultiplier: 2, useBias: false }), [null, 8, 8, 5]).countParams()).toBe(60);
  });

  it('errors name the layer and the shape', () => {
    expect(() => new DepthwiseConv2D({ kernelSize: 5 }).computeOutputShape([null, 3, 3, 2])).toThrow(/DepthwiseConv2D: expected an input the 5x5 kernel fits .*got input shape \(None, 3, 3, 2\)/);
    expect(() => new DepthwiseConv2D({ kernelSize: 3 }).computeOutputShape([null, 8, 2])).toThrow(/DepthwiseConv2D: expected 4-D NHWC input .*got input shape \(None, 8, 2\)/);
    expect(() => built(new DepthwiseConv2D({ kernelSize: 3 }), [null, 8, 8, 2]).computeOutputShape([null, 8, 8, 3])).toThrow(/DepthwiseConv2D: expected 2 channels/);
    expect(() => new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 0 })).toThrow(/DepthwiseConv2D: depthMultiplier must be a positive integer, got 0/);
    expect(() => new DepthwiseConv2D({ kernelSize: 3, padding: 'causal' as 'same' })).toThrow(/DepthwiseConv2D: padding must be 'valid' or 'same'/);
    expect(() => new DepthwiseConv2D({ kernelSize: 3, depthwiseInitializer: 'nope' })).toThrow(/DepthwiseConv2D: unknown initializer 'nope'/);
  });

  it('by hand: one channel, 2×2 kernel, bias, relu', () => {
    const layer = built(new DepthwiseConv2D({ kernelSize: 2, activation: 'relu' }), [null, 2, 3, 1]);
    layer.weights[0].value.data.set([1, -1, 2, 0]); // kernel rows [1 −1] [2 0]
    layer.weights[1].value.data.set([-4]);
    // x rows [1 2 3] [4 5 6]: windows 1 − 2 + 8 = 7 and 2 − 3 + 10 = 9; − 4 → [3, 5].
    expectClose(layer.call(new Tensor(Float32Array.from([1, 2, 3, 4, 5, 6]), [1, 2, 3, 1]), INFER), [3, 5], 1e-6);
  });

  for (const [label, args] of [
    ["3×3 'same', M = 2, relu", { kernelSize: 3, padding: 'same', depthMultiplier: 2, activation: 'relu' }],
    ['3×2 valid stride 2, tanh', { kernelSize: [3, 2], strides: 2, activation: 'tanh' }],
    ["5×5 'same' stride 2, M = 3, no bias", { kernelSize: 5, padding: 'same', strides: 2, depthMultiplier: 3, useBias: false }],
  ] as const) {
    it(`values and gradients match tfjs: ${label}`, () => {
      const layer = built(new DepthwiseConv2D(args), [null, 7, 6, 3], 4);
      if (layer.useBias) layer.weights[1].value.data.forEach((_, i, b) => { b[i] = 0.1 * (i - 2); });
      const theirs = tf.layers.depthwiseConv2d({ ...args, kernelSize: args.kernelSize as number });
      compareLayerWithTf(tf, layer, theirs, randomNormal([2, 7, 6, 3], new Rng(5)), 6, label);
    });
  }

  it('gradCheck: dilation 2 (tfjs has no dilated gradient) and M = 2 stride 2', () => {
    checkLayerGrad(built(new DepthwiseConv2D({ kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh' }), [null, 6, 7, 2]), randomNormal([2, 6, 7, 2], new Rng(7)));
    checkLayerGrad(built(new DepthwiseConv2D({ kernelSize: 2, strides: 2, depthMultiplier: 2 }), [null, 5, 5, 2]), randomNormal([1, 5, 5, 2], new Rng(8)));
  });

  it('config: Keras keys, depthwise_initializer instead of kernel_initializer', () => {
    const c = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, depthwiseInitializer: 'he_normal', name: 'dw' }).getConfig();
    expect(c).toMatchObject({ name: 'dw', kernel_size: [3, 3], strides: [1, 1], padding: 'valid', dilation_rate: [1, 1], depth_multiplier: 2, use_bias: true, activation: 'linear', depthwise_initializer: { class_name: 'HeNormal' } });
    expect(c).not.toHaveProperty('kernel_initializer');
  });
});

describe('SeparableConv2D', () => {
  it('shapes and Keras parameter counts', () => {
    expect(new SeparableConv2D({ filters: 4, kernelSize: 3 }).computeOutputShape([null, 8, 8, 2])).toEqual([null, 6, 6, 4]);
    expect(new SeparableConv2D({ filters: 5, kernelSize: 3, padding: 'same', strides: 2 }).computeOutputShape([null, 7, 7, 2])).toEqual([null, 4, 4, 5]);
    // Keras: SeparableConv2D(64, 3) on 32 channels: 9·32 + 32·64 + 64 = 2,400.
    expect(built(new SeparableConv2D({ filters: 64, kernelSize: 3 }), [null, 14, 14, 32]).countParams()).toBe(2400);
    // M = 2 on 3 channels, 4 filters: 3·3·3·2 + 6·4 + 4 = 82.
    expect(built(new SeparableConv2D({ filters: 4, kernelSize: 3, depthMultiplier: 2 }), [null, 8, 8, 3]).countParams()).toBe(82);
    expect(built(new SeparableConv2D({ filters: 4, kernelSize: 3 }), [null, 8, 8, 3]).weights.map((w) => [w.name, w.value.shape])).toEqual([
      ['depthwise_kernel', [3, 3, 3, 1]], ['pointwise_kernel', [1, 1, 3, 4]], ['bias', [4]],
    ]);
  });

  it('errors name the layer', () => {
    expect(() => new SeparableConv2D({ filters: 0, kernelSize: 3 })).toThrow(/SeparableConv2D: filters must be a positive integer, got 0/);
    expect(() => new SeparableConv2D({ filters: 2, kernelSize: 4 }).computeOutputShape([null, 3, 3, 1])).toThrow(/SeparableConv2D: expected an input the 4x4 kernel fits/);
    expect(() => new SeparableConv2D({ filters: 2, kernelSize: 3, pointwiseInitializer: 'nope' })).toThrow(/SeparableConv2D: unknown initializer 'nope'/);
  });

  for (const [label, args] of [
    ["3×3 'same' stride 2, relu (the fused pointwise path)", { filters: 4, kernelSize: 3, padding: 'same', strides: 2, activation: 'relu' }],
    ['3×3 valid, M = 2, sigmoid', { filters: 5, kernelSize: 3, depthMultiplier: 2, activation: 'sigmoid' }],
    ['2×2 valid, no bias', { filters: 3, kernelSize: 2, useBias: false }],
  ] as const) {
    it(`values and gradients match tfjs: ${label}`, () => {
      const layer = built(new SeparableConv2D(args), [null, 7, 6, 3], 9);
      const theirs = tf.layers.separableConv2d({ ...args, kernelSize: args.kernelSize as number });
      compareLayerWithTf(tf, layer, theirs, randomNormal([2, 7, 6, 3], new Rng(10)), 11, label);
    });
  }

  it('gradCheck: dilation 2, M = 2', () => {
    checkLayerGrad(built(new SeparableConv2D({ filters: 3, kernelSize: 2, dilationRate: 2, depthMultiplier: 2, activation: 'tanh' }), [null, 5, 6, 2]), randomNormal([2, 5, 6, 2], new Rng(12)));
  });
});
