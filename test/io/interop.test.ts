/**
 * Interop with TensorFlow.js 4.22, live, both ways: tatami's files load in tfjs and predict the same;
 * tfjs's files (and the forms the tensorflowjs converter writes for Keras 2 and Keras 3) load in
 * tatami and predict the same. Tolerance: max abs difference ≤ 1e-5.
 */
import { describe, test, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { classicCnn, loadModel, input, Model, Sequential, Conv2D, MaxPooling2D, Flatten, Dense, Dropout, BatchNormalization, Tensor, Adam, AveragePooling2D, GlobalAveragePooling2D, Activation, Reshape } from '../../src/index.js';
import { tfjsArtifacts, asModelJson, loadIntoTfjs, randomInput, predictionDiff } from './io-helpers.js';

describe('tatami → TensorFlow.js', () => {
  test('a model with every supported layer but Embedding predicts the same in tfjs', async () => {
    const x = input({ shape: [8, 8, 2] });
    let h = new Conv2D({ filters: 3, kernelSize: [3, 2], padding: 'same', activation: 'elu', kernelInitializer: 'he_normal' }).apply(x);
    h = new BatchNormalization({ momentum: 0.9, center: false }).apply(h);
    h = new AveragePooling2D({ poolSize: 2 }).apply(h);
    h = new Activation({ activation: 'tanh' }).apply(h);
    h = new MaxPooling2D({ poolSize: [2, 1], strides: 1 }).apply(h);
    h = new Conv2D({ filters: 4, kernelSize: 1, activation: 'sigmoid' }).apply(h);
    h = new GlobalAveragePooling2D().apply(h);
    h = new Reshape({ targetShape: [2, -1] }).apply(h);
    h = new Flatten().apply(h);
    h = new Dense({ units: 4, useBias: false }).apply(h);
    const model = new Model({ inputs: x, outputs: h, seed: 12 });
    const theirs = await loadIntoTfjs(await model.save());
    expect(predictionDiff(model, theirs, randomInput([3, 8, 8, 2], 5), [3, 8, 8, 2])).toBeLessThanOrEqual(1e-5);
  });

  test('the seed CNN (functional, as classicCnn builds it) predicts the same in tfjs', async () => {
    const model = classicCnn({ seed: 7 });
    const saved = await model.save();
    const theirs = await loadIntoTfjs(saved);
    expect(predictionDiff(model, theirs, randomInput([3, 28, 28, 1], 1), [3, 28, 28, 1])).toBeLessThanOrEqual(1e-5);
  });

  test('the seed CNN as a Sequential model predicts the same in tfjs', async () => {
    const model = new Sequential([
      new Conv2D({ filters: 128, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      new MaxPooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: 10, activation: 'softmax' }),
    ], { seed: 3 });
    const theirs = await loadIntoTfjs(await model.save());
    expect(theirs.layers.map((l) => l.name)).toEqual(['conv2d', 'max_pooling2d', 'flatten', 'dense']);
    expect(predictionDiff(model, theirs, randomInput([2, 28, 28, 1], 2), [2, 28, 28, 1])).toBeLessThanOrEqual(1e-5);
  });

  test('a trained functional model with Dropout, BatchNormalization and Dense predicts the same in tfjs', async () => {
    const x = input({ shape: [6] });
    let h = new Dense({ units: 8, activation: 'relu' }).apply(x);
    h = new BatchNormalization().apply(h);
    h = new Dropout({ rate: 0.3 }).apply(h);
    const out = new Dense({ units: 3, activation: 'softmax' }).apply(h);
    const model = new Model({ inputs: x, outputs: out, seed: 5 });
    model.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'categorical_crossentropy' });
    // A few steps, so the moving mean and variance are no longer their initial 0 and 1.
    const xs = new Tensor(randomInput([16, 6], 3), [16, 6]);
    const ys = new Tensor(new Float32Array(48).map((_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [16, 3]);
    await model.fit(xs, ys, { epochs: 2, batchSize: 8, verbose: 0, seed: 1 });
    const theirs = await loadIntoTfjs(await model.save());
    expect(theirs.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Dense', 'BatchNormalization', 'Dropout', 'Dense']);
    expect(predictionDiff(model, theirs, randomInput([5, 6], 4), [5, 6])).toBeLessThanOrEqual(1e-5);
  });
});

/** A small CNN built and trained by tfjs (its glorotNormal defaults are saved as VarianceScaling). */
async function trainedTfjsModel(): Promise<tf.LayersModel> {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 2], padding: 'same' }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dropout({ rate: 0.25 }));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor(randomInput([8, 8, 8, 2], 9), [8, 8, 8, 2]);
  await m.fit(xs, tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3), { epochs: 2, batchSize: 4, verbose: 0 });
  return m;
}

