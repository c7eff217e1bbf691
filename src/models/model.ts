import { Tensor } from '../tensor.js';
import { Rng } from '../rng.js';
import { shapeToString } from '../shape.js';
import { Layer, SymbolicTensor, defaultLayerName, formatShape, type CallContext, type SymbolicShape } from '../layers/layer.js';
import { InputLayer } from '../layers/input.js';
import { buildGraph, runGraph, type Graph } from './graph.js';
import { compileOutputs, type CompileArgs, type Compiled } from './compile.js';
import { type ModelData } from './data.js';
import { summarize } from './summary.js';
import { fitModel, evaluateModel, predictModel, type FitOptions, type EvaluateOptions, type PredictOptions } from './training.js';
import type { History, TrainingTarget } from './callbacks.js';
import { saveModel, type SaveTarget } from '../io/save.js';
import type { SaveOptions } from '../io/model-to-json.js';
import type { SavedArtifacts } from '../io/artifacts.js';
import { NestedModel } from './nested-model.js';

export type { CompileArgs, Compiled } from './compile.js';

export interface ModelArgs {
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  /** Default 'model' ('sequential' for Sequential). */
  name?: string;
  /** Seed for weight initialization (and, unless fit gets its own, shuffling and dropout). */
  seed?: number;
}

/** A seed when none is given: from the platform's crypto generator (never Math.random). */
function freshSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0];
}

/**
 * A model: a graph of layer calls from one or more inputs to one or more outputs, as Keras's
 * functional `Model` (and the base of Sequential). Any acyclic graph: skips, merges, a tensor feeding
 * several layers, a layer called several times (shared weights). It infers every shape when built,
 * so a wrong shape or a broken graph fails at construction naming the layer; it initializes its
 * weights from a seeded Rng the first time they are needed. See graph.ts for the order it runs in.
 */
export class Model implements TrainingTarget {
  name: string;
  /** Layers in Keras's order (graph.ts), the InputLayers first for functional models. */
  layers: Layer[] = [];
  /** Set to true (e.g. from a callback) to stop fit after the current batch. */
  stopTraining = false;
  compiled: Compiled | null = null;
  protected graph: Graph | null = null;
  protected seed: number | undefined;
  private rng: Rng | null = null;
  private layer: NestedModel | null = null;

  constructor(args: ModelArgs | null, defaultName = 'model') {
    this.name = args?.name ?? defaultName;
    this.seed = args?.seed;
    if (args !== null) this.setGraph(asList(args.inputs), asList(args.outputs));
  }

  /** Take the graph from `inputs` to `outputs`, collect its layers, name the unnamed ones, check names. */
  protected setGraph(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): void {
    const graph = buildGraph(inputs, outputs, `Model '${this.name}'`);
    this.nameLayers(graph.layers);
    const seen = new Map<string, Layer>();
    for (const layer of graph.layers) {
      const other = seen.get(layer.name);
      if (other !== undefined) throw new Error(`Model '${this.name}': the name '${layer.name}' is used by two layers, ${other.className} and ${layer.className}; layer names must be unique`);
      seen.set(layer.name, layer);
    }
    this.graph = graph;
    this.layers = [...graph.layers];
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

  /** Whether the model has its graph (a Sequential gets it from its input shape or first data). */
  hasGraph(): boolean {
    return this.graph !== null;
  }

  /** This model as a layer of another model (always the same layer): see nested-model.ts. */
  asLayer(): NestedModel {
    this.layer ??= new NestedModel(this, this.kerasClassName());
    return this.layer;
  }

  /** The class a model file names this model by. */
  protected kerasClassName(): 'Model' | 'Sequential' {
    return 'Model';
  }

  /** Functional API: call this model as a layer on symbolic inputs (Keras's `model(x)`). */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
    return this.asLayer().apply(inputs);
  }

  /**
   * Whether fit updates this model's weights (default true); false freezes every layer of it, and,
   * used as a layer of another model, runs it in inference mode (nested-model.ts).
   */
  get trainable(): boolean {
    return this.layer === null || this.layer.trainable;
  }

  set trainable(value: boolean) {
    this.asLayer().trainable = value;
  }

