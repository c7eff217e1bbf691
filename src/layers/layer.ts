import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import type { Rng } from '../rng.js';
import { shapeSize } from '../shape.js';
import type { Initializer } from '../initializers.js';

/** A shape whose first (batch) axis may be unknown: null, shown as None as in Keras. */
export type SymbolicShape = readonly (number | null)[];

/** What a layer's call needs beyond its input: the mode, and the generator for dropout. */
export interface CallContext {
  readonly training: boolean;
  readonly rng: Rng;
  /**
   * Return the logits: the output before this layer's activation (default false). A model sets it
   * on its output layer only, when compile chose to compute the loss from logits (resolveLoss).
   */
  readonly logits?: boolean;
}

/** Options every layer takes. */
export interface LayerArgs {
  /** Unique within a model; the model names unnamed layers as Keras does (conv2d, conv2d_1, ...). */
  name?: string;
  /** Shape of one sample (without the batch axis); only meaningful on a Sequential model's first layer. */
  inputShape?: readonly number[];
  /** Whether fit updates this layer's weights (default true). */
  trainable?: boolean;
}

/** One named weight of a layer: its storage, whether it trains, how to initialize it. */
export interface LayerWeight {
  readonly name: string;
  readonly value: Tensor;
  readonly trainable: boolean;
  readonly initializer: Initializer;
}

/** A placeholder flowing through the functional API: a shape and the layer that makes it. */
export class SymbolicTensor {
  constructor(
    readonly shape: SymbolicShape,
    readonly layer: Layer,
    readonly input: SymbolicTensor | null,
  ) {}
}

export function formatShape(shape: SymbolicShape): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/**
 * The base of every layer: a thin owner of weights that calls ops.
 *
 * Lifecycle: `build(inputShape)` creates the weights (storage zeroed) once the input shape is known;
 * the model then runs every weight's initializer with its seeded Rng; `call(x, ctx)` computes the
 * output. `computeOutputShape` is the shape inference that lets a model reject a wrong shape when it
 * is built, naming the layer.
 */
export abstract class Layer {
  /** The Keras class name ('Conv2D', 'Dense', ...), used by summary() and model files. */
  abstract readonly className: string;
  name: string;
  trainable: boolean;
  readonly inputShape: readonly number[] | undefined;
  readonly weights: LayerWeight[] = [];
  built = false;

  constructor(args: LayerArgs = {}) {
    this.name = args.name ?? '';
    this.trainable = args.trainable ?? true;
    this.inputShape = args.inputShape === undefined ? undefined : [...args.inputShape];
  }

  /** Create the weights for this input shape (the default has none). */
  build(_inputShape: SymbolicShape): void {
    this.built = true;
  }

  /** The output shape for an input shape; throws, naming the layer, when the input does not fit. */
  abstract computeOutputShape(inputShape: SymbolicShape): SymbolicShape;

  /** The forward pass on a concrete batch. */
  abstract call(x: Tensor, ctx: CallContext): Tensor;

  /** Keras JSON config of this layer (snake_case keys), for model files and summaries. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, trainable: this.trainable, dtype: 'float32' };
  }

  /** Functional API: connect this layer to a symbolic input and return its symbolic output. */
  apply(input: SymbolicTensor): SymbolicTensor {
    if (!(input instanceof SymbolicTensor)) {
      throw new Error(`${this.describe()}: apply() takes the output of input({ shape }) or of another layer's apply()`);
    }
    const outShape = this.computeOutputShape(input.shape);
    if (!this.built) this.build(input.shape);
    return new SymbolicTensor(outShape, this, input);
  }

  /** How errors name this layer: `Dense 'dense_1'` (or just the class before the model names it). */
  describe(): string {
    return this.name === '' ? this.className : `${this.className} '${this.name}'`;
  }

  /** Throw an Error about a shape this layer cannot take. */
  protected shapeError(inputShape: SymbolicShape, expected: string): never {
    throw new Error(`${this.describe()}: expected ${expected}, got input shape ${formatShape(inputShape)}`);
  }

  /** Create a weight (zeroed until the model initializes it). */
  protected addWeight(name: string, shape: readonly number[], initializer: Initializer, trainable = true): Tensor {
    const value = new Tensor(allocFloat32(shapeSize(shape)), shape, false);
    this.weights.push({ name, value, trainable, initializer });
    return value;
  }

  /** The number of scalars in this layer's weights. */
  countParams(): number {
    return this.weights.reduce((n, w) => n + w.value.size, 0);
  }

  /** Weights that fit updates: none when the layer is frozen. */
  trainableWeights(): LayerWeight[] {
    return this.trainable ? this.weights.filter((w) => w.trainable) : [];
  }
}

/** Keras's snake_case base name for a class: 'Conv2D' → 'conv2d', 'MaxPooling2D' → 'max_pooling2d'. */
export function defaultLayerName(className: string): string {
  return className
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}
