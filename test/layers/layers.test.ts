/**
 * Layers one by one: values worked out by hand (or from TensorFlow.js live), shape inference, and a
 * finite-difference gradient check of `layer.call` with respect to its input and every weight.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import {
  Tensor, Rng, tensor, Layer, Dense, Conv2D, Dropout, BatchNormalization, Embedding, Reshape, Activation, Flatten,
  GlobalAveragePooling2D, AvgPool2D, AveragePooling2D, MaxPool2D, MaxPooling2D, randomNormal, initializers, type CallContext,
} from '../../src/index.js';
import { expectClose, expectGradOk, shuffledRamp } from '../helpers.js';
import { loadTf, toTf, fromTf } from '../tf-peer.js';

let tf: typeof TF;
beforeAll(async () => {
  tf = await loadTf();
});

const TRAIN: CallContext = { training: true, rng: new Rng(0) };
const INFER: CallContext = { training: false, rng: new Rng(0) };

/** Build a standalone layer for a batch shape and initialize its weights from a seeded Rng. */
function built<L extends Layer>(layer: L, shape: readonly (number | null)[], seed = 1): L {
  layer.build(shape);
  const rng = new Rng(seed);
  for (const w of layer.weights) initializers.resolveInitializer(w.initializer, layer.className)(w.value.data, w.value.shape, rng);
  return layer;
}

/** Gradient check of layer.call on x and every trainable weight. */
function checkLayerGrad(layer: Layer, x: Tensor, ctx: () => CallContext = () => TRAIN, label = layer.className, tol = 1e-2): void {
  const weights = layer.trainableWeights().map((w) => w.value);
  expectGradOk((xx) => layer.call(xx, ctx()), [x, ...weights], { tol }, label);
}

describe('Dense', () => {
  it('acts on the last axis of a rank-3 input (matches tfjs)', () => {
    const layer = built(new Dense({ units: 5, activation: 'tanh' }), [null, 3, 4]);
    expect(layer.computeOutputShape([null, 3, 4])).toEqual([null, 3, 5]);
    const [kernel, bias] = layer.weights.map((w) => w.value);
    bias.data.set([0.1, -0.2, 0.3, 0, 0.5]);
    const x = randomNormal([2, 3, 4], new Rng(2));
    const ours = layer.call(x, INFER);
    const dense = tf.layers.dense({ units: 5, activation: 'tanh', inputShape: [3, 4] });
    dense.build([null, 3, 4]);
    dense.setWeights([toTf(tf, kernel), toTf(tf, bias)]);
    const theirs = fromTf(dense.apply(toTf(tf, x)) as TF.Tensor);
    expect(ours.shape).toEqual([2, 3, 5]);
    expectClose(ours, theirs, 1e-6, 1e-5);
  });

  it('by hand: y = x·kernel + bias, relu', () => {
    const layer = built(new Dense({ units: 2, activation: 'relu' }), [null, 3]);
    layer.weights[0].value.data.set([1, -1, 2, 0, 0, 3]); // kernel [[1, −1], [2, 0], [0, 3]]
    layer.weights[1].value.data.set([0.5, -0.5]);
    // x = [1, 2, 3]: [1 + 4 + 0 + 0.5, −1 + 0 + 9 − 0.5] = [5.5, 7.5];  x = [−1, 0, 1]: [−1 + 0.5, 1 + 3 − 0.5] → relu [0, 3.5]
    expectClose(layer.call(tensor([[1, 2, 3], [-1, 0, 1]]), INFER), [[5.5, 7.5], [0, 3.5]], 1e-6);
    expect(layer.countParams()).toBe(3 * 2 + 2);
  });

  it('gradients (rank 2 and rank 3, no bias)', () => {
    checkLayerGrad(built(new Dense({ units: 3, activation: 'sigmoid' }), [null, 4]), randomNormal([2, 4], new Rng(3)));
    checkLayerGrad(built(new Dense({ units: 3, useBias: false }), [null, 2, 4]), randomNormal([2, 2, 4], new Rng(4)));
  });

  it('a reused (already built) Dense rejects a different input width', () => {
    const layer = built(new Dense({ units: 2 }), [null, 3]);
    expect(() => layer.computeOutputShape([null, 4])).toThrow(/Dense: expected last axis 3, got input shape \(None, 4\)/);
  });
});

