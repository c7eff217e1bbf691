import { describe, it, expect } from 'vitest';
import { Rng, tensor } from '../../src/index.js';
import { expectClose, shuffledRamp, randomShape } from '../helpers.js';

describe('test helpers', () => {
  it('expectClose uses atol + rtol·|expected| and reports the first mismatches', () => {
    expect(() => expectClose([1, 100], [1 + 1e-7, 100.0009], 1e-6, 1e-5)).not.toThrow();
    expect(() => expectClose([0, 5], [1e-5, 5], 1e-6, 1e-5, 'case A')).toThrow(/case A: 1 of 2 values differ .*\n {2}\[0\] actual 0, expected 0.00001/);
    expect(() => expectClose([1, 2], [1, 2, 3])).toThrow(/2 values but expected 3/);
    expect(() => expectClose(tensor([[1, 2]]), [[1], [2]])).toThrow(/shape \[1, 2\] but expected \[2, 1\]/);
    expect(() => expectClose([Number.NaN, Infinity], [Number.NaN, Infinity], 0, 0)).not.toThrow();
    expect(() => expectClose([1], [Number.NaN])).toThrow(/differ/);
    expect(() => expectClose([Number.NaN], [1])).toThrow(/differ/);
    expect(() => expectClose([-Infinity], [Infinity])).toThrow(/differ/);
  });

  it('shuffledRamp has distinct values at least `gap` apart, none within gap/2 of 0', () => {
    for (const n of [1, 2, 7, 24]) {
      const t = shuffledRamp([n], new Rng(n), 0.1);
      const sorted = Array.from(t.data).sort((a, b) => a - b);
      for (let i = 1; i < n; i++) expect(sorted[i] - sorted[i - 1]).toBeGreaterThan(0.1 - 1e-6);
      expect(Math.min(...sorted.map(Math.abs))).toBeGreaterThan(0.05 - 1e-6);
    }
    const a = shuffledRamp([2, 3], new Rng(1));
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(shuffledRamp([2, 3], new Rng(1)).data)).toEqual(Array.from(a.data));
  });

  it('randomShape stays within its bounds', () => {
    const rng = new Rng(0);
    for (let i = 0; i < 100; i++) {
      const s = randomShape(rng, 1, 3, 4);
      expect(s.length >= 1 && s.length <= 3 && s.every((d) => d >= 1 && d <= 4)).toBe(true);
    }
  });
});
