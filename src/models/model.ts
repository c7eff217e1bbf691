import { Tensor } from '../tensor.js';
import { Rng } from '../rng.js';
import { shapeToString } from '../shape.js';
import { Layer, SymbolicTensor, defaultLayerName, formatShape, type CallContext, type SymbolicShape } from '../layers/layer.js';
import { InputLayer } from '../layers/input.js';
import { type LossFn, resolveLoss } from '../losses/index.js';
import { type Metric, resolveMetric } from '../metrics.js';
import { Optimizer, resolveOptimizer } from '../optimizers/index.js';
import { formatSummary } from './summary.js';
import { fitModel, evaluateModel, predictModel, type FitOptions, type EvaluateOptions, type PredictOptions } from './training.js';
import type { History, TrainingTarget } from './callbacks.js';
import { saveModel, type SaveTarget } from '../io/save.js';
import type { SaveOptions } from '../io/model-to-json.js';
import type { SavedArtifacts } from '../io/artifacts.js';

export interface ModelArgs {
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  /** Default 'model' ('sequential' for Sequential). */
  name?: string;
  /** Seed for weight initialization (and, unless fit gets its own, shuffling and dropout). */
  seed?: number;
}

export interface CompileArgs {
  /** 'adam' | 'sgd' | 'rmsprop' (Keras defaults) or an Optimizer instance. */
  optimizer: string | Optimizer;
  /** 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_crossentropy', 'mean_squared_error'/'mse' (or camelCase), or a function. */
  loss: string | LossFn;
  /** ['accuracy'] is resolved against the loss, as Keras does. */
  metrics?: readonly string[];
}

/** What compile settles: used by fit and evaluate. */
export interface Compiled {
  optimizer: Optimizer;
  lossName: string;
  /** The loss: from the logits when fromLogits (see resolveLoss), else from the output. */
  loss: LossFn;
  /** Run the output layer without its activation for the loss (Keras's from_logits, settled by compile). */
  fromLogits: boolean;
  /** The output from what the loss gets, for the metrics. */
  predictions: (out: Tensor) => Tensor;
  metrics: Metric[];
}

/** A seed when none is given: from the platform's crypto generator (never Math.random). */
function freshSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0];
}

/**
 * A model: a chain of layers from one input to one output, as Keras's functional `Model` (and the base
 * of Sequential). It infers every shape when built, so a wrong shape fails at construction naming the
 * layer; it initializes its weights from a seeded Rng the first time they are needed.
 */
export class Model implements TrainingTarget {
  name: string;
  /** Layers in order, the InputLayer first for functional models (as Keras lists them). */
  layers: Layer[] = [];
  /** Set to true (e.g. from a callback) to stop fit after the current batch. */
  stopTraining = false;
  compiled: Compiled | null = null;
  protected input: SymbolicTensor | null = null;
  protected output: SymbolicTensor | null = null;
  protected seed: number | undefined;
  private rng: Rng | null = null;
  /** Weights already given values (by their initializer or setWeights): a layer added later still gets initialized. */
  private readonly initialized = new WeakSet<Tensor>();

  constructor(args: ModelArgs | null, defaultName = 'model') {
    this.name = args?.name ?? defaultName;
    this.seed = args?.seed;
    if (args !== null) this.setGraph(single('inputs', args.inputs), single('outputs', args.outputs));
  }

  /** Take the chain from `input` to `output`, collect its layers and name the unnamed ones. */
  protected setGraph(input: SymbolicTensor, output: SymbolicTensor): void {
    const chain: SymbolicTensor[] = [];
    for (let node: SymbolicTensor | null = output; node !== null; node = node.input) chain.unshift(node);
    if (chain[0] !== input) throw new Error(`Model: the outputs are not computed from the given inputs`);
    this.input = input;
    this.output = output;
    this.layers = chain.map((n) => n.layer);
    this.nameLayers(this.layers);
  }

