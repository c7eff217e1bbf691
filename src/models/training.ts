import type { Tensor } from '../tensor.js';
import { noGrad } from '../grad-mode.js';
import { recycleGraph } from '../recycle.js';
import { shapeToString } from '../shape.js';
import { formatShape, type Layer } from '../layers/layer.js';
import { add, mul } from '../ops/binary.js';
import { shuffledOrder, sequentialOrder, batchRanges } from '../data/batches.js';
import { History, type Callback, type Logs } from './callbacks.js';
import { Progbar, defaultOutput, type ProgressOutput } from './progbar.js';
import { logNames, type Compiled } from './compile.js';
import { dataList, sampleCount, takeRowsOf, type ModelData } from './data.js';
import type { Model } from './model.js';
import type { Rng } from '../rng.js';
import { resolveRegularizer, activityPenalty, type L1L2 } from '../regularizers.js';
import { checkBatchSize } from './predict.js';

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
  /** Validation samples given explicitly: [x, y], each in fit's forms (overrides validationSplit, as Keras). */
  validationData?: readonly [ModelData, ModelData];
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

function requireCompiled(model: Model, what: string): Compiled {
  if (model.compiled === null) throw new Error(`${model.name}: call compile({ optimizer, loss, metrics }) before ${what}`);
  return model.compiled;
}

/** A model's x and y as lists in its inputs' and outputs' order, every one with the same number of samples. */
interface Samples {
  readonly xs: Tensor[];
  readonly ys: Tensor[];
  readonly n: number;
}

/** x and y in the model's order, checked: x fits the inputs, each y its output and loss, one sample count. */
function samples(model: Model, x: ModelData, y: ModelData, what: string): Samples {
  model.buildFor(x);
  const xs = dataList(x, model.inputNames, `${what} x`, model.name);
  model.checkInputs(xs, `${what} x`);
  const ys = dataList(y, model.outputNames, `${what} y`, model.name);
  const n = sampleCount(xs, model.name, `${what} x`);
  const stray = ys.find((t) => t.rank === 0 || t.shape[0] !== n);
  if (stray !== undefined) throw new Error(`${model.name}: ${what} x has ${n} samples but y has shape ${shapeToString(stray.shape)}`);
  model.outputs.forEach((o, i) => checkLabels(model, o.shape, ys[i], i, n, what));
  return { xs, ys, n };
}

/** One output's labels against its shape and loss. */
function checkLabels(model: Model, out: readonly (number | null)[], y: Tensor, i: number, n: number, what: string): void {
  const sparse = model.compiled?.outputs[i].lossName === 'sparse_categorical_crossentropy';
  const ok = sparse
    ? y.rank === 1 || (y.rank === 2 && y.shape[1] === 1)
    : y.rank === out.length && out.every((d, k) => k === 0 || d === y.shape[k]);
  if (ok) return;
  const expected = sparse ? `(${n},) integer class labels` : `(${n}, ${out.slice(1).join(', ')})`;
  const which = model.outputs.length === 1 ? 'labels y' : `labels y for output '${model.outputNames[i]}'`;
  // The classic slip: Dense on a conv output (Keras allows it, acting on the last axis), then class labels.
  const dense = out.length > 2 ? model.connections().find((c) => c.layer.className === 'Dense' && c.inputShape.length > 2) : undefined;
  const hint = dense === undefined ? '' : `; ${dense.layer.describe()} gets the ${dense.inputShape.length}-D input ${formatShape(dense.inputShape)} and acts on its last axis only: add Flatten() before it`;
  throw new Error(`${model.name}: ${what} ${which} have shape ${shapeToString(y.shape)}, expected ${expected} to match the output ${shapeToString(out.map((d) => d ?? n))}${hint}`);
}

function rowsOf(s: Samples, order: Int32Array, start: number, end: number): Samples {
  return { xs: takeRowsOf(s.xs, order, start, end), ys: takeRowsOf(s.ys, order, start, end), n: end - start };
}

/**
 * Running, sample-weighted means of the losses and metrics over an epoch (Keras's logs): `loss`,
 * and with several outputs `<output>_loss` and `<output>_<metric>` (compile.ts).
 */
class Tracker {
  private readonly names: string[];
  private readonly sums: number[];
  private readonly counts: number[];

  constructor(private readonly compiled: Compiled) {
    this.names = logNames(compiled);
    this.sums = this.names.map(() => 0);
    this.counts = this.names.map(() => 0);
  }

