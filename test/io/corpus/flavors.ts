/**
 * How each generation writes a model file: the same recorded graph (net.ts) emitted as Keras 2.1,
 * Keras 2.2, tf.keras 2.3–2.15, Keras 3.x (through the tensorflowjs converter) or tfjs 1.x–4.x
 * (`model.save`) write it. The differences reproduced here were read in public model.json files and
 * in the Keras and tfjs-layers sources; the files are written here.
 */
import { prefixed, type LayerRec, type Net, type Ref, type Weight } from './net.js';

type Json = Record<string, unknown>;

export interface Flavor {
  /** 'keras2' covers standalone Keras and tf.keras 2.x; 'tfjs' is tfjs's own model.save. */
  readonly writer: 'keras2' | 'keras3' | 'tfjs';
  /** keras_version: '2.2.4', '2.11.0', '3.6.0', 'tfjs-layers 1.3.1'. */
  readonly version: string;
  /** Converter version for converter output ('TensorFlow.js Converter v1.2.6'); null: tfjs save; undefined: pre-1.0 converter (no format fields). */
  readonly converter?: string | null;
  /** Initializer spelling: Keras 2.2's VarianceScaling, tf.keras's classes, tfjs's VarianceScaling, Keras 3's module form. */
  readonly init: 'variance-scaling' | 'classes' | 'tfjs' | 'keras3';
  /** Sequential config: Keras 2.1's bare list; {name, layers}; with an InputLayer first (tf.keras ≥ 2.4, Keras 3). */
  readonly sequential?: 'list' | 'object' | 'input-layer';
  /** Class name of a functional model: 'Model' (Keras ≤ 2.3, tfjs) or 'Functional' (tf.keras ≥ 2.4, Keras 3). */
  readonly functional?: 'Model' | 'Functional';
  /** BatchNormalization's axis: -1 as given; Keras 2.2's applications pass 3 ('int'); tf.keras ≥ 2.2 writes the resolved axis as a list ([3]). */
  readonly bnAxis?: 'int' | 'list';
  /** Keras 3.4's dtype policy class (FloatDTypePolicy) instead of DTypePolicy. */
  readonly floatPolicy?: boolean;
  /** Sequential without an input layer, built by its first fit: `build_input_shape` only (tf.keras 2.x). */
  readonly builtByFit?: boolean;
  /** tf.keras ≥ 2.3 writes Conv2D's `groups`. */
  readonly groups?: boolean;
  /** tfjs 1.0 saved VarianceScaling with mode null. */
  readonly nullMode?: boolean;
  /** Node index of the first call of a nested model in references: 1 (Keras 2, tfjs) or 0. */
  readonly nestedNode?: 0 | 1;
  /** Standalone Keras 2.1–2.2 wrote `dtype` only on the layer that takes the input. */
  readonly dtypeFirstOnly?: boolean;
  /** Hand-edited Keras 3 files: entries stripped of module / registered_name / build_config. */
  readonly stripped?: boolean;
}

const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

/** An initializer by Keras 2 name, as this flavor writes it. */
function initializer(name: string, f: Flavor): Json {
  const vs: Record<string, [number, string, string]> = {
    glorot_uniform: [1, 'fan_avg', 'uniform'], glorot_normal: [1, 'fan_avg', 'normal'], he_normal: [2, 'fan_in', 'normal'], he_uniform: [2, 'fan_in', 'uniform'],
  };
  const cls = name.split('_').map((p) => p[0].toUpperCase() + p.slice(1)).join('');
  if (name === 'zeros' || name === 'ones') {
    return f.init === 'keras3' ? { module: 'keras.initializers', class_name: cls, config: {}, registered_name: null } : { class_name: cls, config: {} };
  }
  if (name === 'random_uniform') {
    const config = { minval: -0.05, maxval: 0.05, seed: null };
    return f.init === 'keras3' ? { module: 'keras.initializers', class_name: 'RandomUniform', config, registered_name: null } : { class_name: 'RandomUniform', config };
  }
  if (f.init === 'variance-scaling' || f.init === 'tfjs') {
    const [scale, mode, distribution] = vs[name];
    return { class_name: 'VarianceScaling', config: { scale, mode: f.nullMode === true ? null : mode, distribution, seed: null } };
  }
  if (f.init === 'keras3') return { module: 'keras.initializers', class_name: cls, config: { seed: null }, registered_name: null };
  return { class_name: cls, config: { seed: null } };
}

