/**
 * A Keras model topology → the chain tatami can build: the input shape and the layers in order.
 *
 * Accepted forms: Sequential (layers listed in order, the input shape on the first layer as
 * `batch_input_shape` (Keras 2, tfjs) or `batch_shape` (Keras 3), or an InputLayer first, or
 * `build_input_shape`); functional (`class_name` 'Model' or 'Functional', each layer naming its
 * inputs in `inbound_nodes`, Keras 2 lists or Keras 3 `__keras_tensor__` objects); either wrapped as
 * `{ model_config: ... }` as the tensorflowjs converter writes. tatami models are chains with one
 * input and one output; branches, shared layers and several inputs are refused.
 */
import { ConfigReader } from './config-reader.js';
import { readDtype } from './keras-values.js';
import { type JsonObject, isObject, own, show } from './safe-json.js';

export interface LayerEntry {
  readonly className: string;
  readonly name: string;
  readonly config: JsonObject;
}

export interface Topology {
  readonly kind: 'sequential' | 'functional';
  readonly name: string;
  /** Shape of one sample (no batch axis). */
  readonly inputShape: readonly number[];
  /** Name of the InputLayer, when the file gives one. */
  readonly inputName: string | null;
  /** The layers after the input, in the order data flows through them. */
  readonly layers: readonly LayerEntry[];
}

const MAX_LAYERS = 10_000;
const MAX_INPUT_DIM = 2 ** 24;

export function readTopology(modelTopology: unknown, prefix: string): Topology {
  let top = modelTopology;
  if (isObject(top) && own(top, 'model_config') !== undefined) top = own(top, 'model_config');
  if (!isObject(top)) throw new Error(`${prefix}: modelTopology must be an object, got ${show(top)}`);
  const cls = own(top, 'class_name');
  const config = own(top, 'config');
  if (cls === 'Sequential') return readSequential(config, prefix);
  if (cls === 'Model' || cls === 'Functional') return readFunctional(config, prefix);
  throw new Error(`${prefix}: model class ${show(cls)} is not supported (Sequential, Model or Functional)`);
}

function readSequential(config: unknown, prefix: string): Topology {
  // Keras before 2.2 wrote the layer list as the whole config.
  const list = Array.isArray(config) ? config : isObject(config) ? own(config, 'layers') : undefined;
  const name = isObject(config) && typeof own(config, 'name') === 'string' ? (own(config, 'name') as string) : 'sequential';
  const entries = readEntries(list, prefix);
  let inputShape: number[] | null = null;
  let inputName: string | null = null;
  if (entries.length > 0 && entries[0].className === 'InputLayer') {
    const first = entries.shift() as LayerEntry;
    inputShape = readInputLayer(first, prefix);
    inputName = first.name;
  } else if (entries.length > 0) {
    const c = entries[0].config;
    const given = own(c, 'batch_input_shape') ?? own(c, 'batch_shape');
    if (given !== undefined) inputShape = readBatchShape(given, `${prefix}: layer '${entries[0].name}'`);
  }
  const built = isObject(config) ? own(config, 'build_input_shape') : undefined;
  if (inputShape === null && built !== undefined && built !== null) inputShape = readBatchShape(built, `${prefix}: build_input_shape`);
  if (inputShape === null) throw new Error(`${prefix}: the Sequential model has no input shape (no InputLayer, batch_input_shape, batch_shape or build_input_shape)`);
  const stray = entries.find((e) => e.className === 'InputLayer');
  if (stray !== undefined) throw new Error(`${prefix}: InputLayer '${stray.name}' in the middle of a Sequential model`);
  if (entries.length === 0) throw new Error(`${prefix}: the model has no layers`);
  return { kind: 'sequential', name, inputShape, inputName, layers: entries };
}

