/**
 * The two things a Keras 2 file and a Keras 3 file mean differently, read and written: an
 * activity_regularizer (divided by the batch size in Keras 2, not in Keras 3) and hard_sigmoid
 * (clip(0.2x + 0.5, 0, 1) in Keras 2 and tfjs, relu6(x + 3)/6 in Keras 3). A file is read with its own
 * version's meaning; tatami writes Keras 3's meanings under keras_version "3.0 (tatami …)".
 */
import { describe, test, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { regularizers, tensor, input, Model, Sequential, Dense, Activation, loadModel, type SavedArtifacts } from '../../src/index.js';
import { loadIntoTfjs } from './io-helpers.js';
import { expectClose } from '../helpers.js';

// The arithmetic of test/layers/activity-regularizer.test.ts: y = x·kernel + bias = [[1.1, 2.8], [1.35, −5.2]],
// mse against zeros 9.478125, l1l2 { 0.1, 0.05 } penalty 2.940625 over the batch of 2.
const X = tensor([[1, 2], [3, -1]]);
const ZEROS = tensor([[0, 0], [0, 0]]);
const KERAS2_LOSS = 9.478125 + 2.940625 / 2;
const KERAS3_LOSS = 9.478125 + 2.940625;
const WEIGHTS = new Float32Array([0.5, -1, 0.25, 2, 0.1, -0.2]);

type Json = Record<string, any>;

/** A one-Dense Sequential file with an activity regularizer, as `keras_version` writes it. */
function denseFile(kerasVersion: string, regularizer: unknown): { modelJson: Json; weights: ArrayBuffer } {
  const dense = { class_name: 'Dense', config: { name: 'dense', units: 2, activation: 'linear', use_bias: true, batch_input_shape: [null, 2], activity_regularizer: regularizer } };
  return {
    modelJson: {
      format: 'layers-model',
      modelTopology: { class_name: 'Sequential', keras_version: kerasVersion, config: { name: 'sequential', layers: [dense] } },
      weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'dense/kernel', shape: [2, 2], dtype: 'float32' }, { name: 'dense/bias', shape: [2], dtype: 'float32' }] }],
    },
    weights: WEIGHTS.slice().buffer,
  };
}

function lossOf(m: Model): number {
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m.evaluate(X, ZEROS, { batchSize: 2 }).loss;
}

describe('activity_regularizer in files', () => {
  test('a Keras 2 file divides the penalty by the batch size, a Keras 3 file does not', async () => {
    const k2 = await loadModel(denseFile('2.15.0', { class_name: 'L1L2', config: { l1: 0.1, l2: 0.05 } }));
    const k3 = await loadModel(denseFile('3.6.0', { module: 'keras.regularizers', class_name: 'L1L2', config: { l1: 0.1, l2: 0.05 }, registered_name: null }));
    expect([k2.layers[0].activityReduction, k3.layers[0].activityReduction]).toEqual(['sum_over_batch_size', 'sum']);
    expect(lossOf(k2)).toBeCloseTo(KERAS2_LOSS, 5);
    expect(lossOf(k3)).toBeCloseTo(KERAS3_LOSS, 5);
  });

  test('saved and loaded, each keeps its meaning: Keras 2 as tatami writes every file, Keras 3 flagged', async () => {
    for (const [reduction, version, loss] of [['sum_over_batch_size', 'tatami 0.1.0', KERAS2_LOSS], ['sum', '3.0 (tatami 0.1.0)', KERAS3_LOSS]] as const) {
      const x = input({ shape: [2] });
      const m = new Model({ inputs: x, outputs: new Dense({ units: 2, name: 'd', activityRegularizer: regularizers.l1l2({ l1: 0.1, l2: 0.05 }), activityReduction: reduction }).apply(x) });
      m.setWeights([tensor([[0.5, -1], [0.25, 2]]), tensor([0.1, -0.2])]);
      const saved = await m.save();
      const topology = saved.modelJson.modelTopology as Json;
      expect(topology.keras_version).toBe(version);
      expect(topology.config.layers[1].config.activity_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0.1, l2: 0.05 } });
      const again = await loadModel(saved);
      expect(again.layers[1].activityReduction).toBe(reduction);
      expect(lossOf(again)).toBeCloseTo(loss, 5);
    }
  });

  test('a layer without one writes no activity_regularizer key (as before, and as Keras 3)', async () => {
    const saved = await new Sequential([new Activation({ activation: 'relu', inputShape: [2] })]).save();
    expect('activity_regularizer' in (saved.modelJson.modelTopology as Json).config.layers[0].config).toBe(false);
  });

  test('tfjs 4.22 cannot load a file with an activity regularizer (its layers throw NotImplemented)', async () => {
    const saved = await loadModel(denseFile('2.15.0', { class_name: 'L1L2', config: { l1: 0.1, l2: 0.05 } })).then((m) => m.save());
    await expect(loadIntoTfjs(saved)).rejects.toThrow(/activity regularizer/);
  });

  test('bad regularizer values and classes are refused, naming the layer', async () => {
    await expect(loadModel(denseFile('2.15.0', { class_name: 'L1L2', config: { l1: -1, l2: 0 } }))).rejects.toThrow(/layer 'dense' \(Dense\): activity_regularizer .* is not supported/);
    await expect(loadModel(denseFile('3.6.0', { class_name: 'OrthogonalRegularizer', config: { factor: 0.1 } }))).rejects.toThrow(
      /loadModel: layer 'dense' \(Dense\): activity_regularizer \{"class_name":"OrthogonalRegularizer".* is not supported \(supported: L1L2, L1, L2\)/,
    );
  });
});

