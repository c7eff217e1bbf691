/**
 * A Keras model topology → the graph tatami builds: the input layers, the other layers, and every
 * layer call (Keras's nodes) with the tensors it takes, in an order where each call comes after the
 * calls it takes from.
 *
 * Accepted forms: Sequential (layers listed in order, the input shape on the first layer as
 * `batch_input_shape` (Keras 2, tfjs) or `batch_shape` (Keras 3), or an InputLayer first, or
 * `build_input_shape`); functional (`class_name` 'Model' or 'Functional', `input_layers` and
 * `output_layers`, each layer naming what it takes in `inbound_nodes`: Keras 2 lists,
 * `[[["name", node, tensor, {}], ...], ...]`, one list per call, or Keras 3 objects,
 * `[{ args: [tensor or [tensors]], kwargs }]` with `{ class_name: '__keras_tensor__', config: { keras_history: [name, node, tensor] } }`);
 * either wrapped as `{ model_config: ... }` as the tensorflowjs converter writes. A layer with several
 * inbound nodes is shared (one set of weights, several calls).
 */
import { ConfigReader } from './config-reader.js';
import { readDtype } from './keras-values.js';
import { refuseOutOfScope } from './out-of-scope.js';
import { type JsonObject, isObject, own, show } from './safe-json.js';

/** A tensor in the file: the `node`-th call of layer `layer` (tatami layers give one tensor per call). */
export interface TensorRef {
  readonly layer: string;
  readonly node: number;
}

export interface LayerEntry {
  readonly className: string;
  readonly name: string;
  readonly config: JsonObject;
}

/** One layer call: the layer, which call it is, what it takes, and its `training` argument if the file pins it. */
export interface CallEntry {
  readonly entry: LayerEntry;
  readonly node: number;
  readonly inputs: readonly TensorRef[];
  readonly training?: boolean;
}

/** One inbound node of a file: its input tensors and call arguments. */
interface InboundNode {
  readonly inputs: TensorRef[];
  readonly training?: boolean;
}

export interface Topology {
  readonly kind: 'sequential' | 'functional';
  readonly name: string;
  /**
   * The input layers: name (null when a Sequential file gives none) and the shape of one sample; null
   * for a Sequential whose shape is its first layer's, a nested model (Teachable Machine's outer
   * Sequential), or its caller's (a nested Sequential head).
   */
  readonly inputs: readonly { readonly name: string | null; readonly shape: readonly number[] | null }[];
  /** The layers other than inputs, in the file's order (the order its weights are listed in). */
  readonly layers: readonly LayerEntry[];
  /** Every layer call, each after the calls it takes from (for Sequential, the layers in order). */
  readonly calls: readonly CallEntry[];
  readonly outputs: readonly TensorRef[];
}

const MAX_LAYERS = 10_000;
const MAX_INPUT_DIM = 2 ** 24;
const MAX_NODES = 1_000;

export function readTopology(modelTopology: unknown, prefix: string): Topology {
  // tensorflowjs's converter wraps the topology as { model_config }; a wrapper holding null is refused below.
  const wrapped = own(modelTopology, 'model_config');
  const top = wrapped === undefined ? modelTopology : wrapped;
  const cls = own(top, 'class_name');
  const config = own(top, 'config');
  if (cls === 'Sequential') return readSequential(config, prefix);
  if (cls === 'Model' || cls === 'Functional') return readFunctional(config, prefix);
  throw new Error(`${prefix}: modelTopology must be { class_name: 'Sequential', 'Model' or 'Functional', config }, got ${show(top)}`);
}