function readFunctional(config: unknown, prefix: string): Topology {
  if (!isObject(config)) throw new Error(`${prefix}: a functional model's config must be an object, got ${show(config)}`);
  const name = typeof own(config, 'name') === 'string' ? (own(config, 'name') as string) : 'model';
  const layers = own(config, 'layers');
  const entries = readEntries(layers, prefix);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const inputName = singleEndpoint(own(config, 'input_layers'), 'input', prefix);
  const outputName = singleEndpoint(own(config, 'output_layers'), 'output', prefix);
  const rawByName = new Map((layers as unknown[]).map((l, i) => [entries[i].name, l as JsonObject]));
  const input = byName.get(inputName);
  if (input === undefined || input.className !== 'InputLayer') throw new Error(`${prefix}: input '${inputName}' is not an InputLayer of the model`);
  // Walk back from the output to the input; each layer must have exactly one inbound tensor.
  const chain: LayerEntry[] = [];
  const seen = new Set<string>();
  for (let current = outputName; current !== inputName; ) {
    const entry = byName.get(current);
    if (entry === undefined) throw new Error(`${prefix}: layer '${current}' is used but not defined`);
    if (seen.has(current)) throw new Error(`${prefix}: layer '${current}' is part of a cycle`);
    seen.add(current);
    if (entry.className === 'InputLayer') throw new Error(`${prefix}: the output does not come from input '${inputName}' (reached InputLayer '${current}'); tatami models have one input`);
    chain.unshift(entry);
    current = inboundLayer(own(rawByName.get(current) as JsonObject, 'inbound_nodes'), `${prefix}: layer '${current}'`);
  }
  const outside = entries.filter((e) => e.name !== inputName && !seen.has(e.name));
  if (outside.length > 0) {
    throw new Error(`${prefix}: layers ${outside.map((e) => `'${e.name}'`).join(', ')} are not on the path from input to output; tatami models are chains with one input and one output`);
  }
  if (chain.length === 0) throw new Error(`${prefix}: the model has no layers`);
  return { kind: 'functional', name, inputShape: readInputLayer(input, prefix), inputName, layers: chain };
}

function readEntries(list: unknown, prefix: string): LayerEntry[] {
  if (!Array.isArray(list)) throw new Error(`${prefix}: the model config must list its layers, got ${show(list)}`);
  if (list.length > MAX_LAYERS) throw new Error(`${prefix}: ${list.length} layers is more than tatami loads (${MAX_LAYERS})`);
  const names = new Set<string>();
  return list.map((raw, i) => {
    if (!isObject(raw)) throw new Error(`${prefix}: layer ${i} must be an object { class_name, config }, got ${show(raw)}`);
    const className = own(raw, 'class_name');
    const config = own(raw, 'config');
    if (typeof className !== 'string') throw new Error(`${prefix}: layer ${i} has no class_name`);
    if (!isObject(config)) throw new Error(`${prefix}: layer ${i} (${className}) has no config object`);
    const name = own(config, 'name') ?? own(raw, 'name');
    if (typeof name !== 'string' || name.length === 0 || name.length > 256 || /[\u0000-\u001f]/.test(name)) {
      throw new Error(`${prefix}: layer ${i} (${className}) needs a name of 1 to 256 printable characters, got ${show(name)}`);
    }
    if (names.has(name)) throw new Error(`${prefix}: two layers are named '${name}'`);
    names.add(name);
    return { className, name, config };
  });
}

/** [null, 28, 28, 1] → [28, 28, 1]: the batch axis may be null or fixed (tatami accepts any batch). */
function readBatchShape(v: unknown, where: string): number[] {
  if (!Array.isArray(v) || v.length < 2 || v.length > 8) throw new Error(`${where}: input shape must list a batch axis and 1 to 7 sizes, got ${show(v)}`);
  const [batch, ...rest] = v;
  if (batch !== null && !(typeof batch === 'number' && Number.isInteger(batch) && batch > 0)) throw new Error(`${where}: input batch axis must be null or a positive integer, got ${show(batch)}`);
  if (rest.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > MAX_INPUT_DIM)) {
    throw new Error(`${where}: input shape ${show(v)} must have known positive integer sizes (at most ${MAX_INPUT_DIM}) after the batch axis`);
  }
  if ((rest as number[]).reduce((p, d) => p * d, 1) > 2 ** 31) throw new Error(`${where}: input shape ${show(v)} is too large`);
  return rest as number[];
}

