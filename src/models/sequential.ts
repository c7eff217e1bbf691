import { Layer, SymbolicTensor } from '../layers/layer.js';
import { Model } from './model.js';
import { InferenceModel } from './inference-model.js';
import { modelAsLayer } from './nested-model.js';

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
 * naming the layer. It is a graph like any other model's: a chain of single calls (the chain is
 * grown by InferenceModel, inference-model.ts).
 */
export class Sequential extends Model {
  constructor(layers: ReadonlyArray<Layer | InferenceModel | SymbolicTensor> = [], args: SequentialArgs = {}) {
    super(null, 'sequential');
    if (args.name !== undefined) this.name = args.name;
    this.seed = args.seed;
    this.stackLayers(layers.map((l) => (l instanceof SymbolicTensor ? l : asLayer(l))));
  }

  /**
   * Append a layer, or a model used as a layer (nested-model.ts: a base to fine-tune or a head); with a
   * known input shape its output shape is inferred now.
   */
  add(item: Layer | InferenceModel): void {
    this.push(asLayer(item));
  }

  /** The last layer, also before the model is built (compile may come first). */
  protected override outputLayers(): Layer[] {
    return (this.stack ?? []).slice(-1);
  }
}

function asLayer(item: Layer | InferenceModel): Layer {
  const layer = item instanceof InferenceModel ? modelAsLayer(item) : item;
  if (!(layer instanceof Layer)) throw new Error(`Sequential.add: expected a layer or a model, got ${String(layer)}`);
  return layer;
}