  /** One batch: its total loss, each output's loss, labels and predictions. */
  add(total: number, losses: readonly number[], batch: number, ys: readonly Tensor[], preds: readonly Tensor[]): void {
    const heads = this.compiled.outputs;
    let k = 0;
    const put = (sum: number, count: number): void => {
      this.sums[k] += sum;
      this.counts[k++] += count;
    };
    put(total * batch, batch);
    if (heads.length > 1) for (const l of losses) put(l * batch, batch);
    heads.forEach((h, o) => {
      for (const m of h.metrics) put(...m.update(ys[o], preds[o]));
    });
  }

  logs(prefix = ''): Logs {
    const logs: Logs = {};
    this.names.forEach((name, k) => (logs[`${prefix}${name}`] = this.sums[k] / this.counts[k]));
    return logs;
  }
}

/**
 * Each output's loss and their weighted sum (the loss itself for one output of weight 1). `outs` are
 * what the model gave: logits for an output whose loss is from logits.
 */
function batchLoss(compiled: Compiled, ys: readonly Tensor[], outs: readonly Tensor[]): { total: Tensor; parts: Tensor[] } {
  const parts = compiled.outputs.map((h, o) => h.loss(ys[o], outs[o]));
  const weighted = parts.map((p, o) => (compiled.outputs[o].weight === 1 ? p : mul(p, compiled.outputs[o].weight)));
  return { total: weighted.reduce((a, b) => add(a, b)), parts };
}

/** A CallContext's `penalize`: computes a layer's activity penalty on one of its outputs into `activity` (Layer.addActivityPenalty). */
export function penalizeInto(activity: Tensor[]): (layer: Layer, output: Tensor) => void {
  return (layer, output) => {
    const regularizer = resolveRegularizer(layer.activityRegularizer, layer.describe());
    if (regularizer !== null) activity.push(activityPenalty(regularizer, output, layer.activityReduction));
  };
}

/**
 * The loss plus the activity penalties the forward pass collected (penalizeInto) and, with `model`,
 * every weight regularizer's penalty (kernelRegularizer, biasRegularizer), as Keras and tfjs add them
 * to the total loss in training; their gradients flow to the weights that train.
 */
function withPenalties(loss: Tensor, activity: readonly Tensor[], model: Model | null = null): Tensor {
  // Only the weights that have a regularizer: a step does not name every weight of the model for nothing.
  const regularized = (model?.layers ?? []).flatMap((l) => l.weights.filter((w) => w.regularizer !== null).map((w) => ({ l, w })));
  const weights = regularized.map(({ l, w }) => (resolveRegularizer(w.regularizer, l.describe()) as L1L2).penalty(w.value));
  return [...weights, ...activity].reduce((a, b) => add(a, b), loss);
}

