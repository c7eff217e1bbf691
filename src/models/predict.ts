/**
 * A model's predict: its outputs for x, batch by batch, in inference mode (noGrad, nothing recorded),
 * the batches' outputs joined along the batch axis. Shared by the inference-only model (tatami/infer)
 * and the training Model, which extends it.
 */
import type { Tensor } from '../tensor.js';
import type { Rng } from '../rng.js';
import { noGrad } from '../grad-mode.js';
import { concat } from '../ops/shape-ops.js';
import { sequentialOrder, batchRanges } from '../data/batches.js';
import { dataList, sampleCount, takeRowsOf, type ModelData } from './data.js';
import type { InferenceModel } from './inference-model.js';

export interface PredictOptions {
  /** Default 32. */
  batchSize?: number;
}

export function checkBatchSize(model: { name: string }, batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${model.name}: batchSize must be a positive integer, got ${batchSize}`);
}

/** The outputs for x, one Tensor per model output; `rng`: for calls pinned to training mode (CallContext.rng). */
export function predictModel(model: InferenceModel, x: ModelData, options: PredictOptions, rng?: Rng): Tensor[] {
  const { batchSize = 32 } = options;
  checkBatchSize(model, batchSize);
  model.buildFor(x);
  const xs = dataList(x, model.inputNames, 'predict x', model.name);
  model.checkInputs(xs, 'predict x');
  const n = sampleCount(xs, model.name, 'predict x');
  const order = sequentialOrder(n);
  return noGrad(() => {
    const batches = batchRanges(n, batchSize).map(([start, end]) => model.callAll(takeRowsOf(xs, order, start, end), { training: false, rng }));
    return model.outputs.map((_, o) => (batches.length === 1 ? batches[0][o] : concat(batches.map((b) => b[o]), 0)));
  });
}
