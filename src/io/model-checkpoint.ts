/**
 * `modelCheckpoint({ dir })`: a fit callback that saves the model (with its optimizer state, so
 * training can resume) at the end of each epoch, as Keras's ModelCheckpoint. With `saveBestOnly`
 * it saves only when the monitored value improves. Saves are atomic (see src/node/model-files.ts).
 */
import type { Callback, Logs, TrainingTarget } from '../models/callbacks.js';
import type { Model } from '../models/model.js';

export interface ModelCheckpointArgs {
  /** Folder to save into; '{epoch}' in it is replaced by the 1-based epoch number. */
  dir: string;
  /** Logged quantity that decides "best" (default 'val_loss'). */
  monitor?: string;
  /** Save only when `monitor` improves (default false: every epoch). */
  saveBestOnly?: boolean;
  /** 'min', 'max', or 'auto' (default: max for names containing 'acc', min otherwise). */
  mode?: 'auto' | 'min' | 'max';
  /** Save the optimizer state too (default true, so `--resume` can continue). */
  includeOptimizer?: boolean;
}

export function modelCheckpoint(args: ModelCheckpointArgs): Callback {
  if (args === undefined || typeof args.dir !== 'string' || args.dir.length === 0) throw new Error('modelCheckpoint: options.dir (a folder) is required');
  const { dir, monitor = 'val_loss', saveBestOnly = false, mode = 'auto', includeOptimizer = true } = args;
  const maximize = mode === 'max' || (mode === 'auto' && monitor.includes('acc'));
  let model: Model | null = null;
  let best = maximize ? -Infinity : Infinity;
  return {
    setModel(m: TrainingTarget) {
      if (typeof (m as Partial<Model>).save !== 'function') throw new Error('modelCheckpoint: the model has no save()');
      model = m as Model;
    },
    onTrainBegin() {
      best = maximize ? -Infinity : Infinity;
    },
    async onEpochEnd(epoch: number, logs: Logs) {
      if (model === null) return;
      if (saveBestOnly) {
        const value = logs[monitor];
        if (value === undefined) throw new Error(`modelCheckpoint: '${monitor}' is not logged (logged: ${Object.keys(logs).join(', ')})`);
        if (!(maximize ? value > best : value < best)) return;
        best = value;
      }
      await model.save(dir.replace(/\{epoch\}/g, String(epoch + 1)), { includeOptimizer, epoch: epoch + 1 });
    },
  };
}
