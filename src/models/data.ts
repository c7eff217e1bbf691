/**
 * The data a model takes or gives with several inputs or outputs, as Keras: one Tensor (a model with
 * one input), a list in the model's inputs (outputs) order, or an object keyed by input (output) layer
 * name. Everything is turned into a list in the model's order here, once, naming what is missing.
 */
import { Tensor } from '../tensor.js';
import { shapeToString } from '../shape.js';
import { takeRows } from '../data/batches.js';

export type ModelData = Tensor | readonly Tensor[] | Readonly<Record<string, Tensor>>;

/** `data` as a list in the order of `names` (the model's input or output layer names). */
export function dataList(data: ModelData, names: readonly string[], what: string, who: string): Tensor[] {
  const kind = names.length === 1 ? `one ${what.includes('y') ? 'output' : 'input'}` : `${names.length} (${names.join(', ')})`;
  if (data instanceof Tensor) {
    if (names.length !== 1) throw new Error(`${who}: ${what} is one tensor but the model has ${kind}: give a list or an object keyed by those names`);
    return [data];
  }
  if (Array.isArray(data)) {
    if (data.length !== names.length || data.some((t) => !(t instanceof Tensor))) {
      throw new Error(`${who}: ${what} is a list of ${data.length}, the model has ${kind}`);
    }
    return [...data];
  }
  if (typeof data !== 'object' || data === null) throw new Error(`${who}: ${what} must be a Tensor, a list of tensors or an object of tensors, got ${String(data)}`);
  const byName = data as Readonly<Record<string, Tensor>>;
  const extra = Object.keys(byName).filter((k) => !names.includes(k));
  if (extra.length > 0) throw new Error(`${who}: ${what} has ${extra.map((k) => `'${k}'`).join(', ')}, which the model does not have (it has ${names.join(', ')})`);
  return names.map((n) => {
    const t = Object.prototype.hasOwnProperty.call(byName, n) ? byName[n] : undefined;
    if (!(t instanceof Tensor)) throw new Error(`${who}: ${what} has no tensor for '${n}'`);
    return t;
  });
}

/** Check that every tensor of x and y has the same number of samples; returns it. */
export function sampleCount(tensors: readonly Tensor[], who: string, what: string): number {
  const n = tensors[0].shape[0];
  if (tensors.some((t) => t.rank === 0 || t.shape[0] !== n)) {
    throw new Error(`${who}: ${what} must all have the same number of samples, got shapes ${tensors.map((t) => shapeToString(t.shape)).join(', ')}`);
  }
  return n;
}

/** Rows order[start..end) of every tensor. */
export function takeRowsOf(tensors: readonly Tensor[], order: Int32Array, start: number, end: number): Tensor[] {
  return tensors.map((t) => takeRows(t, order, start, end));
}
