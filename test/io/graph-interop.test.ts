/**
 * Graph models and TensorFlow.js 4.22, live, both ways (predictions within 1e-5): a ResNet block, an
 * Inception-style module and a two-input, two-output model with a shared Dense and merges. Models
 * built and trained a few steps in tfjs load in tatami (also in the Keras 3 form of the same graph);
 * models built and trained in tatami load in tfjs, with tfjs's own layer order. Then one SGD step of
 * the ResNet model in both engines, every weight compared: the check on backward through Add and
 * fan-out. (tfjs has no Subtract layer, so Subtract is checked in test/layers/merge.test.ts only.)
 */
import { describe, test, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  loadModel, input, Model, Conv2D, BatchNormalization, Activation, Add, Concatenate, Multiply, Average, Maximum, Minimum,
  MaxPooling2D, GlobalAveragePooling2D, Dense, Reshape, Tensor, SGD, convnet, resnet as zooResnet,
} from '../../src/index.js';
import { tfjsArtifacts, asModelJson, loadIntoTfjs, randomInput, maxDiff } from './io-helpers.js';

type Shapes = number[][];

/** Largest |a − b| over every output, for the same inputs (one array per input). */
function graphDiff(ours: Model, theirs: tf.LayersModel, shapes: Shapes, seed: number): number {
  const xs = shapes.map((s, i) => randomInput(s, seed + i));
  const a = ours.predict<Tensor | Tensor[]>(xs.map((x, i) => new Tensor(x, shapes[i])));
  const b = theirs.predict(xs.map((x, i) => tf.tensor(x, shapes[i])));
  const as = Array.isArray(a) ? a : [a];
  const bs = Array.isArray(b) ? b : [b];
  expect(as.length).toBe(bs.length);
  return Math.max(...as.map((t, i) => maxDiff(t.data, bs[i].dataSync() as Float32Array)));
}

// ---- the three models, in tfjs and in tatami, layer for layer ----

function tfResnet(): tf.LayersModel {
  const x = tf.input({ shape: [8, 8, 3] });
  let h = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.activation({ activation: 'relu' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', strides: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  const s = tf.layers.conv2d({ filters: 6, kernelSize: 1, strides: 2 }).apply(x) as tf.SymbolicTensor;
  h = tf.layers.add().apply([h, s]) as tf.SymbolicTensor;
  h = tf.layers.activation({ activation: 'relu' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(h) as tf.SymbolicTensor });
}

/** Conv-BN-ReLU, Conv(stride 2)-BN, a strided 1×1 shortcut from the block input, Add, ReLU, GAP, Dense. */
function resnet(seed: number): Model {
  const x = input({ shape: [8, 8, 3] });
  let h = new Conv2D({ filters: 4, kernelSize: 3, padding: 'same' }).apply(x);
  h = new BatchNormalization().apply(h);
  h = new Activation({ activation: 'relu' }).apply(h);
  h = new Conv2D({ filters: 6, kernelSize: 3, padding: 'same', strides: 2 }).apply(h);
  h = new BatchNormalization().apply(h);
  const s = new Conv2D({ filters: 6, kernelSize: 1, strides: 2 }).apply(x);
  h = new Activation({ activation: 'relu' }).apply(new Add().apply([h, s]));
  h = new GlobalAveragePooling2D().apply(h);
  return new Model({ inputs: x, outputs: new Dense({ units: 3, activation: 'softmax' }).apply(h), seed });
}

function tfInception(): tf.LayersModel {
  const x = tf.input({ shape: [6, 6, 2] });
  const a = tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  const p = tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  const c = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(p) as tf.SymbolicTensor;
  const m = tf.layers.concatenate().apply([a, b, c]) as tf.SymbolicTensor;
  const g = tf.layers.globalAveragePooling2d({}).apply(m) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(g) as tf.SymbolicTensor });
}

