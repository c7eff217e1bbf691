import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/rng.js';
import { tensor } from '../../src/creation.js';
import type { Tensor } from '../../src/tensor.js';
import { shuffledOrder, sequentialOrder, batchRanges, takeRows } from '../../src/data/batches.js';

/** 0, 1, …, size−1 in a tensor of the given shape. */
function ramp(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, (_, i) => i), shape);
}

describe('orders', () => {
  it('a shuffled order visits every index exactly once, reproducibly', () => {
    const a = shuffledOrder(1000, new Rng(1));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(shuffledOrder(1000, new Rng(1)))).toEqual(Array.from(a));
    expect(Array.from(a)).not.toEqual(Array.from(sequentialOrder(1000)));
    // Two epochs from one generator differ.
    const rng = new Rng(2);
    expect(Array.from(shuffledOrder(50, rng))).not.toEqual(Array.from(shuffledOrder(50, rng)));
    expect(shuffledOrder(0, rng).length).toBe(0);
  });

  it('a sequential order is 0..n-1', () => {
    expect(Array.from(sequentialOrder(4))).toEqual([0, 1, 2, 3]);
    expect(() => sequentialOrder(-1)).toThrow(/sequentialOrder: n must be a non-negative integer, got -1/);
  });
});

describe('batchRanges', () => {
  it('cuts n rows into full batches and a last partial one, as Keras', () => {
    expect(batchRanges(10, 4)).toEqual([[0, 4], [4, 8], [8, 10]]);
    expect(batchRanges(8, 4)).toEqual([[0, 4], [4, 8]]);
    expect(batchRanges(3, 32)).toEqual([[0, 3]]);
    expect(batchRanges(3, 1)).toEqual([[0, 1], [1, 2], [2, 3]]);
    expect(batchRanges(0, 32)).toEqual([]);
    expect(batchRanges(8000, 32).length).toBe(250);
    expect(batchRanges(1756, 32).at(-1)).toEqual([1728, 1756]);
  });

  it('rejects a bad batch size', () => {
    expect(() => batchRanges(10, 0)).toThrow(/batchRanges: batchSize must be a positive integer, got 0/);
    expect(() => batchRanges(10, 2.5)).toThrow(/batchSize must be a positive integer/);
  });
});

describe('takeRows', () => {
  it('copies the rows order[start..end) into a new tensor', () => {
    const x = ramp([4, 3, 2, 1]); // row r holds 6r .. 6r+5
    const order = Int32Array.of(3, 0, 2, 1);
    const b = takeRows(x, order, 1, 3);
    expect(b.shape).toEqual([2, 3, 2, 1]);
    expect(Array.from(b.data)).toEqual([0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17]);
    b.data[0] = 99;
    expect(x.data[0]).toBe(0); // a copy, not a view
    const y = tensor([[1, 0], [0, 1], [1, 0], [0, 1]]);
    expect(takeRows(y, order, 0, 4).toArray()).toEqual([[0, 1], [1, 0], [1, 0], [0, 1]]);
    expect(takeRows(y, order, 2, 2).shape).toEqual([0, 2]);
    expect(takeRows(ramp([5]), Int32Array.of(4, 2), 0, 2).toArray()).toEqual([4, 2]);
  });

  it('covers every row exactly once over the batches of an epoch', () => {
    const n = 37;
    const x = ramp([n, 2]);
    const order = shuffledOrder(n, new Rng(9));
    const seen: number[] = [];
    for (const [start, end] of batchRanges(n, 8)) {
      const b = takeRows(x, order, start, end);
      expect(b.shape).toEqual([end - start, 2]);
      for (let i = 0; i < end - start; i++) seen.push(b.data[i * 2] / 2);
    }
    expect(seen).toEqual(Array.from(order));
  });

  it('rejects bad ranges and indices', () => {
    const x = ramp([3, 2]);
    expect(() => takeRows(x, Int32Array.of(0, 1), 1, 3)).toThrow(/takeRows: bad range \[1, 3\) for an order of length 2/);
    expect(() => takeRows(x, Int32Array.of(0, 3), 0, 2)).toThrow(/takeRows: row 3 \(order\[1\]\) is out of range for 3 rows/);
    expect(() => takeRows(tensor(5), Int32Array.of(0), 0, 1)).toThrow(/takeRows: expected a tensor with at least one axis/);
  });
});
