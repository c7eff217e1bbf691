import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import type { Rng } from '../rng.js';
import { shapeSize } from '../shape.js';
import type { InitializerSpec } from '../initializer-spec.js';
import { type RegularizerSpec, checkRegularizer, regularizerConfig } from '../regularizer-spec.js';
import type { ActivityReduction } from '../regularizers.js';
import type { Constraint } from '../constraints.js';

/** A shape whose first (batch) axis may be unknown: null, shown as None as in Keras. */
export type SymbolicShape = readonly (number | null)[];

/** What a layer's call needs beyond its input: the mode, and the generator for dropout. */
export interface CallContext {
  readonly training: boolean;
  /**
   * What a call in training mode draws from (dropout, noise, augmentation): fit gives the model's
   * seeded Rng; inference, which draws nothing, may give none (see callRng).
   */
  readonly rng?: Rng;
  /**
   * Return the logits: the output before this layer's activation (default false). A model sets it
   * on its output layer only, when compile chose to compute the loss from logits (resolveLoss).
   */
  readonly logits?: boolean;
  /**
   * Where the layers' activity penalties go (Keras's activity_regularizer losses): fit and evaluate
   * pass a function that computes the penalty of a layer's output and keeps it for the loss
   * (training.ts); predict passes none, so nothing is computed. A loop of one's own passes
   * `penalizeInto(list)` (exported by 'tatami') to collect them into a list of tensors, as fit does.
   */
  readonly penalize?: (layer: Layer, output: Tensor) => void;
  /**
   * The layer sits in a frozen model (a nested model with `trainable = false`): a layer whose training
   * mode updates state (BatchNormalization) runs in inference mode, as Keras runs the layers of a
   * frozen base; dropout and noise still follow `training` (default false).
   */
  readonly frozen?: boolean;
  /**
   * A ReLU layer follows this call and the model's graph fused it in (src/models/graph.ts): the layer
   * returns max(output, 0) from its own pass. Set only on the layers the graph fuses
   * (BatchNormalization); default false.
   */
  readonly fusedRelu?: boolean;
}

/**
 * Arguments of one layer call, recorded with its node (Keras's call kwargs): `training` pins the call
 * to one mode whatever the model runs in (`base(x, training=False)`, the transfer-learning recipe).
 */
export interface CallArgs {
  readonly training?: boolean;
}

/** Options every layer takes. */
export interface LayerArgs {
  /** Unique within a model; the model names unnamed layers as Keras does (conv2d, conv2d_1, ...). */
  name?: string;
  /** Shape of one sample (without the batch axis); only meaningful on a Sequential model's first layer. */
  inputShape?: readonly number[];
  /** Whether fit updates this layer's weights (default true). */
  trainable?: boolean;
  /**
   * A penalty on this layer's output that fit and evaluate add to the loss, as Keras's
   * `activity_regularizer`: `l1()`, `l2()`, `l1l2()` or their names; default none.
   */
  activityRegularizer?: RegularizerSpec;
  /**
   * How that penalty enters the loss: 'sum_over_batch_size' (the default, Keras 2 / tf.keras: divided
   * by the batch size) or 'sum' (Keras 3: as computed over the whole batch).
   */
  activityReduction?: ActivityReduction;
}

/** One named weight of a layer: its storage, whether it trains, how to initialize it. */
export interface LayerWeight {
  readonly name: string;
  readonly value: Tensor;
  readonly trainable: boolean;
  /** How the training Model initializes it, as the layer's options give it: a name or a function. */
  readonly initializer: InitializerSpec;
  /**
   * Whether the weight has its values (from its initializer, setWeights or a file). It belongs to the
   * weight, not to a model: a model built from layers another model trained keeps their weights.
   */
  initialized: boolean;
  /** A penalty on this weight that fit adds to the loss (kernelRegularizer, biasRegularizer, as given), or null. */
  readonly regularizer: RegularizerSpec;
  /** A projection fit applies after each optimizer step (kernelConstraint, biasConstraint), or null. */
  readonly constraint: Constraint | null;
}

/**
 * A placeholder flowing through the functional API: a shape, and the layer call (Keras's node) that
 * makes it. A layer called twice (shared weights) makes two symbolic tensors, nodeIndex 0 and 1.
 */
export class SymbolicTensor {
  constructor(
    readonly shape: SymbolicShape,
    readonly layer: Layer,
    /** The tensors this call took: none for a model input, one for most layers, several for a merge. */
    readonly inputs: readonly SymbolicTensor[],
    /** Which call of `layer` made this tensor (0 for the first). */
    readonly nodeIndex: number,
    /** The call's arguments (Keras's kwargs): `training: false` runs this call in inference mode. */
    readonly callArgs: CallArgs = {},
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
 * a training Model then runs every weight's initializer with its seeded Rng (a loader sets them from
 * the file instead); `call(x, ctx)` computes the output. `computeOutputShape` is the shape inference
 * that lets a model reject a wrong shape when it is built, naming the layer.
 */
export abstract class Layer {
  /** The Keras class name ('Conv2D', 'Dense', ...), used by summary() and model files. */
  abstract readonly className: string;
  name: string;
  trainable: boolean;
  readonly inputShape: readonly number[] | undefined;
  /** The penalty on this layer's outputs (LayerArgs.activityRegularizer, as given), or null. */
  readonly activityRegularizer: RegularizerSpec;
  readonly activityReduction: ActivityReduction;
  readonly weights: LayerWeight[] = [];
  /** The symbolic outputs of this layer's calls, in call order (Keras's inbound nodes). */
  readonly nodes: SymbolicTensor[] = [];
  built = false;
  /**
   * Whether this layer can apply a ReLU that follows it in its own pass (CallContext.fusedRelu), so
   * that the model's graph may fuse an Activation('relu') into it (src/models/graph.ts). Default false.
   */
  readonly fusesRelu: boolean = false;