function readInputLayer(entry: LayerEntry, prefix: string): number[] {
  const r = new ConfigReader(entry.config, `${prefix}: layer '${entry.name}' (InputLayer)`);
  readDtype(r);
  r.accept('name');
  r.only('sparse', [false, null], 'sparse');
  r.only('ragged', [false, null], 'ragged');
  r.only('optional', [false], 'optional');
  r.nulls('input_tensor');
  const shape = r.get('batch_input_shape') ?? r.get('batch_shape');
  if (shape === undefined) r.fail('needs batch_input_shape or batch_shape');
  r.finish();
  return readBatchShape(shape, r.who);
}

/** input_layers / output_layers: [[name, 0, 0]] (Keras 2, tfjs) or [name, 0, 0] (Keras 3, one tensor). */
function singleEndpoint(v: unknown, what: string, prefix: string): string {
  const list = Array.isArray(v) && typeof v[0] === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length !== 1) {
    throw new Error(`${prefix}: tatami models have exactly one ${what}, the file lists ${Array.isArray(list) ? list.length : show(v)}`);
  }
  return tensorRef(list[0], `${prefix}: ${what}_layers`);
}

/** [layerName, nodeIndex 0, tensorIndex 0, (kwargs)] → layerName. */
function tensorRef(ref: unknown, where: string): string {
  if (!Array.isArray(ref) || typeof ref[0] !== 'string') throw new Error(`${where}: expected [layer name, node index, tensor index], got ${show(ref)}`);
  if ((ref[1] !== undefined && ref[1] !== 0) || (ref[2] !== undefined && ref[2] !== 0)) {
    throw new Error(`${where}: ${show(ref)} uses a layer's node or tensor other than the first; tatami models are chains of single-use layers`);
  }
  if (ref.length > 3) checkKwargs(ref[3], where);
  return ref[0];
}

/** Call arguments recorded with a node: only absent ones (null) are supported. */
function checkKwargs(kwargs: unknown, where: string): void {
  if (kwargs === undefined || kwargs === null) return;
  if (!isObject(kwargs)) throw new Error(`${where}: call arguments must be an object, got ${show(kwargs)}`);
  for (const [k, v] of Object.entries(kwargs)) {
    if (v !== null) throw new Error(`${where}: call argument ${k}=${show(v)} is not supported`);
  }
}

/** The one layer feeding this one, from Keras 2 / tfjs or Keras 3 inbound_nodes. */
function inboundLayer(nodes: unknown, where: string): string {
  if (!Array.isArray(nodes) || nodes.length !== 1) {
    throw new Error(`${where}: expected exactly one inbound node, got ${Array.isArray(nodes) ? nodes.length : show(nodes)} (shared layers are not supported)`);
  }
  const node = nodes[0];
  if (Array.isArray(node)) {
    if (node.length !== 1) throw new Error(`${where}: takes ${node.length} inputs; tatami layers take one`);
    return tensorRef(node[0], where);
  }
  if (isObject(node)) {
    const args = own(node, 'args');
    checkKwargs(own(node, 'kwargs'), where);
    const list = Array.isArray(args) && args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
    if (!Array.isArray(list) || list.length !== 1) throw new Error(`${where}: takes ${Array.isArray(list) ? list.length : show(list)} inputs; tatami layers take one`);
    const t = list[0];
    const cfg = isObject(t) ? own(t, 'config') : undefined;
    if (!isObject(t) || own(t, 'class_name') !== '__keras_tensor__' || !isObject(cfg)) throw new Error(`${where}: inbound argument ${show(t)} is not a Keras tensor`);
    return tensorRef(own(cfg, 'keras_history'), where);
  }
  throw new Error(`${where}: inbound node ${show(node)} is not understood`);
}
