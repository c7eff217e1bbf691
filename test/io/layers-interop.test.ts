/**
 * Interop with TensorFlow.js for the shape, activation and normalization layers, both ways, on a
 * chain model and an Inception-style decoder graph: built and trained a few steps in one engine, saved as it saves, loaded in the other;
 * predictions within 1e-5. Also: each layer's Keras 2 and Keras 3 config keys.
 */
import { describe, test, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  loadModel, input, Model, Tensor, Adam, Conv2D, Dense, ZeroPadding2D, Cropping2D, ReLU, LeakyReLU, ELU, Softmax,
  PReLU, Rescaling, UpSampling2D, GlobalMaxPooling2D, LayerNormalization, GaussianDropout, GaussianNoise, SpatialDropout2D,
  Resizing, CenterCrop, RepeatVector, Permute, Conv2DTranspose, MaxPooling2D, Concatenate, type SymbolicTensor,
} from '../../src/index.js';
import { tfjsArtifacts, asModelJson, loadIntoTfjs, randomInput, predictionDiff } from './io-helpers.js';

const oneHot = (n: number, k: number): Float32Array => new Float32Array(n * k).map((_, i) => (i % k === Math.floor(i / k) % k ? 1 : 0));

describe('a chain of the new layers, TensorFlow.js → tatami', () => {
  test('built and trained in tfjs, saved as tfjs saves, loaded in tatami: same predictions', async () => {
    const m = tf.sequential();
    m.add(tf.layers.zeroPadding2d({ padding: [[0, 1], [1, 0]], inputShape: [9, 9, 2] }));
    m.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2 }));
    m.add(tf.layers.reLU({ maxValue: 6 }));
    m.add(tf.layers.conv2d({ filters: 4, kernelSize: 1 }));
    m.add(tf.layers.leakyReLU({ alpha: 0.1 }));
    m.add(tf.layers.upSampling2d({ size: [2, 2] }));
    m.add(tf.layers.cropping2D({ cropping: [[1, 0], [0, 2]] }));
    m.add(tf.layers.prelu({ sharedAxes: [1, 2], alphaInitializer: 'ones' }));
    m.add(tf.layers.layerNormalization({ axis: -1 }));
    m.add(tf.layers.gaussianNoise({ stddev: 0.1 }));
    m.add(tf.layers.elu());
    m.add(tf.layers.globalMaxPooling2d({}));
    m.add(tf.layers.dense({ units: 3 }));
    m.add(tf.layers.softmax({ axis: -1 }));
    m.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy' });
    const xs = tf.tensor(randomInput([8, 9, 9, 2], 30), [8, 9, 9, 2]);
    const before = m.getWeights().map((w) => w.dataSync().slice());
    await m.fit(xs, tf.tensor(oneHot(8, 3), [8, 3]), { epochs: 3, batchSize: 4, verbose: 0 });
    // Training moved the weights (LayerNormalization's and PReLU's too), so the check is on trained values.
    const after = m.getWeights().map((w) => w.dataSync());
    expect(after.every((w, i) => w.some((v, j) => v !== before[i][j]))).toBe(true);
    const ours = await loadModel(asModelJson(await tfjsArtifacts(m)));
    expect(ours.layers.map((l) => l.className)).toEqual([
      'ZeroPadding2D', 'Conv2D', 'ReLU', 'Conv2D', 'LeakyReLU', 'UpSampling2D', 'Cropping2D', 'PReLU', 'LayerNormalization', 'GaussianNoise', 'ELU', 'GlobalMaxPooling2D', 'Dense', 'Softmax',
    ]);
    expect(ours.countParams()).toBe(m.countParams());
    expect(predictionDiff(ours, m, randomInput([5, 9, 9, 2], 31), [5, 9, 9, 2])).toBeLessThanOrEqual(1e-5);
  });
});