/** A layer's config as this flavor writes it; `frozen`: inside a frozen model of a Keras 2 or tfjs file. */
function layerConfig(l: LayerRec, f: Flavor, first: Ref | null, frozen: boolean): Json {
  const out: Json = { name: l.name, trainable: frozen ? false : l.config.trainable ?? true };
  // tf.keras 2.x keeps the first layer's batch_input_shape beside the InputLayer; Keras 3 does not.
  if (first !== null && f.builtByFit !== true && (f.sequential !== 'input-layer' || f.writer === 'keras2')) out.batch_input_shape = [null, ...first.shape];
  if (f.writer === 'keras3') out.dtype = f.floatPolicy === true ? { ...policy, class_name: 'FloatDTypePolicy' } : policy;
  else if (f.dtypeFirstOnly !== true || first !== null) out.dtype = 'float32';
  for (const [k, v] of Object.entries(l.config)) {
    if (k === 'trainable') continue;
    if (isInit(v)) out[k] = initializer(v.init, f);
    else if (k === 'axis' && l.cls === 'BatchNormalization') out[k] = f.bnAxis === 'list' ? [l.inputShape[0].length] : f.bnAxis === 'int' ? l.inputShape[0].length : v;
    else out[k] = v;
  }
  if (f.groups === true && (l.cls === 'Conv2D' || l.cls === 'Conv1D')) out.groups = 1;
  if (f.writer === 'keras3' && l.cls === 'BatchNormalization') out.synchronized = false;
  // Keras 3 renamed LeakyReLU's alpha to negative_slope.
  if (f.writer === 'keras3' && l.cls === 'LeakyReLU') {
    out.negative_slope = out.alpha;
    delete out.alpha;
  }
  // Keras 3's augmentation layers write their data_format, RandomRotation its factor as a range;
  // Keras 3.0–3.5's RandomRotation also its value_range (which rotation does not use).
  if (f.writer === 'keras3' && l.cls.startsWith('Random')) out.data_format = 'channels_last';
  if (f.writer === 'keras3' && l.cls === 'RandomRotation') {
    out.factor = typeof out.factor === 'number' ? [-out.factor, out.factor] : out.factor;
    if (Number(f.version.split('.')[1]) <= 5) out.value_range = [0, 255];
  }
  // Recent Keras 3 write Dense's and Embedding's quantization_config (null when not quantized).
  if (f.writer === 'keras3' && Number(f.version.split('.')[1]) >= 10 && (l.cls === 'Dense' || l.cls === 'Embedding')) out.quantization_config = null;
  // tf.keras ≥ 2.6 and Keras 3 write the global poolings' keepdims.
  const [major, minor] = f.version.split('.').map((p) => Number.parseInt(p, 10));
  if ((f.writer === 'keras3' || (f.writer === 'keras2' && major === 2 && minor >= 6)) && l.cls.startsWith('Global')) out.keepdims = false;
  return out;
}

const isInit = (v: unknown): v is { init: string } => typeof v === 'object' && v !== null && 'init' in v;

/** A reference to a call's output, numbering a nested model's calls from `nestedNode`. */
function refNode(net: Net, r: Ref, f: Flavor): number {
  const l = net.layers.find((x) => x.name === r.layer) as LayerRec;
  return l.inner !== undefined ? r.node + (f.nestedNode ?? 1) : r.node;
}

function inboundNodes(net: Net, l: LayerRec, f: Flavor): unknown[] {
  if (f.writer !== 'keras3') return l.calls.map((c) => c.inputs.map((r) => [r.layer, refNode(net, r, f), 0, c.kwargs]));
  return l.calls.map((c) => {
    const tensors = c.inputs.map((r) => ({ class_name: '__keras_tensor__', config: { shape: [null, ...r.shape], dtype: 'float32', keras_history: [r.layer, refNode(net, r, f), 0] } }));
    return { args: tensors.length === 1 ? tensors : [tensors], kwargs: c.kwargs };
  });
}

/**
 * One layer entry (nested models recursively). A frozen nested model: Keras 3 writes `trainable:
 * false` in its config; Keras 2 and tfjs, whose `model.trainable = false` sets every layer's flag,
 * write it on each of its layers.
 */
