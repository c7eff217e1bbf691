/**
 * A functional model's graph: the layer calls (nodes) between its inputs and outputs, in one
 * topological order computed once when the model is built, and the loop that runs them.
 *
 * A node is the SymbolicTensor a layer call made: its layer and the tensors it took. Running the
 * graph is one pass over `order` with a map from node to value; a value leaves the map after its
 * last consumer has run, so the loop keeps nothing longer than the graph needs: in inference (noGrad,
 * where ops record nothing) the activation can then be freed; in training the recorded ops keep what
 * backward needs.
 *
 * The order of `layers` is Keras's (tf.keras 2 `_map_graph_network`, which tfjs copies): each node
 * gets a depth, 0 for the outputs and 1 + the depth of its deepest consumer otherwise; a layer's
 * depth is its deepest node's; layers are listed from the deepest (the inputs) to depth 0, and
 * within a depth in the order a depth-first walk from the outputs first meets them. Weights, model
 * files and summary() follow this order.
 *
 * One fusion, decided here by what the layers say: a layer that can apply a following ReLU in its
 * own pass (Layer.fusesRelu: BatchNormalization) and whose only consumer is an Activation('relu')
 * (neither an output of the graph, neither with an activity penalty) applies the ReLU (ctx.fusedRelu),
 * and the ReLU node takes that value as it is: one pass over the activation instead of two each way,
 * with the same values and gradients. Asking the layer, not naming its class, keeps the graph from
 * importing BatchNormalization, so a bundle of a model without one carries none of its code.
 */
import type { Tensor } from '../tensor.js';
import { Layer, SymbolicTensor, formatShape, type CallContext } from '../layers/layer.js';
import { InputLayer } from '../layers/input.js';
import { Activation } from '../layers/activation.js';
import { isGradEnabled } from '../grad-mode.js';
import { releaseFloat32 } from '../storage.js';

export interface Graph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Every layer once, in Keras's order (see above). */
  readonly layers: readonly Layer[];
  /** Every node but the inputs, each after the nodes it takes. */
  readonly order: readonly SymbolicTensor[];
  /** For each node, the position in `order` of its last consumer (outputs: never dropped). */
  readonly lastUse: ReadonlyMap<SymbolicTensor, number>;
  /** The ReLU nodes fused into the node before them (see above). */
  readonly fusedRelu: ReadonlySet<SymbolicTensor>;
}

const describeTensor = (t: SymbolicTensor): string => `${t.layer.describe()} ${formatShape(t.shape)}`;

/** Walk the graph from the outputs back to the inputs and check it; `who` starts every error. */
export function buildGraph(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[], who: string): Graph {
  inputs.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) throw new Error(`${who}: inputs[${i}] is not a symbolic tensor (use input({ shape }))`);
    if (!(t.layer instanceof InputLayer)) throw new Error(`${who}: inputs[${i}] must come from input({ shape }), got the output of ${describeTensor(t)}`);
  });
  outputs.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) throw new Error(`${who}: outputs[${i}] is not a symbolic tensor (the result of a layer's apply())`);
  });
  if (inputs.length === 0 || outputs.length === 0) throw new Error(`${who}: needs at least one input and one output`);
  if (new Set(inputs).size !== inputs.length) throw new Error(`${who}: an input is listed twice`);

  // 1. Depth-first from each output: layers numbered as first met, nodes listed after their inputs.
  const layerIndex = new Map<Layer, number>();
  const post: SymbolicTensor[] = [];
  const done = new Set<SymbolicTensor>();
  const given = new Set(inputs);
  for (const out of outputs) {
    const stack: Array<[SymbolicTensor, number]> = [[out, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [node, next] = top;
      if (next === 0) {
        if (!layerIndex.has(node.layer)) layerIndex.set(node.layer, layerIndex.size);
        if (node.inputs.length === 0 && !given.has(node)) {
          throw new Error(`${who}: output ${describeTensor(out)} is not computed from the given inputs: it needs ${describeTensor(node)}, which is not one of them`);
        }
      }
      if (!given.has(node) && next < node.inputs.length) {
        top[1]++;
        const parent = node.inputs[next];
        if (!done.has(parent)) stack.push([parent, 0]);
      } else {
        stack.pop();
        if (!done.has(node)) {
          done.add(node);
          post.push(node);
        }
      }
    }
  }
  const unused = inputs.filter((t) => !done.has(t));
  if (unused.length > 0) throw new Error(`${who}: input ${unused.map(describeTensor).join(', ')} is not used by any output`);

  // 2. Depths, from the outputs (last in `post`) back: a node sits deeper than all its consumers;
  //    a shared layer takes its deepest node's depth.
  const nodeDepth = new Map<SymbolicTensor, number>();
  const layerDepth = new Map<Layer, number>();
  for (let i = post.length - 1; i >= 0; i--) {
    const node = post[i];
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    if (given.has(node)) continue;
    for (const parent of node.inputs) nodeDepth.set(parent, Math.max(depth + 1, nodeDepth.get(parent) ?? 0));
  }

  // 3. Layers by depth, deepest first; ties in order of first meeting.
  const layers = [...layerDepth.keys()].sort((a, b) => (layerDepth.get(b) as number) - (layerDepth.get(a) as number) || (layerIndex.get(a) as number) - (layerIndex.get(b) as number));

  // 4. The run order (the depth-first post-order is topological) and each value's last use.
  const order = post.filter((n) => !given.has(n));
  const lastUse = new Map<SymbolicTensor, number>();
  order.forEach((node, i) => {
    for (const parent of node.inputs) lastUse.set(parent, i);
  });
  for (const out of outputs) lastUse.set(out, Infinity);
  return { inputs, outputs, layers, order, lastUse, fusedRelu: fusibleRelus(order, outputs) };
}