  /** Name the unnamed layers of `layers` (in order) as Keras does, keeping the names already given. */
  protected nameLayers(layers: readonly Layer[]): void {
    const used = new Set(layers.map((l) => l.name).filter((n) => n !== ''));
    const counts = new Map<string, number>();
    for (const layer of layers) {
      if (layer.name !== '') continue;
      // Keras 2 numbers inputs from 1 (input_1) and other layers from none (conv2d, conv2d_1, ...).
      const base = layer instanceof InputLayer ? 'input' : defaultLayerName(layer.className);
      let k = counts.get(base) ?? (layer instanceof InputLayer ? 1 : 0);
      let name = k === 0 ? base : `${base}_${k}`;
      while (used.has(name)) name = `${base}_${++k}`;
      counts.set(base, k + 1);
      used.add(name);
      layer.name = name;
    }
  }

  /** Each layer after the input with the shapes it takes and gives, in order (for summaries and error hints). */
  connections(): Array<{ layer: Layer; inputShape: SymbolicShape; outputShape: SymbolicShape }> {
    return this.nodes().map((n) => ({ layer: n.layer, inputShape: (n.input as SymbolicTensor).shape, outputShape: n.shape }));
  }

  /** The layer that makes the output (its activation decides compile's from_logits). */
  protected outputLayer(): Layer | null {
    return this.output?.layer ?? null;
  }

  /** The graph's nodes after the input, in order. */
  protected nodes(): SymbolicTensor[] {
    const out: SymbolicTensor[] = [];
    for (let node = this.requireGraph('use'); node.input !== null; node = node.input) out.unshift(node);
    return out;
  }

  protected requireGraph(what: string): SymbolicTensor {
    if (this.output === null) throw new Error(`${this.name}: cannot ${what} a model with no layers and no input shape yet`);
    return this.output;
  }

  /** Shape of the input, batch axis first (null). */
  get inputShape(): SymbolicShape {
    this.requireGraph('read the input shape of');
    return (this.input as SymbolicTensor).shape;
  }

  /** Shape of the output, batch axis first (null). */
  get outputShape(): SymbolicShape {
    return this.requireGraph('read the output shape of').shape;
  }

  /** A model built without an input shape takes it from the first data it sees (Sequential). */
  protected buildFromShape(_shape: readonly number[]): void {}

  /** Check a batch of inputs against the model's input shape (the batch size is free). */
  checkInput(x: Tensor, what = 'input'): void {
    if (this.output === null) this.buildFromShape(x.shape);
    const expected = this.inputShape;
    if (x.rank !== expected.length || expected.some((d, i) => d !== null && d !== x.shape[i])) {
      throw new Error(`${this.name}: ${what} has shape ${shapeToString(x.shape)}, expected ${formatShape(expected)}`);
    }
  }

  /** The forward pass on a concrete batch. */
  call(x: Tensor, ctx: CallContext): Tensor {
    this.ensureInitialized();
    this.checkInput(x);
    // ctx.logits is for the output layer only.
    const nodes = this.nodes();
    const inner = { ...ctx, logits: false };
    let h = x;
    for (const node of nodes) h = node.layer.call(h, node === nodes[nodes.length - 1] ? ctx : inner);
    return h;
  }

  /** Run every weight's initializer once, in layer order, from the model's Rng. */
  ensureInitialized(seed?: number): void {
    this.requireGraph('initialize');
    const fresh = this.layers.flatMap((l) => l.weights).filter((w) => !this.initialized.has(w.value));
    if (fresh.length === 0) return;
    const rng = this.trainingRng(seed);
    for (const w of fresh) {
      w.initializer(w.value.data, w.value.shape, rng);
      this.initialized.add(w.value);
    }
  }

  /** The Rng for initialization, shuffling and dropout; a seed given here starts a fresh stream. */
  trainingRng(seed?: number): Rng {
    if (seed !== undefined) this.rng = new Rng(seed);
    this.rng ??= new Rng(this.seed ?? freshSeed());
    return this.rng;
  }

