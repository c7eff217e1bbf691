/**
 * The two ways Keras runs a base differently in fit (and a call pinned to training=True, Monte Carlo
 * dropout), each checked by arithmetic on a base of
 * Dense → BatchNormalization → Dropout(0.5):
 *
 * - called with training=False (`base.apply(x, { training: false })`, Keras's `base(x, training=False)`,
 *   the transfer-learning recipe; in files, an inbound node's kwargs `{ training: false }`): that call
 *   runs wholly in inference mode, in fit too: the BatchNormalization uses and keeps its moving
 *   statistics, the Dropout is off; its weights still train unless frozen.
 * - frozen (`base.trainable = false`): Keras 3 sets every layer of it non-trainable, so its
 *   BatchNormalization runs in inference mode, while its Dropout still follows the training flag.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, Tensor, tensor, input, loadModel, Model, Dense, BatchNormalization, Dropout, SGD } from '../../src/index.js';
import { NestedModel } from '../../src/models/nested-model.js';
import { CORPUS_DIR } from '../io/corpus/make-corpus.js';
import * as tf from '@tensorflow/tfjs';
import { loadIntoTfjs, maxDiff } from '../io/io-helpers.js';

const X = tensor([[0.5, -1, 2], [1.5, 0.25, -0.75], [-2, 1, 0.5], [0.1, 0.2, 0.3]]);
const Y = tensor([[1, 0], [0, 1], [1, 0], [0, 1]]);

/** input [3] → base (Dense 3 → BatchNormalization → Dropout 0.5) → Dense 2, the base's moving statistics set away from 0 and 1. */
function transfer(args: { training?: boolean; frozen?: boolean }): { model: Model; base: Model; bn: BatchNormalization } {
  const bx = input({ shape: [3] });
  const bn = new BatchNormalization({ name: 'bn' });
  const bout = new Dropout({ rate: 0.5, name: 'drop' }).apply(bn.apply(new Dense({ units: 3, name: 'inner' }).apply(bx)));
  const base = new Model({ inputs: bx, outputs: bout, name: 'base', seed: 4 });
  base.ensureInitialized();
  bn.weights[2].value.data.set([0.3, -0.2, 0.1]); // moving_mean
  bn.weights[3].value.data.set([2, 0.5, 1.5]); // moving_variance
  if (args.frozen === true) base.trainable = false;
  const x = input({ shape: [3] });
  const out = new Dense({ units: 2, name: 'head' }).apply(base.apply(x, { training: args.training }));
  const model = new Model({ inputs: x, outputs: out, name: 'model', seed: 5 });
  model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
  return { model, base, bn };
}

const values = (t: Tensor): number[] => Array.from(t.data);

describe('a base called with training=False', () => {
  it('runs in inference mode in a training forward pass: moving statistics used and kept, Dropout off', () => {
    const { model, bn } = transfer({ training: false });
    const stats = [values(bn.weights[2].value), values(bn.weights[3].value)];
    const inference = model.predict(X);
    const training = model.callAll([X], { training: true, rng: new Rng(1) })[0];
    expect(values(training)).toEqual(values(inference));
    expect([values(bn.weights[2].value), values(bn.weights[3].value)]).toEqual(stats);
  });

  it('through fit: the moving statistics stay, the base’s weights still train', async () => {
    const pinned = transfer({ training: false });
    const free = transfer({});
    const before = pinned.base.getWeights().map(values);
    for (const { model } of [pinned, free]) await model.fit(X, Y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0, seed: 3 });
    const after = pinned.base.getWeights().map(values);
    // Base weights in Keras order: inner kernel, inner bias, gamma, beta, moving_mean, moving_variance.
    expect(after.slice(4)).toEqual(before.slice(4));
    expect(after[0]).not.toEqual(before[0]);
    expect(after[2]).not.toEqual(before[2]);
    // The same model called without training=False updates them (the check above can fail).
    expect(free.base.getWeights().map(values)[4]).not.toEqual(before[4]);
  });

  it('is saved as the call’s kwargs and loaded back pinned', async () => {
    const { model } = transfer({ training: false });
    const saved = await model.save();
    const layers = (saved.modelJson.modelTopology as { config: { layers: { name: string; inbound_nodes: unknown[][][] }[] } }).config.layers;
    expect(layers.find((l) => l.name === 'base')?.inbound_nodes).toEqual([[['input_1', 0, 0, { training: false }]]]);
    const back = await loadModel(saved);
    const node = back.connections().find((c) => c.layer instanceof NestedModel)?.node;
    expect(node?.callArgs).toEqual({ training: false });
    expect(back.connections().find((c) => c.layer.name === 'head')?.node.callArgs).toEqual({});
    // tfjs reads the kwargs and predicts the same.
    const theirs = await loadIntoTfjs(saved);
    expect(maxDiff(model.predict(X).data, (theirs.predict(tf.tensor(Array.from(X.data), [4, 3])) as tf.Tensor).dataSync() as Float32Array)).toBeLessThanOrEqual(1e-6);
  });

  it.each([
    ['Keras 3', 'resnet50v2-transfer-keras3.10', 'resnet50v2'],
    ['Keras 2', 'mobilenetv2-transfer-tf2.11', 'mobilenetv2_1.00_160'],
  ])('in a %s file (kwargs { training: false } on the base’s inbound node) loads pinned, and the frozen base frozen', async (_flavor, file, name) => {
    const json = JSON.parse(readFileSync(join(CORPUS_DIR, `${file}.json`), 'utf8')) as { weightsManifest: { weights: { shape: number[] }[] }[] };
    const size = json.weightsManifest[0].weights.reduce((n, w) => n + 4 * w.shape.reduce((p, d) => p * d, 1), 0);
    const model = await loadModel({ modelJson: json, weights: new ArrayBuffer(size) });
    const base = model.connections().find((c) => c.layer.name === name);
    expect(base?.node.callArgs).toEqual({ training: false });
    // Keras 3 writes the base's trainable: false in its config, Keras 2 on each of its layers: either way only the head trains.
    expect(model.layers.flatMap((l) => l.trainableWeights().map((w) => `${l.name}/${w.name}`))).toEqual(['dense/kernel', 'dense/bias']);
  });
});