describe('hard_sigmoid in files', () => {
  const x = tensor([[-2, -1, 1, 2.8]]);
  const keras2 = [[0.1, 0.3, 0.7, 1]]; // clip(0.2x + 0.5, 0, 1)
  const keras3 = [[1 / 6, 2 / 6, 4 / 6, 5.8 / 6]]; // relu6(x + 3)/6

  function activationFile(kerasVersion: string): { modelJson: Json; weights: ArrayBuffer } {
    const layers = [{ class_name: 'Activation', config: { name: 'a', activation: 'hard_sigmoid', batch_input_shape: [null, 4] } }];
    return { modelJson: { format: 'layers-model', modelTopology: { class_name: 'Sequential', keras_version: kerasVersion, config: { name: 's', layers } }, weightsManifest: [{ paths: [], weights: [] }] }, weights: new ArrayBuffer(0) };
  }

  test("a Keras 3 file's hard_sigmoid is saved as hard_sigmoid in a file flagged Keras 3, and reads back the same", async () => {
    const k3 = await loadModel(activationFile('3.3.3'));
    expectClose(k3.predict(x), keras3, 1e-7, 1e-6);
    const saved = await k3.save();
    const text = JSON.stringify(saved.modelJson);
    expect(text).not.toContain('hard_sigmoid_keras3');
    expect((saved.modelJson.modelTopology as Json).config.layers[0].config.activation).toBe('hard_sigmoid');
    expect((saved.modelJson.modelTopology as Json).keras_version).toBe('3.0 (tatami 0.1.0)');
    expectClose((await loadModel(saved)).predict(x), keras3, 1e-7, 1e-6);
    // tfjs has no name for Keras 3's hard_sigmoid and ignores keras_version: it reads its own (Keras 2's).
    const theirs = await loadIntoTfjs(saved);
    expectClose(Array.from((theirs.predict(tf.tensor([[-2, -1, 1, 2.8]])) as tf.Tensor).dataSync()), keras2[0], 1e-6, 1e-5);
  });

  test("Keras 2's hard_sigmoid keeps tatami's plain file, which tfjs reads the same", async () => {
    const saved = await new Sequential([new Activation({ activation: 'hard_sigmoid', inputShape: [4] })]).save();
    expect((saved.modelJson.modelTopology as Json).keras_version).toBe('tatami 0.1.0');
    expectClose((await loadModel(saved)).predict(x), keras2, 1e-7, 1e-6);
    const theirs = await loadIntoTfjs(saved);
    expectClose(Array.from((theirs.predict(tf.tensor([[-2, -1, 1, 2.8]])) as tf.Tensor).dataSync()), keras2[0], 1e-6, 1e-5);
  });

  test('the constructor name hard_sigmoid_keras3 inside a nested model flags the whole file', async () => {
    const inner = new Sequential([new Dense({ units: 4, activation: 'hard_sigmoid_keras3', inputShape: [4], name: 'inner_dense' })], { name: 'inner', seed: 2 });
    const i = input({ shape: [4] });
    const outer = new Model({ inputs: i, outputs: new Activation({ activation: 'relu' }).apply(inner.apply(i)), seed: 2 });
    const saved: SavedArtifacts = await outer.save();
    expect((saved.modelJson.modelTopology as Json).keras_version).toBe('3.0 (tatami 0.1.0)');
    expect(JSON.stringify(saved.modelJson)).not.toContain('hard_sigmoid_keras3');
    expectClose((await loadModel(saved)).predict(x), outer.predict(x), 0, 0);
  });

  test('one file cannot carry both versions’ meanings: saving names the two layers', async () => {
    const i = input({ shape: [4] });
    const a = new Activation({ activation: 'hard_sigmoid', name: 'k2' }).apply(i);
    const m = new Model({ inputs: i, outputs: new Dense({ units: 2, name: 'k3', activityRegularizer: 'l2', activityReduction: 'sum' }).apply(a) });
    await expect(m.save()).rejects.toThrow(
      /save 'model': Activation 'k2' uses Keras 2's hard_sigmoid, clip\(0.2x \+ 0.5, 0, 1\) and Dense 'k3' uses an activity penalty not divided by the batch size .*cannot be saved together/,
    );
  });
});
