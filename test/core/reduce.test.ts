import { describe, it, expect } from 'vitest';
import { Rng, tensor, zeros, sum, mean, max, add, mul, exp, type Axes } from '../../src/index.js';
import { expectClose, expectGradOk, shuffledRamp, randomShape } from '../helpers.js';

describe('sum, mean, max: values', () => {
  const x = tensor([[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], [[-1, -2, -3, -4], [-5, -6, -7, -8], [-9, -10, -11, 0]]]); // [2, 3, 4]

  it('all axes by default', () => {
    expect(sum(x).shape).toEqual([]);
    expect(sum(x).item()).toBe(78 - 66);
    expect(mean(x).item()).toBeCloseTo(12 / 24, 6);
    expect(max(x).item()).toBe(12);
    expect(sum(x, undefined, true).shape).toEqual([1, 1, 1]);
  });

  it('one axis, negative axes, several axes, keepDims', () => {
    expectClose(sum(x, 0), [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 12]], 0, 0);
    expectClose(sum(x, -1), [[10, 26, 42], [-10, -26, -30]], 0, 0);
    expectClose(sum(x, 2, true), [[[10], [26], [42]], [[-10], [-26], [-30]]], 0, 0);
    expectClose(mean(x, 1), [[5, 6, 7, 8], [-5, -6, -7, -4]], 0, 1e-7);
    expectClose(mean(x, [0, 2]), [0, 0, 1.5], 0, 1e-7);
    expectClose(max(x, 1), [[9, 10, 11, 12], [-1, -2, -3, 0]], 0, 0);
    expectClose(max(x, [-1, 0], true), [[[4], [8], [12]]], 0, 0);
    expect(max(x, [2, 0]).shape).toEqual([3]);
    expect(sum(x, []).shape).toEqual([2, 3, 4]);
  });

  it('max propagates NaN and works on all-negative input', () => {
    expect(max(tensor([-3, -1, -2])).item()).toBe(-1);
    for (const values of [[1, Number.NaN, 2], [Number.NaN, 1], [1, Number.NaN]]) {
      expect(Number.isNaN(max(tensor(values)).item()), `max of ${values}`).toBe(true);
    }
    expectClose(max(tensor([[1, Number.NaN, 0], [4, 5, 6]]), 1), [Number.NaN, 6], 0, 0);
    expect(max(tensor([-Infinity, -Infinity])).item()).toBe(-Infinity);
  });

  it('tied maxima share the gradient equally (TensorFlow rule)', () => {
    const t = tensor([[1, 3, 3], [2, 0, 1]], undefined, { requiresGrad: true });
    sum(max(t, 1)).backward();
    expectClose(t.grad!, [[0, 0.5, 0.5], [1, 0, 0]], 0, 0);
  });

  it('the sum of an empty axis is 0; mean of a 0-D tensor is itself', () => {
    expectClose(sum(zeros([2, 0]), 1), [0, 0], 0, 0);
    expect(mean(tensor(3)).item()).toBe(3);
  });
});

describe('sum, mean, max: gradients', () => {
  const rng = new Rng(20);
  const variants: Array<[Axes, boolean]> = [
    [undefined, false],
    [undefined, true],
    [0, false],
    [1, true],
    [-1, false],
    [-1, true],
    [[0, 2], false],
    [[2, 0], true],
    [[0, 1, 2], false],
  ];
  for (const [name, op] of [['sum', sum], ['mean', mean], ['max', max]] as const) {
    it(`${name} passes gradCheck over axis/keepDims variants`, () => {
      for (const [axes, keepDims] of variants) {
        for (const shape of [[2, 3, 4], [3, 1, 2]]) {
          expectGradOk((t) => op(t, axes, keepDims), [shuffledRamp(shape, rng)], {}, `${name} ${JSON.stringify(shape)} axes ${JSON.stringify(axes)} keepDims ${keepDims}`);
        }
      }
      expectGradOk((t) => op(t, 0), [shuffledRamp([5], rng)], {}, `${name} 1-D`);
      expectGradOk((t) => op(t), [shuffledRamp([], rng)], {}, `${name} 0-D`);
    });
  }

  it('sum, mean and max pass gradCheck on random shapes with random axes', () => {
    for (let trial = 0; trial < 8; trial++) {
      const shape = randomShape(rng, 1, 4, 3);
      const axes = shape.map((_, i) => i).filter(() => rng.uniform() < 0.5).map((a) => (rng.uniform() < 0.5 ? a - shape.length : a));
      const keepDims = rng.uniform() < 0.5;
      for (const [name, op] of [['sum', sum], ['mean', mean], ['max', max]] as const) {
        expectGradOk((t) => op(t, axes, keepDims), [shuffledRamp(shape, rng)], {}, `${name} ${JSON.stringify(shape)} axes ${JSON.stringify(axes)} keepDims ${keepDims}`);
      }
    }
  });

  it('reductions of a tensor used twice', () => {
    // x − max(x) (broadcast back, keepDims) and x · sum(x): x reaches the output on two paths.
    expectGradOk((x) => add(x, mul(max(x, -1, true), -1)), [shuffledRamp([3, 4], rng)]);
    expectGradOk((x) => mul(x, sum(x, 0)), [shuffledRamp([3, 4], rng)]);
    expectGradOk((x) => add(mean(exp(x), 1), max(x, 1)), [shuffledRamp([2, 5], rng)]);
  });
});

describe('sum, mean, max: errors', () => {
  const x = zeros([2, 3]);
  it('name the op and the axis', () => {
    expect(() => sum(x, 2)).toThrow(/sum: axis 2 is out of range for a tensor of rank 2/);
    expect(() => mean(x, -3)).toThrow(/mean: axis -3 is out of range for a tensor of rank 2/);
    expect(() => max(x, [0, 0])).toThrow(/max: axis 0 is listed twice/);
    expect(() => sum(x, [1, -1])).toThrow(/sum: axis -1 is listed twice/);
    expect(() => sum(x, 0.5)).toThrow(/sum: axis 0.5 is out of range/);
    expect(() => max(zeros([0]))).toThrow(/max: cannot reduce an empty tensor/);
  });
});