function entry(net: Net, l: LayerRec, f: Flavor, first: Ref | null, withNodes: boolean, frozen: boolean): Json {
  let e: Json;
  if (l.inner !== undefined) {
    const cls = l.inner.kind() === 'Model' ? (f.functional ?? 'Model') : 'Sequential';
    const inner = frozen || (l.config.trainable === false && f.writer !== 'keras3');
    const config = modelConfig(l.inner, f, inner);
    if (l.config.trainable === false && f.writer === 'keras3') config.trainable = false;
    e = { class_name: cls, config };
    if (f.writer === 'keras3') e = { module: cls === 'Functional' ? 'keras.src.models.functional' : 'keras', ...e, registered_name: cls === 'Functional' ? 'Functional' : null, build_config: { input_shape: [null, ...l.inputShape[0]] } };
  } else if (l.cls === 'InputLayer') {
    const shape = [null, ...l.inputShape[0]];
    const config: Json = f.writer === 'keras3' ? { batch_shape: shape, dtype: 'float32', sparse: false, name: l.name } : { batch_input_shape: shape, dtype: 'float32', sparse: false, name: l.name };
    if (f.writer === 'keras2' && f.groups === true) config.ragged = false;
    if (f.writer === 'keras3' && Number(f.version.split('.')[1]) >= 6) config.optional = false;
    if (f.writer === 'keras3' && Number(f.version.split('.')[1]) >= 9) config.ragged = false;
    e = f.writer === 'keras3' && f.stripped !== true ? { module: 'keras.layers', class_name: 'InputLayer', config, registered_name: null } : { class_name: 'InputLayer', config };
  } else {
    e = { class_name: l.cls, config: layerConfig(l, f, first, frozen) };
    if (f.writer === 'keras3' && f.stripped !== true) e = { module: 'keras.layers', ...e, registered_name: null, build_config: { input_shape: l.inputShape.length === 1 ? [null, ...l.inputShape[0]] : l.inputShape.map((s) => [null, ...s]) } };
  }
  if (!withNodes) return e;
  e.name = l.name;
  e.inbound_nodes = l.cls === 'InputLayer' ? [] : inboundNodes(net, l, f);
  return e;
}

/** A model's config: Sequential (layers in order) or functional (layers with their calls); `frozen` as in entry(). */
export function modelConfig(net: Net, f: Flavor, frozen = false): Json {
  if (net.kind() === 'Sequential') {
    const body = net.layers.filter((l) => l.cls !== 'InputLayer');
    const input = net.inputs[0];
    // A Sequential whose first layer is a nested model (Teachable Machine's) names no input shape.
    const firstIsModel = body[0].inner !== undefined;
    const layers = body.map((l, i) => entry(net, l, f, i === 0 && !firstIsModel ? input : null, false, frozen));
    if (f.sequential === 'input-layer' && !firstIsModel && f.builtByFit !== true) layers.unshift(entry(net, net.layers[0], f, null, false, frozen));
    if (f.sequential === 'list') return layers as unknown as Json;
    const config: Json = { name: net.name, layers };
    if (f.builtByFit === true) config.build_input_shape = [null, ...input.shape];
    if (f.writer === 'keras3') Object.assign(config, { trainable: true, dtype: policy, build_input_shape: [null, ...input.shape] });
    return config;
  }
  const ends = (refs: Ref[]): unknown => {
    const list = refs.map((r) => [r.layer, refNode(net, r, f), 0]);
    return f.writer === 'keras3' && list.length === 1 ? list[0] : list;
  };
  const config: Json = { name: net.name, layers: net.layers.map((l) => entry(net, l, f, null, true, frozen)), input_layers: ends(net.inputs), output_layers: ends(net.outputs) };
  if (f.writer === 'keras3') Object.assign(config, { trainable: true });
  return config;
}

export type Quantization = 'uint8' | 'uint16' | 'float16' | null;

export interface ManifestSpec {
  /** How the weights are grouped: one group in `shards` shards, or one group per layer (converters before 1.0). */
  readonly layout: { shards: number } | 'per-layer';
  /** Shard file name when there is one shard (`weights.bin`, `./model.weights.bin`, `group1-shard1of1.bin`). */
  readonly path?: string;
  /**
   * Weight name form: `conv2d/kernel`; with the model's name first (Keras 3); with `:0` (TF 1.x); or
   * a nested model's weights under its name (`mobilenetv2_1.00_160/Conv1/kernel`).
   */
  readonly names?: 'plain' | 'model-prefix' | 'colon-zero' | 'nested-prefix';
  readonly quantization?: Quantization;
  /** tfjs's model.save(…, { includeOptimizer: true }): Adam's state after the weights, group 'optimizer' (its step count int32). */
  readonly optimizer?: boolean;
  /** Quantization entries name the dtype they were quantized from (`original_dtype`, newer converters). */
  readonly originalDtype?: boolean;
  /** Entries in the order of their names, not the layers' (an HDF5 file's groups are sorted by name). */
  readonly sorted?: boolean;
  /** Keras 3's weight names where they differ from Keras 2's (DepthwiseConv2D's 'kernel'). */
  readonly keras3?: boolean;
}

/** The range the corpus test draws a weight's values from (test weights are random but sensible). */
export function weightRange(name: string, shape: readonly number[]): [number, number] {
  const leaf = name.replace(/:0$/, '').split('/').pop() as string;
  if (leaf === 'moving_variance' || leaf === 'gamma') return [0.5, 1.5];
  if (leaf === 'moving_mean' || leaf === 'beta' || leaf === 'bias') return [-0.2, 0.2];
  const fanIn = shape.length < 2 ? 1 : shape.slice(0, -1).reduce((p, d) => p * d, 1);
  const a = Math.sqrt(3 / Math.max(fanIn, 1));
  return [-a, a];
}

