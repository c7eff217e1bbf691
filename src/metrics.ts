import type { Tensor } from './tensor.js';
import { snakeCase } from './activations.js';

/**
 * Metrics: per batch, the number of correct predictions; fit and evaluate keep running means per
 * epoch. 'accuracy' (or 'acc') is resolved against the loss and the output shape as Keras does:
 * binary accuracy for a single output unit or binary cross-entropy, sparse categorical accuracy for
 * the sparse loss, categorical accuracy otherwise.
 */
export interface Metric {
  /** Keras's name in logs and History: 'accuracy'. */
  readonly name: string;
  /** Returns [correct, count] for one batch. */
  update(yTrue: Tensor, yPred: Tensor): [number, number];
}

function argmaxRow(data: Float32Array, row: number, width: number): number {
  let best = 0;
  for (let c = 1; c < width; c++) if (data[row * width + c] > data[row * width + best]) best = c;
  return best;
}

/** argmax(yTrue) == argmax(yPred) per row. */
export const categoricalAccuracy: Metric['update'] = (yTrue, yPred) => {
  const width = yPred.shape[yPred.rank - 1];
  const rows = yPred.size / width;
  let correct = 0;
  for (let r = 0; r < rows; r++) if (argmaxRow(yTrue.data, r, width) === argmaxRow(yPred.data, r, width)) correct++;
  return [correct, rows];
};

/** yTrue (an integer class) == argmax(yPred) per row. */
export const sparseCategoricalAccuracy: Metric['update'] = (yTrue, yPred) => {
  const width = yPred.shape[yPred.rank - 1];
  const rows = yPred.size / width;
  let correct = 0;
  for (let r = 0; r < rows; r++) if (yTrue.data[r] === argmaxRow(yPred.data, r, width)) correct++;
  return [correct, rows];
};

/** (yPred > 0.5) == yTrue per element. */
export const binaryAccuracy: Metric['update'] = (yTrue, yPred) => {
  let correct = 0;
  for (let i = 0; i < yPred.size; i++) if ((yPred.data[i] > 0.5 ? 1 : 0) === yTrue.data[i]) correct++;
  return [correct, yPred.size];
};

/** Resolve a metric name for a compiled loss and output width. */
export function resolveMetric(name: string, lossName: string, outputWidth: number | null): Metric {
  const key = snakeCase(name);
  const pick = (update: Metric['update']): Metric => ({ name, update });
  switch (key) {
    case 'accuracy':
    case 'acc':
      if (lossName === 'binary_crossentropy' || outputWidth === 1) return pick(binaryAccuracy);
      if (lossName === 'sparse_categorical_crossentropy') return pick(sparseCategoricalAccuracy);
      return pick(categoricalAccuracy);
    case 'categorical_accuracy':
      return pick(categoricalAccuracy);
    case 'sparse_categorical_accuracy':
      return pick(sparseCategoricalAccuracy);
    case 'binary_accuracy':
      return pick(binaryAccuracy);
    default:
      throw new Error(`compile: unknown metric '${name}' (known: accuracy, categorical_accuracy, sparse_categorical_accuracy, binary_accuracy)`);
  }
}
