/**
 * A model used as a layer of another model, as Keras's Model-as-Layer: a truncated MobileNet inside
 * a Sequential, then a head. It takes its model's inputs and gives its (one) output; its weights are
 * its layers' weights, the same tensors (so training either model trains both), named by their path
 * inside it (`conv1/kernel`), the names the TensorFlow.js converter and tfjs write for nested models.
 *
 * `trainable = false` freezes the whole base (the transfer-learning recipe): none of its weights
 * train, and its BatchNormalization layers run in inference mode (their moving statistics stay), as
 * Keras 3 runs a frozen base, whose layers are all frozen; a Dropout inside still follows the
 * training flag, as in Keras. To run the whole base in inference mode, call it with
 * `base.apply(x, { training: false })` (Keras's `base(x, training=False)`).
 *
 * Made by `modelAsLayer` below (one per model), which the training Model's `asLayer()`, `apply(x)`
 * and `trainable` use, and Sequential.add(model), and the loaders of nested models: 'tatami''s, and
 * tatami/infer's with `modernCnnLayers` or `allLayers` (io/nested-model-config.ts), so that tatami/infer's
 * default bundle, which refuses nested models, carries none of this. A model file writes it as its
 * inner model's topology (io/model-to-json.ts).
 */
import type { Tensor } from '../tensor.js';
import { Layer, formatShape, type CallContext, type LayerWeight, type SymbolicShape } from '../layers/layer.js';
import type { InferenceModel } from './inference-model.js';

export class NestedModel extends Layer {
  readonly className: string;

  constructor(readonly model: InferenceModel, className: 'Model' | 'Sequential') {
    super({ name: model.name, inputShape: model.hasGraph() && model.inputs.length === 1 ? (model.inputs[0].shape.slice(1) as number[]) : undefined });
    this.className = className;
  }

  /** A Sequential model built without an input shape is built now, from its first caller's. */
  override computeOutputShapes(inputShapes: readonly SymbolicShape[]): SymbolicShape {
    if (!this.model.hasGraph() && inputShapes.length === 1) this.model.build(inputShapes[0]);
    const inputs = this.model.inputs;
    if (inputShapes.length !== inputs.length) {
      throw new Error(`${this.describe()}: takes ${inputs.length} input(s), got ${inputShapes.length} with shapes ${inputShapes.map(formatShape).join(', ')}`);
    }
    inputs.forEach((t, i) => {
      const s = inputShapes[i];
      if (s.length !== t.shape.length || t.shape.some((d, k) => k > 0 && d !== s[k])) {
        throw new Error(`${this.describe()}: expected input shape ${formatShape(t.shape)}, got ${formatShape(s)}`);
      }
    });
    if (this.model.outputs.length !== 1) throw new Error(`${this.describe()}: a model used as a layer must have one output, this one has ${this.model.outputs.length}`);
    return this.model.outputs[0].shape;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.computeOutputShapes([inputShape]);
  }

  /** The weights are the inner layers' own, listed once the inner model is built. */
  override build(_inputShape: SymbolicShape): void {
    this.weights.length = 0;
    this.weights.push(...nestedWeights(this.model.layers));
    this.built = true;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    return this.callInputs([x], ctx);
  }

  override callInputs(inputs: readonly Tensor[], ctx: CallContext): Tensor {
    const frozen = ctx.frozen === true || !this.trainable;
    return this.model.callAll(inputs, { ...ctx, frozen, logits: false })[0];
  }

  /** The inner layers' trainable weights, none when the whole model is frozen. */
  override trainableWeights(): LayerWeight[] {
    return this.trainable ? this.model.layers.flatMap((l) => l.trainableWeights().map((w) => ({ ...w, name: `${l.name}/${w.name}` }))) : [];
  }
}

/** `model` as a layer of another model: always the same layer, made the first time it is asked for. */
export function modelAsLayer(model: InferenceModel): NestedModel {
  model.usedAsLayer ??= new NestedModel(model, model.kerasClassName());
  return model.usedAsLayer;
}

/**
 * Set whether fit updates `model`'s weights: its layer's flag (which freezes it as a whole, see
 * above), and every inner layer's, nested models' included, as Keras's setter does.
 */
export function setModelTrainable(model: InferenceModel, value: boolean): void {
  modelAsLayer(model).trainable = value;
  for (const layer of model.layers) {
    if (layer instanceof NestedModel) setModelTrainable(layer.model, value);
    else layer.trainable = value;
  }
}

/** The weights of these layers under their paths, sharing the value and the `initialized` flag. */
function nestedWeights(layers: readonly Layer[]): LayerWeight[] {
  return layers.flatMap((l) =>
    l.weights.map((w): LayerWeight => ({
      name: `${l.name}/${w.name}`,
      value: w.value,
      trainable: w.trainable,
      initializer: w.initializer,
      regularizer: w.regularizer,
      constraint: w.constraint,
      get initialized() {
        return w.initialized;
      },
      set initialized(v: boolean) {
        w.initialized = v;
      },
    })),
  );
}