  protected requireGraph(what: string): Graph {
    if (this.graph === null) throw new Error(`${this.name}: cannot ${what} a model with no layers and no input shape yet`);
    return this.graph;
  }

  /** The layer that makes each output, in order (their activations decide compile's from_logits). */
  protected outputLayers(): Layer[] {
    return this.outputs.map((t) => t.layer);
  }

  /** The symbolic inputs, in order (Keras's `model.inputs`). */
  get inputs(): readonly SymbolicTensor[] {
    return this.requireGraph('read the inputs of').inputs;
  }

  /** The symbolic outputs, in order (Keras's `model.outputs`). */
  get outputs(): readonly SymbolicTensor[] {
    return this.requireGraph('read the outputs of').outputs;
  }

  /** The input layers' names: the keys of x given as an object. */
  get inputNames(): string[] {
    return this.inputs.map((t) => t.layer.name);
  }

  /** The output layers' names: the keys of y given as an object, and the `<output>` of `<output>_loss`. */
  get outputNames(): string[] {
    return this.outputs.map((t) => t.layer.name);
  }

  /** Every layer call after the inputs, in run order, with the shapes it takes and gives. */
  connections(): Array<{ node: SymbolicTensor; layer: Layer; inputShapes: SymbolicShape[]; inputShape: SymbolicShape; outputShape: SymbolicShape }> {
    return this.requireGraph('use').order.map((n) => ({ node: n, layer: n.layer, inputShapes: n.inputs.map((t) => t.shape), inputShape: n.inputs[0].shape, outputShape: n.shape }));
  }

  /** Shape of the (one) input, batch axis first (null). */
  get inputShape(): SymbolicShape {
    return this.single(this.inputs, 'input').shape;
  }

  /** Shape of the (one) output, batch axis first (null). */
  get outputShape(): SymbolicShape {
    return this.single(this.outputs, 'output').shape;
  }

  private single(list: readonly SymbolicTensor[], what: string): SymbolicTensor {
    if (list.length !== 1) throw new Error(`${this.name}: the model has ${list.length} ${what}s; read ${what}s[i].shape`);
    return list[0];
  }

  /** Give a model built without an input shape one now (Sequential; a functional model has one). */
  build(_inputShape: SymbolicShape): void {}

  /** A model built without an input shape takes it from the first data it sees (Sequential). */
  protected buildFromShape(_shape: readonly number[]): void {}

  /** Build a model that has no input shape yet (Sequential) from its first data. */
  buildFor(x: ModelData): void {
    if (this.graph === null && x instanceof Tensor) this.buildFromShape(x.shape);
  }

  /** Check batches of inputs against the model's inputs (the batch size is free). */
  checkInputs(xs: readonly Tensor[], what = 'input'): void {
    if (xs.length === 1) this.buildFor(xs[0]);
    const inputs = this.inputs;
    if (xs.length !== inputs.length) throw new Error(`${this.name}: ${what} has ${xs.length} tensors, the model has ${inputs.length} inputs`);
    inputs.forEach((t, i) => {
      const expected = t.shape;
      const x = xs[i];
      if (x.rank !== expected.length || expected.some((d, k) => d !== null && d !== x.shape[k])) {
        const which = inputs.length === 1 ? what : `${what} '${t.layer.name}'`;
        throw new Error(`${this.name}: ${which} has shape ${shapeToString(x.shape)}, expected ${formatShape(expected)}`);
      }
    });
  }

  /** Check a batch for a one-input model. */
  checkInput(x: Tensor, what = 'input'): void {
    this.checkInputs([x], what);
  }

  /**
   * The forward pass on concrete batches, one per input; the outputs in order. `logits[o]`: output o's
   * layer gives its logits (its output before the activation), as compile's from_logits asks.
   */
  callAll(xs: readonly Tensor[], ctx: CallContext, logits: readonly boolean[] = []): Tensor[] {
    this.ensureInitialized();
    this.checkInputs(xs);
    return runGraph(this.requireGraph('run'), xs, ctx, logits);
  }

