import type { Tensor } from '../tensor.js';
import { noGrad } from '../grad-mode.js';
import { recycleGraph } from '../recycle.js';
import { shapeToString } from '../shape.js';
import { formatShape } from '../layers/layer.js';
import { concat } from '../ops/shape-ops.js';
import { shuffledOrder, sequentialOrder, batchRanges, takeRows } from '../data/batches.js';
import { History, type Callback, type Logs } from './callbacks.js';
import { Progbar, defaultOutput, type ProgressOutput } from './progbar.js';
import type { Model, Compiled } from './model.js';
import type { Rng } from '../rng.js';

export interface FitOptions {
  /** Samples per gradient step (default 32); the last batch of an epoch may be smaller. */
  batchSize?: number;
  /** Default 1. */
  epochs?: number;
  /** Reshuffle the samples every epoch (default true). */
  shuffle?: boolean;
  /** 0 silent, 1 progress bar (default), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Hold out this last fraction of the samples (taken before shuffling, as Keras) for validation. */
  validationSplit?: number;
  /** Validation samples given explicitly: [x, y] (overrides validationSplit, as Keras). */
  validationData?: readonly [Tensor, Tensor];
  callbacks?: readonly Callback[];
  /** Makes initialization (if the weights are still fresh), shuffling and dropout reproducible. */
  seed?: number;
  /** Epoch number to start from (for resumed training; default 0). */
  initialEpoch?: number;
  /** Where progress goes (default: process.stdout in Node, console in a browser). */
  output?: ProgressOutput;
}

export interface EvaluateOptions {
  /** Default 32. */
  batchSize?: number;
}

export interface PredictOptions {
  /** Default 32. */
  batchSize?: number;
}

function requireCompiled(model: Model, what: string): Compiled {
  if (model.compiled === null) throw new Error(`${model.name}: call compile({ optimizer, loss, metrics }) before ${what}`);
  return model.compiled;
}