  /** Choose the optimizer, loss and metrics, as Keras's compile. */
  compile(args: CompileArgs): void {
    if (args === undefined || args.loss === undefined || args.optimizer === undefined) {
      throw new Error(`${this.name}: compile needs { optimizer, loss } (and optionally metrics)`);
    }
    const last = this.outputLayer() as { activation?: unknown } | null;
    const { name: lossName, fn, fromLogits, predictions } = resolveLoss(args.loss, typeof last?.activation === 'string' ? last.activation : null);
    const optimizer = resolveOptimizer(args.optimizer);
    const width = this.output === null ? null : this.output.shape[this.output.shape.length - 1];
    const metrics = (args.metrics ?? []).map((m) => resolveMetric(m, lossName, width));
    this.compiled = { optimizer, lossName, loss: fn, fromLogits, predictions, metrics };
  }

  /** Train, as Keras's fit. See FitOptions for the defaults. */
  fit(x: Tensor, y: Tensor, options: FitOptions = {}): Promise<History> {
    return fitModel(this, x, y, options);
  }

  /** Loss and metrics on (x, y), batch-size weighted means, as Keras's evaluate. */
  evaluate(x: Tensor, y: Tensor, options: EvaluateOptions = {}): Record<string, number> {
    return evaluateModel(this, x, y, options);
  }

  /** Outputs for x, in inference mode, batch by batch. */
  predict(x: Tensor, options: PredictOptions = {}): Tensor {
    return predictModel(this, x, options);
  }

  /** Weights that fit updates, in layer order. */
  trainableWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.trainableWeights().map((w) => w.value));
  }

  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /** Copies of every weight, in Keras's order (layer by layer, e.g. kernel then bias). */
  getWeights(): Tensor[] {
    this.ensureInitialized();
    return this.layers.flatMap((l) => l.weights.map((w) => w.value.clone()));
  }

  /** Overwrite every weight (same order and shapes as getWeights). */
  setWeights(weights: readonly Tensor[]): void {
    const targets = this.layers.flatMap((l) => l.weights.map((w) => ({ layer: l, w })));
    if (weights.length !== targets.length) {
      throw new Error(`${this.name}: setWeights got ${weights.length} tensors, the model has ${targets.length} weights`);
    }
    targets.forEach(({ layer, w }, i) => {
      if (weights[i].shape.join() !== w.value.shape.join()) {
        throw new Error(`${this.name}: setWeights: weight ${i} (${layer.name}/${w.name}) has shape ${shapeToString(w.value.shape)}, got ${shapeToString(weights[i].shape)}`);
      }
    });
    targets.forEach(({ w }, i) => {
      w.value.data.set(weights[i].data);
      this.initialized.add(w.value);
    });
  }

  /**
   * Save in the TensorFlow.js Layers format (model.json + weights.bin): to a folder in Node, written
   * atomically, or, with no target, only in memory. Returns the artifacts. See io/save.ts.
   */
  save(target?: SaveTarget, options?: SaveOptions): Promise<SavedArtifacts> {
    return saveModel(this, target, options);
  }

  /** Keras's summary table; printed with console.log unless `print` is false, and returned. */
  summary(options: { print?: boolean } = {}): string {
    const isFunctional = this.layers[0] instanceof InputLayer;
    const nodes = isFunctional ? [this.input as SymbolicTensor, ...this.nodes()] : this.nodes();
    const rows = nodes.map((n) => ({
      name: n.layer.name,
      className: n.layer.className,
      outputShape: n.shape,
      listShape: n.layer instanceof InputLayer,
      params: n.layer.countParams(),
    }));
    const trainable = this.layers.reduce((s, l) => s + l.trainableWeights().reduce((t, w) => t + w.value.size, 0), 0);
    const text = formatSummary(this.name, rows, trainable, this.countParams());
    if (options.print !== false) console.log(text);
    return text;
  }
}

function single(what: string, v: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
  const list = Array.isArray(v) ? v : [v];
  if (list.length !== 1 || !(list[0] instanceof SymbolicTensor)) {
    throw new Error(`Model: ${what} must be one symbolic tensor (from input() or layer.apply()), got ${list.length}`);
  }
  return list[0] as SymbolicTensor;
}
