/**
 * ONNX export: the files run in onnxruntime-node (a dev dependency, run live) and give tatami's
 * predictions within 1e-5, for the classic CNN and for chain models that use every exportable layer
 * (convs with strides, dilation and TF 'same' padding, both pools, GlobalAveragePooling2D,
 * BatchNormalization with real statistics, Dense on 2-D and 3-D inputs, every activation, Flatten of
 * NHWC, Reshape, Dropout, Embedding), at opsets 13 and 21, with the batch axis dynamic.
 * The protobuf writer's bytes are checked against encodings worked out by hand.
 */
import { describe, it, expect } from 'vitest';
import {
  classicCnn, toOnnx, onnxPlan, input, Model, Sequential, Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D,
  BatchNormalization, Dense, Flatten, Reshape, Dropout, Activation, Embedding, Tensor,
} from '../../src/index.js';
import { ProtoWriter } from '../../src/io/onnx-proto.js';
import { Doubler, randomizeWeights, expectSamePredictions, images } from './onnx-helpers.js';

/** Convs and pools with strides, dilation, TF 'same' padding where it is uneven, BN, Flatten of NHWC, Dense. */
function convChain(): Model {
  const x = input({ shape: [9, 11, 3] });
  let h = new Conv2D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(x); // pads 1/1 rows, 1/1 cols
  h = new BatchNormalization({ epsilon: 0.01 }).apply(h);
  h = new MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' }).apply(h); // 5×6 → 3×3, extra pad bottom/right
  h = new Conv2D({ filters: 5, kernelSize: [2, 3], dilationRate: 2, padding: 'same', activation: 'elu' }).apply(h);
  h = new AveragePooling2D({ poolSize: 2, strides: 1, padding: 'same' }).apply(h); // edge windows average fewer cells
  h = new Activation({ activation: 'tanh' }).apply(h);
  h = new Conv2D({ filters: 3, kernelSize: 2, strides: [2, 1], useBias: false, activation: 'leaky_relu' }).apply(h);
  h = new Activation({ activation: 'softmax' }).apply(h); // over the channels while the graph holds NCHW
  h = new Dropout({ rate: 0.5 }).apply(h);
  h = new Flatten().apply(h); // NHWC order, as tatami
  h = new Dense({ units: 12, activation: 'sigmoid' }).apply(h);
  h = new Reshape({ targetShape: [3, -1] }).apply(h);
  h = new Dense({ units: 4, activation: 'linear' }).apply(h); // MatMul on [N, 3, 12/3]
  h = new BatchNormalization({ center: false }).apply(h); // rank 3: channels moved to axis 1 and back
  h = new Flatten().apply(h);
  h = new Dense({ units: 6, activation: 'softmax' }).apply(h);
  return new Model({ inputs: x, outputs: h, name: 'conv_chain', seed: 3 });
}