function checkBatchSize(model: Model, batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${model.name}: batchSize must be a positive integer, got ${batchSize}`);
}

/** Check that x and y have the same number of samples and that x fits the model's input. */
function checkData(model: Model, x: Tensor, y: Tensor, what: string): void {
  model.checkInput(x, `${what} x`);
  if (y.rank === 0 || y.shape[0] !== x.shape[0]) {
    throw new Error(`${model.name}: ${what} x has ${x.shape[0]} samples but y has shape ${shapeToString(y.shape)}`);
  }
  const out = model.outputShape;
  const sparse = model.compiled?.lossName === 'sparse_categorical_crossentropy';
  const ok = sparse
    ? y.rank === 1 || (y.rank === 2 && y.shape[1] === 1)
    : y.rank === out.length && out.every((d, i) => i === 0 || d === y.shape[i]);
  if (!ok) {
    const expected = sparse ? `(${x.shape[0]},) integer class labels` : `(${x.shape[0]}, ${out.slice(1).join(', ')})`;
    // The classic slip: Dense on a conv output (Keras allows it, acting on the last axis), then class labels.
    const dense = out.length > 2 ? model.connections().find((c) => c.layer.className === 'Dense' && c.inputShape.length > 2) : undefined;
    const hint = dense === undefined ? '' : `; ${dense.layer.describe()} gets the ${dense.inputShape.length}-D input ${formatShape(dense.inputShape)} and acts on its last axis only: add Flatten() before it`;
    throw new Error(`${model.name}: ${what} labels y have shape ${shapeToString(y.shape)}, expected ${expected} to match the output ${shapeToString(out.map((d) => d ?? x.shape[0]))}${hint}`);
  }
}

/** Running, sample-weighted means of the loss and metrics over an epoch (Keras's logs). */
class Tracker {
  private lossSum = 0;
  private samples = 0;
  private readonly correct: number[];
  private readonly counted: number[];

  constructor(private readonly compiled: Compiled) {
    this.correct = compiled.metrics.map(() => 0);
    this.counted = compiled.metrics.map(() => 0);
  }

  add(loss: number, batch: number, yTrue: Tensor, yPred: Tensor): void {
    this.lossSum += loss * batch;
    this.samples += batch;
    this.compiled.metrics.forEach((m, i) => {
      const [c, n] = m.update(yTrue, yPred);
      this.correct[i] += c;
      this.counted[i] += n;
    });
  }

  logs(prefix = ''): Logs {
    const logs: Logs = { [`${prefix}loss`]: this.lossSum / this.samples };
    this.compiled.metrics.forEach((m, i) => (logs[`${prefix}${m.name}`] = this.correct[i] / this.counted[i]));
    return logs;
  }
}

/**
 * A per-fit yielder that gives the event loop a turn (so a page stays responsive and Ctrl-C is seen):
 * after the first batch, then at most every 15 ms, since yielding after every batch would cost more
 * than the batch at batch size 1. Per fit, so a short fit right after another still yields.
 */
function makeYielder(): () => Promise<void> {
  let lastYield = 0;
  return async () => {
    const now = Date.now();
    if (now - lastYield < 15) return;
    lastYield = now;
    const g = globalThis as { setImmediate?: (f: () => void) => void };
    await new Promise<void>((resolve) => (g.setImmediate !== undefined ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
  };
}

/**
 * One training step on one batch, as fit runs it: forward (training mode) → loss → backward → one
 * optimizer step → `observe` gets the loss and the prediction → the step's storage goes back for
 * reuse (recycleGraph: nothing of the step may be read after this) → the gradients are cleared.
 * `params` must already require gradients. Returns the loss. (The training benchmark times this.)
 */
export function trainStep(
  model: Model, params: readonly Tensor[], xb: Tensor, yb: Tensor, rng: Rng,
  observe?: (loss: number, yPred: Tensor) => void,
): number {
  const compiled = requireCompiled(model, 'train');
  const out = model.call(xb, { training: true, rng, logits: compiled.fromLogits });
  const loss = compiled.loss(yb, out);
  loss.backward();
  compiled.optimizer.step(params);
  const value = loss.item();
  observe?.(value, compiled.predictions(out));
  recycleGraph(loss);
  for (const p of params) p.grad = null;
  return value;
}

export async function fitModel(model: Model, xAll: Tensor, yAll: Tensor, options: FitOptions): Promise<History> {
  const compiled = requireCompiled(model, 'fit');
  const { batchSize = 32, epochs = 1, shuffle = true, verbose = 1, validationSplit = 0, callbacks = [], seed, initialEpoch = 0 } = options;
  checkBatchSize(model, batchSize);
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`${model.name}: epochs must be a non-negative integer, got ${epochs}`);
  if (!(validationSplit >= 0 && validationSplit < 1)) throw new Error(`${model.name}: validationSplit must be in [0, 1), got ${validationSplit}`);
  checkData(model, xAll, yAll, 'fit');
  // Validation: the last fraction, split off before any shuffling (Keras); validationData, when
  // given, overrides validationSplit (Keras).
  let x = xAll;
  let y = yAll;
  let validation = options.validationData ?? null;
  if (validationSplit > 0 && validation === null) {
    const n = xAll.shape[0];
    const split = Math.floor(n * (1 - validationSplit));
    const all = sequentialOrder(n);
    x = takeRows(xAll, all, 0, split);
    y = takeRows(yAll, all, 0, split);
    validation = [takeRows(xAll, all, split, n), takeRows(yAll, all, split, n)];
  }
  if (validation !== null) checkData(model, validation[0], validation[1], 'validation');
  model.ensureInitialized(seed);
  const rng = model.trainingRng(seed);
  const params = model.trainableWeights();
  for (const layer of model.layers) for (const w of layer.weights) w.value.requiresGrad = false;
  for (const p of params) p.requiresGrad = true;
  const output = options.output ?? defaultOutput();
  const history = new History();
  const all: Callback[] = [history, ...callbacks];
  for (const cb of all) cb.setModel?.(model);
  model.stopTraining = false;
  for (const cb of all) await cb.onTrainBegin?.({});
  const n = x.shape[0];
  const ranges = batchRanges(n, batchSize);
  const maybeYield = makeYielder();
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    if (verbose > 0) output.write(`Epoch ${epoch + 1}/${epochs}\n`);
    for (const cb of all) await cb.onEpochBegin?.(epoch, {});
    const order = shuffle ? shuffledOrder(n, rng) : sequentialOrder(n);
    const tracker = new Tracker(compiled);
    const bar = new Progbar(ranges.length, verbose, output);
    let steps = 0;
    for (const [start, end] of ranges) {
      const xb = takeRows(x, order, start, end);
      const yb = takeRows(y, order, start, end);
      trainStep(model, params, xb, yb, rng, (loss, yPred) => tracker.add(loss, end - start, yb, yPred));
      steps++;
      const logs = tracker.logs();
      bar.update(steps, logs);
      for (const cb of all) await cb.onBatchEnd?.(steps - 1, { ...logs, batch: steps - 1, size: end - start });
      await maybeYield();
      if (model.stopTraining) break;
    }
    const logs = tracker.logs();
    if (validation !== null) Object.assign(logs, evaluateModel(model, validation[0], validation[1], { batchSize }, 'val_'));
    bar.finish(steps, logs);
    for (const cb of all) await cb.onEpochEnd?.(epoch, logs);
  }
  for (const cb of all) await cb.onTrainEnd?.({});
  for (const p of params) p.requiresGrad = false;
  return history;
}

export function evaluateModel(model: Model, x: Tensor, y: Tensor, options: EvaluateOptions, prefix = ''): Record<string, number> {
  const compiled = requireCompiled(model, 'evaluate');
  const { batchSize = 32 } = options;
  checkBatchSize(model, batchSize);
  checkData(model, x, y, 'evaluate');
  const rng = model.trainingRng();
  const order = sequentialOrder(x.shape[0]);
  const tracker = new Tracker(compiled);
  noGrad(() => {
    for (const [start, end] of batchRanges(x.shape[0], batchSize)) {
      const yb = takeRows(y, order, start, end);
      const out = model.call(takeRows(x, order, start, end), { training: false, rng, logits: compiled.fromLogits });
      tracker.add(compiled.loss(yb, out).item(), end - start, yb, compiled.predictions(out));
    }
  });
  return tracker.logs(prefix);
}

export function predictModel(model: Model, x: Tensor, options: PredictOptions): Tensor {
  const { batchSize = 32 } = options;
  checkBatchSize(model, batchSize);
  model.checkInput(x, 'predict x');
  const rng = model.trainingRng();
  const order = sequentialOrder(x.shape[0]);
  return noGrad(() => {
    const outs = batchRanges(x.shape[0], batchSize).map(([start, end]) => model.call(takeRows(x, order, start, end), { training: false, rng }));
    return outs.length === 1 ? outs[0] : concat(outs, 0);
  });
}
