/**
 * ONNX export of the layers beyond the classic ones: each chain runs in onnxruntime-node and gives
 * tatami's predictions within 1e-5, at the lowest opset (13, where Gelu and LayerNormalization are
 * composed from their formulas) and the highest (21, where they are single operators).
 *
 * Sizes are picked so the exported graph exercises the awkward cases: TF 'same' pads split unevenly,
 * a transposed convolution whose kernel is shorter than its stride (output_padding), bilinear
 * resizes whose half-pixel centers fall outside the input at the border, and nearest resizes from
 * odd sizes (so no output pixel sits exactly halfway between two inputs, where rounding could differ).
 */
import { describe, it, expect } from 'vitest';
import {
  input, Model, Sequential, Conv2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose, Conv1D, ZeroPadding2D, Cropping2D, UpSampling2D,
  GlobalMaxPooling2D, Permute, RepeatVector, ReLU, LeakyReLU, ELU, PReLU, Softmax, Activation, LayerNormalization, Rescaling, Resizing,
  CenterCrop, Dropout, SpatialDropout2D, GaussianNoise, GaussianDropout, RandomFlip, RandomTranslation, RandomRotation, RandomZoom,
  RandomContrast, Flatten, Dense, ACTIVATION_NAMES, SUPPORTED_LAYERS,
} from '../../src/index.js';
import { ONNX_CONVERTERS } from '../../src/io/onnx-layers.js';
import { randomizeWeights, expectSamePredictions, images } from './onnx-helpers.js';

/** Padding, the three new convolutions with their options, cropping. */
function convolutions(): Model {
  const x = input({ shape: [10, 9, 3] });
  let h = new ZeroPadding2D({ padding: [[1, 2], [0, 1]] }).apply(x); // 13×10
  h = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu6' }).apply(h); // 7×5×6
  h = new SeparableConv2D({ filters: 4, kernelSize: [2, 3], depthMultiplier: 2, dilationRate: 2, padding: 'same', activation: 'silu' }).apply(h);
  h = new Conv2DTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'gelu' }).apply(h); // 14×10
  h = new Conv2DTranspose({ filters: 2, kernelSize: 2, strides: 3, outputPadding: [1, 2], useBias: false, activation: 'softplus' }).apply(h); // 42×32
  h = new Conv2DTranspose({ filters: 3, kernelSize: [1, 2], strides: [2, 3], padding: 'same', activation: 'tanh' }).apply(h); // kernel < stride
  h = new Cropping2D({ cropping: [[1, 0], [2, 5]] }).apply(h);
  h = new DepthwiseConv2D({ kernelSize: [3, 2], strides: [3, 4], useBias: false }).apply(h); // 27×22×3
  h = new Flatten().apply(h); // every position reaches the output
  h = new Dense({ units: 5, activation: 'softsign' }).apply(h);
  return new Model({ inputs: x, outputs: h, name: 'convolutions', seed: 11 });
}

/** Rescaling per channel, upsampling both ways, resizing with and without the aspect crop, centre crops, PReLU. */
function resampling(): Model {
  const x = input({ shape: [6, 7, 2] });
  let h = new Rescaling({ scale: 0.5, offset: [0.1, -0.2] }).apply(x);
  h = new UpSampling2D({ size: [2, 3] }).apply(h); // 12×21, nearest
  h = new Conv2D({ filters: 3, kernelSize: [2, 3], activation: 'selu' }).apply(h); // 11×19
  h = new UpSampling2D({ size: 2, interpolation: 'bilinear' }).apply(h); // 22×38
  h = new Resizing({ height: 9, width: 13 }).apply(h); // bilinear, shrinking
  h = new CenterCrop({ height: 7, width: 8 }).apply(h);
  h = new Resizing({ height: 5, width: 4, interpolation: 'nearest', cropToAspectRatio: true }).apply(h); // from a 7×5 crop
  h = new CenterCrop({ height: 6, width: 6 }).apply(h); // larger than 5×4: crop to 4×4, resize
  h = new PReLU({ sharedAxes: [1, 2] }).apply(h);
  h = new Rescaling({ scale: 2 }).apply(h); // a scalar, on the channels-first value
  h = new Conv2D({ filters: 4, kernelSize: 3, padding: 'same' }).apply(h);
  h = new PReLU().apply(h); // one alpha per pixel and channel
  h = new Flatten().apply(h);
  h = new Dense({ units: 3 }).apply(h);
  return new Model({ inputs: x, outputs: h, name: 'resampling', seed: 12 });
}

