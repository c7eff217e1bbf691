import { describe, it, expect } from 'vitest';
import { Rng, tensor, zeros, arange, reshape, flatten, transpose, concat, slice, mul, add, exp, sum } from '../../src/index.js';
import { expectClose, expectGradOk, shuffledRamp, randomShape } from '../helpers.js';

describe('reshape and flatten', () => {
  it('keep the elements in row-major order', () => {
    const x = arange(24);
    expectClose(reshape(x, [2, 3, 4]), arange(24).data, 0, 0);
    expect(reshape(x, [4, -1]).shape).toEqual([4, 6]);
    expect(reshape(tensor(5), [1, 1]).shape).toEqual([1, 1]);
    expect(reshape(tensor([5]), []).shape).toEqual([]);
    expect(flatten(zeros([2, 3, 4, 5])).shape).toEqual([2, 60]);
    expect(flatten(zeros([2, 3, 4, 5]), 2).shape).toEqual([2, 3, 20]);
    expect(flatten(zeros([2, 3, 4]), 0).shape).toEqual([24]);
    expect(flatten(zeros([2, 3, 4]), -1).shape).toEqual([2, 3, 4]);
    expect(flatten(zeros([7])).shape).toEqual([7, 1]); // as Keras Flatten on [N]
  });

  it('pass gradCheck, including a reshape that feeds a second use of the input', () => {
    const rng = new Rng(30);
    expectGradOk((t) => reshape(t, [3, -1]), [shuffledRamp([2, 3, 2], rng)]);
    expectGradOk((t) => flatten(t), [shuffledRamp([2, 2, 3], rng)]);
    expectGradOk((t) => mul(reshape(t, [6]), reshape(t, [6])), [shuffledRamp([2, 3], rng)]);
    expectGradOk((t) => add(reshape(t, [3, 2]), exp(reshape(t, [3, 2]))), [shuffledRamp([6], rng)]);
  });

  it('errors name the op and the shapes', () => {
    const x = zeros([2, 3]);
    expect(() => reshape(x, [4, 2])).toThrow(/reshape: cannot reshape \[2, 3\] \(6 elements\) to \[4, 2\]/);
    expect(() => reshape(x, [-1, 4])).toThrow(/reshape: cannot reshape \[2, 3\] \(6 elements\) to \[-1, 4\]/);
    expect(() => reshape(x, [-1, -1])).toThrow(/reshape: cannot reshape \[2, 3\] .* to \[-1, -1\]/);
    expect(() => reshape(x, [-2, -3])).toThrow(/reshape: cannot reshape/);
    expect(() => reshape(x, [1.5, 4])).toThrow(/reshape: cannot reshape/);
    expect(() => reshape(x, [0, -1])).toThrow(/reshape: cannot reshape/);
    expect(() => flatten(x, 5)).not.toThrow(); // nothing to fold: a trailing 1
    expect(() => flatten(zeros([2, 3, 4]), -4)).toThrow(/flatten: axis -4 is out of range for a tensor of rank 3/);
  });
});

describe('transpose', () => {
  it('permutes axes; the default reverses them', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expectClose(transpose(x), [[1, 4], [2, 5], [3, 6]], 0, 0);
    const y = reshape(arange(24), [2, 3, 4]);
    const t = transpose(y, [2, 0, 1]); // t[k, i, j] = y[i, j, k]
    expect(t.shape).toEqual([4, 2, 3]);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) {
      expect(t.data[k * 6 + i * 3 + j]).toBe(y.data[i * 12 + j * 4 + k]);
    }
    expect(transpose(tensor(3)).item()).toBe(3);
    expect(transpose(zeros([0, 2])).shape).toEqual([2, 0]);
  });

  it('passes gradCheck with non-trivial permutations', () => {
    const rng = new Rng(31);
    expectGradOk((t) => transpose(t, [2, 0, 1]), [shuffledRamp([2, 3, 4], rng)]);
    expectGradOk((t) => transpose(t, [1, 3, 0, 2]), [shuffledRamp([2, 3, 1, 2], rng)]);
    expectGradOk((t) => transpose(t), [shuffledRamp([3, 4], rng)]);
    expectGradOk((t) => mul(t, transpose(t)), [shuffledRamp([3, 3], rng)]);
  });

  it('passes gradCheck on random shapes and permutations', () => {
    const rng = new Rng(34);
    for (let trial = 0; trial < 8; trial++) {
      const shape = randomShape(rng, 1, 4, 3);
      const perm = Array.from(rng.permutation(shape.length));
      expectGradOk((t) => transpose(t, perm), [shuffledRamp(shape, rng)], {}, `${JSON.stringify(shape)} perm ${JSON.stringify(perm)}`);
    }
  });

  it('rejects a bad permutation, naming it and the shape', () => {
    const x = zeros([2, 3, 4]);
    expect(() => transpose(x, [0, 1])).toThrow(/transpose: perm \[0, 1\] is not a permutation of the 3 axes of \[2, 3, 4\]/);
    expect(() => transpose(x, [0, 0, 1])).toThrow(/transpose: perm \[0, 0, 1\] is not a permutation/);
    expect(() => transpose(x, [0, 1, 3])).toThrow(/transpose: perm \[0, 1, 3\]/);
    expect(() => transpose(x, [-1, 0, 1])).toThrow(/transpose: perm \[-1, 0, 1\]/);
  });
});

