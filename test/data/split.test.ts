import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/rng.js';
import { stratifiedCounts, stratifiedSplit } from '../../src/data/split.js';

/** The mnist package's digits per class (FACTS.md). */
const MNIST_PACKAGE_SIZES = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

function sumOf(a: ArrayLike<number>): number {
  return Array.from(a).reduce((s, x) => s + x, 0);
}

/** Exact totals, each class within 1 of its proportional share, and never more than the class holds. */
function checkCounts(sizes: number[], train: number, test: number): void {
  const n = sumOf(sizes);
  const c = stratifiedCounts(sizes, train, test);
  expect(sumOf(c.train)).toBe(train);
  expect(sumOf(c.test)).toBe(test);
  sizes.forEach((size, k) => {
    expect(Math.abs(c.train[k] - (train * size) / n)).toBeLessThan(1);
    expect(Math.abs(c.test[k] - (test * size) / n)).toBeLessThanOrEqual(1);
    expect(c.train[k] + c.test[k]).toBeLessThanOrEqual(size);
  });
}

describe('stratifiedCounts', () => {
  it('splits the mnist package proportionally, with exact totals', () => {
    checkCounts(MNIST_PACKAGE_SIZES, 8000, 2000);
    checkCounts(MNIST_PACKAGE_SIZES, 8000, 1756);
    checkCounts(MNIST_PACKAGE_SIZES, 1, 1);
    checkCounts(MNIST_PACKAGE_SIZES, 9999, 1);
    checkCounts(MNIST_PACKAGE_SIZES, 1, 9999);
    const c = stratifiedCounts(MNIST_PACKAGE_SIZES, 8000, 2000);
    // 8000·1001/10000 = 800.8 and 2000·1001/10000 = 200.2: the remainders decide, the sum stays 1001.
    expect(c.train[0] + c.test[0]).toBe(1001);
  });

  it('holds on random pools, including splits that use every item', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 400; trial++) {
      const k = rng.integer(1, 12);
      const sizes = Array.from({ length: k }, () => rng.integer(0, 15));
      const n = sumOf(sizes);
      if (n === 0) continue;
      const train = rng.integer(0, n + 1);
      const test = trial % 3 === 0 ? n - train : rng.integer(0, n - train + 1);
      checkCounts(sizes, train, test);
    }
  });

  it('rejects impossible requests', () => {
    expect(() => stratifiedCounts([3, 4], 5, 3)).toThrow(/cannot take 5 train \+ 3 test items from 7/);
    expect(() => stratifiedCounts([3, 4], 1.5, 1)).toThrow(/stratifiedCounts/);
  });
});

describe('stratifiedSplit', () => {
  it('gives disjoint, seeded index lists with the right classes', () => {
    const classes = Int32Array.from({ length: 200 }, (_, i) => (i * 7) % 5);
    const a = stratifiedSplit(classes, 5, 120, 60, new Rng(3));
    const b = stratifiedSplit(classes, 5, 120, 60, new Rng(3));
    expect(Array.from(a.train)).toEqual(Array.from(b.train));
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    const all = new Set([...a.train, ...a.test]);
    expect(all.size).toBe(180);
    for (let c = 0; c < 5; c++) {
      expect(Array.from(a.train).filter((i) => classes[i] === c).length).toBe(24);
      expect(Array.from(a.test).filter((i) => classes[i] === c).length).toBe(12);
    }
    // The order is mixed, not class by class.
    expect(Array.from(a.train.subarray(0, 24), (i) => classes[i]).every((c) => c === classes[a.train[0]])).toBe(false);
  });
});
