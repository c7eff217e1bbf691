/**
 * A MobileNet-style chain, trained a few steps on one side and predicted on the other, both ways,
 * within 1e-5: asymmetric ZeroPadding2D [[0, 1], [0, 1]] → strided 'valid' Conv2D →
 * BatchNormalization → ReLU(maxValue 6) → DepthwiseConv2D (depthMultiplier 2) → BatchNormalization →
 * ReLU(maxValue 6) → 1×1 Conv2D → SeparableConv2D (stride 2, 'same', relu) →
 * GlobalAveragePooling2D → Dropout → Dense. Training first moves the batch-norm statistics and every
 * weight away from its initial value, so the files carry real numbers.
 */
import { describe, test, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  loadModel, input, Model, ZeroPadding2D, Conv2D, BatchNormalization, ReLU, DepthwiseConv2D, SeparableConv2D, GlobalAveragePooling2D,
  Dropout, Dense, Tensor, Adam,
} from '../../src/index.js';
import { tfjsArtifacts, asModelJson, loadIntoTfjs, randomInput, predictionDiff } from './io-helpers.js';

const SHAPE = [16, 16, 3];
const CLASSES = 5;

/** 16 images and one-hot labels (class = index mod 5). */
function batch(): { x: Float32Array; y: Float32Array } {
  const x = randomInput([16, ...SHAPE], 31);
  const y = new Float32Array(16 * CLASSES).map((_, i) => (i % CLASSES === Math.floor(i / CLASSES) % CLASSES ? 1 : 0));
  return { x, y };
}

const CLASS_NAMES = [
  'InputLayer', 'ZeroPadding2D', 'Conv2D', 'BatchNormalization', 'ReLU', 'DepthwiseConv2D', 'BatchNormalization', 'ReLU',
  'Conv2D', 'SeparableConv2D', 'GlobalAveragePooling2D', 'Dropout', 'Dense',
];

/**
 * The asymmetric padding and the ReLU bound arrive as written: after BatchNormalization few values
 * pass 6, so a dropped max_value could hide behind equal predictions.
 */
function expectPaddingAndBound(ours: Model, theirs: tf.LayersModel): void {
  expect((ours.layers[1] as ZeroPadding2D).padding).toEqual([[0, 1], [0, 1]]);
  expect(theirs.layers[1].getConfig().padding).toEqual([[0, 1], [0, 1]]);
  for (const k of [4, 7]) {
    expect((ours.layers[k] as ReLU).maxValue).toBe(6);
    expect(theirs.layers[k].getConfig().maxValue).toBe(6);
  }
}

describe('MobileNet-style chain', () => {
  test('built and trained in tfjs, saved as tfjs saves, loaded in tatami: the same predictions', async () => {
    const i = tf.input({ shape: SHAPE });
    let h = tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]] }).apply(i) as tf.SymbolicTensor;
    h = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'valid', useBias: false }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
    h = tf.layers.reLU({ maxValue: 6 }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', useBias: false }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
    h = tf.layers.reLU({ maxValue: 6 }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.conv2d({ filters: 12, kernelSize: 1, activation: 'relu' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.separableConv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
    h = tf.layers.dropout({ rate: 0.2 }).apply(h) as tf.SymbolicTensor;
    const o = tf.layers.dense({ units: CLASSES, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
    const theirs = tf.model({ inputs: i, outputs: o });
    theirs.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const { x, y } = batch();
    await theirs.fit(tf.tensor(x, [16, ...SHAPE]), tf.tensor(y, [16, CLASSES]), { epochs: 3, batchSize: 8, verbose: 0 });
    const ours = await loadModel(asModelJson(await tfjsArtifacts(theirs)));
    expect(ours.layers.map((l) => l.className)).toEqual(CLASS_NAMES);
    expectPaddingAndBound(ours, theirs);
    expect(ours.countParams()).toBe(theirs.countParams());
    expect(predictionDiff(ours, theirs, randomInput([4, ...SHAPE], 32), [4, ...SHAPE])).toBeLessThanOrEqual(1e-5);
  });

  test('built and trained in tatami, saved, loaded in tfjs: the same predictions', async () => {
    const x = input({ shape: SHAPE });
    let h = new ZeroPadding2D({ padding: [[0, 1], [0, 1]] }).apply(x);
    h = new Conv2D({ filters: 8, kernelSize: 3, strides: 2, padding: 'valid', useBias: false }).apply(h);
    h = new BatchNormalization().apply(h);
    h = new ReLU({ maxValue: 6 }).apply(h);
    h = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: 'same', useBias: false }).apply(h);
    h = new BatchNormalization().apply(h);
    h = new ReLU({ maxValue: 6 }).apply(h);
    h = new Conv2D({ filters: 12, kernelSize: 1, activation: 'relu' }).apply(h);
    h = new SeparableConv2D({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(h);
    h = new GlobalAveragePooling2D().apply(h);
    h = new Dropout({ rate: 0.2 }).apply(h);
    const out = new Dense({ units: CLASSES, activation: 'softmax' }).apply(h);
    const ours = new Model({ inputs: x, outputs: out, seed: 3 });
    ours.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy' });
    const { x: xs, y: ys } = batch();
    const history = await ours.fit(new Tensor(xs, [16, ...SHAPE]), new Tensor(ys, [16, CLASSES]), { epochs: 3, batchSize: 8, verbose: 0, seed: 2 });
    expect(history.loss[2]).toBeLessThan(history.loss[0]);
    const theirs = await loadIntoTfjs(await ours.save());
    expect(theirs.layers.map((l) => l.getClassName())).toEqual(CLASS_NAMES);
    expectPaddingAndBound(ours, theirs);
    expect(theirs.countParams()).toBe(ours.countParams());
    expect(predictionDiff(ours, theirs, randomInput([4, ...SHAPE], 33), [4, ...SHAPE])).toBeLessThanOrEqual(1e-5);
  });
});