describe('a call with training=True (Monte Carlo dropout)', () => {
  it('runs in training mode in predict too', () => {
    const x = input({ shape: [64] });
    const model = new Model({ inputs: x, outputs: new Dropout({ rate: 0.5 }).apply(x, { training: true }) });
    const ones = tensor([Array.from({ length: 64 }, () => 1)]);
    // Dropout(0.5) in training: each unit dropped (0) or kept ×2.
    const y = Array.from(model.predict(ones).data);
    expect(y.every((v) => v === 0 || v === 2)).toBe(true);
    expect(y.filter((v) => v === 0).length).toBeGreaterThan(10);
    expect(y.filter((v) => v === 2).length).toBeGreaterThan(10);
  });
});

describe('a frozen base (trainable = false)', () => {
  it('runs its BatchNormalization in inference mode and keeps its Dropout', () => {
    const { model, base, bn } = transfer({ frozen: true });
    const stats = [values(bn.weights[2].value), values(bn.weights[3].value)];
    const x = tensor(Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(2 * i), 0.1 * (i % 7)]));
    // The base's output in inference mode, and in a training pass of the outer model.
    const inference = base.predict(x);
    const inner = new Model({ inputs: model.inputs, outputs: base.asLayer().nodes[0], name: 'upto' });
    const training = inner.callAll([x], { training: true, rng: new Rng(2) })[0];
    // Dropout(0.5) in training keeps a unit ×2 or drops it; BatchNormalization used the moving statistics.
    let kept = 0;
    let dropped = 0;
    training.data.forEach((v, i) => {
      if (v === 0) dropped++;
      else {
        kept++;
        expect(Math.abs(v - 2 * inference.data[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v)));
      }
    });
    expect(kept).toBeGreaterThan(40);
    expect(dropped).toBeGreaterThan(40);
    expect([values(bn.weights[2].value), values(bn.weights[3].value)]).toEqual(stats);
  });

  it('through fit: none of its weights or statistics move; the head trains', async () => {
    const { model, base } = transfer({ frozen: true });
    const before = base.getWeights().map(values);
    const head = values(model.layers[2].weights[0].value);
    await model.fit(X, Y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0, seed: 3 });
    expect(base.getWeights().map(values)).toEqual(before);
    expect(values(model.layers[2].weights[0].value)).not.toEqual(head);
  });

  it('sets every inner layer’s flag as Keras does, so `trainable = true` unfreezes a base saved frozen layer by layer', async () => {
    const { model, base } = transfer({ frozen: true });
    expect(base.layers.map((l) => l.trainable)).toEqual([false, false, false, false]);
    // A Keras 2 file of a frozen base marks each inner layer non-trainable: the reloaded base is frozen
    // by its layers' flags alone.
    const reloaded = await loadModel(await model.save());
    // A model loaded by tatami is a training Model all the way down (its nested models too).
    const inner = (reloaded.layers[1] as NestedModel).model as Model;
    expect(inner).toBeInstanceOf(Model);
    // (Its InputLayer's config carries no trainable key, in Keras's files as in ours.)
    expect(inner.layers.slice(1).map((l) => l.trainable)).toEqual([false, false, false]);
    inner.trainable = true;
    expect(inner.layers.map((l) => l.trainable)).toEqual([true, true, true, true]);
    reloaded.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    const before = inner.getWeights().map(values);
    await reloaded.fit(X, Y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0, seed: 3 });
    const after = inner.getWeights().map(values);
    // The inner Dense's kernel (first weight) now trains.
    expect(after[0]).not.toEqual(before[0]);
  });
});
