import { input } from '../layers/input.js';
import { Conv2D } from '../layers/conv2d.js';
import { MaxPooling2D } from '../layers/pooling.js';
import { Flatten } from '../layers/flatten.js';
import { Dropout } from '../layers/dropout.js';
import { Dense } from '../layers/dense.js';
import { Sequential } from './sequential.js';

export interface ConvnetArgs {
  /** Seed for weight initialization. */
  seed?: number;
}

/**
 * Keras's own MNIST example ("Simple MNIST convnet", keras.io/examples/vision/mnist_convnet), as a
 * Sequential model:
 *
 *   Input(shape=(28, 28, 1))
 *   Conv2D(32, kernel_size=(3, 3), activation='relu')   → (26, 26, 32)     320 params
 *   MaxPooling2D(pool_size=(2, 2))                      → (13, 13, 32)
 *   Conv2D(64, kernel_size=(3, 3), activation='relu')   → (11, 11, 64)  18,496
 *   MaxPooling2D(pool_size=(2, 2))                      → (5, 5, 64)
 *   Flatten()                                           → (1600,)
 *   Dropout(0.5)
 *   Dense(10, activation='softmax')                     → (10,)         16,010
 *
 * 34,826 parameters.
 */
export function convnet(args: ConvnetArgs = {}): Sequential {
  return new Sequential([
    input({ shape: [28, 28, 1] }),
    new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' }),
    new MaxPooling2D({ poolSize: 2 }),
    new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu' }),
    new MaxPooling2D({ poolSize: 2 }),
    new Flatten(),
    new Dropout({ rate: 0.5 }),
    new Dense({ units: 10, activation: 'softmax' }),
  ], { seed: args.seed });
}
