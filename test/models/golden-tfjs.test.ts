/**
 * Whole models against TensorFlow.js, live: the same weights set into a tatami model and a tfjs
 * LayersModel built from the same layers; the forward output, the loss and every weight gradient
 * must agree. tfjs's gradients come from tf.variableGrads over the model's own variables.
 *
 * The losses are the Keras ones (tfjs-layers' tf.metrics.* are per-sample; their batch mean is the
 * Keras loss). tatami computes softmax/sigmoid cross-entropy from the logits (as Keras on TensorFlow),
 * tfjs from the clipped probabilities: both give the same value and, away from the clip, the same
 * gradient.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import {
  Tensor, Rng, Sequential, input, Conv2D, MaxPool2D, Flatten, Dense, BatchNormalization, AvgPool2D, Model,
  categoricalCrossentropy, binaryCrossentropy, meanSquaredError, randomNormal, type LossFn,
} from '../../src/index.js';
import { expectClose } from '../helpers.js';
import { loadTf, toTf, fromTf } from '../tf-peer.js';

const ATOL = 1e-5;
const RTOL = 1e-4;

let tf: typeof TF;
beforeAll(async () => {
  tf = await loadTf();
});

type TfLoss = (yTrue: TF.Tensor, yPred: TF.Tensor) => TF.Tensor;

/** Random weights shaped like the model's (seeded normals, scaled down). */
function randomWeights(model: Model, seed: number, scale = 0.25): Tensor[] {
  const rng = new Rng(seed);
  return model.getWeights().map((w) => randomNormal(w.shape, rng, 0, scale));
}

/**
 * Set `weights` into both models; compare the training-mode forward, the loss, every trainable
 * weight's gradient, and the inference-mode predict.
 */
function compare(label: string, ours: Model, theirs: TF.LayersModel, weights: Tensor[], x: Tensor, y: Tensor, loss: LossFn, tfLoss: TfLoss): void {
  ours.setWeights(weights);
  // Layer by layer: a tfjs model lists all trainable weights before the non-trainable ones, Keras
  // (and tatami) list them layer by layer (BatchNormalization: gamma, beta, moving_mean, moving_variance).
  let k = 0;
  const oursLayers = ours.layers.filter((l) => l.className !== 'InputLayer');
  expect(oursLayers.length).toBe(theirs.layers.length);
  oursLayers.forEach((l, i) => {
    theirs.layers[i].setWeights(weights.slice(k, k + l.weights.length).map((w) => toTf(tf, w)));
    k += l.weights.length;
  });
  // tatami: forward in training mode, loss, backward.
  const params = ours.trainableWeights();
  for (const p of params) {
    p.requiresGrad = true;
    p.grad = null;
  }
  const yPred = ours.call(x, { training: true, rng: new Rng(0) });
  const value = loss(y, yPred);
  value.backward();
  const grads = params.map((p) => {
    expect(p.grad, `${label}: a weight got no gradient`).not.toBeNull();
    return p.grad as Tensor;
  });
  for (const p of params) p.requiresGrad = false;
  // tfjs: the same, on the model's own variables.
  const xT = toTf(tf, x);
  const yT = toTf(tf, y);
  const vars = theirs.trainableWeights.map((w) => w.read() as TF.Variable);
  let tfOut: Tensor | null = null;
  const res = tf.variableGrads(() => {
    const out = theirs.apply(xT, { training: true }) as TF.Tensor;
    tfOut = fromTf(out);
    return tf.mean(tfLoss(yT, out)) as TF.Scalar;
  }, vars);
  expectClose(yPred, tfOut as unknown as Tensor, ATOL, RTOL, `${label}: forward`);
  if (yPred.op === 'softmax' || yPred.op === 'sigmoid') {
    // Keep away from tfjs's clip to [1e-7, 1 − 1e-7], where the two forms rightly differ (see below).
    const lo = Math.min(...yPred.data);
    const hi = Math.max(...yPred.data);
    expect(lo > 1e-5 && hi < 1 - 1e-5, `${label}: probabilities in [${lo}, ${hi}] reach the clip`).toBe(true);
  }
  expectClose([value.item()], [res.value.dataSync()[0]], ATOL, RTOL, `${label}: loss`);
  expect(grads.length).toBe(vars.length);
  vars.forEach((v, i) => {
    const g = res.grads[v.name];
    expect(g.shape).toEqual([...grads[i].shape]);
    expectClose(grads[i], fromTf(g), ATOL, RTOL, `${label}: gradient of weight ${i} (${v.name})`);
  });
  // Inference: predict against tfjs predict (batch 1, so predict batches and concatenates).
  expectClose(ours.predict(x, { batchSize: 1 }), fromTf(theirs.predict(xT) as TF.Tensor), ATOL, RTOL, `${label}: predict`);
}

/** input [6, 6, 2] → Conv2D(3, 3×3, relu, 'same') → MaxPool2D(2) → Flatten → Dense(4, activation). */
function convModels(activation: string): [Model, TF.LayersModel] {
  const ours = new Sequential([
    input({ shape: [6, 6, 2] }),
    new Conv2D({ filters: 3, kernelSize: 3, activation: 'relu', padding: 'same' }),
    new MaxPool2D({ poolSize: 2 }),
    new Flatten(),
    new Dense({ units: 4, activation }),
  ]);
  const theirs = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, activation: 'relu', padding: 'same' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation: activation as 'softmax' }),
    ],
  });
  return [ours, theirs];
}

