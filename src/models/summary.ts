/**
 * Keras 2's summary table (tf.keras 2 `print_summary`, its `print_row` cutting each field at its
 * column), in two forms:
 *
 *   a chain (one input, one output, each layer called once on the one before): line length 65,
 *   columns Layer (type) | Output Shape | Param # ending at 29, 55, 65;
 *
 *   any other graph: line length 98, columns ending at 32, 53, 65, 98, with a fourth,
 *   "Connected to": `name[node][tensor]` of the call's first input (a nested model's calls counted
 *   from node 1), and one more row per further input (merges) or further call (shared layers), the
 *   other fields empty. A layer whose calls give
 *   different shapes shows `multiple`.
 *
 * Rows follow the model's layers (Keras's order); an InputLayer's shape is a list, [(None, 28, 28, 1)],
 * as Keras 2 prints it for functional models; Sequential models list no InputLayer. Lines are
 * written without their trailing spaces.
 *
 *   Model: "sequential"
 *   _________________________________________________________________
 *   Layer (type)                 Output Shape              Param #
 *   =================================================================
 *   conv2d (Conv2D)              (None, 26, 26, 128)       1280
 *   ...
 *   Total params: 217,610
 */
import { formatShape, type SymbolicTensor } from '../layers/layer.js';
import { InputLayer } from '../layers/input.js';
import type { Graph } from './graph.js';
import { NestedModel } from './nested-model.js';

/**
 * The node index Keras prints: a layer's call count, except that a nested model's node 0 is its own
 * graph (its inputs to its outputs), so its first call as a layer is node 1, as Keras and tfjs number it.
 */
const kerasNodeIndex = (t: SymbolicTensor): number => t.nodeIndex + (t.layer instanceof NestedModel ? 1 : 0);

const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Keras's print_row: each field replaces the last character of the line so far with a space, is cut at its column's right edge, and is padded up to it. */
function row(fields: readonly string[], positions: readonly number[]): string {
  let line = '';
  fields.forEach((f, i) => {
    if (i > 0) line = `${line.slice(0, -1)} `;
    line = (line + f).slice(0, positions[i]).padEnd(positions[i]);
  });
  return line.trimEnd();
}

/** Keras's sequential_like: one node per depth, each with at most one input, no layer called twice. */
function isChain(graph: Graph): boolean {
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) return false;
  const consumed = new Set<SymbolicTensor>();
  const layers = new Set(graph.order.map((n) => n.layer));
  for (const node of graph.order) {
    if (node.inputs.length !== 1 || consumed.has(node.inputs[0])) return false;
    consumed.add(node.inputs[0]);
  }
  return layers.size === graph.order.length;
}

export function summarize(modelName: string, graph: Graph, functional: boolean): string {
  const chain = isChain(graph);
  const length = chain ? 65 : 98;
  const positions = chain ? [29, 55, 65] : [32, 53, 65, 98];
  const header = chain ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const lines = [`Model: "${modelName}"`, '_'.repeat(length), row(header, positions), '='.repeat(length)];
  const inModel = new Set<SymbolicTensor>([...graph.inputs, ...graph.order]);
  const layers = functional ? graph.layers : graph.layers.filter((l) => !(l instanceof InputLayer));
  layers.forEach((layer, i) => {
    const nodes = layer.nodes.filter((n) => inModel.has(n));
    const shapes = new Set(nodes.map((n) => formatShape(n.shape)));
    const shape = shapes.size > 1 ? 'multiple' : layer instanceof InputLayer ? `[${formatShape(nodes[0].shape)}]` : formatShape(nodes[0].shape);
    const name = `${layer.name} (${layer.className})`;
    const params = String(layer.countParams());
    if (chain) {
      lines.push(row([name, shape, params], positions));
    } else {
      const connections = nodes.flatMap((n) => n.inputs.map((t) => `${t.layer.name}[${kerasNodeIndex(t)}][0]`));
      lines.push(row([name, shape, params, connections[0] ?? ''], positions));
      for (const c of connections.slice(1)) lines.push(row(['', '', '', c], positions));
    }
    lines.push(i === layers.length - 1 ? '='.repeat(length) : '_'.repeat(length));
  });
  if (layers.length === 0) lines.push('='.repeat(length));
  const total = layers.reduce((n, l) => n + l.countParams(), 0);
  const trainable = layers.reduce((s, l) => s + l.trainableWeights().reduce((t, w) => t + w.value.size, 0), 0);
  lines.push(`Total params: ${thousands(total)}`, `Trainable params: ${thousands(trainable)}`, `Non-trainable params: ${thousands(total - trainable)}`, '_'.repeat(length));
  return lines.join('\n');
}
