/**
 * Weight regularizers (kernelRegularizer, biasRegularizer with l1, l2, l1l2): the penalty's arithmetic
 * written out, its gradient by gradCheck, one SGD step of a small model equal to tfjs's (weights and
 * reported loss), and the Keras 2 / tfjs and Keras 3 file forms read and written.
 */
import { describe, test, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  regularizers, L1L2, tensor, gradCheck, input, Model, Conv2D, Flatten, Dense, Tensor, SGD, loadModel, type SavedArtifacts,
  DepthwiseConv2D, SeparableConv2D, GlobalAveragePooling2D, Embedding, type RegularizerSpec,
} from '../../src/index.js';
import { tfjsArtifacts, asModelJson, loadIntoTfjs, randomInput, maxDiff } from '../io/io-helpers.js';

describe('L1L2 penalty', () => {
  test('l1·Σ|w| + l2·Σw² and its gradient l1·sign(w) + 2·l2·w, by hand', () => {
    const w = tensor([[0.5, -1], [2, -0.25]], undefined, { requiresGrad: true });
    const p = regularizers.l1l2({ l1: 0.01, l2: 0.02 }).penalty(w);
    // Σ|w| = 0.5 + 1 + 2 + 0.25 = 3.75; Σw² = 0.25 + 1 + 4 + 0.0625 = 5.3125; 0.01·3.75 + 0.02·5.3125 = 0.14375
    expect(p.item()).toBeCloseTo(0.14375, 6);
    p.backward();
    // 0.01·sign(w) + 0.04·w: 0.01 + 0.02, −0.01 − 0.04, 0.01 + 0.08, −0.01 − 0.01
    const g = Array.from(w.grad?.data ?? []);
    [0.03, -0.05, 0.09, -0.02].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 6));
  });

  test('Keras defaults: l1() and l2() are 0.01 on one term, l1l2() 0.01 on both; names resolve the same', () => {
    expect([regularizers.l1().l1, regularizers.l1().l2]).toEqual([0.01, 0]);
    expect([regularizers.l2().l1, regularizers.l2().l2]).toEqual([0, 0.01]);
    expect([regularizers.l1l2().l1, regularizers.l1l2().l2]).toEqual([0.01, 0.01]);
    expect(new Dense({ units: 2, kernelRegularizer: 'l2' }).getConfig().kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.01 } });
    // A layer keeps a name as given: its config and fit's penalty are the named regularizer's.
    for (const [name, make] of [['l1', regularizers.l1], ['l2', regularizers.l2], ['l1l2', regularizers.l1l2], ['l1_l2', regularizers.l1l2]] as const) {
      expect(regularizers.resolveRegularizer(name, 'Dense')).toEqual(make());
      expect(new Dense({ units: 2, biasRegularizer: name }).getConfig().bias_regularizer).toEqual(make().config());
    }
    expect(() => new Dense({ units: 2, kernelRegularizer: 'l3' as 'l2' })).toThrow(/Dense: unknown regularizer "l3"/);
    expect(() => new Dense({ units: 2, kernelRegularizer: { l2: 0.1 } as unknown as L1L2 })).toThrow(/Dense: unknown regularizer \{"l2":0.1\}/);
    expect(() => new L1L2(-1, 0)).toThrow(/l1 must be a finite number ≥ 0, got -1/);
  });

  test('gradCheck of the penalty (inputs away from the kink of |w| at 0)', () => {
    const w = tensor([0.3, -0.7, 1.2, -0.45, 0.9, -1.6]);
    const r = gradCheck((x) => regularizers.l1l2({ l1: 0.3, l2: 0.2 }).penalty(x), [w]);
    expect(r.passed).toBe(true);
  });
});