function readSequential(config: unknown, prefix: string): Topology {
  // Keras before 2.2 wrote the layer list as the whole config.
  const list = Array.isArray(config) ? config : own(config, 'layers');
  const name = typeof own(config, 'name') === 'string' ? (own(config, 'name') as string) : 'sequential';
  const entries = readEntries(list, prefix);
  // The input shape: an InputLayer's, else the first layer's, else build_input_shape, else none.
  const input = entries[0]?.className === 'InputLayer' ? (entries.shift() as LayerEntry) : undefined;
  const given = own(entries[0]?.config, 'batch_input_shape') ?? own(entries[0]?.config, 'batch_shape');
  const built = own(config, 'build_input_shape');
  const shape =
    input !== undefined ? readInputLayer(input, prefix)
    : given !== undefined ? readBatchShape(given, `${prefix}: layer '${entries[0].name}'`)
    : built !== undefined && built !== null ? readBatchShape(built, `${prefix}: build_input_shape`)
    : null;
  const stray = entries.find((e) => e.className === 'InputLayer');
  if (stray !== undefined) throw new Error(`${prefix}: InputLayer '${stray.name}' in the middle of a Sequential model`);
  if (entries.length === 0) throw new Error(`${prefix}: the model has no layers`);
  const calls = entries.map((entry, i) => ({ entry, node: 0, inputs: [{ layer: i === 0 ? input?.name ?? '' : entries[i - 1].name, node: 0 }] }));
  return { kind: 'sequential', name, inputs: [{ name: input?.name ?? null, shape }], layers: entries, calls, outputs: [{ layer: entries[entries.length - 1].name, node: 0 }] };
}

function readFunctional(config: unknown, prefix: string): Topology {
  if (!isObject(config)) throw new Error(`${prefix}: config must be an object, got ${show(config)}`);
  const name = typeof own(config, 'name') === 'string' ? (own(config, 'name') as string) : 'model';
  const raw = own(config, 'layers');
  const entries = readEntries(raw, prefix);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const inputRefs = endpoints(own(config, 'input_layers'), 'input_layers', prefix);
  const given = endpoints(own(config, 'output_layers'), 'output_layers', prefix);
  const inputs = inputRefs.map((ref) => {
    const entry = byName.get(ref.layer);
    if (entry === undefined || entry.className !== 'InputLayer' || ref.node !== 0) throw new Error(`${prefix}: input '${ref.layer}' is not an InputLayer`);
    return { name: entry.name, shape: readInputLayer(entry, prefix) };
  });
  const stray = entries.find((e) => e.className === 'InputLayer' && !inputRefs.some((r) => r.layer === e.name));
  if (stray !== undefined) throw new Error(`${prefix}: InputLayer '${stray.name}' is not listed in input_layers`);
  // Every call of every other layer, then an order in which each call's inputs exist before it.
  const read: CallEntry[] = entries.flatMap((entry, i) =>
    entry.className === 'InputLayer' ? [] : readInboundNodes(own((raw as JsonObject[])[i], 'inbound_nodes'), `${prefix}: layer '${entry.name}'`).map((call, node) => ({ entry, node, ...call })),
  );
  const renumber = nestedCallNumbers(entries, [...read.flatMap((c) => c.inputs), ...given]);
  const pending = read.map((c) => ({ ...c, inputs: c.inputs.map(renumber) }));
  const outputs = given.map(renumber);
  const made = new Set(inputs.map((t) => `${t.name}#0`));
  const key = (r: TensorRef): string => `${r.layer}#${r.node}`;
  const calls: CallEntry[] = [];
  // Keras's from_config does the same: take every call whose inputs exist, until none is left.
  while (pending.length > 0) {
    const ready = pending.filter((c) => c.inputs.every((r) => made.has(key(r))) && (c.node === 0 || made.has(`${c.entry.name}#${c.node - 1}`)));
    if (ready.length === 0) {
      const c = pending[0];
      const missing = c.inputs.find((r) => !made.has(key(r))) as TensorRef;
      const why = byName.has(missing.layer) ? 'never computed (a cycle, or a call the file does not have)' : 'not a layer of the model';
      throw new Error(`${prefix}: layer '${c.entry.name}' (call ${c.node}) takes '${missing.layer}' call ${missing.node}, which is ${why}`);
    }
    for (const c of ready) {
      pending.splice(pending.indexOf(c), 1);
      made.add(`${c.entry.name}#${c.node}`);
      calls.push(c);
    }
  }
  const unknown = outputs.find((r) => !made.has(key(r)));
  if (unknown !== undefined) throw new Error(`${prefix}: output '${unknown.layer}' call ${unknown.node} is not computed`);
  if (calls.length === 0) throw new Error(`${prefix}: the model has no layers`);
  return { kind: 'functional', name, inputs, layers: entries.filter((e) => e.className !== 'InputLayer'), calls, outputs };
}

