/**
 * DepthwiseConv2D, SeparableConv2D, Conv2DTranspose and Conv1D in model files: tatami → tfjs and
 * tfjs → tatami with predictions within 1e-5 (live), tatami's own round trip for what tfjs cannot
 * build (outputPadding, 'causal', dilation), and the Keras 2 / Keras 3 config keys read on load.
 */
import { describe, test, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  loadModel, input, Model, Sequential, Conv2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose, Conv1D, Dense, Flatten,
  GlobalAveragePooling2D, Tensor,
} from '../../src/index.js';
import { layerFromConfig as buildLayer } from '../../src/io/layer-from-config.js';
import { FIT_OPTIONS } from '../../src/io/load.js';
import { allLayers } from '../../src/io/all-layers.js';

const layerFromConfig = (cls: string, config: Record<string, unknown>, name: string, prefix: string) => buildLayer(cls, config, name, prefix, 2, { builders: allLayers, fitOptions: FIT_OPTIONS });
import { tfjsArtifacts, asModelJson, loadIntoTfjs, randomInput, predictionDiff, maxDiff } from './io-helpers.js';

function convModel(): Model {
  const x = input({ shape: [9, 8, 3] });
  let h = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu', depthwiseInitializer: 'he_uniform' }).apply(x);
  h = new SeparableConv2D({ filters: 5, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'tanh', pointwiseInitializer: 'lecun_normal' }).apply(h);
  h = new Conv2DTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu' }).apply(h);
  h = new Conv2DTranspose({ filters: 2, kernelSize: [2, 3], strides: [1, 2], useBias: false }).apply(h);
  h = new GlobalAveragePooling2D().apply(h);
  return new Model({ inputs: x, outputs: h, seed: 21 });
}

describe('tatami → TensorFlow.js', () => {
  test('depthwise, separable and transposed convolutions predict the same in tfjs', async () => {
    const model = convModel();
    const theirs = await loadIntoTfjs(await model.save());
    expect(theirs.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'Conv2DTranspose', 'GlobalAveragePooling2D']);
    expect(predictionDiff(model, theirs, randomInput([2, 9, 8, 3], 1), [2, 9, 8, 3])).toBeLessThanOrEqual(1e-5);
  });

  test('Conv1D predicts the same in tfjs', async () => {
    const model = new Sequential([
      new Conv1D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [11, 2] }),
      new Conv1D({ filters: 3, kernelSize: 2 }),
      new Flatten(),
      new Dense({ units: 2 }),
    ], { seed: 4 });
    const theirs = await loadIntoTfjs(await model.save());
    expect(predictionDiff(model, theirs, randomInput([3, 11, 2], 2), [3, 11, 2])).toBeLessThanOrEqual(1e-5);
  });
});

describe('TensorFlow.js → tatami', () => {
  test('a tfjs model with each of the four layers loads and predicts the same', async () => {
    const i = tf.input({ shape: [8, 8, 2] });
    let h = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 3, padding: 'same', activation: 'relu', biasInitializer: 'randomNormal' }).apply(i) as tf.SymbolicTensor;
    h = tf.layers.separableConv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', biasInitializer: 'randomNormal' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.reshape({ targetShape: [64, 3] }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.conv1d({ filters: 2, kernelSize: 5, strides: 3 }).apply(h) as tf.SymbolicTensor;
    const theirs = tf.model({ inputs: i, outputs: h });
    const ours = await loadModel(asModelJson(await tfjsArtifacts(theirs)));
    expect(ours.layers.map((l) => l.className)).toEqual(['InputLayer', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'Reshape', 'Conv1D']);
    expect(predictionDiff(ours, theirs, randomInput([2, 8, 8, 2], 3), [2, 8, 8, 2])).toBeLessThanOrEqual(1e-5);
  });
});