/** Conv2D (l1l2 kernel, l2 bias) → Flatten → Dense (l1 kernel, softmax), on 5×5×2 images. */
function small(seed: number): Model {
  const x = input({ shape: [5, 5, 2] });
  let h = new Conv2D({ filters: 2, kernelSize: 3, kernelRegularizer: regularizers.l1l2({ l1: 0.01, l2: 0.02 }), biasRegularizer: regularizers.l2(0.05) }).apply(x);
  h = new Flatten().apply(h);
  return new Model({ inputs: x, outputs: new Dense({ units: 3, activation: 'softmax', kernelRegularizer: regularizers.l1(0.03), biasInitializer: 'ones' }).apply(h), seed });
}

/** DepthwiseConv2D (l1l2 depthwise_kernel, l2 bias) → SeparableConv2D (l1 depthwise, l2 pointwise, l1l2 bias) → GAP → Dense. */
function separable(seed: number): Model {
  const x = input({ shape: [5, 5, 2] });
  let h = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, depthwiseRegularizer: regularizers.l1l2({ l1: 0.02, l2: 0.03 }), biasRegularizer: regularizers.l2(0.1), biasInitializer: 'ones' }).apply(x);
  h = new SeparableConv2D({
    filters: 3, kernelSize: 2, padding: 'same', depthwiseRegularizer: regularizers.l1(0.04), pointwiseRegularizer: regularizers.l2(0.05),
    biasRegularizer: regularizers.l1l2({ l1: 0.01, l2: 0.2 }), biasInitializer: 'ones',
  }).apply(h);
  return new Model({ inputs: x, outputs: new Dense({ units: 3, activation: 'softmax' }).apply(new GlobalAveragePooling2D().apply(h)), seed });
}

const N = 4;
const xs = randomInput([N, 5, 5, 2], 91);
const ys = new Float32Array(N * 3).map((_, k) => (k % 3 === Math.floor(k / 3) % 3 ? 1 : 0));

describe('regularizers in fit, against tfjs', () => {
  test.each([
    ['Conv2D and Dense', small],
    ['DepthwiseConv2D and SeparableConv2D', separable],
  ])('%s: one SGD step gives the same weights and the same reported loss (penalties included)', async (_name, build) => {
    const ours = build(5);
    const theirs = await loadIntoTfjs(await ours.save());
    ours.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'categorical_crossentropy' });
    theirs.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    const penaltyBefore = ours.layers.flatMap((l) => l.weights).reduce((s, w) => s + (regularizers.resolveRegularizer(w.regularizer, '')?.penalty(w.value).item() ?? 0), 0);
    const crossEntropyBefore = ours.evaluate(new Tensor(xs, [N, 5, 5, 2]), new Tensor(ys, [N, 3]), { batchSize: N }).loss;
    const h = await ours.fit(new Tensor(xs, [N, 5, 5, 2]), new Tensor(ys, [N, 3]), { batchSize: N, epochs: 1, shuffle: false, verbose: 0 });
    const t = await theirs.fit(tf.tensor(xs, [N, 5, 5, 2]), tf.tensor(ys, [N, 3]), { batchSize: N, epochs: 1, shuffle: false, verbose: 0 });
    expect(penaltyBefore).toBeGreaterThan(0.01);
    expect(h.loss[0]).toBeCloseTo(crossEntropyBefore + penaltyBefore, 5);
    expect(Math.abs(h.loss[0] - (t.history.loss[0] as number))).toBeLessThanOrEqual(1e-5);
    const theirWeights = theirs.getWeights().map((w) => w.dataSync() as Float32Array);
    ours.getWeights().forEach((w, i) => expect(maxDiff(w.data, theirWeights[i])).toBeLessThanOrEqual(1e-5));
  });
});