function inception(seed: number): Model {
  const x = input({ shape: [6, 6, 2] });
  const a = new Conv2D({ filters: 2, kernelSize: 1, activation: 'relu' }).apply(x);
  const b = new Conv2D({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  const c = new Conv2D({ filters: 2, kernelSize: 1 }).apply(new MaxPooling2D({ poolSize: 3, strides: 1, padding: 'same' }).apply(x));
  const g = new GlobalAveragePooling2D().apply(new Concatenate().apply([a, b, c]));
  return new Model({ inputs: x, outputs: new Dense({ units: 3, activation: 'softmax' }).apply(g), seed });
}

function tfTwoByTwo(): tf.LayersModel {
  const img = tf.input({ shape: [4], name: 'img' });
  const meta = tf.input({ shape: [4], name: 'meta' });
  const shared = tf.layers.dense({ units: 3, activation: 'tanh', name: 'shared' });
  const si = shared.apply(img) as tf.SymbolicTensor;
  const sm = shared.apply(meta) as tf.SymbolicTensor;
  const merged = [tf.layers.add(), tf.layers.multiply(), tf.layers.average(), tf.layers.maximum(), tf.layers.minimum()].map((l) => l.apply([si, sm]) as tf.SymbolicTensor);
  const both = tf.layers.concatenate().apply(merged) as tf.SymbolicTensor;
  const cls = tf.layers.dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(both) as tf.SymbolicTensor;
  const reg = tf.layers.dense({ units: 1, name: 'reg' }).apply(tf.layers.add().apply([si, tf.layers.dense({ units: 3 }).apply(meta) as tf.SymbolicTensor]) as tf.SymbolicTensor) as tf.SymbolicTensor;
  return tf.model({ inputs: [img, meta], outputs: [cls, reg] });
}

function twoByTwo(seed: number): Model {
  const img = input({ shape: [4], name: 'img' });
  const meta = input({ shape: [4], name: 'meta' });
  const shared = new Dense({ units: 3, activation: 'tanh', name: 'shared' });
  const si = shared.apply(img);
  const sm = shared.apply(meta);
  const merged = [new Add(), new Multiply(), new Average(), new Maximum(), new Minimum()].map((l) => l.apply([si, sm]));
  const cls = new Dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(new Concatenate().apply(merged));
  const reg = new Dense({ units: 1, name: 'reg' }).apply(new Add().apply([si, new Dense({ units: 3 }).apply(meta)]));
  return new Model({ inputs: [img, meta], outputs: [cls, reg], seed });
}

/** Squeeze-and-excitation: a [1, 1, C] gate from global pooling multiplies the map (Multiply broadcasts). */
function tfSqueezeExcite(): tf.LayersModel {
  const x = tf.input({ shape: [6, 6, 2] });
  const h = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  let g = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  g = tf.layers.dense({ units: 2, activation: 'relu' }).apply(g) as tf.SymbolicTensor;
  g = tf.layers.dense({ units: 4, activation: 'sigmoid' }).apply(g) as tf.SymbolicTensor;
  g = tf.layers.reshape({ targetShape: [1, 1, 4] }).apply(g) as tf.SymbolicTensor;
  const y = tf.layers.globalAveragePooling2d({}).apply(tf.layers.multiply().apply([h, g]) as tf.SymbolicTensor) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(y) as tf.SymbolicTensor });
}

function squeezeExcite(seed: number): Model {
  const x = input({ shape: [6, 6, 2] });
  const h = new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  let g = new Dense({ units: 2, activation: 'relu' }).apply(new GlobalAveragePooling2D().apply(h));
  g = new Reshape({ targetShape: [1, 1, 4] }).apply(new Dense({ units: 4, activation: 'sigmoid' }).apply(g));
  const y = new GlobalAveragePooling2D().apply(new Multiply().apply([h, g]));
  return new Model({ inputs: x, outputs: new Dense({ units: 3, activation: 'softmax' }).apply(y), seed });
}

const oneHot = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => (i * 7 + seed) % 3);
const CASES: Array<{ name: string; tfjs: () => tf.LayersModel; ours: (seed: number) => Model; shapes: (n: number) => Shapes; outputs: string[] }> = [
  { name: 'a ResNet block', tfjs: tfResnet, ours: resnet, shapes: (n) => [[n, 8, 8, 3]], outputs: ['cce'] },
  { name: 'an Inception-style module', tfjs: tfInception, ours: inception, shapes: (n) => [[n, 6, 6, 2]], outputs: ['cce'] },
  { name: 'a two-input, two-output model with a shared Dense and merges', tfjs: tfTwoByTwo, ours: twoByTwo, shapes: (n) => [[n, 4], [n, 4]], outputs: ['cce', 'mse'] },
  { name: 'a squeeze-and-excitation block (a broadcast Multiply)', tfjs: tfSqueezeExcite, ours: squeezeExcite, shapes: (n) => [[n, 6, 6, 2]], outputs: ['cce'] },
];

/** Labels for each output: one-hot classes for 'cce', values for 'mse'. */
function labels(kinds: string[], n: number, seed: number): Float32Array[] {
  return kinds.map((k, o) => (k === 'cce' ? Float32Array.from(oneHot(n, seed + o).flatMap((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0)))) : randomInput([n, 1], seed + o)));
}

