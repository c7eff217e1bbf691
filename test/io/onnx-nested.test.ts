/**
 * ONNX export of nested models (a Model or Sequential used as a layer): each is inlined into the one
 * ONNX graph. The files run in onnxruntime-node with tatami's predictions (≤ 1e-5, batch 1 and 5) for
 * a Teachable Machine export trained in tfjs (also against tfjs's own predictions), a transfer-learning
 * model over a frozen base called with `training: false`, a siamese network (one base called twice),
 * and a nested Sequential inside a nested Sequential. The files are read back (onnx-reader.ts): each
 * distinct weight is one initializer, under its nested model's name, however often the model is called.
 */
import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  toOnnx, loadModel, input, Model, Sequential, Conv2D, DepthwiseConv2D, BatchNormalization, Activation, Dropout, GaussianNoise,
  MaxPooling2D, GlobalAveragePooling2D, Flatten, Dense, Subtract, Tensor, Rng, randomNormal,
} from '../../src/index.js';
import { Doubler, randomizeWeights, expectSamePredictions, images, runOnnx } from './onnx-helpers.js';
import { readOnnxGraph } from './onnx-reader.js';
import { tfjsArtifacts, asModelJson, randomInput } from './io-helpers.js';
import { SHAPE, trainedTfTeachable } from './teachable-model.js';
import { expectClose } from '../helpers.js';

/** How many distinct weight arrays the model holds (a base called twice holds its weights once). */
const distinctWeights = (model: Model): number => new Set(model.layers.flatMap((l) => l.weights.map((w) => w.value.data))).size;