describe('a chain of the new layers, tatami → TensorFlow.js', () => {
  test('built and trained in tatami, saved, loaded in tfjs: same predictions and parameter count', async () => {
    const x = input({ shape: [9, 9, 2] });
    let h = new Rescaling({ scale: 0.5, offset: 0.1 }).apply(x);
    h = new ZeroPadding2D({ padding: [[0, 1], [0, 1]] }).apply(h);
    h = new Conv2D({ filters: 4, kernelSize: 3, strides: 2 }).apply(h);
    h = new ReLU({ maxValue: 6 }).apply(h);
    h = new LeakyReLU().apply(h);
    h = new UpSampling2D({ size: [2, 1] }).apply(h);
    h = new Cropping2D({ cropping: [[2, 1], [1, 0]] }).apply(h);
    h = new PReLU({ sharedAxes: [1, 2] }).apply(h);
    h = new LayerNormalization({ axis: [1, 2, 3] }).apply(h);
    h = new GaussianDropout({ rate: 0.2 }).apply(h);
    h = new ELU().apply(h);
    h = new GlobalMaxPooling2D().apply(h);
    h = new Dense({ units: 3 }).apply(h);
    const out = new Softmax().apply(h);
    const model = new Model({ inputs: x, outputs: out, seed: 4 });
    model.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'categorical_crossentropy' });
    await model.fit(new Tensor(randomInput([8, 9, 9, 2], 32), [8, 9, 9, 2]), new Tensor(oneHot(8, 3), [8, 3]), { epochs: 3, batchSize: 4, verbose: 0, seed: 2 });
    const theirs = await loadIntoTfjs(await model.save());
    expect(theirs.layers.map((l) => l.getClassName()).slice(1)).toEqual([
      'Rescaling', 'ZeroPadding2D', 'Conv2D', 'ReLU', 'LeakyReLU', 'UpSampling2D', 'Cropping2D', 'PReLU', 'LayerNormalization', 'GaussianDropout', 'ELU', 'GlobalMaxPooling2D', 'Dense', 'Softmax',
    ]);
    expect(theirs.countParams()).toBe(model.countParams());
    expect(predictionDiff(model, theirs, randomInput([5, 9, 9, 2], 33), [5, 9, 9, 2])).toBeLessThanOrEqual(1e-5);
  });
});

describe('Keras 2 and Keras 3 config keys', () => {
  const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const init = (cls: string) => ({ module: 'keras.initializers', class_name: cls, config: {}, registered_name: null });
  const entry = (className: string, name: string, config: Record<string, unknown>) => ({
    module: 'keras.layers', class_name: className, registered_name: null, config: { name, trainable: true, dtype: policy, ...config },
  });

  test('a Keras 3 file with every layer loads and predicts as the same model built in tatami', async () => {
    const x = input({ shape: [6, 6, 2] });
    const layers = [
      new Rescaling({ scale: 2, offset: -0.5 }), new ZeroPadding2D({ padding: [[1, 0], [0, 2]] }), new ReLU({ maxValue: 6, negativeSlope: 0.1 }),
      new LeakyReLU({ alpha: 0.2 }), new UpSampling2D({ size: [1, 2], interpolation: 'bilinear' }), new Cropping2D({ cropping: [[1, 1], [2, 0]] }),
      new PReLU({ sharedAxes: [1, 2], alphaInitializer: 'random_uniform' }), new LayerNormalization({ axis: [-1] }), new ELU({ alpha: 0.5 }),
      new GlobalMaxPooling2D(), new Softmax(),
    ];
    let h = x;
    for (const l of layers) h = l.apply(h);
    const ours = new Model({ inputs: x, outputs: h, seed: 3 });
    const saved = await ours.save();
    const k3Layers = [
      { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, config: { batch_shape: [null, 6, 6, 2], dtype: 'float32', sparse: false, name: 'input_layer' } },
      entry('Rescaling', 'rescaling', { scale: 2.0, offset: -0.5 }),
      entry('ZeroPadding2D', 'zero_padding2d', { padding: [[1, 0], [0, 2]], data_format: 'channels_last' }),
      entry('ReLU', 're_lu', { max_value: 6.0, negative_slope: 0.1, threshold: 0.0 }),
      entry('LeakyReLU', 'leaky_re_lu', { negative_slope: 0.2 }),
      entry('UpSampling2D', 'up_sampling2d', { size: [1, 2], data_format: 'channels_last', interpolation: 'bilinear' }),
      entry('Cropping2D', 'cropping2d', { cropping: [[1, 1], [2, 0]], data_format: 'channels_last' }),
      entry('PReLU', 'p_re_lu', { alpha_initializer: init('RandomUniform'), alpha_regularizer: null, alpha_constraint: null, shared_axes: [1, 2] }),
      entry('LayerNormalization', 'layer_normalization', {
        axis: [-1], epsilon: 0.001, center: true, scale: true, rms_scaling: false, beta_initializer: init('Zeros'), gamma_initializer: init('Ones'),
        beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
      }),
      entry('ELU', 'elu', { alpha: 0.5 }),
      entry('GlobalMaxPooling2D', 'global_max_pooling2d', { data_format: 'channels_last', keepdims: false }),
      entry('Softmax', 'softmax', { axis: -1 }),
    ];
    const modelJson = {
      format: 'layers-model',
      modelTopology: { class_name: 'Sequential', config: { name: 'sequential', layers: k3Layers } },
      weightsManifest: saved.modelJson.weightsManifest,
    };
    const loaded = await loadModel({ modelJson, weights: saved.weights });
    const probe = new Tensor(randomInput([3, 6, 6, 2], 40), [3, 6, 6, 2]);
    expect(Array.from(loaded.predict(probe).data)).toEqual(Array.from(ours.predict(probe).data));
    // Keras 2 spellings of the same options: LeakyReLU's alpha.
    const k2 = JSON.parse(JSON.stringify(modelJson));
    k2.modelTopology.config.layers[4].config = { name: 'leaky_re_lu', trainable: true, dtype: 'float32', alpha: 0.2 };
    expect(Array.from((await loadModel({ modelJson: k2, weights: saved.weights })).predict(probe).data)).toEqual(Array.from(ours.predict(probe).data));
  });

  test('options tatami cannot honour are refused by name', async () => {
    const bad = async (className: string, config: Record<string, unknown>): Promise<unknown> => loadModel({
      modelJson: { format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: className, config: { name: 'l', batch_input_shape: [null, 4, 4, 2], ...config } }] } }, weightsManifest: [] },
      weights: new ArrayBuffer(0),
    });
    await expect(bad('LayerNormalization', { rms_scaling: true })).rejects.toThrow(/layer 'l' \(LayerNormalization\): rms_scaling true is not supported/);
    await expect(bad('UpSampling2D', { interpolation: 'bicubic' })).rejects.toThrow(/layer 'l' \(UpSampling2D\): interpolation 'bicubic' is not supported/);
    await expect(bad('Resizing', { height: 2, width: 2, pad_to_aspect_ratio: true })).rejects.toThrow(/pad_to_aspect_ratio true is not supported/);
    await expect(bad('PReLU', { alpha_constraint: { class_name: 'NonNeg', config: {} } })).rejects.toThrow(/alpha_constraint .* is not supported/);
    await expect(bad('ZeroPadding2D', { padding: [1, 2, 3] })).rejects.toThrow(/ZeroPadding2D: padding must be an integer ≥ 0/);
  });
});