describe('Conv2D layer', () => {
  it('shapes: valid, same, strides, dilation; parameters KH·KW·CI·filters + filters', () => {
    expect(new Conv2D({ filters: 4, kernelSize: 3 }).computeOutputShape([null, 8, 8, 2])).toEqual([null, 6, 6, 4]);
    expect(new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', strides: 2 }).computeOutputShape([null, 7, 7, 2])).toEqual([null, 4, 4, 4]);
    expect(new Conv2D({ filters: 4, kernelSize: 3, dilationRate: 2 }).computeOutputShape([null, 8, 8, 2])).toEqual([null, 4, 4, 4]);
    expect(built(new Conv2D({ filters: 4, kernelSize: [3, 2] }), [null, 8, 8, 5]).countParams()).toBe(3 * 2 * 5 * 4 + 4);
  });

  it('gradients (same padding, stride 2; dilation)', () => {
    // tanh, not relu: nudging a weight moves many outputs at once and some would cross relu's kink.
    // (The fused-relu path is checked against tfjs in test/models/golden-tfjs.test.ts.)
    const layer = built(new Conv2D({ filters: 2, kernelSize: 3, padding: 'same', strides: 2, activation: 'tanh' }), [null, 5, 5, 2]);
    layer.weights[1].value.data.set([0.05, -0.05]);
    checkLayerGrad(layer, randomNormal([1, 5, 5, 2], new Rng(5)));
    checkLayerGrad(built(new Conv2D({ filters: 2, kernelSize: 2, dilationRate: 2 }), [null, 4, 4, 1]), randomNormal([2, 4, 4, 1], new Rng(6)));
  });
});

describe('Dropout', () => {
  const x = new Tensor(new Float32Array(10000).fill(1), [100, 100]);

  it('training: zeros at ≈ rate, kept values scaled by 1/(1 − rate)', () => {
    const rate = 0.3;
    const y = new Dropout({ rate }).call(x, { training: true, rng: new Rng(7) });
    const zeros = y.data.filter((v) => v === 0).length;
    // Binomial(10000, 0.3): std = √(10000·0.3·0.7) = 45.8; allow 4 std.
    expect(Math.abs(zeros - 3000)).toBeLessThan(4 * 45.8);
    const kept = new Set(Array.from(y.data).filter((v) => v !== 0));
    expect([...kept]).toEqual([Math.fround(1 / 0.7)]);
    // The expected value is preserved: mean ≈ 1.
    const mean = y.data.reduce((s, v) => s + v, 0) / y.size;
    expect(Math.abs(mean - 1)).toBeLessThan(4 * Math.sqrt(0.3 / 0.7 / 10000));
  });

  it('inference (and rate 0) is the identity', () => {
    expect(new Dropout({ rate: 0.5 }).call(x, INFER)).toBe(x);
    expect(new Dropout({ rate: 0 }).call(x, TRAIN)).toBe(x);
  });

  it('seeded: the same seed gives the same mask, another seed another', () => {
    const d = new Dropout({ rate: 0.5 });
    const a = d.call(x, { training: true, rng: new Rng(1) });
    const b = d.call(x, { training: true, rng: new Rng(1) });
    const c = d.call(x, { training: true, rng: new Rng(2) });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
  });

  it('keeps element i exactly when the Rng\'s i-th uniform() is ≥ rate, and leaves the Rng where 10000 uniform() calls would', () => {
    for (const rate of [0.5, 0.3, 0.1 + 0.2]) {
      const rng = new Rng(11);
      const y = new Dropout({ rate }).call(x, { training: true, rng });
      const ref = new Rng(11);
      const want = Array.from({ length: x.size }, () => (ref.uniform() >= rate ? Math.fround(1 / (1 - rate)) : 0));
      expect(Array.from(y.data)).toEqual(want);
      expect(rng.nextUint32()).toBe(ref.nextUint32());
    }
  });

  it('gradient is the mask (same Rng stream every call)', () => {
    checkLayerGrad(new Dropout({ rate: 0.4 }), randomNormal([3, 5], new Rng(8)), () => ({ training: true, rng: new Rng(9) }));
  });

  it('rejects a rate outside [0, 1)', () => {
    expect(() => new Dropout({ rate: 1 })).toThrow(/Dropout: rate must be a number in \[0, 1\), got 1/);
    expect(() => new Dropout({ rate: -0.1 })).toThrow(/rate must be a number in \[0, 1\)/);
  });
});

describe('BatchNormalization', () => {
  // x [4, 2]: channel 0 = [1, 2, 3, 6] (mean 3, biased variance (4 + 1 + 0 + 9)/4 = 3.5),
  //           channel 1 = [0, 0, 4, 4] (mean 2, variance 4). γ = [2, 0.5], β = [0.1, −1], ε = 1e-3.
  const x = tensor([[1, 0], [2, 0], [3, 4], [6, 4]]);
  function bn(): BatchNormalization {
    const layer = built(new BatchNormalization(), [null, 2]);
    expect(layer.weights.map((w) => w.name)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(layer.weights.map((w) => w.trainable)).toEqual([true, true, false, false]);
    layer.weights[0].value.data.set([2, 0.5]);
    layer.weights[1].value.data.set([0.1, -1]);
    return layer;
  }

  it('Keras defaults: momentum 0.99, epsilon 1e-3, moving stats start at 0 and 1', () => {
    const layer = built(new BatchNormalization(), [null, 3]);
    expect([layer.momentum, layer.epsilon]).toEqual([0.99, 1e-3]);
    expect(layer.weights.map((w) => Array.from(w.value.data))).toEqual([[1, 1, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1]]);
  });

  it('training: batch statistics; moving stats updated with momentum 0.99', () => {
    const layer = bn();
    const y = layer.call(x, TRAIN);
    // channel 0: γ·(x − 3)/√3.501 + β = 2·[−2, −1, 0, 3]/1.871096 + 0.1
    // channel 1: 0.5·[−2, −2, 2, 2]/√4.001 − 1 = ±0.5·0.999875 − 1
    const s0 = Math.sqrt(3.501);
    const s1 = Math.sqrt(4.001);
    const expected = [[-2, -2], [-1, -2], [0, 2], [3, 2]].map(([a, b]) => [(2 * a) / s0 + 0.1, (0.5 * b) / s1 - 1]);
    expectClose(y, expected, 1e-5, 1e-5);
    // moving_mean = 0.99·0 + 0.01·[3, 2] = [0.03, 0.02]; moving_variance = 0.99·1 + 0.01·[3.5, 4] = [1.025, 1.03]
    expectClose(layer.weights[2].value, [0.03, 0.02], 1e-7, 1e-6);
    expectClose(layer.weights[3].value, [1.025, 1.03], 1e-7, 1e-6);
    // A second training call: moving_mean = 0.99·0.03 + 0.01·3 = 0.0597, 0.99·0.02 + 0.01·2 = 0.0398
    layer.call(x, TRAIN);
    expectClose(layer.weights[2].value, [0.0597, 0.0398], 1e-7, 1e-6);
  });

  it('inference: moving statistics, no update', () => {
    const layer = bn();
    layer.weights[2].value.data.set([1, -1]);
    layer.weights[3].value.data.set([4, 0.25]);
    const y = layer.call(x, INFER);
    // channel 0: 2·(x − 1)/√4.001 + 0.1;  channel 1: 0.5·(x + 1)/√0.251 − 1
    const expected = [[1, 0], [2, 0], [3, 4], [6, 4]].map(([a, b]) => [(2 * (a - 1)) / Math.sqrt(4.001) + 0.1, (0.5 * (b + 1)) / Math.sqrt(0.251) - 1]);
    expectClose(y, expected, 1e-5, 1e-5);
    expectClose(layer.weights[2].value, [1, -1], 0, 0);
  });

  it('forward in both modes and the moving-stat update match tfjs on a 4-D input', () => {
    const rng = new Rng(10);
    const input = randomNormal([3, 4, 4, 3], rng, 0.5, 2);
    const ours = built(new BatchNormalization(), [null, 4, 4, 3]);
    const weights = [randomNormal([3], rng, 1, 0.3), randomNormal([3], rng, 0, 0.3), randomNormal([3], rng, 0, 0.3), randomNormal([3], rng, 1, 0.1)];
    ours.weights.forEach((w, i) => w.value.data.set(weights[i].data));
    const layer = tf.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3 });
    layer.build([null, 4, 4, 3]);
    layer.setWeights(weights.map((w) => toTf(tf, w)));
    const res = {
      inferred: fromTf(layer.apply(toTf(tf, input), { training: false }) as TF.Tensor),
      trained: fromTf(layer.apply(toTf(tf, input), { training: true }) as TF.Tensor),
      stats: layer.getWeights().map((w) => fromTf(w)),
    };
    expectClose(ours.call(input, INFER), res.inferred, 1e-5, 1e-4, 'inference');
    expectClose(ours.call(input, TRAIN), res.trained, 1e-5, 1e-4, 'training');
    expectClose(ours.weights[2].value, res.stats[2], 1e-6, 1e-5, 'moving_mean');
    expectClose(ours.weights[3].value, res.stats[3], 1e-6, 1e-5, 'moving_variance');
  });

  it('gradients in training mode (through the batch statistics) and in inference mode', () => {
    checkLayerGrad(bn(), randomNormal([5, 2], new Rng(11)));
    checkLayerGrad(bn(), randomNormal([5, 2], new Rng(12)), () => INFER);
    const conv = built(new BatchNormalization({ center: false }), [null, 2, 2, 3], 3);
    expect(conv.weights.map((w) => w.name)).toEqual(['gamma', 'moving_mean', 'moving_variance']);
    checkLayerGrad(conv, randomNormal([2, 2, 2, 3], new Rng(13)));
  });
});