describe('regularizers in model files', () => {
  test('tfjs → tatami: tf.regularizers.l1l2 and l2 load with their values', async () => {
    const m = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [5, 5, 2], filters: 2, kernelSize: 3, kernelRegularizer: tf.regularizers.l1l2({ l1: 0.003, l2: 0.004 }) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, biasRegularizer: tf.regularizers.l2({ l2: 0.02 }) }),
      ],
    });
    const ours = await loadModel(asModelJson(await tfjsArtifacts(m)));
    const reg = (cls: string, weight: string): RegularizerSpec | undefined =>
      ours.layers.find((l) => l.className === cls)?.weights.find((w) => w.name === weight)?.regularizer;
    expect(reg('Conv2D', 'kernel')).toEqual(new L1L2(0.003, 0.004));
    expect(reg('Conv2D', 'bias')).toBeNull();
    expect(reg('Dense', 'kernel')).toBeNull();
    expect(reg('Dense', 'bias')).toEqual(new L1L2(0, 0.02));
  });

  test('Keras 3 forms (L1, L2 with module and registered_name) load; another regularizer is refused by name', async () => {
    const saved = await small(1).save();
    const withDense = (value: unknown): SavedArtifacts => {
      const json = JSON.parse(JSON.stringify(saved.modelJson));
      const dense = json.modelTopology.config.layers.find((l: { class_name: string }) => l.class_name === 'Dense');
      dense.config.kernel_regularizer = value;
      return { modelJson: json, weights: saved.weights };
    };
    const keras3 = await loadModel(withDense({ module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.007 }, registered_name: null }));
    expect(keras3.layers[3].weights[0].regularizer).toEqual(new L1L2(0, 0.007));
    const defaults = await loadModel(withDense({ module: 'keras.regularizers', class_name: 'L1', config: {}, registered_name: null }));
    expect(defaults.layers[3].weights[0].regularizer).toEqual(new L1L2(0.01, 0));
    await expect(loadModel(withDense({ class_name: 'OrthogonalRegularizer', config: { factor: 0.01 } }))).rejects.toThrow(/kernel_regularizer .*OrthogonalRegularizer.* is not supported/);
  });

  test('tfjs reads the regularizers tatami writes', async () => {
    expect((await loadIntoTfjs(await small(5).save())).layers[1].getConfig().kernelRegularizer).toEqual({ className: 'L1L2', config: { l1: 0.01, l2: 0.02 } });
    const sep = (await loadIntoTfjs(await separable(5).save())).layers[2].getConfig();
    expect([sep.depthwiseRegularizer, sep.pointwiseRegularizer]).toEqual([{ className: 'L1L2', config: { l1: 0.04, l2: 0 } }, { className: 'L1L2', config: { l1: 0, l2: 0.05 } }]);
  });

  test('Embedding: embeddings_regularizer both ways with tfjs', async () => {
    const x = input({ shape: [3] });
    const ours = new Model({ inputs: x, outputs: new Embedding({ inputDim: 5, outputDim: 2, embeddingsRegularizer: regularizers.l2(0.3) }).apply(x), seed: 1 });
    const theirs = await loadIntoTfjs(await ours.save());
    expect(theirs.layers[1].getConfig().embeddingsRegularizer).toEqual({ className: 'L1L2', config: { l1: 0, l2: 0.3 } });
    const back = await loadModel(asModelJson(await tfjsArtifacts(theirs)));
    expect(back.layers[1].weights[0].regularizer).toEqual(new L1L2(0, 0.3));
  });

  test('tatami → tatami: the regularizers come back', async () => {
    const sep = await loadModel(await separable(2).save());
    expect(sep.layers[1].weights.map((w) => w.regularizer)).toEqual([new L1L2(0.02, 0.03), new L1L2(0, 0.1)]);
    expect(sep.layers[2].weights.map((w) => w.regularizer)).toEqual([new L1L2(0.04, 0), new L1L2(0, 0.05), new L1L2(0.01, 0.2)]);
    const again = await loadModel(await small(2).save());
    expect(again.layers[1].weights.map((w) => w.regularizer)).toEqual([new L1L2(0.01, 0.02), new L1L2(0, 0.05)]);
    expect(again.layers[3].weights.map((w) => w.regularizer)).toEqual([new L1L2(0.03, 0), null]);
  });
});
