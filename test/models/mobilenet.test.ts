/**
 * The zoo's MobileNet-style network: its layers and parameter count, a few training steps on a fixed
 * batch (the loss falls, the right classes' probabilities rise), and the trained model through
 * TensorFlow.js both ways (tatami → tfjs, then trained further in tfjs → tatami) within 1e-5.
 */
import { describe, test, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mobilenet, loadModel, Tensor, Adam, type Model } from '../../src/index.js';
import { tfjsArtifacts, asModelJson, loadIntoTfjs, randomInput, predictionDiff } from '../io/io-helpers.js';

const N = 16;
const SHAPE = [28, 28, 1];

/** 16 random images in [0, 1) and one-hot labels, class i mod 10. */
function batch(): { x: Float32Array; y: Float32Array } {
  const x = randomInput([N, ...SHAPE], 7).map((v) => (v + 1) / 2);
  const y = new Float32Array(N * 10).map((_, k) => (k % 10 === Math.floor(k / 10) % 10 ? 1 : 0));
  return { x, y };
}

/** Mean over the batch of the predicted probability of each image's own class. */
function rightClassProbability(model: Model, x: Float32Array): number {
  const p = model.predict(new Tensor(x, [N, ...SHAPE])).data;
  let s = 0;
  for (let i = 0; i < N; i++) s += p[i * 10 + (i % 10)];
  return s / N;
}

describe('mobilenet()', { timeout: 120_000 }, () => {
  test('its layers and parameters: 4,426, of which 320 are BatchNormalization moving statistics', () => {
    const model = mobilenet({ seed: 1 });
    const classes = model.layers.map((l) => l.className);
    expect(classes.filter((c) => c === 'DepthwiseConv2D')).toHaveLength(2);
    expect(classes.filter((c) => c === 'BatchNormalization')).toHaveLength(5);
    expect(classes.filter((c) => c === 'ReLU')).toHaveLength(5);
    expect(classes.filter((c) => c === 'ZeroPadding2D')).toHaveLength(2);
    expect(classes.slice(-2)).toEqual(['GlobalAveragePooling2D', 'Dense']);
    // conv 3·3·1·16 + depthwise 3·3·16 + 1×1 16·32 + depthwise 3·3·32 + 1×1 32·64 + BN 4·(16+16+32+32+64) + Dense 64·10+10
    expect(model.countParams()).toBe(144 + 144 + 512 + 288 + 2048 + 4 * 160 + 650);
    expect(model.outputShape).toEqual([null, 10]);
  });

  test('trains on a fixed batch, then predicts as tfjs does, both ways', async () => {
    const ours = mobilenet({ seed: 3 });
    ours.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy' });
    const { x, y } = batch();
    const before = rightClassProbability(ours, x);
    const history = await ours.fit(new Tensor(x, [N, ...SHAPE]), new Tensor(y, [N, 10]), { epochs: 8, batchSize: 8, verbose: 0, seed: 4 });
    expect(history.loss[7]).toBeLessThan(history.loss[0]);
    expect(rightClassProbability(ours, x)).toBeGreaterThan(before);

    const theirs = await loadIntoTfjs(await ours.save());
    expect(theirs.layers.map((l) => l.getClassName())).toEqual(ours.layers.map((l) => l.className));
    expect(theirs.countParams()).toBe(ours.countParams());
    expect(predictionDiff(ours, theirs, randomInput([4, ...SHAPE], 8), [4, ...SHAPE])).toBeLessThanOrEqual(1e-5);

    // tfjs trains on (its moving statistics and weights move), saves; tatami loads what it saved.
    theirs.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    await theirs.fit(tf.tensor(x, [N, ...SHAPE]), tf.tensor(y, [N, 10]), { epochs: 2, batchSize: 8, verbose: 0 });
    const back = await loadModel(asModelJson(await tfjsArtifacts(theirs)));
    expect(back.countParams()).toBe(ours.countParams());
    expect(predictionDiff(back, theirs, randomInput([4, ...SHAPE], 9), [4, ...SHAPE])).toBeLessThanOrEqual(1e-5);
    expect(predictionDiff(ours, theirs, randomInput([4, ...SHAPE], 9), [4, ...SHAPE])).toBeGreaterThan(1e-4);
  });
});