describe('toOnnx runs in onnxruntime with tatami\'s predictions', () => {
  it('the classic CNN', async () => {
    const model = classicCnn({ seed: 1 });
    randomizeWeights(model, 2);
    await expectSamePredictions(model, images([28, 28, 1], 10), 13);
  });

  for (const opset of [13, 21]) {
    it(`a chain of every conv-side layer, opset ${opset}`, async () => {
      const model = convChain();
      randomizeWeights(model, 4);
      await expectSamePredictions(model, images([9, 11, 3], 20), opset);
    });
  }

  it('GlobalAveragePooling2D to a Dense head, and a 4-D output given back in NHWC', async () => {
    const x = input({ shape: [6, 5, 2] });
    const features = new Conv2D({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
    const gap = new Model({ inputs: x, outputs: new Dense({ units: 3, activation: 'softmax' }).apply(new GlobalAveragePooling2D().apply(features)), name: 'gap' });
    randomizeWeights(gap, 5);
    await expectSamePredictions(gap, images([6, 5, 2], 30), 13);
    // Stride 3 > window 2 under 'same': 5×4 → 2×2, one padded column on the right only.
    const maps = new Sequential([input({ shape: [6, 5, 2] }), new Conv2D({ filters: 3, kernelSize: 2 }), new MaxPooling2D({ poolSize: 2, strides: 3, padding: 'same' })], { name: 'maps' });
    randomizeWeights(maps, 6);
    await expectSamePredictions(maps, images([6, 5, 2], 40), 13);
  });

  it('Embedding: float ids in, as tatami takes them; BatchNormalization on a 2-D input', async () => {
    const model = new Sequential([
      input({ shape: [5] }), new Embedding({ inputDim: 10, outputDim: 4 }), new Flatten(), new BatchNormalization(), new Dense({ units: 2, activation: 'sigmoid' }),
    ], { name: 'embed', seed: 7 });
    randomizeWeights(model, 8);
    const ids = (batch: number): Tensor => new Tensor(Float32Array.from({ length: batch * 5 }, (_, i) => (i * 7 + batch) % 10), [batch, 5]);
    await expectSamePredictions(model, ids, 13);
  });
});

describe('toOnnx refuses what it cannot export, naming it', () => {

  it('a layer with no ONNX form, and an opset out of range', () => {
    const model = new Sequential([input({ shape: [3] }), new Dense({ units: 2 }), new Doubler({ name: 'twice' })]);
    expect(() => toOnnx(model)).toThrow(/toOnnx: Doubler 'twice' cannot be exported to ONNX \(exportable: Conv2D, .*Dense, .*RandomContrast\)/);
    const ok = new Sequential([input({ shape: [3] }), new Dense({ units: 2 })]);
    expect(() => toOnnx(ok, { opset: 12 })).toThrow(/toOnnx: opset must be an integer from 13 to 21, got 12/);
    expect(() => toOnnx(ok, { opset: 13.5 })).toThrow(/opset must be an integer/);
  });

  it('the plan is the chain of layer calls, named after the layers', () => {
    const plan = onnxPlan(classicCnn());
    expect(plan.inputs.map((i) => [i.name, i.shape])).toEqual([['input_1', [null, 28, 28, 1]]]);
    expect(plan.nodes.map((n) => [n.layer.className, n.inputNames, n.outputName, n.outputShape])).toEqual([
      ['Conv2D', ['input_1'], 'conv2d', [null, 26, 26, 128]], ['MaxPooling2D', ['conv2d'], 'max_pooling2d', [null, 13, 13, 128]],
      ['Flatten', ['max_pooling2d'], 'flatten', [null, 21632]], ['Dense', ['flatten'], 'dense', [null, 10]],
    ]);
    expect(plan.outputs).toEqual(['dense']);
  });
});

describe('the protobuf writer', () => {
  // Encodings from the protobuf spec: key = field << 3 | wire type; varints 7 bits at a time.
  it('varints, negative int64, floats, strings and nested messages byte for byte', () => {
    // field 1 varint 300: key 0x08; 300 = 0b10_0101100 → 0xAC 0x02
    expect(Array.from(new ProtoWriter().int(1, 300).finish())).toEqual([0x08, 0xac, 0x02]);
    // field 3 varint −1: two's complement over 64 bits → nine 0xFF then 0x01
    expect(Array.from(new ProtoWriter().int(3, -1).finish())).toEqual([0x18, ...new Array(9).fill(0xff), 0x01]);
    // field 2 float 1.0 (wire type 5): key 0x15, then 0x3F800000 little-endian
    expect(Array.from(new ProtoWriter().float(2, 1).finish())).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    // field 4 string "hi": key 0x22, length 2, bytes
    expect(Array.from(new ProtoWriter().string(4, 'hi').finish())).toEqual([0x22, 0x02, 0x68, 0x69]);
    // field 7 holding { field 1 = 150 }: key 0x3A, length 3, then 0x08 0x96 0x01
    expect(Array.from(new ProtoWriter().message(7, new ProtoWriter().int(1, 150)).finish())).toEqual([0x3a, 0x03, 0x08, 0x96, 0x01]);
    // packed [3, 270]: key 0x42 (field 8, LEN), length 3, 0x03, 0x8E 0x02
    expect(Array.from(new ProtoWriter().packedInts(8, [3, 270]).finish())).toEqual([0x42, 0x03, 0x03, 0x8e, 0x02]);
  });
});