describe('concat', () => {
  it('joins along any axis', () => {
    const a = tensor([[1, 2], [3, 4]]);
    const b = tensor([[5, 6]]);
    expectClose(concat([a, b]), [[1, 2], [3, 4], [5, 6]], 0, 0);
    expectClose(concat([a, tensor([[7], [8]])], -1), [[1, 2, 7], [3, 4, 8]], 0, 0);
    // A middle axis: [2, 1, 2] + [2, 2, 2] → [2, 3, 2].
    const c = tensor([[[1, 2]], [[3, 4]]]);
    const d = tensor([[[5, 6], [7, 8]], [[9, 10], [11, 12]]]);
    expectClose(concat([c, d], 1), [[[1, 2], [5, 6], [7, 8]], [[3, 4], [9, 10], [11, 12]]], 0, 0);
    expectClose(concat([a]), [[1, 2], [3, 4]], 0, 0);
    expect(concat([zeros([2, 0]), zeros([2, 3])], 1).shape).toEqual([2, 3]);
  });

  it('passes gradCheck on a middle axis, on the first and last, and with a repeated input', () => {
    const rng = new Rng(32);
    const parts = [shuffledRamp([2, 1, 3], rng), shuffledRamp([2, 3, 3], rng), shuffledRamp([2, 2, 3], rng)];
    expectGradOk((...ts) => concat(ts, 1), parts);
    expectGradOk((...ts) => concat(ts, 0), [shuffledRamp([1, 3], rng), shuffledRamp([2, 3], rng)]);
    expectGradOk((...ts) => concat(ts, -1), [shuffledRamp([2, 2], rng), shuffledRamp([2, 1], rng)]);
    expectGradOk((t) => concat([t, mul(t, t), t], 1), [shuffledRamp([2, 2], rng)]);
  });

  it('rejects mismatched shapes, naming them', () => {
    expect(() => concat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow(/concat: shapes \[2, 3\], \[2, 4\] differ outside axis 0/);
    expect(() => concat([zeros([2, 3]), zeros([2, 3, 1])], 1)).toThrow(/concat: shapes \[2, 3\], \[2, 3, 1\] differ outside axis 1/);
    expect(() => concat([zeros([2, 3]), zeros([2, 3])], 2)).toThrow(/concat: axis 2 is out of range for a tensor of rank 2/);
    expect(() => concat([])).toThrow(/concat: needs at least one tensor/);
  });
});

describe('slice', () => {
  const x = reshape(arange(24), [2, 3, 4]);

  it('takes a block, with -1 or no size meaning "to the end"', () => {
    expectClose(slice(x, [1, 1, 1], [1, 2, 2]), [[[17, 18], [21, 22]]], 0, 0);
    expectClose(slice(x, [0, 2, 0], [-1, 1, -1]), [[[8, 9, 10, 11]], [[20, 21, 22, 23]]], 0, 0);
    expectClose(slice(x, [1, 2, 3]), [[[23]]], 0, 0);
    expect(slice(x, [0, 0, 0], [0, 3, 4]).size).toBe(0);
    expectClose(slice(tensor([1, 2, 3, 4, 5]), [1], [3]), [2, 3, 4], 0, 0);
    expect(slice(tensor(3), []).item()).toBe(3);
  });

  it('passes gradCheck, also when the same input is sliced twice', () => {
    const rng = new Rng(33);
    expectGradOk((t) => slice(t, [0, 1, 1], [2, 2, 2]), [shuffledRamp([2, 3, 4], rng)]);
    expectGradOk((t) => slice(t, [1, 0], [-1, 2]), [shuffledRamp([3, 3], rng)]);
    expectGradOk((t) => add(slice(t, [0], [3]), slice(t, [2], [3])), [shuffledRamp([5], rng)]);
    expectGradOk((t) => sum(mul(slice(t, [0, 0], [2, 2]), slice(t, [1, 1], [2, 2]))), [shuffledRamp([3, 3], rng)]);
  });

  it('passes gradCheck on random shapes and blocks', () => {
    const rng = new Rng(35);
    for (let trial = 0; trial < 8; trial++) {
      const shape = randomShape(rng, 1, 4, 4);
      const begin = shape.map((d) => rng.integer(d));
      const size = shape.map((d, i) => (rng.uniform() < 0.3 ? -1 : rng.integer(1, d - begin[i] + 1)));
      expectGradOk((t) => slice(t, begin, size), [shuffledRamp(shape, rng)], {}, `${JSON.stringify(shape)} begin ${JSON.stringify(begin)} size ${JSON.stringify(size)}`);
      const axis = rng.integer(shape.length);
      const other = shape.map((d, i) => (i === axis ? rng.integer(1, 4) : d));
      expectGradOk((a, b) => concat([a, b, a], axis), [shuffledRamp(shape, rng), shuffledRamp(other, rng)], {}, `concat ${JSON.stringify(shape)} ${JSON.stringify(other)} axis ${axis}`);
    }
  });

  it('rejects out-of-bounds blocks, naming begin, size and shape', () => {
    expect(() => slice(x, [0, 2, 0], [1, 2, 4])).toThrow(/slice: begin \[0, 2, 0\] size \[1, 2, 4\] is out of bounds for \[2, 3, 4\]/);
    expect(() => slice(x, [-1, 0, 0])).toThrow(/slice: begin \[-1, 0, 0\] .* is out of bounds for \[2, 3, 4\]/);
    expect(() => slice(x, [0, 0, 5])).toThrow(/slice: begin \[0, 0, 5\] size \[2, 3, -1\] is out of bounds/);
    expect(() => slice(x, [0, 0])).toThrow(/slice: begin \[0, 0\] and size must have one entry per axis of \[2, 3, 4\]/);
    expect(() => slice(x, [0, 0, 0], [1, 1])).toThrow(/slice: .*one entry per axis/);
    expect(() => slice(x, [0.5, 0, 0])).toThrow(/slice: .*out of bounds/);
  });
});
