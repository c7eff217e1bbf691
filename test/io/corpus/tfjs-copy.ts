/**
 * A hand-converted copy of a model file that tfjs 4.22 can read, as the scripts people publish do it
 * for Keras 3 files: Keras 3 entries back to the Keras 2 form (no module / registered_name /
 * build_config, `batch_shape` → `batch_input_shape`, DTypePolicy → 'float32', `__keras_tensor__`
 * nodes → [name, node, tensor] lists, a single input/output endpoint → a list, Functional → Model,
 * a nested model's calls numbered from 1, LeakyReLU's negative_slope → alpha), weight names without
 * the models' prefixes or `:0` (and DepthwiseConv2D's `kernel` back to `depthwise_kernel`), and
 * the augmentation layers tfjs lacks (identities in inference) replaced by linear Activations.
 * Written here for the corpus test; the meaning of every layer is unchanged.
 */
type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Layer classes tfjs 4.22 does not have that compute the identity in inference. */
const INFERENCE_IDENTITY = ['RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast'];
const MODELS = ['Model', 'Functional', 'Sequential'];

function history(t: unknown): [string, number, number] {
  const h = (isObj(t) && isObj(t.config) ? t.config.keras_history : t) as [string, number, number];
  return [h[0], h[1], h[2]];
}

/** A layer entry, nested models recursively; `nestedNames` collects the nested models' names. */
function convertEntry(e: Json, nestedNames: Set<string>): Json {
  const cls = e.class_name as string;
  const out: Json = { class_name: cls === 'Functional' ? 'Model' : cls };
  if (typeof e.name === 'string') out.name = e.name;
  if (MODELS.includes(cls)) {
    nestedNames.add((e.config as Json).name as string);
    out.config = convertModelConfig(e.config, cls, nestedNames);
  } else if (INFERENCE_IDENTITY.includes(cls)) {
    const c = e.config as Json;
    out.class_name = 'Activation';
    out.config = { name: c.name, trainable: c.trainable, activation: 'linear', ...(c.batch_input_shape !== undefined ? { batch_input_shape: c.batch_input_shape } : {}) };
  } else {
    out.config = convertValue(e.config);
    // Keras 3 calls LeakyReLU's slope negative_slope; tfjs, as Keras 2, alpha.
    const c = out.config as Json;
    if (cls === 'LeakyReLU' && c.negative_slope !== undefined) {
      c.alpha = c.negative_slope;
      delete c.negative_slope;
    }
  }
  if (e.inbound_nodes !== undefined) out.inbound_nodes = (e.inbound_nodes as unknown[]).map((n) => {
    if (Array.isArray(n)) return n;
    const args = (n as Json).args as unknown[];
    const tensors = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    return tensors.map((t) => [...history(t), {}]);
  });
  return out;
}

/** Config values: DTypePolicy → 'float32'; initializers etc. without module / registered_name; batch_shape renamed. */
function convertValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(convertValue);
  if (!isObj(v)) return v;
  if (v.class_name === 'DTypePolicy') return 'float32';
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'module' || k === 'registered_name' || k === 'build_config' || k === 'optional' || k === 'synchronized') continue;
    out[k === 'batch_shape' ? 'batch_input_shape' : k] = convertValue(x);
  }
  return out;
}

function convertModelConfig(config: unknown, cls: string, nestedNames: Set<string>): unknown {
  if (Array.isArray(config)) return config.map((e) => convertEntry(e as Json, nestedNames));
  const c = config as Json;
  const layers = (c.layers as Json[]).map((e) => convertEntry(e, nestedNames));
  // A Sequential built by its first fit names its input shape only in build_input_shape.
  if (cls === 'Sequential' && c.build_input_shape !== undefined && (layers[0].config as Json).batch_input_shape === undefined) {
    (layers[0].config as Json).batch_input_shape = c.build_input_shape;
  }
  if (cls === 'Sequential') return { name: c.name, layers };
  // tfjs numbers a nested model's calls from 1 (its node 0 is its own graph).
  const nested = new Set(layers.filter((l) => MODELS.includes(l.class_name as string)).map((l) => l.name as string));
  const zeroBased = new Set([...nested].filter((name) => layers.some((l) => ((l.inbound_nodes ?? []) as unknown[][][]).some((node) => node.some((r) => r[0] === name && r[1] === 0)))));
  const renumber = (r: unknown[]): unknown[] => (zeroBased.has(r[0] as string) ? [r[0], (r[1] as number) + 1, ...r.slice(2)] : r);
  for (const l of layers) if (l.inbound_nodes !== undefined) l.inbound_nodes = (l.inbound_nodes as unknown[][][]).map((node) => node.map(renumber));
  const ends = (v: unknown): unknown[] => (Array.isArray(v) && typeof v[0] === 'string' ? [v] : (v as unknown[])).map((r) => renumber(r as unknown[]));
  return { name: c.name, layers, input_layers: ends(c.input_layers), output_layers: ends(c.output_layers) };
}

/** The tfjs-readable copy: { modelTopology, weightSpecs } for tf.io.fromMemory. */
export function tfjsReadableCopy(modelJson: Json): { modelTopology: Json; weightSpecs: Json[] } {
  const top = modelJson.modelTopology as Json;
  const inner = (top.model_config ?? top) as Json;
  const nestedNames = new Set<string>([(inner.config as Json & { name?: string }).name ?? '']);
  const cls = inner.class_name as string;
  const modelTopology = { class_name: cls === 'Functional' ? 'Model' : cls, config: convertModelConfig(inner.config, cls, nestedNames) };
  // Keras 3 names DepthwiseConv2D's kernel 'kernel'; tfjs, as Keras 2, 'depthwise_kernel'.
  const depthwise = new Set<string>();
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (isObj(v)) {
      if (v.class_name === 'DepthwiseConv2D' && isObj(v.config)) depthwise.add(v.config.name as string);
      Object.values(v).forEach(collect);
    }
  };
  collect(modelTopology);
  const strip = (name: string): string => {
    const parts = name.replace(/:0$/, '').split('/');
    while (parts.length > 2 && nestedNames.has(parts[0])) parts.shift();
    if (parts.length === 2 && depthwise.has(parts[0]) && parts[1] === 'kernel') parts[1] = 'depthwise_kernel';
    return parts.join('/');
  };
  const weightSpecs = (modelJson.weightsManifest as Json[]).flatMap((g) => (g.weights as Json[]).map((w) => ({ ...w, name: strip(w.name as string) })));
  return { modelTopology, weightSpecs };
}