describe("tatami's own round trip (what tfjs cannot build)", () => {
  test("outputPadding, dilation and 'causal' survive save → load", async () => {
    const x = input({ shape: [5, 4, 2] });
    let h = new DepthwiseConv2D({ kernelSize: 3, dilationRate: 2, padding: 'same' }).apply(x);
    h = new Conv2DTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', outputPadding: [1, 0], dilationRate: 1 }).apply(h);
    h = new Conv2D({ filters: 2, kernelSize: 1 }).apply(h);
    const model = new Model({ inputs: x, outputs: h, seed: 5 });
    const loaded = await loadModel(await model.save());
    const t = new Tensor(randomInput([2, 5, 4, 2], 4), [2, 5, 4, 2]);
    expect(loaded.predict(t).shape).toEqual([2, 10, 7, 2]);
    expect(maxDiff(loaded.predict(t).data, model.predict(t).data)).toBe(0);
    expect(loaded.summary({ print: false })).toBe(model.summary({ print: false }));
    // Keras 2's table cuts the first column at 29 characters. Parameters: 3·3·2·1 + 2 = 20; 3·3·3·2 + 3 = 57.
    expect(model.summary({ print: false })).toMatch(/depthwise_conv2d \(DepthwiseC \(None, 5, 4, 2\)\s+20\n[_]+\nconv2d_transpose \(Conv2DTran \(None, 10, 7, 3\)\s+57\n/);
    const seq = new Sequential([new Conv1D({ filters: 3, kernelSize: 3, padding: 'causal', dilationRate: 2, inputShape: [6, 2] })], { seed: 6 });
    const seqLoaded = await loadModel(await seq.save());
    const s = new Tensor(randomInput([2, 6, 2], 5), [2, 6, 2]);
    expect(maxDiff(seqLoaded.predict(s).data, seq.predict(s).data)).toBe(0);
  });
});

describe("a fact about the peer: tfjs 4.22's DepthwiseConv2D layer ignores dilation_rate", () => {
  test("tatami's dilated DepthwiseConv2D equals tf.depthwiseConv2d with dilations; tfjs's layer, loading the same file, does not", async () => {
    const x = input({ shape: [7, 7, 2] });
    const model = new Model({ inputs: x, outputs: new DepthwiseConv2D({ kernelSize: 3, dilationRate: 2, padding: 'same' }).apply(x), seed: 1 });
    const xs = randomInput([1, 7, 7, 2], 1);
    const ours = model.predict(new Tensor(xs, [1, 7, 7, 2])).data; // (initializes the weights)
    const kernel = model.layers[1].weights[0].value;
    const truth = tf.depthwiseConv2d(tf.tensor4d(xs, [1, 7, 7, 2]), tf.tensor4d(kernel.data, [3, 3, 2, 1]), 1, 'same', 'NHWC', 2);
    expect(maxDiff(ours, truth.dataSync() as Float32Array)).toBeLessThanOrEqual(1e-5);
    const theirs = await loadIntoTfjs(await model.save());
    expect(predictionDiff(model, theirs, xs, [1, 7, 7, 2])).toBeGreaterThan(0.1);
  });
});

describe('Keras 2 and Keras 3 config keys', () => {
  const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const glorot = { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null };
  const zeros = { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null };

  test('Keras 2 DepthwiseConv2D (groups: 1) and SeparableConv2D (its unused kernel_initializer)', () => {
    const dw = layerFromConfig('DepthwiseConv2D', {
      name: 'dw', trainable: true, dtype: 'float32', kernel_size: [3, 3], strides: [2, 2], padding: 'same', data_format: 'channels_last',
      dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true, bias_initializer: { class_name: 'Zeros', config: {} },
      bias_regularizer: null, activity_regularizer: null, bias_constraint: null, depth_multiplier: 2,
      depthwise_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, depthwise_regularizer: null, depthwise_constraint: null,
    }, 'dw', 'test');
    expect(dw.layer).toBeInstanceOf(DepthwiseConv2D);
    expect(dw.weights([null, 8, 8, 3])).toEqual([['depthwise_kernel', [3, 3, 3, 2]], ['bias', [6]]]);
    const sep = layerFromConfig('SeparableConv2D', {
      name: 'sep', trainable: true, dtype: 'float32', filters: 8, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last',
      dilation_rate: [1, 1], groups: 1, activation: 'linear', use_bias: false, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null,
      kernel_constraint: null, bias_constraint: null, depth_multiplier: 1, depthwise_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      pointwise_initializer: { class_name: 'HeNormal', config: { seed: null } }, depthwise_regularizer: null, pointwise_regularizer: null,
      depthwise_constraint: null, pointwise_constraint: null,
    }, 'sep', 'test');
    expect(sep.weights([null, 8, 8, 3])).toEqual([['depthwise_kernel', [3, 3, 3, 1]], ['pointwise_kernel', [1, 1, 3, 8]]]);
  });

  test('Keras 3 Conv2DTranspose (output_padding, DTypePolicy) and Conv1D (causal, one-element lists)', () => {
    const ct = layerFromConfig('Conv2DTranspose', {
      name: 'up', trainable: true, dtype: policy, filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same', output_padding: [1, 1],
      data_format: 'channels_last', dilation_rate: [1, 1], activation: 'elu', use_bias: true, kernel_initializer: glorot, bias_initializer: zeros,
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    }, 'up', 'test');
    expect((ct.layer as Conv2DTranspose).outputPadding).toEqual([1, 1]);
    expect(ct.layer.computeOutputShape([null, 4, 5, 2])).toEqual([null, 8, 10, 4]);
    expect(ct.weights([null, 4, 5, 2])).toEqual([['kernel', [3, 3, 4, 2]], ['bias', [4]]]);
    const c1 = layerFromConfig('Conv1D', {
      name: 'c1', trainable: true, dtype: policy, filters: 6, kernel_size: [3], strides: [1], padding: 'causal', data_format: 'channels_last',
      dilation_rate: [2], groups: 1, activation: 'relu', use_bias: true, kernel_initializer: glorot, bias_initializer: zeros,
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    }, 'c1', 'test');
    expect(c1.layer).toMatchObject({ padding: 'causal', dilationRate: 2, kernelSize: 3 });
    expect(c1.weights([null, 10, 2])).toEqual([['kernel', [3, 2, 6]], ['bias', [6]]]);
  });

  test('options tatami cannot honour are refused, naming the layer', () => {
    const base = { name: 'dw', kernel_size: [3, 3] };
    expect(() => layerFromConfig('DepthwiseConv2D', { ...base, depthwise_constraint: { class_name: 'MaxNorm', config: { max_value: 2 } } }, 'dw', 'loadModel')).toThrow(/loadModel: layer 'dw' \(DepthwiseConv2D\): depthwise_constraint .* is not supported/);
    expect(() => layerFromConfig('DepthwiseConv2D', { ...base, depthwise_regularizer: { class_name: 'L3', config: {} } }, 'dw', 'loadModel')).toThrow(/loadModel: layer 'dw' \(DepthwiseConv2D\): depthwise_regularizer .* is not supported/);
    expect(() => layerFromConfig('SeparableConv2D', { ...base, filters: 2, groups: 2 }, 'dw', 'loadModel')).toThrow(/groups 2 is not supported/);
    expect(() => layerFromConfig('Conv2DTranspose', { ...base, filters: 2, output_padding: [-1, 0] }, 'dw', 'loadModel')).toThrow(/output_padding must be null/);
    expect(() => layerFromConfig('Conv1D', { name: 'c', filters: 2, kernel_size: [3], padding: 'full' }, 'c', 'loadModel')).toThrow(/padding 'full' is not supported/);
    expect(() => layerFromConfig('Conv1D', { name: 'c', filters: 2, kernel_size: [3, 3] }, 'c', 'loadModel')).toThrow(/kernel_size must be a positive integer or a list of one/);
  });
});
