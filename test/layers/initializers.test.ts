/**
 * Initializers: Keras's VarianceScaling with Keras's fans, checked by bounds and by the sample
 * variance against the intended one within a few standard errors (so a wrong fan, a missing
 * truncation correction or a wrong distribution fails).
 */
import { describe, it, expect } from 'vitest';
import { Rng, initializers, Sequential, input, Conv2D, Dense, Flatten, type Initializer } from '../../src/index.js';
import { resolveInitializer, computeFans } from '../../src/initializers.js';

function draw(init: Initializer, shape: number[], seed = 1): Float32Array {
  const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
  init(data, shape, new Rng(seed));
  return data;
}

function moments(d: Float32Array): { mean: number; meanSq: number; maxAbs: number } {
  let s = 0;
  let s2 = 0;
  let m = 0;
  for (const v of d) {
    s += v;
    s2 += v * v;
    m = Math.max(m, Math.abs(v));
  }
  return { mean: s / d.length, meanSq: s2 / d.length, maxAbs: m };
}

// A conv kernel [KH, KW, CI, CO] = [5, 5, 16, 32] (12,800 values): Keras fans KH·KW·CI = 400, KH·KW·CO = 800.
const CONV = [5, 5, 16, 32];
const N = 5 * 5 * 16 * 32;

describe('fans (Keras _compute_fans)', () => {
  it('dense, conv, vector, scalar', () => {
    expect(computeFans([300, 10])).toEqual({ fanIn: 300, fanOut: 10 });
    expect(computeFans(CONV)).toEqual({ fanIn: 400, fanOut: 800 });
    expect(computeFans([3, 3, 1, 128])).toEqual({ fanIn: 9, fanOut: 1152 });
    expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
  });
});

describe('uniform variance scaling', () => {
  // U(−L, L): E[w²] = L²/3, Var(w²) = L⁴/5 − L⁴/9 = 4L⁴/45, so the standard error of the mean of w² is √(4L⁴/45/N).
  const cases: Array<[string, Initializer, number]> = [
    ['glorotUniform: L = √(6/(400 + 800)) = 0.0707107', initializers.glorotUniform(), Math.sqrt(6 / 1200)],
    ['heUniform: L = √(6/400) = 0.122474', initializers.heUniform(), Math.sqrt(6 / 400)],
    ['lecunUniform: L = √(3/400) = 0.0866025', initializers.lecunUniform(), Math.sqrt(3 / 400)],
  ];
  for (const [label, init, L] of cases) {
    it(label, () => {
      const d = draw(init, CONV);
      const { mean, meanSq, maxAbs } = moments(d);
      expect(maxAbs).toBeLessThanOrEqual(L);
      expect(maxAbs).toBeGreaterThan(0.999 * L); // the whole interval is used
      const se = Math.sqrt((4 * L ** 4) / 45 / N);
      expect(Math.abs(meanSq - L * L / 3)).toBeLessThan(4 * se);
      expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(L * L / 3 / N));
    });
  }

  it('glorotUniform on a Dense kernel [300, 10]: L = √(6/310)', () => {
    const L = Math.sqrt(6 / 310);
    const { maxAbs } = moments(draw(initializers.glorotUniform(), [300, 10]));
    expect(maxAbs).toBeLessThanOrEqual(L);
    expect(maxAbs).toBeGreaterThan(0.99 * L);
  });
});

describe('truncated normal variance scaling', () => {
  // stddev σ = √(scale/fan)/0.87962566103423978, truncated at ±2σ: the truncated variance is scale/fan.
  // E[w⁴] < 3σ⁴ (truncation only lowers it), so the standard error of the mean of w² is < σ²·√(3/N).
  const cases: Array<[string, Initializer, number]> = [
    ['glorotNormal: variance 2/(400 + 800)', initializers.glorotNormal(), 2 / 1200],
    ['heNormal: variance 2/400', initializers.heNormal(), 2 / 400],
    ['lecunNormal: variance 1/400', initializers.lecunNormal(), 1 / 400],
  ];
  for (const [label, init, variance] of cases) {
    it(label, () => {
      const sigma = Math.sqrt(variance) / 0.87962566103423978;
      const { meanSq, maxAbs } = moments(draw(init, CONV, 3));
      expect(maxAbs).toBeLessThanOrEqual(2 * sigma * (1 + 1e-6));
      expect(maxAbs).toBeGreaterThan(1.95 * sigma);
      const se = sigma * sigma * Math.sqrt(3 / N);
      expect(Math.abs(meanSq - variance)).toBeLessThan(4 * se);
    });
  }
});

