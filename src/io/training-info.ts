/**
 * What a checkpoint says about the training that made it, without loading the model: for resuming
 * (`fit(x, y, { initialEpoch: info.epoch, ... })`).
 */
import { isObject, own } from './safe-json.js';
import { openSource, type ModelSource, type SourceOptions } from './sources.js';

export interface TrainingInfo {
  /** Epochs completed when the checkpoint was written (null if not recorded). */
  epoch: number | null;
  /** Optimizer steps taken. */
  iterations: number;
  optimizer: string;
  loss: string;
}

/** The training record of a saved model, or null when it was saved without its optimizer. */
export async function readTrainingInfo(source: ModelSource, options: SourceOptions = {}): Promise<TrainingInfo | null> {
  const { json } = await openSource(source, options, 'readTrainingInfo');
  const t = isObject(json) ? own(json, 'tatamiTraining') : undefined;
  if (!isObject(t)) return null;
  const epoch = own(t, 'epoch');
  const iterations = own(t, 'iterations');
  const opt = own(t, 'optimizer_config');
  const className = isObject(opt) ? own(opt, 'class_name') : undefined;
  const loss = own(t, 'loss');
  return {
    epoch: typeof epoch === 'number' && Number.isInteger(epoch) && epoch >= 0 ? epoch : null,
    iterations: typeof iterations === 'number' && Number.isInteger(iterations) ? iterations : 0,
    optimizer: typeof className === 'string' ? className : 'unknown',
    loss: typeof loss === 'string' ? loss : 'unknown',
  };
}
