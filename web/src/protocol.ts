/** The messages between the page and the training worker (src/worker.ts). */

/** What the Train panel lets the user choose. */
export interface TrainConfig {
  kernelSize: number;
  filters: number;
  batchSize: number;
  learningRate: number;
  epochs: number;
  /** Training digits (the rest of the 10,000, up to 2,000, are the test digits). */
  trainDigits: number;
  seed: number;
}

/** A weight in transit: its values and shape (Tensors do not cross to a worker). */
export interface WeightData {
  data: Float32Array;
  shape: number[];
}

export type ToWorker =
  /** Start training run number `run` (the page counts its runs). */
  | { type: 'train'; run: number; config: TrainConfig }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

export type FromWorker =
  /** The digits arrived and were split. */
  | { type: 'data'; train: number; test: number }
  /** Keras-style progress text, exactly as fit writes it ('\r' redraws the current line). */
  | { type: 'progress'; text: string }
  /** One batch done: step counts batches from the start of training; loss and accuracy are the epoch's running means. */
  | { type: 'batch'; step: number; loss: number; accuracy: number }
  | { type: 'epoch'; epoch: number; loss: number; accuracy: number; testLoss: number; testAccuracy: number }
  /** The current weights (sent a few times a second while training, and at the end), in getWeights order. */
  | { type: 'weights'; run: number; config: TrainConfig; weights: WeightData[] }
  | { type: 'paused'; paused: boolean }
  | { type: 'done'; stopped: boolean }
  | { type: 'error'; message: string };