describe('small conv model vs TensorFlow.js', () => {
  const rng = new Rng(11);
  const x = randomNormal([2, 6, 6, 2], rng);

  it('softmax + categorical cross-entropy', () => {
    const [ours, theirs] = convModels('softmax');
    // The weights: conv kernel [3, 3, 2, 3], bias [3], dense kernel [27, 4], bias [4].
    expect(ours.getWeights().map((w) => w.shape)).toEqual([[3, 3, 2, 3], [3], [27, 4], [4]]);
    const y = new Tensor(Float32Array.of(0, 0, 1, 0, 1, 0, 0, 0), [2, 4]);
    compare('softmax/cce', ours, theirs, randomWeights(ours, 1), x, y, categoricalCrossentropy, (a, b) => tf.metrics.categoricalCrossentropy(a, b));
    theirs.dispose();
  });

  it('softmax + categorical cross-entropy with soft, unnormalized labels', () => {
    const [ours, theirs] = convModels('softmax');
    // The second row sums to 1.5 (Keras does not normalize labels): the logit gradient is p·Σy − y.
    const y = new Tensor(Float32Array.of(0.1, 0.2, 0.6, 0.1, 0.5, 0, 0.5, 0.5), [2, 4]);
    compare('softmax/soft', ours, theirs, randomWeights(ours, 2, 0.2), x, y, categoricalCrossentropy, (a, b) => tf.metrics.categoricalCrossentropy(a, b));
    theirs.dispose();
  });

  it('sigmoid + binary cross-entropy', () => {
    const [ours, theirs] = convModels('sigmoid');
    const y = new Tensor(Float32Array.of(1, 0, 1, 0, 0, 0, 1, 1), [2, 4]);
    compare('sigmoid/bce', ours, theirs, randomWeights(ours, 3), x, y, binaryCrossentropy, (a, b) => tf.metrics.binaryCrossentropy(a, b));
    theirs.dispose();
  });

  it('linear + mean squared error', () => {
    const [ours, theirs] = convModels('linear');
    const y = randomNormal([2, 4], new Rng(4));
    compare('linear/mse', ours, theirs, randomWeights(ours, 4), x, y, meanSquaredError, (a, b) => tf.metrics.meanSquaredError(a, b));
    theirs.dispose();
  });

  it('tanh + mse through a strided conv with bias-free kernel and average pooling', () => {
    const ours = new Sequential([
      input({ shape: [7, 7, 2] }),
      new Conv2D({ filters: 4, kernelSize: [3, 2], strides: 2, useBias: false, activation: 'tanh' }),
      new AvgPool2D({ poolSize: 2, strides: 1 }),
      new Flatten(),
      new Dense({ units: 3, activation: 'tanh' }),
    ]);
    const theirs = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [7, 7, 2], filters: 4, kernelSize: [3, 2], strides: 2, useBias: false, activation: 'tanh' }),
        tf.layers.averagePooling2d({ poolSize: 2, strides: 1 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'tanh' }),
      ],
    });
    const xs = randomNormal([3, 7, 7, 2], new Rng(5));
    const y = randomNormal([3, 3], new Rng(6), 0, 0.5);
    compare('tanh/mse', ours, theirs, randomWeights(ours, 5), xs, y, meanSquaredError, (a, b) => tf.metrics.meanSquaredError(a, b));
    theirs.dispose();
  });

  it('BatchNormalization in training mode: forward, loss and gradients (gamma, beta included)', () => {
    const ours = new Sequential([
      input({ shape: [5] }),
      new Dense({ units: 6, activation: 'relu' }),
      new BatchNormalization(),
      new Dense({ units: 3, activation: 'softmax' }),
    ]);
    const theirs = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [5], units: 6, activation: 'relu' }),
        tf.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3 }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const weights = randomWeights(ours, 7);
    // Moving variance must be positive: replace it (weight 5) with 0.5 + |w|.
    weights[5] = new Tensor(weights[5].data.map((v) => 0.5 + Math.abs(v)), weights[5].shape);
    const xs = randomNormal([8, 5], new Rng(8));
    const y = new Tensor(new Float32Array(24).map((_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [8, 3]);
    compare('batchnorm', ours, theirs, weights, xs, y, categoricalCrossentropy, (a, b) => tf.metrics.categoricalCrossentropy(a, b));
    theirs.dispose();
  });

  it('where tfjs clips a probability below 1e-7, tatami (as Keras on TensorFlow) keeps the exact −log p', () => {
    // Logits [0, 30] with the label on class 0: p₀ = 1/(1 + e³⁰) = 9.36e-14, so the exact loss is
    // −log p₀ = 30 + log(1 + e⁻³⁰) = 30.0000000000001; clipped at 1e-7 it would be −log 1e-7 = 16.118.
    const ours = new Sequential([input({ shape: [1] }), new Dense({ units: 2, activation: 'softmax', useBias: false })]);
    ours.setWeights([new Tensor(Float32Array.of(0, 30), [1, 2])]);
    const y = new Tensor(Float32Array.of(1, 0), [1, 2]);
    const one = new Tensor(Float32Array.of(1), [1, 1]);
    // compile sees the softmax and takes the loss from the logits, in evaluate (noGrad) as in fit.
    ours.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    expectClose([ours.evaluate(one, y).loss], [30], 1e-4, 0);
    expect(categoricalCrossentropy(y, ours.predict(one)).item()).toBeCloseTo(-Math.log(1e-7), 4); // on probabilities: clipped
    const clipped = tf.tidy(() => tf.metrics.categoricalCrossentropy(tf.tensor2d([[1, 0]]), tf.tensor2d([[9.36e-14, 1]])).dataSync()[0]);
    expectClose([clipped], [-Math.log(1e-7)], 1e-4, 0);
  });
});