/** Conv1D in its three paddings, the activation layers, Permute, LayerNormalization on several axes, RepeatVector. */
function sequences(): Model {
  const x = input({ shape: [9, 4] });
  let h = new Conv1D({ filters: 6, kernelSize: 3, padding: 'causal', dilationRate: 2, activation: 'exponential' }).apply(x); // 9×6
  h = new Conv1D({ filters: 5, kernelSize: 4, strides: 2, padding: 'same', activation: 'hard_silu' }).apply(h); // 5×5
  h = new LayerNormalization({ epsilon: 0.01 }).apply(h);
  h = new ReLU({ maxValue: 1.5, negativeSlope: 0.1, threshold: -0.2 }).apply(h);
  h = new Conv1D({ filters: 4, kernelSize: 2, activation: 'swish' }).apply(h); // 4×4, valid, channels first
  h = new LeakyReLU({ alpha: 0.25 }).apply(h);
  h = new ELU({ alpha: 0.7 }).apply(h);
  h = new ReLU({ maxValue: 2 }).apply(h);
  h = new Permute({ dims: [2, 1] }).apply(h);
  h = new LayerNormalization({ axis: 1, center: false }).apply(h); // not the last axis: moved there and back
  h = new Softmax({ axis: 1 }).apply(h);
  h = new Flatten().apply(h);
  h = new Dense({ units: 4 }).apply(h);
  h = new ReLU().apply(h);
  h = new RepeatVector({ n: 3 }).apply(h); // [3, 4]
  h = new LayerNormalization({ axis: [1, 2], scale: false }).apply(h);
  h = new Dropout({ rate: 0.3 }).apply(h);
  h = new GaussianNoise({ stddev: 0.5 }).apply(h);
  h = new GaussianDropout({ rate: 0.2 }).apply(h);
  h = new Flatten().apply(h);
  h = new Dense({ units: 3 }).apply(h);
  h = new Softmax().apply(h);
  return new Model({ inputs: x, outputs: h, name: 'sequences', seed: 13 });
}

/** The augmentation and noise layers, identities at inference, between image layers. */
function augmented(): Model {
  return new Sequential([
    input({ shape: [8, 7, 3] }),
    new RandomFlip(), new RandomTranslation({ heightFactor: 0.2, widthFactor: 0.1 }), new RandomRotation({ factor: 0.1 }),
    new RandomZoom({ heightFactor: 0.2 }), new RandomContrast({ factor: 0.5 }),
    new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }),
    new SpatialDropout2D({ rate: 0.5 }),
    new LayerNormalization({ axis: [1, 2, 3] }), // a 4-D input: back to channels last first
    new Activation({ activation: 'softmax' }),
    new Flatten(),
  ], { name: 'augmented', seed: 14 });
}

describe('toOnnx exports every layer, with tatami\'s predictions in onnxruntime', () => {
  it('every layer class tatami builds from a model file has a converter', () => {
    expect(SUPPORTED_LAYERS.filter((name) => !Object.prototype.hasOwnProperty.call(ONNX_CONVERTERS, name))).toEqual([]);
  });

  for (const opset of [13, 21]) {
    it(`convolutions: depthwise, separable, transposed; padding and cropping (opset ${opset})`, async () => {
      const model = convolutions();
      randomizeWeights(model, 21);
      await expectSamePredictions(model, images([10, 9, 3], 50), opset);
    });

    it(`resampling: upsampling, resizing, centre crops, rescaling, PReLU (opset ${opset})`, async () => {
      const model = resampling();
      randomizeWeights(model, 22);
      await expectSamePredictions(model, images([6, 7, 2], 60), opset);
    });

    it(`sequences: Conv1D, activation layers, Permute, LayerNormalization, RepeatVector (opset ${opset})`, async () => {
      const model = sequences();
      randomizeWeights(model, 23);
      await expectSamePredictions(model, images([9, 4], 70), opset);
    });

    it(`training-only layers are identities (opset ${opset})`, async () => {
      const model = augmented();
      randomizeWeights(model, 24);
      await expectSamePredictions(model, images([8, 7, 3], 80), opset);
    });
  }

  it('GlobalMaxPooling2D, flat and with keepdims', async () => {
    for (const keepdims of [false, true]) {
      const model = new Sequential([input({ shape: [5, 6, 3] }), new Conv2D({ filters: 4, kernelSize: 2 }), new GlobalMaxPooling2D({ keepdims })], { name: `gmp_${keepdims}` });
      randomizeWeights(model, 26);
      await expectSamePredictions(model, images([5, 6, 3], 100), 13);
    }
  });

  it('every activation name, after a convolution (channels first) and on a Dense (channels last)', async () => {
    for (const activation of ACTIVATION_NAMES) {
      for (const opset of [13, 20]) {
        const model = new Sequential([
          input({ shape: [4, 3, 2] }), new Conv2D({ filters: 3, kernelSize: 1, activation }), new Flatten(), new Dense({ units: 5, activation }),
        ], { name: `act_${activation}`, seed: 15 });
        randomizeWeights(model, 25);
        await expectSamePredictions(model, images([4, 3, 2], 90), opset);
      }
    }
  });
});