/** The Activation('relu') nodes whose input is a node of a layer that fuses ReLUs (BatchNormalization), which they alone consume (neither an output, neither penalized). */
function fusibleRelus(order: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): Set<SymbolicTensor> {
  const uses = new Map<SymbolicTensor, number>();
  for (const node of order) for (const t of node.inputs) uses.set(t, (uses.get(t) ?? 0) + 1);
  const plain = (node: SymbolicTensor): boolean => !outputs.includes(node) && node.layer.activityRegularizer === null;
  return new Set(order.filter((node) => {
    const [bn] = node.inputs;
    return node.layer instanceof Activation && node.layer.activation === 'relu' && plain(node) &&
      bn.layer.fusesRelu && plain(bn) && uses.get(bn) === 1;
  }));
}

/**
 * Run the graph on concrete inputs (in `graph.inputs` order); returns the outputs in order.
 * `logits[o]`: output o's layer is called with `ctx.logits` (its output before the activation, for a
 * loss from logits); every other call gets `logits: false`. A node whose call pinned `training`
 * (`base(x, training=False)`) gets that mode.
 */
export function runGraph(graph: Graph, xs: readonly Tensor[], ctx: CallContext, logits: readonly boolean[] = []): Tensor[] {
  const values = new Map<SymbolicTensor, Tensor>();
  graph.inputs.forEach((t, i) => values.set(t, xs[i]));
  const asLogits = new Set(graph.outputs.filter((_, o) => logits[o] === true));
  const plain = { ...ctx, logits: false, fusedRelu: false };
  const raw = { ...ctx, logits: true, fusedRelu: false };
  const fusing = new Set([...graph.fusedRelu].map((relu) => relu.inputs[0]));
  // In inference nothing recorded can read a dropped activation again, so its storage serves the
  // next one (the next batch's conv output lands in pages already mapped). Never given back: the
  // caller's inputs and the weights.
  const kept = ctx.training || isGradEnabled() ? null : new Set([...xs, ...graph.layers.flatMap((l) => l.weights.map((w) => w.value))].map((t) => t.data.buffer));
  graph.order.forEach((node, i) => {
    const args = node.inputs.map((t) => values.get(t) as Tensor);
    if (graph.fusedRelu.has(node)) {
      // Its BatchNormalization applied it already: the same tensor.
      values.set(node, args[0]);
      values.delete(node.inputs[0]);
      return;
    }
    const callCtx = fusing.has(node) ? { ...plain, fusedRelu: true } : asLogits.has(node) ? raw : plain;
    // A call made with training=False (or True) runs in that mode whatever the model runs in.
    const pinned = node.callArgs.training;
    const out = node.layer.callInputs(args, pinned === undefined ? callCtx : { ...callCtx, training: pinned });
    // Keras's activity regularization: a penalty on every call's output, when the caller collects them.
    node.layer.addActivityPenalty(out, ctx);
    values.set(node, out);
    // Drop each input whose last consumer this was.
    for (const t of node.inputs) {
      const value = values.get(t);
      if (graph.lastUse.get(t) !== i || value === undefined) continue;
      values.delete(t);
      if (kept !== null) giveBack(value, values, kept);
    }
  });
  return graph.outputs.map((t) => values.get(t) as Tensor);
}

/**
 * Gives a dropped activation's storage back (storage.ts), unless a value still held views the same
 * memory (a Flatten or Reshape output, an identity layer's), or it is one of `kept`.
 */
function giveBack(value: Tensor, live: ReadonlyMap<SymbolicTensor, Tensor>, kept: ReadonlySet<ArrayBufferLike>): void {
  const buffer = value.data.buffer;
  if (kept.has(buffer)) return;
  for (const other of live.values()) if (other.data.buffer === buffer) return;
  releaseFloat32([value.data]);
}
