import { input } from '../layers/input.js';
import type { SymbolicTensor } from '../layers/layer.js';
import { ZeroPadding2D } from '../layers/padding2d.js';
import { Conv2D } from '../layers/conv2d.js';
import { DepthwiseConv2D } from '../layers/depthwise-conv2d.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { ReLU } from '../layers/advanced-activations.js';
import { GlobalAveragePooling2D } from '../layers/pooling.js';
import { Dense } from '../layers/dense.js';
import { Model } from './model.js';

export interface MobilenetArgs {
  /** Channels of the stem (default 16); the two depthwise-separable blocks have 2× and 4× as many. */
  width?: number;
  /** Seed for weight initialization. */
  seed?: number;
}

/**
 * BatchNormalization → ReLU(maxValue 6), the step after every convolution of MobileNet (Howard et
 * al. 2017, "MobileNets"). The convolutions before it have no bias: BN's beta is the bias.
 *
 * BatchNormalization's momentum is 0.9, not Keras's 0.99, for the reason given in resnet.ts: this
 * small net's statistics move faster while it learns than a 100-step average follows.
 */
function bnRelu6(x: SymbolicTensor): SymbolicTensor {
  return new ReLU({ maxValue: 6 }).apply(new BatchNormalization({ momentum: 0.9 }).apply(x));
}

/**
 * MobileNet's depthwise-separable block: a 3×3 DepthwiseConv2D (spatial, channels never mixed) →
 * BN → ReLU6, then a 1×1 Conv2D (mixes channels, no window) → BN → ReLU6. A strided block pads
 * [[0, 1], [0, 1]] and convolves 'valid', as Keras's MobileNet does, instead of 'same'.
 */
function separableBlock(x: SymbolicTensor, filters: number, strides: number): SymbolicTensor {
  const padded = strides === 1 ? x : new ZeroPadding2D({ padding: [[0, 1], [0, 1]] }).apply(x);
  const padding = strides === 1 ? 'same' : 'valid';
  const h = bnRelu6(new DepthwiseConv2D({ kernelSize: 3, strides, padding, useBias: false }).apply(padded));
  return bnRelu6(new Conv2D({ filters, kernelSize: 1, useBias: false }).apply(h));
}

/**
 * A small MobileNet-style network for 28×28 digits, as a functional model:
 *
 *   Input(28, 28, 1) → ZeroPadding2D [[0, 1], [0, 1]] → Conv 3×3 stride 2 'valid' (16) → BN → ReLU6   (14, 14, 16)
 *   → DepthwiseConv 3×3 → BN → ReLU6 → Conv 1×1 (32) → BN → ReLU6                                     (14, 14, 32)
 *   → ZeroPadding2D → DepthwiseConv 3×3 stride 2 'valid' → BN → ReLU6 → Conv 1×1 (64) → BN → ReLU6     (7, 7, 64)
 *   → GlobalAveragePooling2D → Dense(10, softmax)
 *
 * 4,426 parameters with the default width 16: 144 + 144 + 512 + 288 + 2,048 convolution weights,
 * 640 BatchNormalization weights (gamma, beta and the two moving statistics over 16 + 16 + 32 + 32 +
 * 64 channels; the 320 moving statistics are not trainable), 650 in the Dense layer.
 */
export function mobilenet(args: MobilenetArgs = {}): Model {
  const { width = 16, seed } = args;
  const inputs = input({ shape: [28, 28, 1] });
  const padded = new ZeroPadding2D({ padding: [[0, 1], [0, 1]] }).apply(inputs);
  let x = bnRelu6(new Conv2D({ filters: width, kernelSize: 3, strides: 2, padding: 'valid', useBias: false }).apply(padded));
  x = separableBlock(x, 2 * width, 1);
  x = separableBlock(x, 4 * width, 2);
  const outputs = new Dense({ units: 10, activation: 'softmax' }).apply(new GlobalAveragePooling2D().apply(x));
  return new Model({ inputs, outputs, name: 'mobilenet', seed });
}