describe('plain initializers', () => {
  it('randomNormal N(0, 0.05²), randomUniform U(−0.05, 0.05), zeros, ones, constant', () => {
    const n = moments(draw(initializers.randomNormal(), [100, 100]));
    expect(Math.abs(n.meanSq - 0.0025)).toBeLessThan(4 * 0.0025 * Math.sqrt(2 / 10000));
    expect(n.maxAbs).toBeGreaterThan(2.5 * 0.05); // not truncated
    const u = moments(draw(initializers.randomUniform(), [100, 100]));
    expect(u.maxAbs).toBeLessThanOrEqual(0.05);
    expect(u.maxAbs).toBeGreaterThan(0.049);
    expect(Array.from(draw(initializers.zeros(), [3]))).toEqual([0, 0, 0]);
    expect(Array.from(draw(initializers.ones(), [3]))).toEqual([1, 1, 1]);
    expect(Array.from(draw(initializers.constant(0.5), [2]))).toEqual([0.5, 0.5]);
  });

  it('seeded: the same seed gives the same values, another seed other values', () => {
    for (const name of ['glorot_uniform', 'glorotNormal', 'he_normal', 'heUniform', 'lecun_normal', 'random_normal', 'randomUniform']) {
      const init = resolveInitializer(name, 'test');
      expect(Array.from(draw(init, [4, 5], 7)), name).toEqual(Array.from(draw(init, [4, 5], 7)));
      expect(Array.from(draw(init, [4, 5], 7)), name).not.toEqual(Array.from(draw(init, [4, 5], 8)));
    }
  });

  it('names in snake or camel case; unknown names throw listing the known ones', () => {
    expect(() => resolveInitializer('glorotUniform', 'Dense')).not.toThrow();
    expect(() => resolveInitializer('he_uniform', 'Dense')).not.toThrow();
    expect(() => resolveInitializer('xavier', 'Dense')).toThrow(/Dense: unknown initializer 'xavier' \(known: glorot_uniform, .*\)/);
    expect(() => new Dense({ units: 2, kernelInitializer: 'orthogonalish' })).toThrow(/Dense: unknown initializer 'orthogonalish'/);
    expect(() => new Conv2D({ filters: 2, kernelSize: 3, biasInitializer: 'nope' })).toThrow(/Conv2D: unknown initializer 'nope'/);
  });
});

describe('layer defaults (Keras): glorot_uniform kernels, zero biases', () => {
  it('a seeded model: conv and dense kernels inside their Glorot limits, biases 0', () => {
    const m = new Sequential(
      [input({ shape: [8, 8, 3] }), new Conv2D({ filters: 16, kernelSize: 3 }), new Flatten(), new Dense({ units: 5 })],
      { seed: 3 },
    );
    const [ck, cb, dk, db] = m.getWeights();
    // conv [3, 3, 3, 16]: L = √(6/(27 + 144)) = 0.187317;  dense [576, 5]: L = √(6/581) = 0.101622
    const lc = Math.sqrt(6 / (27 + 144));
    const ld = Math.sqrt(6 / 581);
    expect(moments(ck.data).maxAbs).toBeLessThanOrEqual(lc);
    expect(moments(ck.data).maxAbs).toBeGreaterThan(0.97 * lc);
    expect(moments(dk.data).maxAbs).toBeLessThanOrEqual(ld);
    expect(moments(dk.data).maxAbs).toBeGreaterThan(0.99 * ld);
    expect(cb.data.every((v) => v === 0) && db.data.every((v) => v === 0)).toBe(true);
    // The same seed, the same weights; another seed, others.
    const again = (seed: number): Float32Array => new Sequential([input({ shape: [8, 8, 3] }), new Conv2D({ filters: 16, kernelSize: 3 })], { seed }).getWeights()[0].data;
    expect(Array.from(again(3))).toEqual(Array.from(ck.data));
    expect(Array.from(again(4))).not.toEqual(Array.from(ck.data));
  });
});