  constructor(args: LayerArgs = {}) {
    this.name = args.name ?? '';
    this.trainable = args.trainable ?? true;
    this.inputShape = args.inputShape === undefined ? undefined : [...args.inputShape];
    const who = args.name === undefined ? this.constructor.name : `${this.constructor.name} '${args.name}'`;
    this.activityRegularizer = checkRegularizer(args.activityRegularizer, who);
    const { activityReduction = 'sum_over_batch_size' } = args;
    if (activityReduction !== 'sum_over_batch_size' && activityReduction !== 'sum') {
      throw new Error(`${who}: activityReduction must be 'sum_over_batch_size' (Keras 2) or 'sum' (Keras 3), got ${JSON.stringify(activityReduction)}`);
    }
    this.activityReduction = activityReduction;
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
    const base = { name: this.name, trainable: this.trainable, dtype: 'float32' };
    // Written only when set, as Keras 3's base layer; whether it is divided by the batch size is the
    // file's Keras version (io/keras-flavor.ts).
    return this.activityRegularizer === null ? base : { ...base, activity_regularizer: regularizerConfig(this.activityRegularizer) };
  }

  /**
   * Give one output of this layer's call to `ctx.penalize`, when the caller collects activity
   * penalties and the layer has an activityRegularizer (Keras adds it in any mode).
   */
  addActivityPenalty(output: Tensor, ctx: CallContext): void {
    if (this.activityRegularizer !== null) ctx.penalize?.(this, output);
  }

  /**
   * Functional API: connect this layer to one symbolic tensor (or a list, for merges) and return its
   * symbolic output. Each call is a node of the graph; calling a layer again shares its weights.
   * `args.training` pins this call's mode (Keras's `layer(x, training=False)`).
   */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[], args: CallArgs = {}): SymbolicTensor {
    const list: readonly unknown[] = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 0 || list.some((t) => !(t instanceof SymbolicTensor))) {
      throw new Error(`${this.describe()}: apply() takes the output of input({ shape }) or of another layer's apply() (or a list of them)`);
    }
    const shapes = (list as SymbolicTensor[]).map((t) => t.shape);
    const first = this.nodes[0]?.inputs[0]?.shape;
    if (first !== undefined && this.weights.length > 0 && shapes[0][shapes[0].length - 1] !== first[first.length - 1]) {
      throw new Error(`${this.describe()}: a shared layer built for input shape ${formatShape(first)} cannot take ${formatShape(shapes[0])}`);
    }
    const outShape = this.computeOutputShapes(shapes);
    if (!this.built) this.build(shapes[0]);
    const out = new SymbolicTensor(outShape, this, list as SymbolicTensor[], this.nodes.length, args.training === undefined ? {} : { training: args.training });
    this.nodes.push(out);
    return out;
  }

  /**
   * The output shape for the shapes of one call's inputs. A single-input layer takes exactly one;
   * layers of several inputs (merges) override this and `callInputs`.
   */
  computeOutputShapes(inputShapes: readonly SymbolicShape[]): SymbolicShape {
    if (inputShapes.length !== 1) {
      throw new Error(`${this.describe()}: takes one input, got ${inputShapes.length} with shapes ${inputShapes.map(formatShape).join(', ')}`);
    }
    return this.computeOutputShape(inputShapes[0]);
  }

  /** The forward pass of one call on its concrete inputs (one, except for merges). */
  callInputs(inputs: readonly Tensor[], ctx: CallContext): Tensor {
    return this.call(inputs[0], ctx);
  }

  /** How errors name this layer: `Dense 'dense_1'` (or just the class before the model names it). */
  describe(): string {
    return this.name === '' ? this.className : `${this.className} '${this.name}'`;
  }

  /** Throw an Error about a shape this layer cannot take. */
  protected shapeError(inputShape: SymbolicShape, expected: string): never {
    throw new Error(`${this.describe()}: expected ${expected}, got input shape ${formatShape(inputShape)}`);
  }

  /** Create a weight (zeroed until a model initializes or loads it), with the penalty and the constraint fit applies to it, if any. */
  protected addWeight(name: string, shape: readonly number[], initializer: InitializerSpec, trainable = true, regularizer: RegularizerSpec = null, constraint: Constraint | null = null): Tensor {
    try {
      constraint?.check(shape);
    } catch (e) {
      throw new Error(`${this.describe()}: ${name}: ${(e as Error).message}`);
    }
    const value = new Tensor(allocFloat32(shapeSize(shape)), shape, false);
    this.weights.push({ name, value, trainable, initializer, initialized: false, regularizer, constraint });
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

/** The generator a layer's call in training mode draws from (dropout, noise, augmentation); a context without one fails, naming the layer. */
export function callRng(layer: Layer, ctx: CallContext): Rng {
  if (ctx.rng === undefined) throw new Error(`${layer.describe()}: a call in training mode draws random numbers and needs ctx.rng: tatami's Model gives its Rng (fit, and predict through a layer pinned to training); tatami/infer's models have none, so load the model with tatami's loadModel to run it in training mode`);
  return ctx.rng;
}
