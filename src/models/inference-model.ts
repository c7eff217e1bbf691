import { Tensor } from '../tensor.js';
import type { Rng } from '../rng.js';
import { shapeToString } from '../shape.js';
import { Layer, SymbolicTensor, defaultLayerName, formatShape, type CallContext, type SymbolicShape } from '../layers/layer.js';
import { input as makeInput, InputLayer } from '../layers/input.js';
import { buildGraph, runGraph, type Graph } from './graph.js';
import { type ModelData } from './data.js';
import { predictModel, type PredictOptions } from './predict.js';
import type { NestedModel } from './nested-model.js';

export interface ModelArgs {
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  /** Default 'model' ('sequential' for Sequential). */
  name?: string;
  /** Seed for weight initialization (and, unless fit gets its own, shuffling and dropout); only the training Model (model.ts) draws. */
  seed?: number;
}

/**
 * A model that runs but does not train: a graph of layer calls from one or more inputs to one or
 * more outputs, as Keras's functional `Model`, with predict and the weights, and nothing of compile,
 * fit, losses or optimizers. It is what tatami/infer's loadModel returns, and the base of the
 * training `Model` (model.ts), so both run the same graph the same way.
 *
 * Any acyclic graph: skips, merges, a tensor feeding several layers, a layer called several times
 * (shared weights). It infers every shape when built, so a wrong shape or a broken graph fails at
 * construction naming the layer. Its weights come from a file (or setWeights); the training Model
 * initializes the ones that have none from a seeded Rng. See graph.ts for the order it runs in.
 *
 * A chain (Sequential, or a Sequential file) is a graph that grows one layer at a time: its input
 * comes from a first `input({ shape })`, the first layer's `inputShape`, or the first data it sees.
 */
export class InferenceModel {
  name: string;
  /** Layers in Keras's order (graph.ts), the InputLayers first for functional models. */
  layers: Layer[] = [];
  protected graph: Graph | null = null;
  /** A chain's layers, in order, also before it has an input shape (null for a functional model). */
  protected stack: Layer[] | null = null;
  /** A chain's input, once its shape is known. */
  private head: SymbolicTensor | null = null;
  /** This model as a layer of another model, once it is one (always the same: nested-model.ts's modelAsLayer). */
  usedAsLayer: NestedModel | null = null;

  constructor(args: ModelArgs | null, defaultName = 'model') {
    this.name = args?.name ?? defaultName;
    if (args !== null) this.setGraph(asList(args.inputs), asList(args.outputs));
  }

  /** A chain of layers after an optional first `input({ shape })`, as Sequential's, for inference only. */
  static chain(items: ReadonlyArray<Layer | SymbolicTensor>, name = 'sequential'): InferenceModel {
    const model = new InferenceModel(null, name);
    model.stackLayers(items);
    return model;
  }

  /** Start a chain: `items` is an optional `input({ shape })` then layers. */
  protected stackLayers(items: ReadonlyArray<Layer | SymbolicTensor>): void {
    this.stack = [];
    items.forEach((l, i) => {
      if (l instanceof SymbolicTensor) {
        if (i !== 0 || !(l.layer instanceof InputLayer)) throw new Error('Sequential: only the first element may be input({ shape })');
        this.head = l;
      } else {
        this.push(l);
      }
    });
  }

  /** Append a layer to the chain; with a known input shape its output shape is inferred now. */
  protected push(layer: Layer): void {
    const stack = this.stack as Layer[];
    if (this.head === null && stack.length === 0 && layer.inputShape !== undefined) {
      this.head = makeInput({ shape: layer.inputShape });
    }
    stack.push(layer);
    if (this.head !== null) this.connect(layer);
  }

  private connect(layer: Layer): void {
    const head = this.head as SymbolicTensor;
    const from = this.graph?.outputs[0] ?? head;
    // Name the layer first, so a shape error names it ("Conv2D 'conv2d_1': expected ...").
    this.nameLayers([head.layer, ...this.layers, layer]);
    const out = layer.apply(from);
    this.setGraph([head], [out]);
    // Sequential models list no InputLayer, as Keras.
    this.layers = this.layers.filter((l) => !(l instanceof InputLayer));
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

  /** Whether the model has its graph (a chain gets it from its input shape or first data). */
  hasGraph(): boolean {
    return this.graph !== null;
  }

  /** The class a model file names this model by. */
  kerasClassName(): 'Model' | 'Sequential' {
    return this.stack === null ? 'Model' : 'Sequential';
  }

  protected requireGraph(what: string): Graph {
    if (this.graph === null) throw new Error(`${this.name}: cannot ${what} a model with no layers and no input shape yet`);
    return this.graph;
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

  /** Give a chain built without an input shape one now (fit and predict do this from the data). */
  build(inputShape: SymbolicShape): void {
    if (this.stack === null || this.head !== null) return;
    if (inputShape.slice(1).some((d) => d === null)) throw new Error(`${this.name}: build needs every axis after the batch, got ${JSON.stringify(inputShape)}`);
    this.head = makeInput({ shape: inputShape.slice(1) as number[] });
    for (const layer of this.stack) this.connect(layer);
  }

  /** Build a chain that has no input shape yet from its first data. */
  buildFor(x: ModelData): void {
    if (this.graph === null && this.stack !== null && this.stack.length > 0 && x instanceof Tensor) this.build([null, ...x.shape.slice(1)]);
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

  /**
   * Check that every weight has its values (a loaded model's have); one without fails naming its
   * layer. The training Model (model.ts) initializes such weights instead.
   */
  ensureInitialized(): void {
    this.requireGraph('use');
    for (const layer of this.layers) {
      const w = layer.weights.find((w) => !w.initialized);
      if (w !== undefined) throw new Error(`${this.name}: layer '${layer.name}': weight '${w.name}' has no values (weights not set); load them or use tatami's Model, which initializes them`);
    }
  }

  /**
   * The generator of a call in training mode (dropout, noise): none here, as inference draws nothing;
   * the training Model gives its own, for a call pinned to training mode inside predict.
   */
  protected callRng(): Rng | undefined {
    return undefined;
  }

  /**
   * Outputs for x, in inference mode, batch by batch: a Tensor for one output, a list for several
   * (write `predict<Tensor[]>(x)` for those).
   */
  predict<T extends Tensor | Tensor[] = Tensor>(x: ModelData, options: PredictOptions = {}): NoInfer<T> {
    const outs = predictModel(this, x, options, this.callRng());
    return (outs.length === 1 ? outs[0] : outs) as T;
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
}

function asList(v: SymbolicTensor | readonly SymbolicTensor[]): readonly SymbolicTensor[] {
  return Array.isArray(v) ? v : [v as SymbolicTensor];
}