/** A frozen functional base (conv, BN, ReLU, Dropout, depthwise, pool) called on the input with training: false, then a head. */
function transferLearning(): Model {
  const image = input({ shape: [10, 10, 3], name: 'image' });
  let h = new Conv2D({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', name: 'conv' }).apply(image);
  h = new Activation({ activation: 'relu', name: 'relu' }).apply(new BatchNormalization({ name: 'bn' }).apply(h));
  h = new DepthwiseConv2D({ kernelSize: 3, padding: 'same', name: 'dw' }).apply(new Dropout({ rate: 0.3, name: 'drop' }).apply(h));
  const base = new Model({ inputs: image, outputs: new GlobalAveragePooling2D({ name: 'pool' }).apply(h), name: 'base' });
  base.trainable = false;
  const x = input({ shape: [10, 10, 3], name: 'x' });
  const features = base.apply(x, { training: false });
  const classes = new Dense({ units: 4, activation: 'softmax', name: 'classes' }).apply(new Dropout({ rate: 0.5, name: 'head_drop' }).apply(features));
  return new Model({ inputs: x, outputs: classes, name: 'transfer', seed: 7 });
}

/** One base applied to two inputs; the difference of the embeddings scored, and the second embedding as an output. */
function siamese(): Model {
  const image = input({ shape: [8, 8, 2] });
  const maps = new MaxPooling2D({ poolSize: 2, name: 'pool' }).apply(new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', name: 'conv' }).apply(image));
  const base = new Model({ inputs: image, outputs: new Dense({ units: 5, activation: 'tanh', name: 'embed' }).apply(new Flatten({ name: 'flat' }).apply(maps)), name: 'base' });
  const left = input({ shape: [8, 8, 2], name: 'left' });
  const right = input({ shape: [8, 8, 2], name: 'right' });
  const [l, r] = [base.apply(left), base.apply(right)];
  const same = new Dense({ units: 1, activation: 'sigmoid', name: 'same' }).apply(new Subtract({ name: 'difference' }).apply([l, r]));
  return new Model({ inputs: [left, right], outputs: [same, r], name: 'siamese', seed: 8 });
}

/** A functional block inside a Sequential inside the model, then a Sequential head with no input shape of its own. */
function nestedInNested(): Model {
  const image = input({ shape: [9, 9, 3] });
  const block = new Model({ inputs: image, outputs: new BatchNormalization({ name: 'bn' }).apply(new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv' }).apply(image)), name: 'block' });
  const features = new Sequential([block, new MaxPooling2D({ poolSize: 2, name: 'pool' }), new GaussianNoise({ stddev: 0.3, name: 'noise' }), new Flatten({ name: 'flat' })], { name: 'features' });
  const head = new Sequential([new Dense({ units: 6, activation: 'relu', name: 'hidden' }), new Dropout({ rate: 0.5, name: 'drop' }), new Dense({ units: 3, activation: 'softmax', name: 'classes' })], { name: 'head' });
  const x = input({ shape: [9, 9, 3], name: 'x' });
  return new Model({ inputs: x, outputs: head.apply(features.apply(x)), name: 'nested_in_nested', seed: 9 });
}

describe('toOnnx inlines nested models', () => {
  it('a Teachable Machine export trained in tfjs: onnxruntime gives tatami\'s and tfjs\'s predictions, each weight once under model_1/ or sequential_2/', async () => {
    const theirs = await trainedTfTeachable();
    const model = await loadModel(asModelJson(await tfjsArtifacts(theirs)));
    for (const opset of [13, 21]) await expectSamePredictions(model, images(SHAPE, 200), opset);
    const x = randomInput([4, ...SHAPE], 201);
    const [got] = await runOnnx(toOnnx(model), [new Tensor(x, [4, ...SHAPE])]);
    expectClose(got.data, (theirs.predict(tf.tensor(x, [4, ...SHAPE])) as tf.Tensor).dataSync() as Float32Array, 1e-5, 1e-5, 'onnxruntime vs tfjs');
    const { initializers } = readOnnxGraph(toOnnx(model));
    // ReLU(6)'s bounds are float scalars and ZeroPadding2D's pads int64: the float tensors of rank ≥ 1 are the weights.
    const weights = initializers.filter((t) => t.dataType === 1 && t.dims.length > 0).map((t) => t.name);
    expect(weights).toHaveLength(distinctWeights(model));
    expect(weights).toHaveLength(12);
    expect(weights).toEqual(expect.arrayContaining(['model_1/Conv1/kernel', 'model_1/bn_Conv1/moving_variance', 'model_1/expanded_conv_depthwise_BN/gamma', 'sequential_2/dense_Dense1/bias']));
    expect(initializers.map((t) => t.name).filter((n) => !n.startsWith('model_1/') && !n.startsWith('sequential_2/'))).toEqual([]);
  });

  it('transfer learning: a frozen base called with training: false; its Dropout and the head\'s are identities', async () => {
    const model = transferLearning();
    randomizeWeights(model, 10);
    for (const opset of [13, 21]) await expectSamePredictions(model, images([10, 10, 3], 210), opset);
    const { nodes, initializers } = readOnnxGraph(toOnnx(model));
    expect(initializers).toHaveLength(distinctWeights(model)); // conv 2, bn 4, dw 2, classes 2
    expect(initializers.map((t) => t.name).sort()).toEqual([
      'base/bn/beta', 'base/bn/gamma', 'base/bn/moving_mean', 'base/bn/moving_variance', 'base/conv/bias', 'base/conv/kernel', 'base/dw/bias', 'base/dw/kernel',
      'classes/bias', 'classes/kernel',
    ]);
    expect(nodes.filter((n) => n.name === 'base/drop' || n.name === 'head_drop').map((n) => n.op)).toEqual(['Identity', 'Identity']);
    expect(nodes.map((n) => n.op)).not.toContain('Dropout');
  });

  it('a siamese network: two copies of the base\'s nodes, one set of its initializers', async () => {
    const model = siamese();
    randomizeWeights(model, 11);
    for (const opset of [13, 21]) {
      await expectSamePredictions(model, (batch) => {
        const rng = new Rng(220 + batch);
        return [randomNormal([batch, 8, 8, 2], rng), randomNormal([batch, 8, 8, 2], rng)];
      }, opset);
    }
    const { nodes, initializers } = readOnnxGraph(toOnnx(model));
    expect(distinctWeights(model)).toBe(6);
    expect(initializers.map((t) => t.name).sort()).toEqual(['base/conv/bias', 'base/conv/kernel', 'base/embed/bias', 'base/embed/kernel', 'same/bias', 'same/kernel']);
    const convs = nodes.filter((n) => n.op === 'Conv');
    expect(convs.map((n) => n.name)).toEqual(['base/conv/conv', 'base/call1/conv/conv']);
    expect(convs.map((n) => n.inputs.slice(1))).toEqual([['base/conv/kernel', 'base/conv/bias'], ['base/conv/kernel', 'base/conv/bias']]);
  });

  it('a functional block in a Sequential in the model, and a Sequential head built from its caller\'s shape', async () => {
    const model = nestedInNested();
    randomizeWeights(model, 12);
    for (const opset of [13, 21]) await expectSamePredictions(model, images([9, 9, 3], 230), opset);
    const { nodes, initializers } = readOnnxGraph(toOnnx(model));
    expect(initializers).toHaveLength(distinctWeights(model));
    expect(initializers.map((t) => t.name).sort()).toEqual([
      'features/block/bn/beta', 'features/block/bn/gamma', 'features/block/bn/moving_mean', 'features/block/bn/moving_variance',
      'features/block/conv/bias', 'features/block/conv/kernel', 'head/classes/bias', 'head/classes/kernel', 'head/hidden/bias', 'head/hidden/kernel',
    ]);
    expect(nodes.find((n) => n.op === 'Conv')?.name).toBe('features/block/conv/conv');
    expect(nodes.filter((n) => n.name === 'features/noise' || n.name === 'head/drop').map((n) => n.op)).toEqual(['Identity', 'Identity']);
  });

  it('a layer with no ONNX form inside nested models is refused, naming it and the models it sits in', () => {
    const inner = new Sequential([input({ shape: [3] }), new Doubler({ name: 'twice' })], { name: 'inner' });
    const outer = new Sequential([new Dense({ units: 3, inputShape: [3] }), inner], { name: 'outer' });
    const model = new Sequential([outer, new Dense({ units: 1 })]);
    expect(() => toOnnx(model)).toThrow(/^toOnnx: Doubler 'twice' in Sequential 'inner' in Sequential 'outer' cannot be exported to ONNX \(exportable: Conv2D, /);
  });
});