function manifestEntry(w: Weight, name: string, q: Quantization, originalDtype: boolean): Json {
  const e: Json = { name, shape: w.shape, dtype: 'float32' };
  const original = originalDtype ? { original_dtype: 'float32' } : {};
  if (q === 'float16') e.quantization = { dtype: 'float16', ...original };
  else if (q !== null) {
    const [lo, hi] = weightRange(w.name, w.shape);
    e.quantization = { dtype: q, min: lo, scale: (hi - lo) / (q === 'uint8' ? 255 : 65535), ...original };
  }
  return e;
}

/** The weightsManifest of a model: names and layout as `spec` says. */
export function manifest(net: Net, spec: ManifestSpec): Json[] {
  const q = spec.quantization ?? null;
  const k3 = (w: Weight): Weight => (spec.keras3 === true && w.keras3 !== undefined ? { name: w.keras3, shape: w.shape } : w);
  const nameOf = (n: string): string => {
    if (spec.names === 'model-prefix') return `${net.name}/${n}`;
    if (spec.names === 'colon-zero') return `${n}:0`;
    return n;
  };
  if (spec.layout === 'per-layer') {
    const withWeights = net.layers.filter((l) => l.weights.length > 0);
    return withWeights.map((l, g) => ({
      paths: [`group${g + 1}-shard1of1`],
      weights: (l.inner !== undefined ? l.weights : l.weights.map((w) => prefixed(l.name, w))).map(k3).map((w) => manifestEntry(w, nameOf(w.name), q, spec.originalDtype === true)),
    }));
  }
  const n = spec.layout.shards;
  const paths = n === 1 ? [spec.path ?? 'group1-shard1of1.bin'] : Array.from({ length: n }, (_, i) => `group1-shard${i + 1}of${n}.bin`);
  // A nested model's weights: tfjs and Keras 2 write the inner path, Keras 3 adds the model names.
  const weights = net.layers.flatMap((l) =>
    l.inner !== undefined
      ? l.weights.map(k3).map((w) => ({ ...w, name: spec.names === 'model-prefix' || spec.names === 'nested-prefix' ? `${l.name}/${w.name}` : w.name }))
      : l.weights.map((w) => k3(prefixed(l.name, w))),
  );
  const entries = weights.map((w) => manifestEntry(w, nameOf(w.name), q, spec.originalDtype === true));
  if (spec.sorted === true) entries.sort((a, b) => ((a.name as string) < (b.name as string) ? -1 : 1));
  if (spec.optimizer === true) {
    entries.push({ name: 'iter', shape: [], dtype: 'int32', group: 'optimizer' });
    for (const w of weights) for (const s of ['m', 'v']) entries.push({ name: `${w.name}/${s}`, shape: w.shape, dtype: 'float32', group: 'optimizer' });
  }
  return [{ paths, weights: entries }];
}

/** The whole model.json. */
export function modelJson(net: Net, f: Flavor, spec: ManifestSpec, extra: Json = {}): Json {
  const cls = net.kind() === 'Sequential' ? 'Sequential' : (f.functional ?? 'Model');
  const config = modelConfig(net, f);
  const weightsManifest = manifest(net, { ...spec, keras3: f.writer === 'keras3' });
  if (f.writer === 'tfjs') {
    const v = f.version.replace('tfjs-layers ', '');
    // tfjs before 1.0 wrote neither format nor generatedBy.
    if (v.startsWith('0.')) return { modelTopology: { class_name: cls, config, keras_version: f.version, backend: 'tensor_flow.js' }, weightsManifest };
    return { modelTopology: { class_name: cls, config, keras_version: f.version, backend: 'tensor_flow.js' }, format: 'layers-model', generatedBy: `TensorFlow.js tfjs-layers v${v}`, convertedBy: null, ...extra, weightsManifest };
  }
  // Keras 3 serializes the whole model as an object too, with its build and compile configs.
  const keras3Top = { module: cls === 'Functional' ? 'keras.src.models.functional' : 'keras', class_name: cls, config, registered_name: cls === 'Functional' ? 'Functional' : null, build_config: { input_shape: [null, ...net.inputs[0].shape] }, compile_config: { optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'], loss_weights: null, weighted_metrics: null, run_eagerly: false, steps_per_execution: 1, jit_compile: false } };
  const top: Json = f.writer === 'keras3' && f.stripped !== true ? keras3Top : { class_name: cls, config };
  const modelTopology = { keras_version: f.version, backend: 'tensorflow', model_config: top, ...extra };
  if (f.converter === undefined) return { modelTopology, weightsManifest };
  return { format: 'layers-model', generatedBy: `keras v${f.version}`, convertedBy: f.converter, modelTopology, weightsManifest };
}
