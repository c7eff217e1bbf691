/**
 * GaussianNoise, GaussianDropout, SpatialDropout2D: identity in inference, the configured statistics
 * in training (bounds are 6 standard errors of the estimate, for the fixed seeds used), seeded,
 * gradients through the drawn noise.
 */
import { describe, it, expect } from 'vitest';
import { Rng, Tensor, randomNormal, full, GaussianNoise, GaussianDropout, SpatialDropout2D } from '../../src/index.js';
import { expectGradOk } from '../helpers.js';
import { TRAIN, INFER } from './layer-peer.js';

function meanStd(v: Float32Array): [number, number] {
  let s = 0;
  for (const a of v) s += a;
  const m = s / v.length;
  let q = 0;
  for (const a of v) q += (a - m) * (a - m);
  return [m, Math.sqrt(q / v.length)];
}

describe('training-only noise layers', () => {
  const x = randomNormal([2, 3, 3, 2], new Rng(1));

  it('are the identity in inference (the same tensor comes back)', () => {
    for (const layer of [new GaussianNoise({ stddev: 0.5 }), new GaussianDropout({ rate: 0.3 }), new SpatialDropout2D({ rate: 0.3 })]) {
      expect(layer.call(x, INFER)).toBe(x);
      expect(layer.computeOutputShape([null, 3, 3, 2])).toEqual([null, 3, 3, 2]);
    }
  });

  it('GaussianNoise adds N(0, stddev²): over 40,000 draws mean ≈ 0 and std ≈ 0.5', () => {
    const ones = full([40000], 1);
    const y = new GaussianNoise({ stddev: 0.5 }).call(ones, TRAIN(2)).data.map((v) => v - 1);
    const [m, s] = meanStd(y);
    // standard errors: 0.5/√40000 = 0.0025 for the mean, ≈ 0.5/√80000 ≈ 0.0018 for the std
    expect(Math.abs(m)).toBeLessThan(6 * 0.0025);
    expect(Math.abs(s - 0.5)).toBeLessThan(6 * 0.0018);
  });

  it('GaussianDropout multiplies by N(1, rate/(1 − rate)): rate 0.2 → std 0.5', () => {
    const y = new GaussianDropout({ rate: 0.2 }).call(full([40000], 2), TRAIN(3)).data.map((v) => v / 2);
    const [m, s] = meanStd(y);
    expect(Math.abs(m - 1)).toBeLessThan(6 * 0.0025);
    expect(Math.abs(s - 0.5)).toBeLessThan(6 * 0.0018);
  });

  it('SpatialDropout2D zeros whole channels at ≈ rate and scales the rest by 1/(1 − rate)', () => {
    const input = full([500, 2, 3, 20], 1);
    const y = new SpatialDropout2D({ rate: 0.25 }).call(input, TRAIN(4)).data;
    let dropped = 0;
    for (let n = 0; n < 500; n++) {
      for (let c = 0; c < 20; c++) {
        // All six pixels of one (image, channel) share the mask value.
        const first = y[n * 120 + c];
        for (let p = 0; p < 6; p++) expect(y[n * 120 + p * 20 + c]).toBe(first);
        expect([0, 1 / 0.75].map(Math.fround)).toContain(first);
        if (first === 0) dropped++;
      }
    }
    // 10,000 channels: dropped fraction 0.25 ± 6·√(0.25·0.75/10000) = 0.25 ± 0.026
    expect(Math.abs(dropped / 10000 - 0.25)).toBeLessThan(0.026);
    expect(() => new SpatialDropout2D({ rate: 0.1 }).computeOutputShape([null, 4, 4])).toThrow(/SpatialDropout2D: expected 4-D NHWC input/);
  });

  it('are seeded: the same Rng seed gives the same output, another seed another', () => {
    for (const layer of [new GaussianNoise({ stddev: 1 }), new GaussianDropout({ rate: 0.5 }), new SpatialDropout2D({ rate: 0.5 })]) {
      const big = randomNormal([4, 2, 2, 8], new Rng(11));
      const a = layer.call(big, TRAIN(7)).data;
      expect(Array.from(layer.call(big, TRAIN(7)).data)).toEqual(Array.from(a));
      expect(Array.from(layer.call(big, TRAIN(8)).data)).not.toEqual(Array.from(a));
    }
  });

  it('gradients flow through the drawn noise (gradCheck with the same draw each call)', () => {
    for (const layer of [new GaussianNoise({ stddev: 1 }), new GaussianDropout({ rate: 0.4 }), new SpatialDropout2D({ rate: 0.4 })]) {
      expectGradOk((t: Tensor) => layer.call(t, TRAIN(9)), [randomNormal([2, 2, 3, 4], new Rng(10))], {}, layer.className);
    }
  });

  it('reject bad options, naming the layer', () => {
    expect(() => new GaussianNoise({ stddev: -1 })).toThrow(/GaussianNoise: stddev must be a finite number ≥ 0/);
    expect(() => new GaussianDropout({ rate: 1 })).toThrow(/GaussianDropout: rate must be a number in \[0, 1\)/);
    expect(() => new SpatialDropout2D({ rate: NaN })).toThrow(/SpatialDropout2D: rate must be a number in \[0, 1\)/);
  });
});
