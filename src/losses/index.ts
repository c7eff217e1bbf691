import type { Tensor } from '../tensor.js';
import { noGrad } from '../grad-mode.js';
import { snakeCase, getActivation } from '../activations.js';
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

/** The losses that have a fused form from logits, and the output activation whose logits they take. */
const FROM_LOGITS: Readonly<Record<string, { activation: string; fn: LossFn }>> = {
  categorical_crossentropy: { activation: 'softmax', fn: (y, z) => categoricalCrossentropy(y, z, true) },
  sparse_categorical_crossentropy: { activation: 'softmax', fn: (y, z) => sparseCategoricalCrossentropy(y, z, true) },
  binary_crossentropy: { activation: 'sigmoid', fn: (y, z) => binaryCrossentropy(y, z, true) },
};

/** What compile settles about the loss. */
export interface ResolvedLoss {
  /** The canonical (Keras) name, or the function's name. */
  readonly name: string;
  /**
   * Keras's from_logits, decided from the model's last activation: true when the loss has a fused
   * form for it (softmax + categorical, sigmoid + binary cross-entropy). The model then runs its
   * output layer without that activation and `fn` gets the logits.
   */
  readonly fromLogits: boolean;
  /** The loss: (labels, logits) when fromLogits, else (labels, the model's output). */
  readonly fn: LossFn;
  /** The model's output from what `fn` gets (for metrics): the activation when fromLogits, else the same tensor. Records nothing. */
  readonly predictions: (out: Tensor) => Tensor;
}

const same = (out: Tensor): Tensor => out;

/**
 * A loss by Keras name (snake_case or camelCase) or a function, for a model whose output layer has
 * the activation `outputActivation` (canonical name, or null when the output layer has none).
 * tatami's own loss functions count as their names; any other function is used as given.
 */
export function resolveLoss(spec: string | LossFn, outputActivation: string | null = null): ResolvedLoss {
  const own = Object.keys(LOSSES).find((k) => LOSSES[k] === spec);
  if (typeof spec === 'function' && own === undefined) return { name: spec.name || 'custom', fromLogits: false, fn: spec, predictions: same };
  const key = own ?? snakeCase(String(spec));
  if (!Object.prototype.hasOwnProperty.call(LOSSES, key)) {
    throw new Error(`compile: unknown loss '${String(spec)}' (known: ${Object.keys(LOSSES).join(', ')})`);
  }
  const name = key === 'mse' ? 'mean_squared_error' : key;
  const fused = Object.prototype.hasOwnProperty.call(FROM_LOGITS, key) ? FROM_LOGITS[key] : undefined;
  if (fused !== undefined && outputActivation === fused.activation) {
    const activate = getActivation(fused.activation);
    return { name, fromLogits: true, fn: fused.fn, predictions: (z) => noGrad(() => activate(z)) };
  }
  return { name, fromLogits: false, fn: LOSSES[key], predictions: same };
}

export { categoricalCrossentropy, sparseCategoricalCrossentropy, binaryCrossentropy, meanSquaredError };
