import { Tensor } from '../tensor.js';
import { type Layer, type SymbolicTensor, type CallArgs } from '../layers/layer.js';
import { InputLayer } from '../layers/input.js';
import { compileOutputs, type CompileArgs, type Compiled } from './compile.js';
import { type ModelData } from './data.js';
import { modelAsLayer, setModelTrainable, type NestedModel } from './nested-model.js';
import { summarize } from './summary.js';
import { fitModel, evaluateModel, type FitOptions, type EvaluateOptions } from './training.js';
import type { History, TrainingTarget } from './callbacks.js';
import { saveModel, type SaveTarget } from '../io/save.js';
import type { SaveOptions } from '../io/model-to-json.js';
import type { SavedArtifacts } from '../io/artifacts.js';
import { InferenceModel, type ModelArgs } from './inference-model.js';
import { Rng } from '../rng.js';
import { resolveInitializer } from '../initializers.js';
import { installKernels } from '../kernel-table.js';
import { fastKernels } from '../fast-kernels.js';

export type { CompileArgs, Compiled } from './compile.js';
export type { ModelArgs } from './inference-model.js';

// A Model trains: importing its module, as 'tatami' (src/index.ts) and the CLI do, gives every op
// the fast kernels, backward included, also in a process that imported tatami/infer first; a
// setKernels made before is kept (kernel-table.ts). package.json lists this module and src/index.ts
// under "sideEffects", so that a bundler keeps this line wherever 'tatami' is imported.
installKernels(fastKernels);

/**
 * A model that trains: the graph of layer calls of InferenceModel (inference-model.ts: building,
 * predict, weights), plus compile, fit, evaluate, save and summary, as Keras's functional `Model`
 * (and the base of Sequential). tatami/infer uses InferenceModel alone, so none of this is in its
 * bundle.
 */
export class Model extends InferenceModel implements TrainingTarget {
  /** Set to true (e.g. from a callback) to stop fit after the current batch. */
  stopTraining = false;
  compiled: Compiled | null = null;
  protected seed: number | undefined;
  private rng: Rng | null = null;

  constructor(args: ModelArgs | null, defaultName?: string) {
    super(args, defaultName);
    this.seed = args?.seed;
  }

  /** Run the initializer of every weight that has no values yet, in layer order, from the model's Rng. */
  override ensureInitialized(seed?: number): void {
    this.requireGraph('initialize');
    const fresh = this.layers.flatMap((l) => l.weights.filter((w) => !w.initialized).map((w) => ({ l, w })));
    if (fresh.length === 0) return;
    const rng = this.trainingRng(seed);
    for (const { l, w } of fresh) {
      resolveInitializer(w.initializer, l.describe())(w.value.data, w.value.shape, rng);
      w.initialized = true;
    }
  }

  /** The Rng for initialization, shuffling and dropout; a seed given here starts a fresh stream. */
  trainingRng(seed?: number): Rng {
    if (seed !== undefined) this.rng = new Rng(seed);
    this.rng ??= new Rng(this.seed ?? freshSeed());
    return this.rng;
  }

  /** predict's calls pinned to training mode draw from the model's Rng. */
  protected override callRng(): Rng {
    return this.trainingRng();
  }

  /** This model as a layer of another model (always the same layer): see nested-model.ts. */
  asLayer(): NestedModel {
    return modelAsLayer(this);
  }

  /** Functional API: call this model as a layer on symbolic inputs (Keras's `model(x)`; `{ training: false }`: `model(x, training=False)`). */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[], args: CallArgs = {}): SymbolicTensor {
    return modelAsLayer(this).apply(inputs, args);
  }

  /**
   * Whether fit updates this model's weights (default true); false freezes every layer of it, and,
   * used as a layer of another model, runs its BatchNormalization layers in inference mode, as Keras
   * does (nested-model.ts). Setting it sets every inner layer's flag too, nested models' included, as
   * Keras's setter does: `base.trainable = true` unfreezes a base whose layers a file saved frozen.
   */
  get trainable(): boolean {
    return this.usedAsLayer === null || this.usedAsLayer.trainable;
  }

  set trainable(value: boolean) {
    setModelTrainable(this, value);
  }

  /** The layer that makes each output, in order (their activations decide compile's from_logits). */
  protected outputLayers(): Layer[] {
    return this.outputs.map((t) => t.layer);
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

  /** Weights that fit updates, in layer order. */
  trainableWeights(): Tensor[] {
    if (!this.trainable) return [];
    return this.layers.flatMap((l) => l.trainableWeights().map((w) => w.value));
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

/** A seed when none is given: from the platform's crypto generator (never Math.random). */
function freshSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0];
}
