import { Layer, SymbolicTensor, type SymbolicShape } from '../layers/layer.js';
import { input as makeInput, InputLayer } from '../layers/input.js';
import { Model } from './model.js';

export interface SequentialArgs {
  /** Default 'sequential'. */
  name?: string;
  /** Seed for weight initialization (and, unless fit gets its own, shuffling and dropout). */
  seed?: number;
}

/**
 * A linear stack of layers, as Keras's Sequential. The input shape comes from a first element made by
 * `input({ shape })` (Keras's `Sequential([Input(shape=...), ...])`) or from the first layer's
 * `inputShape`; every layer's output shape is inferred as it is added, so a misfit fails at once,
 * naming the layer. It is a graph like any other model's: a chain of single calls.
 */
export class Sequential extends Model {
  private readonly stack: Layer[] = [];
  private head: SymbolicTensor | null = null;

  constructor(layers: ReadonlyArray<Layer | SymbolicTensor> = [], args: SequentialArgs = {}) {
    super(null, 'sequential');
    if (args.name !== undefined) this.name = args.name;
    this.seed = args.seed;
    layers.forEach((l, i) => {
      if (l instanceof SymbolicTensor) {
        if (i !== 0 || !(l.layer instanceof InputLayer)) throw new Error('Sequential: only the first element may be input({ shape })');
        this.head = l;
      } else {
        this.add(l);
      }
    });
  }

  /** Append a layer; with a known input shape its output shape is inferred now. */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new Error(`Sequential.add: expected a layer, got ${String(layer)}`);
    if (this.head === null && this.stack.length === 0 && layer.inputShape !== undefined) {
      this.head = makeInput({ shape: layer.inputShape });
    }
    this.stack.push(layer);
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

  /** Give a model built without an input shape one now (fit and predict do this from the data). */
  build(inputShape: SymbolicShape): void {
    if (this.head !== null) return;
    if (inputShape.slice(1).some((d) => d === null)) throw new Error(`${this.name}: build needs every axis after the batch, got ${JSON.stringify(inputShape)}`);
    this.head = makeInput({ shape: inputShape.slice(1) as number[] });
    for (const layer of this.stack) this.connect(layer);
  }

  /** The last layer, also before the model is built (compile may come first). */
  protected override outputLayers(): Layer[] {
    return this.stack.slice(-1);
  }

  protected override buildFromShape(shape: readonly number[]): void {
    if (this.stack.length > 0) this.build([null, ...shape.slice(1)]);
  }
}