describe('Embedding', () => {
  it('picks rows; [N, T] → [N, T, outputDim]; default init U(−0.05, 0.05)', () => {
    const layer = built(new Embedding({ inputDim: 5, outputDim: 3 }), [null, 2]);
    expect(layer.computeOutputShape([null, 2])).toEqual([null, 2, 3]);
    const table = layer.weights[0].value;
    expect(table.shape).toEqual([5, 3]);
    expect(table.data.every((v) => Math.abs(v) <= 0.05)).toBe(true);
    expect(new Set(table.data).size).toBe(15);
    const y = layer.call(tensor([[4, 0], [2, 4]]));
    const row = (r: number): number[] => Array.from(table.data.subarray(r * 3, r * 3 + 3));
    expect(Array.from(y.data)).toEqual([...row(4), ...row(0), ...row(2), ...row(4)]);
    expect(y.shape).toEqual([2, 2, 3]);
  });

  it('gradient: each picked row gets its output gradient, repeated rows accumulate', () => {
    const layer = built(new Embedding({ inputDim: 4, outputDim: 2 }), [null, 3]);
    const table = layer.weights[0].value;
    table.requiresGrad = true;
    const y = layer.call(tensor([[1, 3, 1]]));
    y.backward([1, 2, 3, 4, 5, 6]);
    // row 1 ← [1, 2] + [5, 6] = [6, 8]; row 3 ← [3, 4]; rows 0 and 2 untouched.
    expect(Array.from((table.grad as Tensor).data)).toEqual([0, 0, 6, 8, 0, 0, 3, 4]);
    table.requiresGrad = false;
    // Finite differences on the table only (the indices are not differentiable).
    const idx = tensor([[2, 0, 2]]);
    expectGradOk(() => layer.call(idx), [table], {}, 'Embedding');
  });

  it('an index outside [0, inputDim) throws naming the layer', () => {
    const layer = built(new Embedding({ inputDim: 4, outputDim: 2 }), [null, 1]);
    expect(() => layer.call(tensor([[4]]))).toThrow(/Embedding: .*index 4.*\(inputDim 4\)/);
  });
});

