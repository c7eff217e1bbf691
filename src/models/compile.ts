/**
 * compile({ optimizer, loss, lossWeights, metrics }) settled per output, as Keras: one loss for every
 * output, a list in the outputs' order, or an object keyed by output layer name; the same forms for
 * lossWeights (default 1 each) and metrics (a list applies to every output). The total loss is
 * Σ weight_o · loss_o. Logged names are Keras's: `loss`, and with several outputs `<output>_loss`
 * (unweighted) and `<output>_<metric>` for each.
 */
import type { Tensor } from '../tensor.js';
import { type LossFn, resolveLoss } from '../losses/index.js';
import { type Metric, resolveMetric } from '../metrics.js';
import { Optimizer, resolveOptimizer } from '../optimizers/index.js';
import type { SymbolicShape } from '../layers/layer.js';

/** One output's setting: a value for all outputs, a list in outputs order, or an object by output name. */
export type PerOutput<T> = T | readonly T[] | Readonly<Record<string, T>>;

export interface CompileArgs {
  /** 'adam' | 'sgd' | 'rmsprop' (Keras defaults) or an Optimizer instance. */
  optimizer: string | Optimizer;
  /**
   * 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_crossentropy',
   * 'mean_squared_error'/'mse' (or camelCase), or a function; per output for several outputs.
   */
  loss: PerOutput<string | LossFn>;
  /** Weights of the outputs' losses in the total (default 1 each). */
  lossWeights?: readonly number[] | Readonly<Record<string, number>>;
  /** ['accuracy'] is resolved against each output's loss, as Keras does; a list applies to every output. */
  metrics?: readonly string[] | readonly (readonly string[])[] | Readonly<Record<string, string | readonly string[]>>;
}

/** What compile settles for one output. */
export interface OutputTraining {
  /** The output layer's name: the `<output>` of `<output>_loss`. */
  readonly output: string;
  readonly lossName: string;
  /** The loss: from the logits when fromLogits (see resolveLoss), else from the output. */
  readonly loss: LossFn;
  /** Run the output layer without its activation for the loss (Keras's from_logits, settled by compile). */
  readonly fromLogits: boolean;
  /** The output from what the loss gets, for the metrics. */
  readonly predictions: (out: Tensor) => Tensor;
  readonly weight: number;
  readonly metrics: readonly Metric[];
}

/** What compile settles: used by fit and evaluate. */
export interface Compiled {
  readonly optimizer: Optimizer;
  /** One per model output, in outputs order. */
  readonly outputs: readonly OutputTraining[];
  /** The first output's settings: a one-output model's loss and metrics. */
  readonly lossName: string;
  readonly loss: LossFn;
  readonly fromLogits: boolean;
  readonly predictions: (out: Tensor) => Tensor;
  readonly metrics: readonly Metric[];
}

/** Pick output `o`'s value from a per-output setting; `single(v)` says whether v is one value. */
function pick<T>(v: PerOutput<T>, names: readonly string[], o: number, what: string, single: (v: unknown) => boolean): T | undefined {
  if (single(v)) return v as T;
  if (Array.isArray(v)) {
    if (v.length !== names.length) throw new Error(`compile: ${what} lists ${v.length} entries for ${names.length} outputs (${names.join(', ')})`);
    return v[o] as T;
  }
  const byName = v as Readonly<Record<string, T>>;
  const unknown = Object.keys(byName).filter((k) => !names.includes(k));
  if (unknown.length > 0) throw new Error(`compile: ${what} names ${unknown.map((k) => `'${k}'`).join(', ')}, not an output of the model (outputs: ${names.join(', ')})`);
  return Object.prototype.hasOwnProperty.call(byName, names[o]) ? byName[names[o]] : undefined;
}

/**
 * Settle compile's arguments for each output: its name, shape, and the activation of its layer (null
 * when it has none, or when from_logits must not skip it), which decides from_logits (resolveLoss).
 */
export function compileOutputs(args: CompileArgs, outputs: readonly { name: string; shape: SymbolicShape; activation: string | null }[], who: string): Compiled {
  if (args === undefined || args.loss === undefined || args.optimizer === undefined) {
    throw new Error(`${who}: compile needs { optimizer, loss } (and optionally lossWeights, metrics)`);
  }
  const names = outputs.map((o) => o.name);
  const optimizer = resolveOptimizer(args.optimizer);
  const isLoss = (v: unknown): boolean => typeof v === 'string' || typeof v === 'function';
  const heads = outputs.map((out, o): OutputTraining => {
    const spec = pick(args.loss, names, o, 'loss', isLoss);
    if (spec === undefined) throw new Error(`compile: no loss for output '${out.name}' (outputs: ${names.join(', ')})`);
    const { name: lossName, fn, fromLogits, predictions } = resolveLoss(spec, out.activation);
    const weight = args.lossWeights === undefined ? 1 : pick(args.lossWeights, names, o, 'lossWeights', (v) => typeof v === 'number') ?? 1;
    if (!Number.isFinite(weight)) throw new Error(`compile: lossWeights for output '${out.name}' must be a finite number, got ${weight}`);
    const m = args.metrics === undefined ? [] : pick(args.metrics as PerOutput<string | readonly string[]>, names, o, 'metrics', (v) => Array.isArray(v) && v.every((e) => typeof e === 'string'));
    const list = m === undefined ? [] : typeof m === 'string' ? [m] : m;
    const width = out.shape[out.shape.length - 1];
    return { output: out.name, lossName, loss: fn, fromLogits, predictions, weight, metrics: list.map((name) => resolveMetric(name, lossName, width)) };
  });
  const first = heads[0];
  return { optimizer, outputs: heads, lossName: first.lossName, loss: first.loss, fromLogits: first.fromLogits, predictions: first.predictions, metrics: first.metrics };
}

/** The logged names, in Keras's order: loss, each output's loss, then each output's metrics. */
export function logNames(compiled: Compiled): string[] {
  const heads = compiled.outputs;
  if (heads.length === 1) return ['loss', ...heads[0].metrics.map((m) => m.name)];
  return ['loss', ...heads.map((h) => `${h.output}_loss`), ...heads.flatMap((h) => h.metrics.map((m) => `${h.output}_${m.name}`))];
}

