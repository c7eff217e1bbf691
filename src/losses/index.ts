import type { Tensor } from '../tensor.js';
import { snakeCase } from '../activations.js';
import { categoricalCrossentropy, sparseCategoricalCrossentropy, binaryCrossentropy } from './cross-entropy.js';
import { meanSquaredError } from './mean-squared-error.js';

/** A loss: labels and predictions in, the batch-mean loss (a scalar tensor) out. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

const LOSSES: Readonly<Record<string, LossFn>> = {
  categorical_crossentropy: categoricalCrossentropy,
  sparse_categorical_crossentropy: sparseCategoricalCrossentropy,
  binary_crossentropy: binaryCrossentropy,
  mean_squared_error: meanSquaredError,
  mse: meanSquaredError,
};

/** A loss by Keras name (snake_case or camelCase) or a function; returns its canonical name too. */
export function resolveLoss(spec: string | LossFn): { name: string; fn: LossFn } {
  if (typeof spec === 'function') return { name: spec.name || 'custom', fn: spec };
  const key = snakeCase(String(spec));
  if (!Object.prototype.hasOwnProperty.call(LOSSES, key)) {
    throw new Error(`compile: unknown loss '${String(spec)}' (known: ${Object.keys(LOSSES).join(', ')})`);
  }
  return { name: key === 'mse' ? 'mean_squared_error' : key, fn: LOSSES[key] };
}

export { categoricalCrossentropy, sparseCategoricalCrossentropy, binaryCrossentropy, meanSquaredError };