/**
 * Keras and tfjs give a nested model a first node of its own (its inputs to its outputs), so a file
 * numbers the tensors of its calls from 1 while listing only the calls in its inbound_nodes. When
 * every reference (`refs`) to a nested model's output is 1 or more, they are renumbered from 0, as its
 * calls: the renumbering of a reference.
 */
function nestedCallNumbers(entries: readonly LayerEntry[], refs: readonly TensorRef[]): (r: TensorRef) => TensorRef {
  const shifted = new Set(
    entries
      .filter((e) => NESTED_MODEL_CLASSES.includes(e.className))
      .map((e) => e.name)
      .filter((name) => refs.some((r) => r.layer === name) && refs.every((r) => r.layer !== name || r.node >= 1)),
  );
  return (r) => (shifted.has(r.layer) ? { layer: r.layer, node: r.node - 1 } : r);
}

/** Layer classes that are models nested in a model. */
export const NESTED_MODEL_CLASSES: readonly string[] = ['Sequential', 'Model', 'Functional'];

function readEntries(list: unknown, prefix: string): LayerEntry[] {
  if (!Array.isArray(list) || list.length > MAX_LAYERS) throw new Error(`${prefix}: layers must be a list of at most ${MAX_LAYERS}, got ${show(list)}`);
  const names = new Set<string>();
  return list.map((raw, i) => {
    const className = own(raw, 'class_name');
    const config = own(raw, 'config');
    if (typeof className !== 'string' || !isObject(config)) throw new Error(`${prefix}: layer ${i} must be { class_name, config: {...} }, got ${show(raw)}`);
    const name = own(config, 'name') ?? own(raw, 'name');
    if (typeof name !== 'string' || !/^[^\u0000-\u001f]{1,256}$/.test(name)) {
      throw new Error(`${prefix}: layer ${i} (${className}): name must be 1 to 256 printable characters, got ${show(name)}`);
    }
    if (names.has(name)) throw new Error(`${prefix}: two layers are named '${name}'`);
    refuseOutOfScope(className, name, prefix);
    names.add(name);
    return { className, name, config };
  });
}

/** [null, 28, 28, 1] → [28, 28, 1]: the batch axis may be null or fixed (tatami accepts any batch). */
function readBatchShape(v: unknown, where: string): number[] {
  const size = (d: unknown, max: number): boolean => Number.isInteger(d) && (d as number) > 0 && (d as number) <= max;
  const [batch, ...rest] = Array.isArray(v) ? v : [];
  if (rest.length < 1 || rest.length > 7 || (batch !== null && !size(batch, Infinity)) || !rest.every((d) => size(d, MAX_INPUT_DIM)) || rest.reduce((p, d) => p * d, 1) > 2 ** 31) {
    throw new Error(`${where}: input shape must be [null or batch size, 1 to 7 integer sizes in [1, 2²⁴]], at most 2³¹ values (see README 'Model files'), got ${show(v)}`);
  }
  return rest;
}

function readInputLayer(entry: LayerEntry, prefix: string): number[] {
  const r = new ConfigReader(entry.config, `${prefix}: layer '${entry.name}' (InputLayer)`);
  readDtype(r);
  r.accept('name');
  r.only('sparse', [false, null]);
  r.only('ragged', [false, null]);
  r.only('optional', [false]);
  r.nulls('input_tensor');
  // batchInputShape: tfjs's own spelling, found in hand-edited files.
  const shape = r.get('batch_input_shape') ?? r.get('batch_shape') ?? r.get('batchInputShape');
  if (shape === undefined) r.fail('needs batch_input_shape or batch_shape');
  r.finish();
  return readBatchShape(shape, r.who);
}

