/**
 * Weight constraints (Keras's kernel_constraint / bias_constraint): each projection written out by
 * hand, one SGD step of a Conv2D → Dense model with constraints equal to tfjs's step followed by
 * tfjs's constraint objects, and the Keras 2 / tfjs and Keras 3 file forms read and written.
 */
import { describe, test, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Tensor, tensor, input, loadModel, Sequential, Conv2D, Flatten, Dense, SGD, MaxNorm, MinMaxNorm, UnitNorm, NonNeg, type SavedArtifacts } from '../../src/index.js';
import { expectClose } from '../helpers.js';
import { tfjsArtifacts, asModelJson, loadIntoTfjs, randomInput, maxDiff } from '../io/io-helpers.js';
import { loadTf } from '../tf-peer.js';

// A Dense kernel [in 2, out 2]: columns (one per output unit) [3, 4] (norm 5) and [0.1, 0.2] (norm √0.05 ≈ 0.2236).
const kernel = (): Tensor => tensor([[3, 0.1], [4, 0.2]]);
const EPS = 1e-7;

describe('the projections, written out', () => {
  test('MaxNorm(2): the column of norm 5 scaled to norm 2; the other kept', () => {
    const w = kernel();
    new MaxNorm(2).apply(w);
    const small = Math.sqrt(0.05);
    expectClose(w, [3 * 2 / (EPS + 5), 0.1 * small / (EPS + small), 4 * 2 / (EPS + 5), 0.2 * small / (EPS + small)], 1e-7, 1e-6, 'MaxNorm');
  });

  test('UnitNorm: every column to norm 1; over axis 1, every row', () => {
    const w = kernel();
    new UnitNorm().apply(w);
    expectClose(w, [0.6, 0.1 / Math.sqrt(0.05), 0.8, 0.2 / Math.sqrt(0.05)], 1e-6, 1e-6, 'UnitNorm');
    const r = kernel();
    new UnitNorm(1).apply(r);
    const n0 = Math.sqrt(9.01);
    const n1 = Math.sqrt(16.04);
    expectClose(r, [3 / n0, 0.1 / n0, 4 / n1, 0.2 / n1], 1e-6, 1e-6, 'UnitNorm axis 1');
  });

  test('MinMaxNorm(1, 2, rate 0.5): desired = 0.5·clip(n, 1, 2) + 0.5·n', () => {
    const w = kernel();
    new MinMaxNorm(1, 2, 0.5).apply(w);
    const small = Math.sqrt(0.05);
    const big = (0.5 * 2 + 0.5 * 5) / 5;
    const lift = (0.5 * 1 + 0.5 * small) / small;
    expectClose(w, [3 * big, 0.1 * lift, 4 * big, 0.2 * lift], 1e-6, 1e-6, 'MinMaxNorm');
  });

  test('NonNeg: negatives to zero', () => {
    const w = tensor([[-1, 2], [0, -0.5]]);
    new NonNeg().apply(w);
    expect(Array.from(w.data).map((v) => v + 0)).toEqual([0, 2, 0, 0]);
  });

  test('a Conv2D kernel [KH, KW, CI, CO] over axes [0, 1, 2]: one norm per filter', () => {
    const w = new Tensor(new Float32Array([3, 0, 4, 0]), [1, 1, 2, 2]);
    new MaxNorm(1, [0, 1, 2]).apply(w);
    expectClose(w, [0.6, 0, 0.8, 0], 1e-6, 1e-6, 'conv MaxNorm');
  });
});

const N = 4;
const xs = randomInput([N, 5, 5, 2], 17);
const ys = new Float32Array(N * 3).map((_, k) => (k % 3 === Math.floor(k / 3) % 3 ? 1 : 0));

/** Conv2D (UnitNorm over a conv kernel's axes, NonNeg bias) → Flatten → Dense (MaxNorm 0.3 kernel). */
function constrained(seed: number): Sequential {
  return new Sequential([
    input({ shape: [5, 5, 2] }),
    new Conv2D({ filters: 2, kernelSize: 3, activation: 'tanh', kernelConstraint: new UnitNorm([0, 1, 2]), biasConstraint: new NonNeg(), biasInitializer: 'ones' }),
    new Flatten(),
    new Dense({ units: 3, activation: 'softmax', kernelConstraint: new MaxNorm(0.3) }),
  ], { seed });
}