/** The model's outputs from what it gave (the activation applied where the loss took logits), for the metrics. */
function predictions(compiled: Compiled, outs: readonly Tensor[]): Tensor[] {
  return outs.map((out, o) => compiled.outputs[o].predictions(out));
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

/** Keras's optimizers project each constrained weight they updated (kernelConstraint, …) after the step. */
function applyConstraints(model: Model): void {
  for (const w of model.layers.flatMap((l) => l.trainableWeights())) w.constraint?.apply(w.value);
}

/**
 * One training step on one batch, as fit runs it: forward (training mode) → each output's loss and
 * their weighted sum → backward → one optimizer step → `observe` gets the total, the predictions and
 * each output's loss → the step's storage goes back for reuse (recycleGraph: nothing of the step may
 * be read after this) → the gradients are cleared. `xb`/`yb`: one tensor per input/output (or one
 * tensor for a one-input, one-output model). `params` must already require gradients. Returns the
 * total loss. (The training benchmark times this.)
 */
export function trainStep(
  model: Model, params: readonly Tensor[], xb: Tensor | readonly Tensor[], yb: Tensor | readonly Tensor[], rng: Rng,
  observe?: (loss: number, preds: readonly Tensor[], losses: readonly number[]) => void,
): number {
  const compiled = requireCompiled(model, 'train');
  const xs = Array.isArray(xb) ? xb : [xb as Tensor];
  const ys = Array.isArray(yb) ? yb : [yb as Tensor];
  const penalties: Tensor[] = [];
  const outs = model.callAll(xs, { training: true, rng, penalize: penalizeInto(penalties) }, compiled.outputs.map((h) => h.fromLogits));
  const { total: outputsLoss, parts } = batchLoss(compiled, ys, outs);
  const total = withPenalties(outputsLoss, penalties, model);
  total.backward();
  compiled.optimizer.step(params);
  applyConstraints(model);
  const value = total.item();
  observe?.(value, predictions(compiled, outs), parts.map((p) => p.item()));
  recycleGraph(total);
  for (const p of params) p.grad = null;
  return value;
}

export async function fitModel(model: Model, xAll: ModelData, yAll: ModelData, options: FitOptions): Promise<History> {
  const compiled = requireCompiled(model, 'fit');
  const { batchSize = 32, epochs = 1, shuffle = true, verbose = 1, validationSplit = 0, callbacks = [], seed, initialEpoch = 0 } = options;
  checkBatchSize(model, batchSize);
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`${model.name}: epochs must be a non-negative integer, got ${epochs}`);
  if (!(validationSplit >= 0 && validationSplit < 1)) throw new Error(`${model.name}: validationSplit must be in [0, 1), got ${validationSplit}`);
  let data = samples(model, xAll, yAll, 'fit');
  // Validation: the last fraction of every input and output, split off before any shuffling (Keras);
  // validationData, when given, overrides validationSplit (Keras).
  let validation: Samples | null = null;
  if (options.validationData !== undefined) {
    validation = samples(model, options.validationData[0], options.validationData[1], 'validation');
  } else if (validationSplit > 0) {
    const split = Math.floor(data.n * (1 - validationSplit));
    const all = sequentialOrder(data.n);
    validation = rowsOf(data, all, split, data.n);
    data = rowsOf(data, all, 0, split);
  }
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
  const ranges = batchRanges(data.n, batchSize);
  const maybeYield = makeYielder();
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    if (verbose > 0) output.write(`Epoch ${epoch + 1}/${epochs}\n`);
    for (const cb of all) await cb.onEpochBegin?.(epoch, {});
    const order = shuffle ? shuffledOrder(data.n, rng) : sequentialOrder(data.n);
    const tracker = new Tracker(compiled);
    const bar = new Progbar(ranges.length, verbose, output);
    let steps = 0;
    for (const [start, end] of ranges) {
      const batch = rowsOf(data, order, start, end);
      trainStep(model, params, batch.xs, batch.ys, rng, (loss, preds, losses) => tracker.add(loss, losses, batch.n, batch.ys, preds));
      steps++;
      const logs = tracker.logs();
      bar.update(steps, logs);
      for (const cb of all) await cb.onBatchEnd?.(steps - 1, { ...logs, batch: steps - 1, size: batch.n });
      await maybeYield();
      if (model.stopTraining) break;
    }
    const logs = tracker.logs();
    if (validation !== null) Object.assign(logs, evaluateSamples(model, compiled, validation, batchSize, 'val_'));
    bar.finish(steps, logs);
    for (const cb of all) await cb.onEpochEnd?.(epoch, logs);
  }
  for (const cb of all) await cb.onTrainEnd?.({});
  for (const p of params) p.requiresGrad = false;
  return history;
}

export function evaluateModel(model: Model, x: ModelData, y: ModelData, options: EvaluateOptions): Record<string, number> {
  const compiled = requireCompiled(model, 'evaluate');
  const { batchSize = 32 } = options;
  checkBatchSize(model, batchSize);
  return evaluateSamples(model, compiled, samples(model, x, y, 'evaluate'), batchSize, '');
}

function evaluateSamples(model: Model, compiled: Compiled, data: Samples, batchSize: number, prefix: string): Record<string, number> {
  const rng = model.trainingRng();
  const order = sequentialOrder(data.n);
  const tracker = new Tracker(compiled);
  noGrad(() => {
    for (const [start, end] of batchRanges(data.n, batchSize)) {
      const batch = rowsOf(data, order, start, end);
      // Keras's evaluate adds the activity penalties too (its test step adds model.losses).
      const penalties: Tensor[] = [];
      const outs = model.callAll(batch.xs, { training: false, rng, penalize: penalizeInto(penalties) }, compiled.outputs.map((h) => h.fromLogits));
      const { total, parts } = batchLoss(compiled, batch.ys, outs);
      tracker.add(withPenalties(total, penalties).item(), parts.map((p) => p.item()), batch.n, batch.ys, predictions(compiled, outs));
    }
  });
  return tracker.logs(prefix);
}