/** input_layers / output_layers: [[name, node, tensor], ...] (Keras 2, tfjs) or [name, node, tensor] (Keras 3, one tensor). */
function endpoints(v: unknown, what: string, prefix: string): TensorRef[] {
  const list = Array.isArray(v) && typeof v[0] === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_NODES) throw new Error(`${prefix}: ${what} must list 1 to ${MAX_NODES} tensors, got ${show(v)}`);
  return list.map((ref) => tensorRef(ref, `${prefix}: ${what}`));
}

/** [layerName, nodeIndex, tensorIndex 0] → the tensor (a Keras 2 reference's kwargs are read by the caller). */
function tensorRef(ref: unknown, where: string): TensorRef {
  const [layer, n, tensor] = Array.isArray(ref) ? ref : [];
  const node = n ?? 0;
  if (typeof layer !== 'string' || !(Number.isInteger(node) && node >= 0 && node < MAX_NODES)) throw new Error(`${where}: expected [layer name, node index in [0, ${MAX_NODES}), tensor index], got ${show(ref)}`);
  if (tensor !== undefined && tensor !== 0) throw new Error(`${where}: ${show(ref)} takes tensor ${show(tensor)}; tatami layers give one tensor per call`);
  return { layer, node };
}

/**
 * Call arguments recorded with a node: absent ones (null), and `training` (Keras writes
 * `training: false` for a base called as `base(x, training=False)`: that call runs in inference
 * mode, in fit too). Returns the `training` argument, if given.
 */
function readKwargs(kwargs: unknown, where: string): boolean | undefined {
  if (kwargs === undefined || kwargs === null) return undefined;
  if (!isObject(kwargs)) throw new Error(`${where}: call arguments must be an object, got ${show(kwargs)}`);
  for (const [k, v] of Object.entries(kwargs)) {
    if (v !== null && !(k === 'training' && typeof v === 'boolean')) throw new Error(`${where}: call argument ${k}=${show(v)} is not supported`);
  }
  // Every argument left is null, or a boolean `training`.
  return (own(kwargs, 'training') ?? undefined) as boolean | undefined;
}

/** Each call's input tensors and `training` argument, from Keras 2 / tfjs or Keras 3 inbound_nodes. */
function readInboundNodes(nodes: unknown, where: string): InboundNode[] {
  if (!Array.isArray(nodes) || nodes.length === 0 || nodes.length > MAX_NODES) throw new Error(`${where}: inbound_nodes must list 1 to ${MAX_NODES} calls, got ${show(nodes)}`);
  return nodes.map((node): InboundNode => {
    let refs: unknown;
    let training: boolean | undefined;
    if (Array.isArray(node)) {
      // Keras 2 writes the call's kwargs as the fourth element of each input reference.
      training = node.map((ref) => (Array.isArray(ref) && ref.length > 3 ? readKwargs(ref[3], where) : undefined)).find((t) => t !== undefined);
      refs = node;
    } else if (isObject(node)) {
      const args = own(node, 'args');
      training = readKwargs(own(node, 'kwargs'), where);
      // A merge takes its inputs as one list argument: args: [[t1, t2]].
      const list = Array.isArray(args) && args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
      refs = Array.isArray(list) && list.map((t) => {
        const cfg = own(t, 'config');
        if (own(t, 'class_name') !== '__keras_tensor__' || !isObject(cfg)) throw new Error(`${where}: inbound argument ${show(t)} is not a Keras tensor`);
        return own(cfg, 'keras_history');
      });
    }
    if (!Array.isArray(refs) || refs.length === 0) throw new Error(`${where}: an inbound node must be a non-empty list or { args: [tensors] }, got ${show(node)}`);
    return { inputs: refs.map((ref) => tensorRef(ref, where)), ...(training === undefined ? {} : { training }) };
  });
}
