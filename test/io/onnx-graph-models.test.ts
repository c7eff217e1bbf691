/**
 * ONNX export of graph models with merges: the exported files run in onnxruntime-node and give
 * tatami's predictions within 1e-5 for the ResNet and the convnet of the CLI zoo, a two-input model
 * with every merge layer and two outputs, and Inception-style concatenation (branches that leave
 * their values channels first meet one that leaves them channels last, on the channel axis and on
 * the height axis).
 */
import { describe, it, expect } from 'vitest';
import {
  input, Model, Conv2D, MaxPooling2D, GlobalAveragePooling2D, Dense, Flatten, Reshape, Activation, BatchNormalization, Add, Subtract,
  Multiply, Average, Maximum, Minimum, Concatenate, resnet, convnet, toOnnx, Rng, randomNormal, type Tensor,
} from '../../src/index.js';
import { randomizeWeights, expectSamePredictions, images } from './onnx-helpers.js';

/** An image and a vector in; every merge layer; a squeeze-and-excitation gate (sizes of 1 broadcast); two outputs. */
function twoInputs(): Model {
  const image = input({ shape: [8, 7, 3], name: 'image' });
  const vector = input({ shape: [5], name: 'vector' });
  const maps = new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(image); // channels first in the graph
  const gate = new Reshape({ targetShape: [1, 1, 4] }).apply(new Dense({ units: 4, activation: 'sigmoid' }).apply(vector)); // channels last
  const gated = new Multiply().apply([maps, gate]); // [N, 8, 7, 4] × [N, 1, 1, 4]
  const a = new Dense({ units: 6, activation: 'tanh' }).apply(new GlobalAveragePooling2D().apply(gated));
  const b = new Dense({ units: 6 }).apply(vector);
  const c = new Dense({ units: 6, activation: 'elu' }).apply(vector);
  const merged = new Concatenate().apply([
    new Add().apply([a, b, c]), new Subtract().apply([a, b]), new Multiply().apply([a, b, c]), new Average().apply([a, c]),
    new Maximum().apply([a, b, c]), new Minimum().apply([b, c]),
  ]); // [N, 36]
  const classes = new Dense({ units: 3, activation: 'softmax', name: 'classes' }).apply(merged);
  const score = new Dense({ units: 1, name: 'score' }).apply(new Add().apply([maps, new Conv2D({ filters: 4, kernelSize: 1 }).apply(image)]));
  return new Model({ inputs: [image, vector], outputs: [classes, new Flatten().apply(score)], name: 'two_inputs', seed: 31 });
}

/** Inception-style: parallel 1×1, 3×3 and pool branches joined on the channels, then on the height with the input. */
function inception(): Model {
  const x = input({ shape: [9, 9, 4] });
  const one = new Conv2D({ filters: 3, kernelSize: 1, activation: 'relu' }).apply(x);
  const three = new Conv2D({ filters: 5, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(new Conv2D({ filters: 2, kernelSize: 1 }).apply(x));
  const pool = new Conv2D({ filters: 2, kernelSize: 1 }).apply(new MaxPooling2D({ poolSize: 3, strides: 1, padding: 'same' }).apply(x));
  const joined = new Concatenate().apply([one, three, pool, x]); // x arrives channels last: moved to the others' layout
  const mixed = new BatchNormalization().apply(new Conv2D({ filters: 4, kernelSize: 3, padding: 'same' }).apply(joined));
  const tall = new Concatenate({ axis: 1 }).apply([mixed, new Activation({ activation: 'tanh' }).apply(x)]); // [N, 18, 9, 4]
  const wide = new Concatenate({ axis: 2 }).apply([x, new MaxPooling2D({ poolSize: [2, 1] }).apply(tall)]); // [N, 9, 18, 4]
  return new Model({ inputs: x, outputs: new Dense({ units: 5 }).apply(new Flatten().apply(wide)), name: 'inception', seed: 32 });
}

describe('toOnnx exports graphs with merges, with tatami\'s predictions in onnxruntime', () => {
  it('the ResNet of the zoo (Add of residual branches)', async () => {
    const model = resnet({ seed: 1 });
    randomizeWeights(model, 2);
    await expectSamePredictions(model, images([28, 28, 1], 110), 13);
  });

  it('the convnet of the zoo', async () => {
    const model = convnet({ seed: 1 });
    randomizeWeights(model, 3);
    await expectSamePredictions(model, images([28, 28, 1], 120), 13);
  });

  for (const opset of [13, 21]) {
    it(`two inputs, every merge layer, two outputs (opset ${opset})`, async () => {
      const model = twoInputs();
      randomizeWeights(model, 4);
      const rng = (batch: number): Rng => new Rng(130 + batch);
      await expectSamePredictions(model, (batch) => {
        const r = rng(batch);
        return [randomNormal([batch, 8, 7, 3], r), randomNormal([batch, 5], r)] as Tensor[];
      }, opset);
    });

    it(`Inception-style concatenation on the channels and on the height and width (opset ${opset})`, async () => {
      const model = inception();
      randomizeWeights(model, 5);
      await expectSamePredictions(model, images([9, 9, 4], 140), opset);
    });
  }

  it('one graph input per model input, outputs in order, named after their layers', async () => {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(toOnnx(twoInputs()));
    try {
      expect(session.inputNames).toEqual(['image', 'vector']);
      expect(session.outputNames).toEqual(['classes', 'flatten']);
    } finally {
      await session.release();
    }
  });
});