describe('TensorFlow.js → tatami', () => {
  test('a model tfjs built, trained and saved (with its optimizer state) loads and predicts the same', async () => {
    const theirs = await trainedTfjsModel();
    const a = await tfjsArtifacts(theirs, true);
    expect(a.weightSpecs?.some((w) => w.group === 'optimizer')).toBe(true);
    const ours = await loadModel(asModelJson(a));
    expect(ours.layers.map((l) => l.className)).toEqual(['Conv2D', 'BatchNormalization', 'MaxPooling2D', 'Flatten', 'Dropout', 'Dense']);
    expect(predictionDiff(ours, theirs, randomInput([4, 8, 8, 2], 10), [4, 8, 8, 2])).toBeLessThanOrEqual(1e-5);
  });

  test('a tfjs functional model loads', async () => {
    const i = tf.input({ shape: [5] });
    const d = tf.layers.dense({ units: 4, activation: 'tanh' }).apply(i) as tf.SymbolicTensor;
    const b = tf.layers.batchNormalization({ epsilon: 0.01 }).apply(d) as tf.SymbolicTensor;
    const o = tf.layers.dense({ units: 2, activation: 'sigmoid' }).apply(tf.layers.dropout({ rate: 0.5 }).apply(b) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const theirs = tf.model({ inputs: i, outputs: o });
    const ours = await loadModel(asModelJson(await tfjsArtifacts(theirs)));
    expect(predictionDiff(ours, theirs, randomInput([3, 5], 11), [3, 5])).toBeLessThanOrEqual(1e-5);
  });

  test('the Keras 2 converter form: model_config wrapper, InputLayer first, group1-shard names, several shards', async () => {
    const theirs = await trainedTfjsModel();
    const a = await tfjsArtifacts(theirs);
    const top = a.modelTopology as { config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] } };
    const first = top.config.layers[0].config;
    const layers = [
      { class_name: 'InputLayer', config: { batch_input_shape: first.batch_input_shape, dtype: 'float32', sparse: false, ragged: false, name: 'conv2d_input' } },
      ...top.config.layers.map((l, k) => ({ class_name: l.class_name, config: k === 0 ? { ...l.config, batch_input_shape: undefined } : l.config })),
    ];
    // Keras 2 writes the BatchNormalization axis it resolved: [3] for NHWC.
    (layers[2].config as Record<string, unknown>).axis = [3];
    const modelTopology = { keras_version: '2.15.0', backend: 'tensorflow', model_config: { class_name: 'Sequential', config: { name: 'sequential', layers: JSON.parse(JSON.stringify(layers)) } } };
    const bytes = new Uint8Array(a.weightData as ArrayBuffer);
    const cut = [0, 37, 101, bytes.length];
    const paths = ['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin'];
    const modelJson = { format: 'layers-model', generatedBy: 'keras v2.15.0', convertedBy: 'TensorFlow.js Converter v4.22.0', modelTopology, weightsManifest: [{ paths, weights: a.weightSpecs }] };
    const ours = await loadModel({ modelJson, weights: bytes });
    expect(predictionDiff(ours, theirs, randomInput([2, 8, 8, 2], 12), [2, 8, 8, 2])).toBeLessThanOrEqual(1e-5);
    // The same from a folder with three shard files.
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'tatami-shards-'));
    await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
    for (let s = 0; s < 3; s++) await writeFile(join(dir, paths[s]), bytes.subarray(cut[s], cut[s + 1]));
    const fromFolder = await loadModel(dir);
    expect(predictionDiff(fromFolder, theirs, randomInput([2, 8, 8, 2], 12), [2, 8, 8, 2])).toBeLessThanOrEqual(1e-5);
  });

  test('the Keras 3 form: Functional, batch_shape, DTypePolicy objects, __keras_tensor__ nodes, prefixed weight names', async () => {
    const theirs = await trainedTfjsModel();
    const a = await tfjsArtifacts(theirs);
    const tfLayers = (a.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers;
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const names = ['conv2d', 'batch_normalization', 'max_pooling2d', 'flatten', 'dropout', 'dense'];
    const tensorFrom = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: [name, 0, 0] } });
    const layers: Record<string, unknown>[] = [
      { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 8, 8, 2], dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null, name: 'input_layer', inbound_nodes: [] },
      ...tfLayers.map((l, k) => {
        const { batch_input_shape: _drop, ...config } = l.config;
        return {
          module: 'keras.layers', class_name: l.class_name, registered_name: null, name: names[k],
          config: { ...config, name: names[k], dtype: policy },
          build_config: { input_shape: [null] },
          inbound_nodes: [{ args: [tensorFrom(k === 0 ? 'input_layer' : names[k - 1])], kwargs: k === 4 ? { training: null } : {} }],
        };
      }),
    ];
    const modelTopology = { class_name: 'Functional', config: { name: 'functional', trainable: true, layers, input_layers: ['input_layer', 0, 0], output_layers: ['dense', 0, 0] } };
    const oldNames = tfLayers.map((l) => l.config.name as string);
    const weights = (a.weightSpecs ?? []).map((w) => {
      const [layer, rest] = [w.name.slice(0, w.name.indexOf('/')), w.name.slice(w.name.indexOf('/') + 1)];
      return { ...w, name: `functional/${names[oldNames.indexOf(layer)]}/${rest}` };
    });
    const ours = await loadModel({ modelJson: { format: 'layers-model', modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }] }, weights: a.weightData as ArrayBuffer });
    expect(ours.layers.map((l) => l.name)).toEqual(['input_layer', ...names]);
    expect(predictionDiff(ours, theirs, randomInput([2, 8, 8, 2], 13), [2, 8, 8, 2])).toBeLessThanOrEqual(1e-5);
  });
});
