import type { Tensor } from '../tensor.js';

/** Numbers logged per batch or epoch: loss, accuracy, val_loss, val_accuracy, ... */
export type Logs = Record<string, number>;

/** What callbacks may touch on the model being trained. */
export interface TrainingTarget {
  /** Set to true to stop fit after the current batch (Keras's `model.stop_training`). */
  stopTraining: boolean;
  getWeights(): Tensor[];
  setWeights(weights: readonly Tensor[]): void;
}

/**
 * A training callback, as Keras's: every method is optional. `setModel` is called once before
 * training with the model being fit. fit awaits each hook, so a hook may be async (save a file).
 */
export interface Callback {
  setModel?(model: TrainingTarget): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
}

/** What fit returns: per-epoch logs, as Keras's History (`history.history.loss` or `history.loss`). */
export class History implements Callback {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};

  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }

  get loss(): number[] {
    return this.history.loss ?? [];
  }
  get accuracy(): number[] {
    return this.history.accuracy ?? [];
  }
  get val_loss(): number[] {
    return this.history.val_loss ?? [];
  }
  get val_accuracy(): number[] {
    return this.history.val_accuracy ?? [];
  }
}

export interface EarlyStoppingArgs {
  /** Logged quantity to watch (default 'val_loss'). */
  monitor?: string;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** 'min', 'max', or 'auto' (default: max for names containing 'acc', min otherwise). */
  mode?: 'auto' | 'min' | 'max';
  /** At the end, put back the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
}

/** Stop training when a monitored quantity stops improving, as Keras EarlyStopping. */
export function earlyStopping(args: EarlyStoppingArgs = {}): Callback {
  const { monitor = 'val_loss', minDelta = 0, patience = 0, mode = 'auto', restoreBestWeights = false } = args;
  const maximize = mode === 'max' || (mode === 'auto' && monitor.includes('acc'));
  let model: TrainingTarget | null = null;
  let best = maximize ? -Infinity : Infinity;
  let wait = 0;
  let bestWeights: Tensor[] | null = null;
  return {
    setModel(m) {
      model = m;
    },
    onTrainBegin() {
      best = maximize ? -Infinity : Infinity;
      wait = 0;
      bestWeights = null;
    },
    onEpochEnd(_epoch, logs) {
      const value = logs[monitor];
      if (value === undefined) {
        throw new Error(`earlyStopping: '${monitor}' is not logged (logged: ${Object.keys(logs).join(', ')})`);
      }
      const improved = maximize ? value - minDelta > best : value + minDelta < best;
      if (improved) {
        best = value;
        wait = 0;
        if (restoreBestWeights && model !== null) bestWeights = model.getWeights();
        return;
      }
      // Keras: stop once `patience` epochs in a row did not improve (patience 0: at the first).
      wait++;
      if (wait >= patience && model !== null) model.stopTraining = true;
    },
    onTrainEnd() {
      if (restoreBestWeights && bestWeights !== null && model !== null) model.setWeights(bestWeights);
    },
  };
}

/** Stop training as soon as a batch loss is NaN or infinite, as Keras TerminateOnNaN. */
export function terminateOnNaN(): Callback {
  let model: TrainingTarget | null = null;
  return {
    setModel(m) {
      model = m;
    },
    onBatchEnd(batch, logs) {
      if (!Number.isFinite(logs.loss) && model !== null) {
        model.stopTraining = true;
        console.warn(`Batch ${batch}: invalid loss ${logs.loss}, terminating training`);
      }
    },
  };
}