describe('Reshape, Flatten, Activation', () => {
  it('Reshape keeps the batch axis and infers one -1', () => {
    const r = new Reshape({ targetShape: [2, -1] });
    expect(r.computeOutputShape([null, 3, 4])).toEqual([null, 2, 6]);
    const x = randomNormal([2, 3, 4], new Rng(14));
    const y = r.call(x);
    expect(y.shape).toEqual([2, 2, 6]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    checkLayerGrad(r, x);
    expect(() => new Reshape({ targetShape: [5] }).computeOutputShape([null, 3, 4])).toThrow(/Reshape: expected 5 elements per sample.*got input shape \(None, 3, 4\)/);
    expect(() => new Reshape({ targetShape: [-1, -1] })).toThrow(/at most one -1/);
  });

  it('Flatten: [N, H, W, C] → [N, H·W·C] in NHWC order', () => {
    const f = new Flatten();
    expect(f.computeOutputShape([null, 2, 3, 4])).toEqual([null, 24]);
    const x = randomNormal([2, 2, 3, 4], new Rng(15));
    expect(Array.from(f.call(x).data)).toEqual(Array.from(x.data));
    expect(f.call(x).shape).toEqual([2, 24]);
  });

  it('Activation: every name (snake or camel case) computes its formula', () => {
    const v = [-2, -0.5, 0.25, 1.5];
    const x = tensor([v]);
    const cases: Record<string, (t: number) => number> = {
      linear: (t) => t,
      relu: (t) => Math.max(t, 0),
      sigmoid: (t) => 1 / (1 + Math.exp(-t)),
      tanh: Math.tanh,
      elu: (t) => (t > 0 ? t : Math.exp(t) - 1),
      // The activation named 'leaky_relu' is tf.nn.leaky_relu in Keras 2 and 3: alpha 0.2.
      leaky_relu: (t) => (t > 0 ? t : 0.2 * t),
      leakyRelu: (t) => (t > 0 ? t : 0.2 * t),
    };
    for (const [name, f] of Object.entries(cases)) {
      const a = new Activation({ activation: name });
      expectClose(a.call(x), v.map(f), 1e-6, 1e-6, name);
      if (name !== 'relu' && name !== 'leaky_relu' && name !== 'leakyRelu') checkLayerGrad(a, tensor([v]).clone(), () => TRAIN, name);
    }
    // softmax over the last axis: e^v / Σ e^v
    const e = v.map(Math.exp);
    const s = e.reduce((p, q) => p + q, 0);
    expectClose(new Activation({ activation: 'softmax' }).call(x), e.map((t) => t / s), 1e-6, 1e-5);
    checkLayerGrad(new Activation({ activation: 'softmax' }), randomNormal([2, 3], new Rng(16)));
    checkLayerGrad(new Activation({ activation: 'relu' }), shuffledRamp([2, 3], new Rng(17)));
  });
});

describe('pooling layers', () => {
  // x [1, 4, 4, 1] = 0..15 row-major.
  const x = new Tensor(Float32Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);

  it('AvgPool2D 2×2: window means; aliases are the same class', () => {
    expect(AvgPool2D).toBe(AveragePooling2D);
    expect(MaxPool2D).toBe(MaxPooling2D);
    const p = new AvgPool2D();
    expect(p.computeOutputShape([null, 4, 4, 1])).toEqual([null, 2, 2, 1]);
    // windows {0,1,4,5} → 2.5, {2,3,6,7} → 4.5, {8,9,12,13} → 10.5, {10,11,14,15} → 12.5
    expectClose(p.call(x), [2.5, 4.5, 10.5, 12.5], 0, 0);
    // 3×3 windows with stride 1: means of 3×3 blocks: 5, 6, 9, 10
    expectClose(new AvgPool2D({ poolSize: 3, strides: 1 }).call(x), [5, 6, 9, 10], 1e-6, 0);
    checkLayerGrad(new AvgPool2D({ poolSize: 2, strides: 1 }), randomNormal([2, 3, 3, 2], new Rng(18)));
  });

  it('MaxPool2D 2×2 and "same" padding (odd size)', () => {
    expectClose(new MaxPool2D().call(x), [5, 7, 13, 15], 0, 0);
    const same = new MaxPool2D({ padding: 'same' });
    expect(same.computeOutputShape([null, 5, 5, 2])).toEqual([null, 3, 3, 2]);
    expect(new MaxPool2D().computeOutputShape([null, 5, 5, 2])).toEqual([null, 2, 2, 2]);
    checkLayerGrad(new MaxPool2D(), shuffledRamp([1, 4, 4, 2], new Rng(19)));
  });

  it('GlobalAveragePooling2D: mean over H and W per channel', () => {
    const g = new GlobalAveragePooling2D();
    expect(g.computeOutputShape([null, 5, 7, 3])).toEqual([null, 3]);
    // channel 0 = 0..15 → 7.5; channel 1 = 2·(0..15) → 15
    const two = new Tensor(Float32Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? i / 2 : i - 1)), [1, 4, 4, 2]);
    expectClose(g.call(two), [7.5, 15], 1e-6, 0);
    checkLayerGrad(g, randomNormal([2, 3, 2, 2], new Rng(20)));
    expect(() => g.computeOutputShape([null, 4])).toThrow(/GlobalAveragePooling2D: expected 4-D NHWC input/);
  });
});
