/**
 * A checked topology → a tatami model whose weights are not loaded yet, and the weights the file
 * must hold for it (name, shape, in the file's layer order).
 *
 * A layer entry of class Sequential, Model or Functional is a nested model (a MobileNet base, a
 * Sequential head), built by the loader's layer set when it can nest models (NESTED_MODELS below,
 * nested-model-config.ts).
 */
import type { Layer, SymbolicShape, SymbolicTensor } from '../layers/layer.js';
import { input } from '../layers/input.js';
import type { InferenceModel, ModelArgs } from '../models/inference-model.js';
import { NESTED_MODEL_CLASSES, type Topology } from './topology.js';
import { layerFromConfig, type BuiltLayer, type LayerBuilders, type LayerSet } from './layer-from-config.js';
import type { ExpectedWeight } from './weight-matching.js';

/**
 * What a loader builds with: its layer builders and its two kinds of model (the training Model and
 * Sequential for tatami's loadModel, InferenceModel for tatami/infer's), nested models included.
 */
export interface ModelKit<M extends InferenceModel> {
  readonly layers: LayerSet;
  /** A functional model (a file's Model or Functional). */
  functional(args: ModelArgs): M;
  /** A chain (a file's Sequential): an optional input({ shape }) then the layers. */
  chain(items: ReadonlyArray<Layer | SymbolicTensor>, name: string): M;
}

/**
 * The key under which a layer set holds its builder of nested models (nested-model-config.ts).
 * `modernCnnLayers` and `allLayers` hold it (modern-cnn-set.ts); tatami/infer's default does not, so
 * its bundle carries no nested-model code, and refuses a nested model naming the import that brings
 * it. A symbol, not a class name: a set's string keys stay its layer classes, and spreading a set
 * (`{ ...modernCnnLayers, MyLayer }`) keeps it.
 */
export const NESTED_MODELS = Symbol('nested models');

/** Builds a nested model's entry (`className` one of NESTED_MODEL_CLASSES) with the loader's kit, as buildModel's arguments. */
export type NestedModelBuilder = <M extends InferenceModel>(className: string, config: Record<string, unknown>, name: string, prefix: string, kerasMajor: 2 | 3, kit: ModelKit<M>) => BuiltLayer;

/** A layer set that may nest models. */
export type NestingLayerBuilders = LayerBuilders & { readonly [NESTED_MODELS]?: NestedModelBuilder };

export interface UnloadedModel<M extends InferenceModel> {
  readonly model: M;
  readonly expected: ExpectedWeight[];
}

export function buildModel<M extends InferenceModel>(topology: Topology, prefix: string, kerasMajor: 2 | 3, kit: ModelKit<M>): UnloadedModel<M> {
  const built = new Map<string, BuiltLayer>();
  const nest = (kit.layers.builders as NestingLayerBuilders)[NESTED_MODELS];
  const layerOf = (name: string, className: string, config: Record<string, unknown>): BuiltLayer => {
    let b = built.get(name);
    if (b === undefined) {
      // A set that cannot nest models refuses a nested model as any class it lacks (layerFromConfig).
      const nested = nest !== undefined && NESTED_MODEL_CLASSES.includes(className);
      b = nested ? nest(className, config, name, prefix, kerasMajor, kit) : layerFromConfig(className, config, name, prefix, kerasMajor, kit.layers);
      built.set(name, b);
    }
    return b;
  };
  topology.calls.forEach((c) => layerOf(c.entry.name, c.entry.className, c.entry.config as Record<string, unknown>));

  // A Sequential without an input shape takes its first layer's (a nested model's InputLayer); a
  // nested Sequential without one takes its caller's when called (nested-model.ts).
  let inputs = topology.inputs;
  if (topology.kind === 'sequential' && inputs[0].shape === null) {
    const first = built.get(topology.calls[0].entry.name) as BuiltLayer;
    if (first.layer.inputShape === undefined) {
      return { model: kit.chain(topology.calls.map((c) => (built.get(c.entry.name) as BuiltLayer).layer), topology.name), expected: [] };
    }
    inputs = [{ name: null, shape: first.layer.inputShape }];
  }

  // Infer every call's shape; note the weights each layer will create.
  const shapes = new Map<string, SymbolicShape>();
  inputs.forEach((t) => shapes.set(`${t.name ?? ''}#0`, [null, ...(t.shape as number[])]));
  const expected: ExpectedWeight[] = [];
  for (const call of topology.calls) {
    const { entry } = call;
    const b = built.get(entry.name) as BuiltLayer;
    const inShapes = call.inputs.map((r) => shapes.get(`${r.layer}#${r.node}`) as SymbolicShape);
    try {
      shapes.set(`${entry.name}#${call.node}`, b.layer.computeOutputShapes(inShapes));
    } catch (e) {
      const msg = (e as Error).message;
      throw new Error(msg.startsWith(prefix) ? msg : `${prefix}: ${msg}`);
    }
    if (call.node === 0) for (const [name, s] of b.weights(inShapes[0])) expected.push({ layer: entry.name, className: entry.className, name, shape: s });
  }
  // In the file's layer order, as its weights are listed (matchWeights may fall back to positions).
  const rank = new Map(topology.layers.map((e, i) => [e.name, i]));
  expected.sort((a, b) => (rank.get(a.layer) as number) - (rank.get(b.layer) as number));
  return { model: assemble(topology, inputs, built, kit), expected };
}

/** The tatami model for a checked topology: each call applied in the topology's order. */
function assemble<M extends InferenceModel>(topology: Topology, given: Topology['inputs'], built: ReadonlyMap<string, BuiltLayer>, kit: ModelKit<M>): M {
  const inputs = given.map((t) => input({ shape: t.shape as number[], name: t.name ?? undefined }));
  if (topology.kind === 'sequential') return kit.chain([inputs[0], ...topology.calls.map((c) => (built.get(c.entry.name) as BuiltLayer).layer)], topology.name);
  const tensors = new Map<string, SymbolicTensor>();
  given.forEach((t, i) => tensors.set(`${t.name}#0`, inputs[i]));
  for (const call of topology.calls) {
    const layer = (built.get(call.entry.name) as BuiltLayer).layer;
    const args = call.inputs.map((r) => tensors.get(`${r.layer}#${r.node}`) as SymbolicTensor);
    // A call the file made with training=False keeps it (nested-model.ts, graph.ts).
    tensors.set(`${call.entry.name}#${call.node}`, layer.apply(args.length === 1 ? args[0] : args, { training: call.training }));
  }
  const outputs = topology.outputs.map((r) => tensors.get(`${r.layer}#${r.node}`) as SymbolicTensor);
  return kit.functional({ inputs, outputs, name: topology.name });
}