describe('TensorFlow.js → tatami: graphs built and trained in tfjs', () => {
  for (const c of CASES) {
    test(`${c.name} loads with tfjs's layer order and predicts the same`, async () => {
      const theirs = c.tfjs();
      theirs.compile({ optimizer: tf.train.adam(0.05), loss: c.outputs.map((k) => (k === 'cce' ? 'categoricalCrossentropy' : 'meanSquaredError')) });
      const shapes = c.shapes(8);
      const ys = labels(c.outputs, 8, 3).map((y, o) => tf.tensor(y, [8, c.outputs[o] === 'cce' ? 3 : 1]));
      await theirs.fit(shapes.map((s, i) => tf.tensor(randomInput(s, 20 + i), s)), ys, { epochs: 3, batchSize: 4, verbose: 0 });
      const a = asModelJson(await tfjsArtifacts(theirs));
      const ours = await loadModel(a);
      expect(ours.layers.map((l) => l.name)).toEqual(theirs.layers.map((l) => l.name));
      expect(ours.countParams()).toBe(theirs.countParams());
      expect(graphDiff(ours, theirs, c.shapes(5), 40)).toBeLessThanOrEqual(1e-5);
      // The same graph in the Keras 3 form: args with __keras_tensor__, a merge's inputs as one list.
      const k3 = asModelJson(await tfjsArtifacts(theirs));
      const top = k3.modelJson.modelTopology as { class_name: string; config: { layers: Record<string, unknown>[]; input_layers: unknown; output_layers: unknown } };
      top.class_name = 'Functional';
      for (const layer of top.config.layers) {
        const nodes = layer.inbound_nodes as [string, number, number, unknown][][];
        const tensor = (r: [string, number, number, unknown]) => ({ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: [r[0], r[1], r[2]] } });
        layer.inbound_nodes = nodes.map((node) => ({ args: node.length === 1 ? [tensor(node[0])] : [node.map(tensor)], kwargs: {} }));
      }
      const fromK3 = await loadModel(k3);
      expect(graphDiff(fromK3, theirs, c.shapes(3), 50)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('tatami → TensorFlow.js: graphs built and trained in tatami', () => {
  for (const c of CASES) {
    test(`${c.name} loads in tfjs with the same layer order and predicts the same`, async () => {
      const ours = c.ours(7);
      ours.compile({ optimizer: 'adam', loss: c.outputs.map((k) => (k === 'cce' ? 'categorical_crossentropy' : 'mse')) });
      const shapes = c.shapes(8);
      const ys = labels(c.outputs, 8, 5).map((y, o) => new Tensor(y, [8, c.outputs[o] === 'cce' ? 3 : 1]));
      await ours.fit(shapes.map((s, i) => new Tensor(randomInput(s, 30 + i), s)), ys, { epochs: 3, batchSize: 4, verbose: 0, seed: 2 });
      const theirs = await loadIntoTfjs(await ours.save());
      expect(theirs.layers.map((l) => l.name)).toEqual(ours.layers.map((l) => l.name));
      expect(graphDiff(ours, theirs, c.shapes(5), 60)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('one SGD step of the ResNet block model: tatami equals tfjs', () => {
  test('every kernel, bias, gamma, beta and moving statistic', async () => {
    const ours = resnet(11);
    // Move BN's statistics and weights off their initial values first, so the step starts from a trained state.
    ours.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    const x = new Tensor(randomInput([6, 8, 8, 3], 70), [6, 8, 8, 3]);
    const y = new Tensor(labels(['cce'], 6, 1)[0], [6, 3]);
    await ours.fit(x, y, { epochs: 2, batchSize: 3, verbose: 0, seed: 1 });
    const theirs = await loadIntoTfjs(await ours.save());
    ours.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'categorical_crossentropy' });
    theirs.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    await ours.fit(x, y, { epochs: 1, batchSize: 6, shuffle: false, verbose: 0 });
    await theirs.fit(tf.tensor(x.data, [...x.shape]), tf.tensor(y.data, [...y.shape]), { epochs: 1, batchSize: 6, shuffle: false, verbose: 0 });
    let compared = 0;
    for (const layer of ours.layers) {
      const mine = layer.weights;
      const other = theirs.getLayer(layer.name).getWeights();
      expect(other.length).toBe(mine.length);
      mine.forEach((w, i) => {
        expect(maxDiff(w.value.data, other[i].dataSync() as Float32Array), `${layer.name}/${w.name}`).toBeLessThanOrEqual(1e-5);
        compared++;
      });
    }
    expect(compared).toBe(2 + 4 + 2 + 4 + 2 + 2); // 3 convs, 2 BNs (gamma, beta, moving mean, variance), the Dense
  });
});

describe('the model zoo in TensorFlow.js', () => {
  test('convnet() and resnet() load in tfjs with the same layers and predict the same', async () => {
    for (const model of [convnet({ seed: 1 }), zooResnet({ seed: 2 })]) {
      const theirs = await loadIntoTfjs(await model.save());
      expect(theirs.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
      expect(theirs.countParams()).toBe(model.countParams());
      expect(graphDiff(model, theirs, [[2, 28, 28, 1]], 80), model.name).toBeLessThanOrEqual(1e-5);
    }
  });
});
