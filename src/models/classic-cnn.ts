import { input } from '../layers/input.js';
import { Conv2D } from '../layers/conv2d.js';
import { MaxPooling2D } from '../layers/pooling.js';
import { Flatten } from '../layers/flatten.js';
import { Dense } from '../layers/dense.js';
import { Model } from './model.js';

export interface ClassicCnnArgs {
  /** Side of the square conv kernel (default 3; the Keras tutorial's recipe uses 4). */
  kernelSize?: number;
  /** Conv filters (default 128). */
  filters?: number;
  /** Seed for weight initialization. */
  seed?: number;
}

/**
 * The classic MNIST CNN of the Keras tutorial, as a functional model:
 *
 *   inputs  = Input(shape=(28, 28, 1))
 *   x       = Conv2D(128, kernel_size=(3, 3), activation='relu')(inputs)
 *   x       = MaxPool2D(pool_size=(2, 2))(x)
 *   x       = Flatten()(x)
 *   outputs = Dense(10, activation='softmax')(x)
 *
 * 217,610 parameters with a 3×3 kernel, 186,506 with 4×4.
 */
export function classicCnn(args: ClassicCnnArgs = {}): Model {
  const { kernelSize = 3, filters = 128, seed } = args;
  const inputs = input({ shape: [28, 28, 1] });
  let x = new Conv2D({ filters, kernelSize: [kernelSize, kernelSize], activation: 'relu' }).apply(inputs);
  x = new MaxPooling2D({ poolSize: [2, 2] }).apply(x);
  x = new Flatten().apply(x);
  const outputs = new Dense({ units: 10, activation: 'softmax' }).apply(x);
  return new Model({ inputs: [inputs], outputs: [outputs], seed });
}
