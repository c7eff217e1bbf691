/**
 * The activations added for modern CNNs: each op against its formula written out, gradCheck, and
 * values and gradients against TensorFlow.js live; hard_sigmoid read with each Keras version's meaning.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import {
  Tensor, Rng, tensor, reluGeneral, relu6, softplus, softsign, selu, silu, gelu, hardSigmoid, hardSilu, sum, mul,
  Activation, loadModel, randomNormal, ACTIVATION_NAMES,
} from '../../src/index.js';
import { erf } from '../../kernels/erf.js';
import { kerasMajorVersion } from '../../src/io/keras-flavor.js';
import { expectClose, expectGradOk, shuffledRamp, uniformTensor } from '../helpers.js';
import { loadTf, toTf } from '../tf-peer.js';

let tf: typeof TF;
beforeAll(async () => {
  tf = await loadTf();
});

describe('erf', () => {
  it('matches tabulated values (Abramowitz & Stegun table 7.1) within 2e-7', () => {
    const table: Array<[number, number]> = [
      [0, 0], [0.1, 0.1124629160], [0.5, 0.5204998778], [1, 0.8427007929], [1.5, 0.9661051465], [2, 0.9953222650], [3, 0.9999779095],
    ];
    for (const [x, want] of table) {
      expect(Math.abs(erf(x) - want)).toBeLessThan(2e-7);
      expect(Math.abs(erf(-x) + want)).toBeLessThan(2e-7);
    }
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(Number.isNaN(erf(NaN))).toBe(true);
  });
});

describe('activation ops: formulas written out', () => {
  const x = tensor([-4, -2.5, -1, -0.5, 0.5, 1, 2.5, 4, 7]);
  const xs = Array.from(x.data);
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));

  it('relu6 and the full ReLU (maxValue, negativeSlope, threshold)', () => {
    expectClose(relu6(x), [0, 0, 0, 0, 0.5, 1, 2.5, 4, 6], 0, 0);
    // threshold 1, slope 0.1: below 1 → 0.1·(x − 1); above → min(x, 3).
    expectClose(reluGeneral(x, { maxValue: 3, negativeSlope: 0.1, threshold: 1 }), [-0.5, -0.35, -0.2, -0.15, -0.05, 0, 2.5, 3, 3], 1e-7, 1e-6);
    expect(() => reluGeneral(x, { maxValue: -1 })).toThrow(/reluGeneral: maxValue must be ≥ 0/);
  });

  it('softplus, softsign, selu, silu, both gelus, hard_sigmoid (both slopes), hard_silu', () => {
    expectClose(softplus(x), xs.map((v) => Math.log(1 + Math.exp(v))), 1e-7, 1e-6);
    expectClose(softplus(tensor([-200, 200])), [0, 200], 1e-30, 1e-7); // no overflow
    expectClose(softsign(x), xs.map((v) => v / (1 + Math.abs(v))), 1e-7, 1e-6);
    const a = 1.6732632423543772;
    const s = 1.0507009873554805;
    expectClose(selu(x), xs.map((v) => (v > 0 ? s * v : s * a * (Math.exp(v) - 1))), 1e-7, 1e-6);
    expectClose(silu(x), xs.map((v) => v * sig(v)), 1e-7, 1e-6);
    // Φ(1) = 0.8413447461, Φ(−1) = 0.1586552539, Φ(0.5) = 0.6914624613 (normal table).
    expectClose(gelu(tensor([1, -1, 0.5])), [0.8413447461, -0.1586552539, 0.5 * 0.6914624613], 1e-7, 1e-6);
    const approx = (v: number): number => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    expectClose(gelu(x, true), xs.map(approx), 1e-7, 1e-6);
    expectClose(hardSigmoid(x), [0, 0, 0.3, 0.4, 0.6, 0.7, 1, 1, 1], 1e-7, 1e-6);
    expectClose(hardSigmoid(x, 1 / 6), xs.map((v) => Math.min(Math.max(v + 3, 0), 6) / 6), 1e-7, 1e-6);
    expectClose(hardSilu(x), xs.map((v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6), 1e-7, 1e-6);
  });

  it('NaN stays NaN, ±Infinity goes where the limits are', () => {
    const special = tensor([NaN, -Infinity, Infinity]);
    expectClose(relu6(special), [NaN, 0, 6], 0, 0);
    expectClose(softsign(special), [NaN, NaN, NaN], 0, 0); // ∞/∞, as TensorFlow's x / (1 + |x|)
    expectClose(hardSigmoid(special), [NaN, 0, 1], 0, 0);
    expectClose(hardSilu(special), [NaN, 0, Infinity], 0, 0);
    expectClose(gelu(special), [NaN, NaN, Infinity], 0, 0); // −∞·Φ(−∞) = −∞·0 is NaN, as x·Φ(x) in tfjs
  });
});

describe('activation ops: gradients', () => {
  const rng = new Rng(31);
  // Ramps of half-integer multiples of the gap keep ≥ 0.05 from every kink here (0, ±2.5, ±3, 6, 0.4, 1).
  const cases: Array<[string, (t: Tensor) => Tensor, () => Tensor]> = [
    ['relu6', relu6, () => shuffledRamp([4, 16], rng, 0.2)],
    ['reluGeneral', (t) => reluGeneral(t, { maxValue: 1, negativeSlope: 0.3, threshold: 0.4 }), () => shuffledRamp([3, 10], rng)],
    ['softplus', softplus, () => uniformTensor([3, 5], rng, -4, 4)],
    ['softsign', softsign, () => shuffledRamp([3, 5], rng)],
    ['selu', selu, () => shuffledRamp([3, 5], rng)],
    ['silu', silu, () => uniformTensor([3, 5], rng, -4, 4)],
    ['gelu', (t) => gelu(t), () => uniformTensor([3, 5], rng, -4, 4)],
    ['gelu approximate', (t) => gelu(t, true), () => uniformTensor([3, 5], rng, -4, 4)],
    ['hardSigmoid', (t) => hardSigmoid(t), () => shuffledRamp([4, 10], rng, 0.3)],
    ['hardSigmoid 1/6', (t) => hardSigmoid(t, 1 / 6), () => shuffledRamp([4, 20], rng, 0.2)],
    ['hardSilu', hardSilu, () => shuffledRamp([4, 20], rng, 0.2)],
  ];
  for (const [name, op, make] of cases) {
    it(`${name} passes gradCheck`, () => expectGradOk(op, [make()], {}, name));
  }
});

describe('activations match TensorFlow.js (values and gradients)', () => {
  const pairs: Array<[string, (t: TF.Tensor) => TF.Tensor]> = [
    ['relu6', (t) => tf.relu6(t)],
    ['softplus', (t) => tf.softplus(t)],
    ['softsign', (t) => tf.div(t, tf.add(1, tf.abs(t)))],
    ['selu', (t) => tf.selu(t)],
    ['swish', (t) => tf.mul(t, tf.sigmoid(t))],
    ['gelu', (t) => tf.mul(tf.mul(0.5, t), tf.add(1, tf.erf(tf.div(t, Math.SQRT2))))],
    ['hard_sigmoid', (t) => tf.clipByValue(tf.add(tf.mul(0.2, t), 0.5), 0, 1)],
    ['exponential', (t) => tf.exp(t)],
  ];
  for (const [name, theirs] of pairs) {
    it(name, () => {
      const x = randomNormal([4, 6], new Rng(5), 0, 2);
      const w = randomNormal([4, 6], new Rng(6));
      const leaf = new Tensor(Float32Array.from(x.data), x.shape, true);
      const out = new Activation({ activation: name }).call(leaf);
      sum(mul(out, w)).backward();
      const [tfOut, tfGrad] = tf.tidy(() => {
        const g = tf.grad((t: TF.Tensor) => tf.sum(tf.mul(theirs(t), toTf(tf, w))))(toTf(tf, x));
        return [theirs(toTf(tf, x)).dataSync(), g.dataSync()];
      });
      expectClose(out, tfOut as Float32Array, 1e-6, 1e-5, `${name} value`);
      expectClose(leaf.grad as Tensor, tfGrad as Float32Array, 1e-5, 1e-4, `${name} gradient`);
    });
  }

  it('every activation name runs (and camelCase names resolve)', () => {
    const x = tensor([[-1, 0.5]]);
    for (const name of ACTIVATION_NAMES) expect(new Activation({ activation: name }).call(x).shape).toEqual([1, 2]);
    expect(new Activation({ activation: 'hardSigmoid' }).activation).toBe('hard_sigmoid');
    expect(new Activation({ activation: 'hardSwish' }).activation).toBe('hard_swish');
    expect(() => new Activation({ activation: 'mish' })).toThrow(/Activation: unknown activation 'mish'/);
  });
});

describe('hard_sigmoid: each file with its own Keras version', () => {
  it('kerasMajorVersion reads keras_version, then the Keras 3 format', () => {
    expect(kerasMajorVersion({ keras_version: '2.15.0', class_name: 'Sequential', config: {} })).toBe(2);
    expect(kerasMajorVersion({ keras_version: '3.6.0', model_config: {} })).toBe(3);
    expect(kerasMajorVersion({ keras_version: 'tfjs-layers 4.22.0' })).toBe(2);
    expect(kerasMajorVersion({ keras_version: 'tatami 0.1.0' })).toBe(2);
    expect(kerasMajorVersion({ class_name: 'Functional', config: { layers: [{ class_name: 'Dense', config: {}, registered_name: null }] } })).toBe(3);
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    expect(kerasMajorVersion({ model_config: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { dtype: policy } }] } } })).toBe(3);
    expect(kerasMajorVersion({ class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { dtype: 'float32' } }] } })).toBe(2);
  });

  function activationModel(topologyExtra: Record<string, unknown>): Record<string, unknown> {
    return {
      format: 'layers-model',
      modelTopology: {
        ...topologyExtra,
        class_name: 'Sequential',
        config: { name: 's', layers: [{ class_name: 'Activation', config: { name: 'a', activation: 'hard_sigmoid', batch_input_shape: [null, 4] } }] },
      },
      weightsManifest: [{ paths: [], weights: [] }],
    };
  }

  it('Keras 2 / tfjs: clip(0.2x + 0.5); Keras 3: relu6(x + 3)/6 — and a tatami save keeps the meaning', async () => {
    const x = tensor([[-2, -1, 1, 2.8]]);
    const k2 = await loadModel({ modelJson: activationModel({ keras_version: '2.15.0' }), weights: new ArrayBuffer(0) });
    const k3 = await loadModel({ modelJson: activationModel({ keras_version: '3.3.3' }), weights: new ArrayBuffer(0) });
    expectClose(k2.predict(x), [[0.1, 0.3, 0.7, 1]], 1e-7, 1e-6);
    expectClose(k3.predict(x), [[1 / 6, 2 / 6, 4 / 6, 5.8 / 6]], 1e-7, 1e-6);
    const again = await loadModel(await k3.save());
    expectClose(again.predict(x), k3.predict(x), 0, 0);
    // A Keras 3 file without keras_version is known by its format (registered_name on its entries).
    const json = activationModel({});
    const entry = (json.modelTopology as { config: { layers: Record<string, unknown>[] } }).config.layers[0];
    Object.assign(entry, { module: 'keras.layers', registered_name: null });
    const byFormat = await loadModel({ modelJson: json, weights: new ArrayBuffer(0) });
    expectClose(byFormat.predict(x), k3.predict(x), 0, 0);
  });
});
