import { describe, it, expect } from 'vitest';
import { Rng, tensor, zeros, gather, mul, sum } from '../../src/index.js';
import { expectClose, expectGradOk, shuffledRamp } from '../helpers.js';

describe('gather', () => {
  const params = tensor([[0, 1], [10, 11], [20, 21], [30, 31]]); // [4, 2]

  it('picks rows; the output shape is indices.shape + params.shape[1:]', () => {
    expectClose(gather(params, [2, 0, 2]), [[20, 21], [0, 1], [20, 21]], 0, 0);
    const idx = tensor([[3, 1], [0, 0]]);
    const y = gather(params, idx);
    expect(y.shape).toEqual([2, 2, 2]);
    expectClose(y, [[[30, 31], [10, 11]], [[0, 1], [0, 1]]], 0, 0);
    expectClose(gather(tensor([5, 6, 7]), Int32Array.of(2, 2, 0)), [7, 7, 5], 0, 0);
    expect(gather(params, tensor(1)).shape).toEqual([2]);
    expect(gather(params, []).shape).toEqual([0, 2]);
  });

  it('scatter-adds the gradient: a repeated index receives every contribution', () => {
    const p = tensor([[1, 2], [3, 4], [5, 6]], undefined, { requiresGrad: true });
    gather(p, [2, 0, 2, 2]).backward();
    expectClose(p.grad!, [[1, 1], [0, 0], [3, 3]], 0, 0);
  });

  it('passes gradCheck with repeated indices, several index shapes and 3-D params', () => {
    const rng = new Rng(50);
    expectGradOk((p) => gather(p, [0, 2, 2, 4, 0]), [shuffledRamp([5, 3], rng)]);
    expectGradOk((p) => gather(p, tensor([[1, 1], [0, 2]])), [shuffledRamp([3, 2, 2], rng)]);
    expectGradOk((p) => gather(p, [3, 3, 1]), [shuffledRamp([4], rng)]);
    // The table used twice: looked up and multiplied by itself.
    expectGradOk((p) => mul(gather(p, [1, 0, 1]), sum(p, 0)), [shuffledRamp([2, 3], rng)]);
  });

  it('rejects indices out of range or not integers', () => {
    expect(() => gather(params, [0, 4])).toThrow(/gather: index 4 at position 1 is out of range for params of shape \[4, 2\]/);
    expect(() => gather(params, [-1])).toThrow(/gather: index -1 at position 0 is out of range for params of shape \[4, 2\]/);
    expect(() => gather(params, [1.5])).toThrow(/gather: index 1.5 at position 0/);
    expect(() => gather(params, [Number.NaN])).toThrow(/gather: index NaN/);
    expect(() => gather(tensor(1), [0])).toThrow(/gather: params must have at least one axis/);
    expect(() => gather(zeros([0, 3]), [0])).toThrow(/gather: index 0 at position 0 is out of range for params of shape \[0, 3\]/);
  });
});