describe('constraints in fit', () => {
  // tfjs 4.22 applies constraints when weights are set (so when a file is loaded), not after fit's
  // steps; Keras applies them after each step. So both start from weights already projected, and the
  // peer is tfjs's step followed by tfjs's own constraint objects, in Keras's order.
  test('one SGD step equals tfjs’s step, then tfjs’s projections', async () => {
    await loadTf();
    const ours = constrained(3);
    ours.ensureInitialized();
    for (const w of ours.layers.flatMap((l) => l.weights)) w.constraint?.apply(w.value);
    const theirs = await loadIntoTfjs(await ours.save());
    ours.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'categorical_crossentropy' });
    theirs.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    await ours.fit(new Tensor(xs, [N, 5, 5, 2]), new Tensor(ys, [N, 3]), { batchSize: N, epochs: 1, shuffle: false, verbose: 0 });
    await theirs.fit(tf.tensor(xs, [N, 5, 5, 2]), tf.tensor(ys, [N, 3]), { batchSize: N, epochs: 1, shuffle: false, verbose: 0 });
    const [k0, b0, k1, b1] = theirs.getWeights();
    const projected = [
      tf.constraints.unitNorm({ axis: [0, 1, 2] as unknown as number }).apply(k0), tf.constraints.nonNeg().apply(b0),
      tf.constraints.maxNorm({ maxValue: 0.3, axis: 0 }).apply(k1), b1,
    ].map((t) => t.dataSync() as Float32Array);
    ours.getWeights().forEach((w, i) => expect(maxDiff(w.data, projected[i]), `weight ${i}`).toBeLessThanOrEqual(1e-5));
    // The constraints acted: no Dense column's norm is above 0.3 and the step pushed some to it; each conv filter's is 1.
    const dense = ours.getWeights()[2];
    const norms = [0, 1, 2].map((o) => Math.hypot(...Array.from({ length: 18 }, (_, i) => dense.data[i * 3 + o])));
    for (const n of norms) expect(n).toBeLessThanOrEqual(0.3 + 1e-6);
    expect(norms.some((n) => Math.abs(n - 0.3) < 1e-6)).toBe(true);
    const conv = ours.getWeights()[0];
    for (let o = 0; o < 2; o++) expect(Math.hypot(...Array.from({ length: 18 }, (_, i) => conv.data[i * 2 + o]))).toBeCloseTo(1, 5);
  });
});

describe('constraints in model files', () => {
  test('tfjs → tatami → tfjs: the constraints and their values survive both ways', async () => {
    await loadTf();
    const m = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 3, kernelConstraint: tf.constraints.maxNorm({ maxValue: 1.5, axis: 0 }), biasConstraint: tf.constraints.nonNeg() }),
        tf.layers.dense({ units: 2, kernelConstraint: tf.constraints.minMaxNorm({ minValue: 0.1, maxValue: 0.9, rate: 0.7 }) }),
      ],
    });
    const ours = await loadModel(asModelJson(await tfjsArtifacts(m)));
    const c = (layer: number, weight: number): unknown => ours.layers[layer].weights[weight].constraint;
    expect(c(0, 0)).toEqual(new MaxNorm(1.5, 0));
    expect(c(0, 1)).toEqual(new NonNeg());
    expect(c(1, 0)).toEqual(new MinMaxNorm(0.1, 0.9, 0.7, 0));
    expect(c(1, 1)).toBeNull();
    const back = (await loadIntoTfjs(await ours.save())).layers[0].getConfig();
    expect([back.kernelConstraint, back.biasConstraint]).toEqual([{ className: 'MaxNorm', config: { maxValue: 1.5, axis: 0 } }, { className: 'NonNeg', config: {} }]);
  });

  test('Keras 3 forms and names load; another constraint is refused by name', async () => {
    const saved = await constrained(1).save();
    const withDense = (value: unknown): SavedArtifacts => {
      const json = JSON.parse(JSON.stringify(saved.modelJson));
      json.modelTopology.config.layers.find((l: { class_name: string }) => l.class_name === 'Dense').config.kernel_constraint = value;
      return { modelJson: json, weights: saved.weights };
    };
    const keras3 = await loadModel(withDense({ module: 'keras.constraints', class_name: 'UnitNorm', config: { axis: [0] }, registered_name: null }));
    expect(keras3.layers[2].weights[0].constraint).toEqual(new UnitNorm([0]));
    expect((await loadModel(withDense('max_norm'))).layers[2].weights[0].constraint).toEqual(new MaxNorm(2, 0));
    await expect(loadModel(withDense({ class_name: 'RadialConstraint', config: {} }))).rejects.toThrow(/kernel_constraint .*RadialConstraint.* is not supported/);
    await expect(loadModel(withDense({ class_name: 'MaxNorm', config: { max_value: 2, scale: 3 } }))).rejects.toThrow("kernel_constraint");
    // An axis the weight does not have is refused when the layer is built, not at the first step.
    await expect(loadModel(withDense({ class_name: 'MaxNorm', config: { max_value: 2, axis: [0, 1, 2] } }))).rejects.toThrow(
      "Dense 'dense': kernel: constraint: axis 2 is out of range for a weight of shape [18, 3]",
    );
  });

  test('a constraint axis out of range for its weight is refused when the layer is built', () => {
    expect(() => new Sequential([new Dense({ inputShape: [4], units: 3, name: 'd', biasConstraint: new UnitNorm(1) })])).toThrow("Dense 'd': bias: constraint: axis 1 is out of range for a weight of shape [3]");
  });
});
