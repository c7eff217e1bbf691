import type { Tensor } from '../tensor.js';
import { shapeToString, shapesEqual } from '../shape.js';
import { sub } from '../ops/binary.js';
import { square } from '../ops/unary.js';
import { mean } from '../ops/reduce.js';

/** Mean squared error, as Keras: mean over the last axis, then over the batch (= the mean of all). */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  if (!shapesEqual(yTrue.shape, yPred.shape)) {
    throw new Error(`mean_squared_error: labels have shape ${shapeToString(yTrue.shape)} but predictions have shape ${shapeToString(yPred.shape)}`);
  }
  return mean(square(sub(yPred, yTrue)));
}
