import { describe, it, expect } from 'vitest';
import { tensor, zeros, ones, full, arange, randomUniform, randomNormal, Rng } from '../../src/index.js';
import { expectClose } from '../helpers.js';

describe('tensor()', () => {
  it('takes nested arrays, flat arrays with a shape, a Float32Array and a number', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.requiresGrad).toBe(false);
    const b = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    expect(b.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    // Nested values with an explicit shape are reshaped.
    expect(tensor([[1, 2], [3, 4]], [4]).shape).toEqual([4]);
    const f = new Float32Array([1, 2, 3, 4]);
    const c = tensor(f, [2, 2]);
    expect(c.data).toBe(f); // becomes the storage as is
    expect(tensor(f).shape).toEqual([4]);
    const s = tensor(2.5);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(2.5);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([1], undefined, { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('rounds to float32', () => {
    expect(tensor([0.1]).data[0]).toBe(Math.fround(0.1));
  });

  it('rejects ragged arrays and sizes that do not fill the shape', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/tensor: ragged nested array \(expected 2 elements at depth 1\)/);
    expect(() => tensor([[1, 2], 3] as never)).toThrow(/tensor: ragged nested array/);
    expect(() => tensor([1, [2, 3]] as never)).toThrow(/tensor: ragged nested array \(expected a number at depth 1\)/);
    expect(() => tensor([[[1], [2]], [[3], [4, 5]]])).toThrow(/tensor: ragged nested array/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/tensor: 3 values cannot fill shape \[2, 2\]/);
    expect(() => tensor(new Float32Array(6), [4])).toThrow(/tensor: 6 values cannot fill shape \[4\]/);
    expect(() => tensor([1, 2], [-2])).toThrow(/tensor: invalid shape \[-2\]/);
  });
});

describe('filled tensors', () => {
  it('zeros, ones, full', () => {
    expect(zeros([2, 2]).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(full([2], 7).toArray()).toEqual([7, 7]);
    expect(zeros([]).toArray()).toBe(0);
    expect(ones([2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(zeros([0, 3]).size).toBe(0);
    expect(() => zeros([2, -1])).toThrow(/full: invalid shape \[2, -1\]/);
    expect(() => ones([1.5])).toThrow(/invalid shape \[1.5\]/);
  });

  it('arange follows NumPy', () => {
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(2, 5).toArray()).toEqual([2, 3, 4]);
    expect(arange(0, 1, 0.25).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(0, 1, 0.3).size).toBe(4); // ceil(1/0.3) = 4: 0, 0.3, 0.6, 0.9
    expect(arange(3, 1).size).toBe(0);
    expect(arange(0).size).toBe(0);
    expect(() => arange(0, 5, 0)).toThrow(/arange: step must be a finite non-zero number, got 0/);
    expect(() => arange(0, 5, Number.NaN)).toThrow(/arange: step/);
    expect(() => arange(0, Infinity)).toThrow(/arange: start and stop must be finite, got 0 and Infinity/);
    expect(() => arange(Number.NaN)).toThrow(/arange: start and stop must be finite/);
  });
});

describe('random tensors', () => {
  it('randomUniform is reproducible from the seed and in range', () => {
    const a = randomUniform([20, 50], new Rng(4), -2, 3);
    const b = randomUniform([20, 50], new Rng(4), -2, 3);
    expect(a.shape).toEqual([20, 50]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(randomUniform([5], new Rng(5)).data)).not.toEqual(Array.from(randomUniform([5], new Rng(4)).data));
    expect(Math.min(...a.data)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...a.data)).toBeLessThan(3);
    // Mean of U(-2, 3) is 0.5, σ = 5/√12; 1000 draws give a standard error of ≈ 0.046.
    const m = a.data.reduce((s, x) => s + x, 0) / a.size;
    expect(Math.abs(m - 0.5)).toBeLessThan((5 * (5 / Math.sqrt(12))) / Math.sqrt(a.size));
    expect(randomUniform([2], new Rng(0), 0, 1, { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('randomNormal is reproducible and has the requested moments', () => {
    const a = randomNormal([100, 100], new Rng(8), 2, 0.5);
    const b = randomNormal([100, 100], new Rng(8), 2, 0.5);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const n = a.size;
    const m = a.data.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(a.data.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1));
    // Standard errors: 0.5/√n = 5e-3 for the mean, 0.5/√(2n) ≈ 3.5e-3 for the std. Allow 5 each.
    expect(Math.abs(m - 2)).toBeLessThan((5 * 0.5) / Math.sqrt(n));
    expect(Math.abs(sd - 0.5)).toBeLessThan((5 * 0.5) / Math.sqrt(2 * n));
  });

  it('draws in row-major order from the generator it is given', () => {
    const r = new Rng(21);
    const expected = [r.uniform(), r.uniform(), r.uniform()];
    expectClose(randomUniform([3], new Rng(21)), expected.map(Math.fround), 0, 0);
    expect(() => randomNormal([-1], new Rng(0))).toThrow(/randomNormal: invalid shape \[-1\]/);
  });
});