  /** The forward pass of a one-input, one-output model (ctx.logits: its output layer gives logits). */
  call(x: Tensor, ctx: CallContext): Tensor {
    const outs = this.callAll([x], { ...ctx, logits: false }, [ctx.logits === true]);
    if (outs.length !== 1) throw new Error(`${this.name}: call() gives one output; this model has ${outs.length}, use callAll()`);
    return outs[0];
  }

  /** Run the initializer of every weight that has no values yet, in layer order, from the model's Rng. */
  ensureInitialized(seed?: number): void {
    this.requireGraph('initialize');
    const fresh = this.layers.flatMap((l) => l.weights).filter((w) => !w.initialized);
    if (fresh.length === 0) return;
    const rng = this.trainingRng(seed);
    for (const w of fresh) {
      w.initializer(w.value.data, w.value.shape, rng);
      w.initialized = true;
    }
  }

  /** The Rng for initialization, shuffling and dropout; a seed given here starts a fresh stream. */
  trainingRng(seed?: number): Rng {
    if (seed !== undefined) this.rng = new Rng(seed);
    this.rng ??= new Rng(this.seed ?? freshSeed());
    return this.rng;
  }

  /** Choose the optimizer, and per output the loss, its weight and metrics, as Keras's compile. */
  compile(args: CompileArgs): void {
    const graph = this.graph;
    const layers = this.outputLayers();
    const outputs = layers.length === 0 ? [{ name: 'output', shape: [null], activation: null }] : layers.map((layer, o) => {
      const out = graph?.outputs[o];
      // from_logits needs the output's activation to be skipped, which only works when no layer of
      // the graph takes that output too, and no activity penalty needs the activated output.
      const consumed = out !== undefined && graph !== null && graph.order.some((n) => n.inputs.includes(out));
      const activation = (layer as { activation?: unknown }).activation;
      const skippable = !consumed && layer.activityRegularizer === null && typeof activation === 'string';
      return { name: layer.name || 'output', shape: out?.shape ?? [null], activation: skippable ? (activation as string) : null };
    });
    this.compiled = compileOutputs(args, outputs, this.name);
  }

  /** Train, as Keras's fit: x and y are a Tensor, a list, or an object keyed by layer name. See FitOptions. */
  fit(x: ModelData, y: ModelData, options: FitOptions = {}): Promise<History> {
    return fitModel(this, x, y, options);
  }

  /** Loss and metrics on (x, y), batch-size weighted means, as Keras's evaluate. */
  evaluate(x: ModelData, y: ModelData, options: EvaluateOptions = {}): Record<string, number> {
    return evaluateModel(this, x, y, options);
  }

  /**
   * Outputs for x, in inference mode, batch by batch: a Tensor for one output, a list for several
   * (write `predict<Tensor[]>(x)` for those).
   */
  predict<T extends Tensor | Tensor[] = Tensor>(x: ModelData, options: PredictOptions = {}): NoInfer<T> {
    const outs = predictModel(this, x, options);
    return (outs.length === 1 ? outs[0] : outs) as T;
  }

  /** Weights that fit updates, in layer order. */
  trainableWeights(): Tensor[] {
    if (!this.trainable) return [];
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
      w.initialized = true;
    });
  }

  /**
   * Save in the TensorFlow.js Layers format (model.json + weights.bin): to a folder in Node, written
   * atomically, or, with no target, only in memory. Returns the artifacts. See io/save.ts.
   */
  save(target?: SaveTarget, options?: SaveOptions): Promise<SavedArtifacts> {
    return saveModel(this, target, options);
  }

  /**
   * Keras 2's summary table: the chain table for a chain, the functional table with "Connected to"
   * otherwise (summary.ts). Printed with console.log unless `print` is false, and returned.
   */
  summary(options: { print?: boolean } = {}): string {
    const text = summarize(this.name, this.requireGraph('summarize'), this.layers[0] instanceof InputLayer);
    if (options.print !== false) console.log(text);
    return text;
  }
}

function asList(v: SymbolicTensor | readonly SymbolicTensor[]): readonly SymbolicTensor[] {
  return Array.isArray(v) ? v : [v as SymbolicTensor];
}
