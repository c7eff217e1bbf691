import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/index.js';

/** n draws of a generator method, as a plain array. */
function draws(n: number, f: () => number): number[] {
  return Array.from({ length: n }, f);
}

function meanOf(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function stdOf(xs: readonly number[]): number {
  const m = meanOf(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

describe('Rng', () => {
  it('reproduces the same sequence from the same seed, across instances and methods', () => {
    const run = (seed: number): number[] => {
      const r = new Rng(seed);
      const out: number[] = [];
      for (let i = 0; i < 50; i++) {
        out.push(r.nextUint32(), r.uniform(), r.normal(), r.integer(1000), r.uniform(-3, 5));
      }
      out.push(...Array.from(r.permutation(30)));
      return out;
    };
    for (const seed of [0, 1, 42, 2 ** 31 + 5, -7]) expect(run(seed)).toEqual(run(seed));
  });

  it('different seeds give different sequences (also neighbouring ones)', () => {
    const first = (seed: number): number[] => {
      const r = new Rng(seed);
      return draws(8, () => r.nextUint32());
    };
    const seen = new Set<string>();
    for (let seed = 0; seed < 100; seed++) seen.add(first(seed).join(','));
    expect(seen.size).toBe(100);
    // Neighbouring seeds are decorrelated from the first draw on.
    const a = first(1);
    const b = first(2);
    expect(a.filter((v, i) => v === b[i]).length).toBe(0);
  });

  it('fillUint32 gives the numbers nextUint32 would, in order, and moves the state past them', () => {
    for (const seed of [0, 5, 2 ** 31 + 5]) {
      const r = new Rng(seed);
      const ref = new Rng(seed);
      const out = new Uint32Array(1003).fill(7);
      r.fillUint32(out, 1000); // n < length: the last three stay
      expect(Array.from(out.subarray(0, 1000))).toEqual(draws(1000, () => ref.nextUint32()));
      expect(Array.from(out.subarray(1000))).toEqual([7, 7, 7]);
      expect(draws(5, () => r.nextUint32())).toEqual(draws(5, () => ref.nextUint32()));
      r.fillUint32(out); // the default n: the whole array
      expect(Array.from(out)).toEqual(draws(1003, () => ref.nextUint32()));
    }
  });

  it('fillUint32 refuses an n past out.length (or not a count), naming it, and leaves the state alone', () => {
    const r = new Rng(9);
    const ref = new Rng(9);
    const out = new Uint32Array(4);
    expect(() => r.fillUint32(out, 5)).toThrow('Rng.fillUint32: n must be an integer from 0 to out.length (4), got 5');
    expect(() => r.fillUint32(out, -1)).toThrow('got -1');
    expect(() => r.fillUint32(out, 2.5)).toThrow('got 2.5');
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
    expect(draws(5, () => r.nextUint32())).toEqual(draws(5, () => ref.nextUint32()));
    r.fillUint32(out, 0); // nothing drawn
    expect(r.nextUint32()).toBe(ref.nextUint32());
  });

  it('nextUint32 is an unsigned 32-bit integer', () => {
    const r = new Rng(3);
    const bad = draws(10000, () => r.nextUint32()).filter((v) => !(Number.isInteger(v) && v >= 0 && v < 2 ** 32));
    expect(bad).toEqual([]);
  });

  it('uniform is in [0, 1) with mean ≈ 1/2 and variance ≈ 1/12, and evenly spread', () => {
    const n = 1e5;
    const r = new Rng(123);
    const xs = draws(n, () => r.uniform());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    // U(0,1) has σ = √(1/12) ≈ 0.2887, so the mean of n draws has standard error σ/√n ≈ 9.1e-4
    // for n = 1e5. Allow 5 standard errors (a true uniform fails this about once in 1.7 million).
    const se = Math.sqrt(1 / 12) / Math.sqrt(n);
    expect(Math.abs(meanOf(xs) - 0.5)).toBeLessThan(5 * se);
    // Var of U(0,1) is 1/12; its estimate's standard error is √((μ4 − σ⁴)/n) = √((1/80 − 1/144)/n) ≈ 2.4e-4.
    const varSe = Math.sqrt((1 / 80 - 1 / 144) / n);
    expect(Math.abs(stdOf(xs) ** 2 - 1 / 12)).toBeLessThan(5 * varSe);
    // Chi-square over 10 equal bins: 9 degrees of freedom, 99.9th percentile ≈ 27.88.
    const bins = new Array<number>(10).fill(0);
    for (const x of xs) bins[Math.floor(x * 10)]++;
    const expected = n / 10;
    const chi2 = bins.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.88);
  });

  it('uniform(low, high) stays in [low, high)', () => {
    const r = new Rng(5);
    const xs = draws(10000, () => r.uniform(-3, -1));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...xs)).toBeLessThan(-1);
    expect(Math.abs(meanOf(xs) + 2)).toBeLessThan(5 * (2 / Math.sqrt(12)) / Math.sqrt(1e4));
  });

  it('normal has the requested mean and standard deviation', () => {
    const n = 1e5;
    const r = new Rng(7);
    const z = draws(n, () => r.normal());
    // Standard error of the mean: σ/√n ≈ 3.2e-3; of the sample std: σ/√(2n) ≈ 2.2e-3. Allow 5 of each.
    expect(Math.abs(meanOf(z))).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(stdOf(z) - 1)).toBeLessThan(5 / Math.sqrt(2 * n));
    // About 68.27% within one σ: a proportion's standard error is √(p(1−p)/n) ≈ 1.5e-3.
    const within = z.filter((v) => Math.abs(v) < 1).length / n;
    expect(Math.abs(within - 0.6827)).toBeLessThan(5 * Math.sqrt((0.6827 * 0.3173) / n));
    const y = draws(n, () => r.normal(3, 0.5));
    expect(Math.abs(meanOf(y) - 3)).toBeLessThan((5 * 0.5) / Math.sqrt(n));
    expect(Math.abs(stdOf(y) - 0.5)).toBeLessThan((5 * 0.5) / Math.sqrt(2 * n));
    expect(z.every(Number.isFinite)).toBe(true);
  });

  it('integer covers its range evenly without leaving it', () => {
    const r = new Rng(11);
    const n = 70000;
    const counts = new Array<number>(7).fill(0);
    const outside: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = r.integer(7);
      if (Number.isInteger(v) && v >= 0 && v < 7) counts[v]++;
      else outside.push(v);
    }
    expect(outside).toEqual([]);
    // Each count is Binomial(n, 1/7): mean 10000, standard deviation √(n·(1/7)·(6/7)) ≈ 92.6.
    const sd = Math.sqrt(n * (1 / 7) * (6 / 7));
    for (const c of counts) expect(Math.abs(c - n / 7)).toBeLessThan(5 * sd);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(r.integer(-3, 4));
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(r.integer(1)).toBe(0);
    expect(r.integer(5, 6)).toBe(5);
    // The largest span it allows.
    const big = r.integer(2 ** 32);
    expect(big >= 0 && big < 2 ** 32).toBe(true);
  });

  it('integer rejects empty and non-integer ranges', () => {
    const r = new Rng(0);
    expect(() => r.integer(0)).toThrow(/Rng.integer: empty or invalid range \[0, 0\)/);
    expect(() => r.integer(3, 3)).toThrow(/Rng.integer: empty or invalid range \[3, 3\)/);
    expect(() => r.integer(5, 2)).toThrow(/Rng.integer/);
    expect(() => r.integer(2.5)).toThrow(/Rng.integer/);
    expect(() => r.integer(2 ** 32 + 1)).toThrow(/Rng.integer/);
  });

  it('shuffle and permutation give permutations', () => {
    const r = new Rng(9);
    const p = r.permutation(50);
    expect(p).toBeInstanceOf(Int32Array);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(p)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    const words = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const copy = [...words];
    const out = r.shuffle(copy);
    expect(out).toBe(copy);
    expect([...out].sort()).toEqual(words);
    expect(r.shuffle([])).toEqual([]);
    expect(r.shuffle([1])).toEqual([1]);
    // Every position is equally likely to receive element 0: over 6000 shuffles of 3, each ≈ 2000.
    const where = [0, 0, 0];
    for (let i = 0; i < 6000; i++) where[r.shuffle([0, 1, 2]).indexOf(0)]++;
    const sd = Math.sqrt(6000 * (1 / 3) * (2 / 3));
    for (const c of where) expect(Math.abs(c - 2000)).toBeLessThan(5 * sd);
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Rng(Number.NaN)).toThrow(/Rng: seed must be a finite number, got NaN/);
    expect(() => new Rng(Infinity)).toThrow(/Rng: seed must be a finite number/);
  });
});
