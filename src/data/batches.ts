/**
 * Batching and shuffling for `fit`: an epoch visits the rows in some order (shuffled or not), cut
 * into consecutive batches; each batch's rows are copied into a fresh tensor.
 *
 * @example
 * const order = shuffle ? shuffledOrder(n, rng) : sequentialOrder(n);
 * for (const [start, end] of batchRanges(n, 32)) {
 *   const xb = takeRows(x, order, start, end);
 *   const yb = takeRows(y, order, start, end);
 *   ...
 * }
 */
import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeSize } from '../shape.js';
import type { Rng } from '../rng.js';

/** 0, 1, …, n−1: the order of an epoch without shuffling. */
export function sequentialOrder(n: number): Int32Array {
  assertCount('sequentialOrder', 'n', n);
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** A random permutation of 0..n−1 drawn from `rng` (Fisher–Yates): a shuffled epoch. */
export function shuffledOrder(n: number, rng: Rng): Int32Array {
  assertCount('shuffledOrder', 'n', n);
  return rng.permutation(n);
}

/**
 * The [start, end) ranges of consecutive batches over n rows: ceil(n / batchSize) batches, all of
 * `batchSize` rows except the last, which holds the rest (as Keras, which does not drop it).
 *
 * @example batchRanges(10, 4) // [[0, 4], [4, 8], [8, 10]]
 */
export function batchRanges(n: number, batchSize: number): Array<[number, number]> {
  assertCount('batchRanges', 'n', n);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`batchRanges: batchSize must be a positive integer, got ${batchSize}`);
  }
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < n; start += batchSize) ranges.push([start, Math.min(start + batchSize, n)]);
  return ranges;
}

/**
 * Copy rows order[start], …, order[end−1] of `x`'s first axis into a new tensor of shape
 * [end − start, ...x.shape.slice(1)]. The result is a fresh leaf, outside the autograd graph.
 */
export function takeRows(x: Tensor, order: Int32Array, start: number, end: number): Tensor {
  if (x.rank < 1) throw new Error(`takeRows: expected a tensor with at least one axis, got a scalar`);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > order.length) {
    throw new Error(`takeRows: bad range [${start}, ${end}) for an order of length ${order.length}`);
  }
  const rows = x.shape[0];
  const rowSize = shapeSize(x.shape.slice(1));
  const out = allocFloat32((end - start) * rowSize); // (end − start, ...x.shape[1:])
  for (let i = start; i < end; i++) {
    const r = order[i];
    if (r < 0 || r >= rows) throw new Error(`takeRows: row ${r} (order[${i}]) is out of range for ${rows} rows`);
    // One contiguous row: a block copy.
    out.set(x.data.subarray(r * rowSize, (r + 1) * rowSize), (i - start) * rowSize);
  }
  return new Tensor(out, [end - start, ...x.shape.slice(1)]);
}

function assertCount(fn: string, name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${fn}: ${name} must be a non-negative integer, got ${n}`);
}
