/**
 * The merge layers in ONNX. Their inputs can reach them in either layout (a conv branch leaves its
 * value channels first, an input or a Dense channels last), so all are brought to one: channels
 * first when the first input is so and the rank has channels to move, else tatami's own.
 *
 *   Add, Multiply, Maximum, Minimum   Sum, Mul, Max, Min: n-ary (Mul chained), broadcasting sizes of 1
 *                                     as Keras's merges do between inputs of one rank
 *   Subtract                          Sub
 *   Average                           Sum, then Mul by 1/n (as ops/merge.ts's averageN)
 *   Concatenate                       Concat on tatami's axis, moved to where that layout holds it
 */
import type { Concatenate } from '../layers/concatenate.js';
import type { OnnxGraphBuilder, OnnxValue } from './onnx-graph.js';
import type { OnnxConverter } from './onnx-convert.js';

/** The inputs in one layout: the first input's, where every input has channels to move (rank ≥ 3). */
function oneLayout(g: OnnxGraphBuilder, inputs: readonly OnnxValue[]): OnnxValue[] {
  const first = inputs[0].channelsFirst && inputs.every((v) => v.shape.length >= 3);
  return inputs.map((v) => (first ? g.channelsFirst(v) : g.channelsLast(v)));
}

/** An n-ary merge by the ONNX operator `op` (variadic, or chained two at a time when `variadic` is false). */
const elementwise = (op: string, variadic: boolean): OnnxConverter => (g, layer, inputs, shape) => {
  const xs = oneLayout(g, inputs);
  const names = xs.map((v) => v.name);
  const name = variadic
    ? g.op(op, names, layer.name)
    : names.slice(1).reduce((acc, b, i) => g.op(op, [acc, b], i === names.length - 2 ? layer.name : `${layer.name}/${i}`), names[0]);
  return { name, shape, channelsFirst: xs[0].channelsFirst };
};

const average: OnnxConverter = (g, layer, inputs, shape) => {
  const xs = oneLayout(g, inputs);
  const sum = g.op('Sum', xs.map((v) => v.name), `${layer.name}/sum`);
  return { name: g.op('Mul', [sum, g.scalar(`${layer.name}/inverse_n`, 1 / xs.length)], layer.name), shape, channelsFirst: xs[0].channelsFirst };
};

const concatenate: OnnxConverter = (g, layer, inputs, shape) => {
  const xs = oneLayout(g, inputs);
  const rank = shape.length;
  const axis = (layer as Concatenate).axis < 0 ? (layer as Concatenate).axis + rank : (layer as Concatenate).axis;
  // Channels first moves tatami's last axis to 1 and shifts the axes between one place right.
  const at = !xs[0].channelsFirst ? axis : axis === rank - 1 ? 1 : axis + 1;
  return { name: g.op('Concat', xs.map((v) => v.name), layer.name, { axis: at }), shape, channelsFirst: xs[0].channelsFirst };
};

/** The merge layers' converters, by class name. */
export const MERGE_CONVERTERS: Readonly<Record<string, OnnxConverter>> = {
  Add: elementwise('Sum', true),
  Subtract: elementwise('Sub', false),
  Multiply: elementwise('Mul', false),
  Average: average,
  Maximum: elementwise('Max', true),
  Minimum: elementwise('Min', true),
  Concatenate: concatenate,
};
