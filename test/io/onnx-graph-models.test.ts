/**
 * ONNX export of graph models with merges: the exported files run in onnxruntime-node and give
 * tatami's predictions within 1e-5 for the ResNet and the convnet of the CLI zoo, a MobileNetV2-style
 * model (the zoo has none yet), a two-input model
 * with every merge layer and two outputs, and Inception-style concatenation (branches that leave
 * their values channels first meet one that leaves them channels last, on the channel axis and on
 * the height axis).
 */
import { describe, it, expect } from 'vitest';
import {
  input, Model, Conv2D, MaxPooling2D, GlobalAveragePooling2D, Dense, Flatten, Reshape, Activation, BatchNormalization, Add, Subtract,
  Multiply, Average, Maximum, Minimum, Concatenate, DepthwiseConv2D, ReLU, Dropout, resnet, convnet, toOnnx, Rng, randomNormal,
  type Tensor, type SymbolicTensor,
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

/** MobileNetV2-style: a strided stem, inverted residual blocks (1×1 expand, ReLU6, depthwise, 1×1 project, Add). */
function mobileNet(): Model {
  const x = input({ shape: [16, 16, 3] });
  const bnRelu6 = (h: SymbolicTensor): SymbolicTensor => new ReLU({ maxValue: 6 }).apply(new BatchNormalization().apply(h));
  let h = bnRelu6(new Conv2D({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false }).apply(x)); // 8×8×8
  for (const strides of [1, 2, 1]) {
    let e = bnRelu6(new Conv2D({ filters: 16, kernelSize: 1, useBias: false }).apply(h));
    e = bnRelu6(new DepthwiseConv2D({ kernelSize: 3, strides, padding: 'same', useBias: false }).apply(e));
    e = new BatchNormalization().apply(new Conv2D({ filters: 8, kernelSize: 1, useBias: false }).apply(e));
    h = strides === 1 ? new Add().apply([h, e]) : e;
  }
  h = new GlobalAveragePooling2D().apply(h);
  return new Model({ inputs: x, outputs: new Dense({ units: 10, activation: 'softmax' }).apply(new Dropout({ rate: 0.2 }).apply(h)), name: 'mobilenet', seed: 33 });
}

describe('toOnnx exports graphs with merges, with tatami\'s predictions in onnxruntime', () => {
  it('the ResNet of the zoo (Add of residual branches)', async () => {
    const model = resnet({ seed: 1 });
    randomizeWeights(model, 2);
    await expectSamePredictions(model, images([28, 28, 1], 110), 13);
  });

  it('a MobileNetV2-style model: inverted residuals with ReLU6 and depthwise convolutions (the zoo has no MobileNet yet)', async () => {
    const model = mobileNet();
    randomizeWeights(model, 6);
    await expectSamePredictions(model, images([16, 16, 3], 150), 13);
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