describe('activation names both ways', () => {
  // tfjs 4.22 has none of exponential, silu, hard_silu / hard_swish (Keras 3 names).
  const names = ['relu6', 'selu', 'softplus', 'softsign', 'swish', 'gelu', 'hard_sigmoid'];

  test('a Dense layer with each new activation predicts the same in tfjs, and tfjs\'s back in tatami', async () => {
    for (const activation of names) {
      const x = input({ shape: [5] });
      const model = new Model({ inputs: x, outputs: new Dense({ units: 4, activation }).apply(x), seed: 8 });
      const theirs = await loadIntoTfjs(await model.save());
      expect(predictionDiff(model, theirs, randomInput([3, 5], 9), [3, 5]), activation).toBeLessThanOrEqual(1e-5);
      const back = await loadModel(asModelJson(await tfjsArtifacts(theirs)));
      expect(predictionDiff(back, theirs, randomInput([3, 5], 10), [3, 5]), `${activation} back`).toBeLessThanOrEqual(1e-5);
    }
  });
});

describe('tatami → tatami', () => {
  test('every new layer saves and loads with its options and weights', async () => {
    const x = input({ shape: [7, 8, 3] });
    const layers = [
      new Rescaling({ scale: [0.5, 1, 2], offset: 0.1 }), new CenterCrop({ height: 6, width: 6 }), new ZeroPadding2D({ padding: [[0, 1], [2, 0]] }),
      new Resizing({ height: 9, width: 7, interpolation: 'nearest', cropToAspectRatio: true }), new Cropping2D({ cropping: [1, 0] }),
      new UpSampling2D({ size: [1, 2], interpolation: 'bilinear' }), new ReLU({ maxValue: 6, negativeSlope: 0.05, threshold: -0.5 }),
      new LeakyReLU({ alpha: 0.15 }), new PReLU({ sharedAxes: [1], alphaInitializer: 'random_normal' }), new ELU({ alpha: 0.7 }),
      new SpatialDropout2D({ rate: 0.2 }), new GaussianNoise({ stddev: 0.3 }), new GaussianDropout({ rate: 0.1 }),
      new LayerNormalization({ axis: [-2, -1], epsilon: 1e-5, center: false }), new Softmax({ axis: 2 }), new GlobalMaxPooling2D(),
      new RepeatVector({ n: 2 }), new Permute({ dims: [2, 1] }),
    ];
    let h = x;
    for (const l of layers) h = l.apply(h);
    const model = new Model({ inputs: x, outputs: h, seed: 12 });
    const again = await loadModel(await model.save());
    expect(again.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
    expect(again.countParams()).toBe(model.countParams());
    const probe = new Tensor(randomInput([2, 7, 8, 3], 50), [2, 7, 8, 3]);
    expect(Array.from(again.predict(probe).data)).toEqual(Array.from(model.predict(probe).data));
  });
});

/** Three parallel branches of one input, as an Inception module: 1×1, 3×3 'same', 3×3/1 max pool → 1×1; each with its own LeakyReLU. */
function tfDecoder(): tf.LayersModel {
  const x = tf.input({ shape: [6, 6, 2] });
  const leaky = (t: tf.SymbolicTensor): tf.SymbolicTensor => tf.layers.leakyReLU({ alpha: 0.2 }).apply(t) as tf.SymbolicTensor;
  const a = leaky(tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(x) as tf.SymbolicTensor);
  const b = leaky(tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor);
  const pooled = tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  const c = leaky(tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(pooled) as tf.SymbolicTensor);
  let h = tf.layers.concatenate().apply([a, b, c]) as tf.SymbolicTensor;
  h = tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.upSampling2d({ size: [2, 2] }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.cropping2D({ cropping: [[1, 2], [0, 3]] }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.layerNormalization({ axis: -1 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.globalMaxPooling2d({}).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: tf.layers.dense({ units: 2, activation: 'softmax' }).apply(h) as tf.SymbolicTensor });
}

/** tatami's twin of tfDecoder, layer for layer. */
function decoder(seed: number): Model {
  const x = input({ shape: [6, 6, 2] });
  const leaky = (t: SymbolicTensor): SymbolicTensor => new LeakyReLU({ alpha: 0.2 }).apply(t);
  const a = leaky(new Conv2D({ filters: 2, kernelSize: 1 }).apply(x));
  const b = leaky(new Conv2D({ filters: 3, kernelSize: 3, padding: 'same' }).apply(x));
  const c = leaky(new Conv2D({ filters: 2, kernelSize: 1 }).apply(new MaxPooling2D({ poolSize: 3, strides: 1, padding: 'same' }).apply(x)));
  let h = new Concatenate().apply([a, b, c]);
  h = new Conv2DTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu' }).apply(h);
  h = new UpSampling2D().apply(h);
  h = new Cropping2D({ cropping: [[1, 2], [0, 3]] }).apply(h);
  h = new LayerNormalization().apply(h);
  h = new GlobalMaxPooling2D().apply(h);
  return new Model({ inputs: x, outputs: new Dense({ units: 2, activation: 'softmax' }).apply(h), seed });
}

/** The decoder's wiring as it arrived: Concatenate joins the three branches, 2 + 3 + 2 channels. */
function expectBranches(model: Model): void {
  const concat = model.connections().find((c) => c.layer.className === 'Concatenate');
  expect(concat?.inputShapes).toEqual([[null, 6, 6, 2], [null, 6, 6, 3], [null, 6, 6, 2]]);
  expect(concat?.outputShape).toEqual([null, 6, 6, 7]);
  expect(model.layers.filter((l) => l.className === 'LeakyReLU')).toHaveLength(3);
}

describe('an Inception-style decoder: parallel branches joined by Concatenate', () => {
  test('LeakyReLU, MaxPool 3×3/1 same, Concatenate, Conv2DTranspose 2 same elu, UpSampling2D, asymmetric Cropping2D, LayerNormalization, GlobalMaxPooling2D: tfjs → tatami', async () => {
    const m = tfDecoder();
    m.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy' });
    await m.fit(tf.tensor(randomInput([8, 6, 6, 2], 60), [8, 6, 6, 2]), tf.tensor(oneHot(8, 2), [8, 2]), { epochs: 3, batchSize: 4, verbose: 0 });
    const ours = await loadModel(asModelJson(await tfjsArtifacts(m)));
    expect(ours.layers.map((l) => l.className)).toEqual(m.layers.map((l) => l.getClassName()));
    expectBranches(ours);
    expect(ours.countParams()).toBe(m.countParams());
    expect(predictionDiff(ours, m, randomInput([3, 6, 6, 2], 61), [3, 6, 6, 2])).toBeLessThanOrEqual(1e-5);
  });

  test('the same decoder built and trained in tatami predicts the same in tfjs', async () => {
    const model = decoder(9);
    expectBranches(model);
    model.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'categorical_crossentropy' });
    await model.fit(new Tensor(randomInput([8, 6, 6, 2], 62), [8, 6, 6, 2]), new Tensor(oneHot(8, 2), [8, 2]), { epochs: 3, batchSize: 4, verbose: 0, seed: 3 });
    const theirs = await loadIntoTfjs(await model.save());
    expect(theirs.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.className));
    expect(theirs.countParams()).toBe(model.countParams());
    expect(predictionDiff(model, theirs, randomInput([3, 6, 6, 2], 63), [3, 6, 6, 2])).toBeLessThanOrEqual(1e-5);
  });
});
