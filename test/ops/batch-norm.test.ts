// The batchNorm op (src/ops/batch-norm.ts) on its own: finite-difference gradients for x, γ and β
// in both modes, on a channel count the SIMD kernels take (C = 4) and one they leave to the JS passes
// (C = 3); errors that name the op and the shapes.

import { describe, it, expect } from 'vitest';
import { Rng, randomNormal, tensor } from '../../src/index.js';
import { batchNormTraining, batchNormInference } from '../../src/ops/batch-norm.js';
import { expectGradOk } from '../helpers.js';

describe('batchNorm op', () => {
  for (const C of [3, 4]) {
    it(`training-mode gradients through the batch statistics, C = ${C}`, () => {
      const rng = new Rng(40 + C);
      const x = randomNormal([2, 3, 3, C], rng, 0.5, 1.5);
      const gamma = randomNormal([C], rng, 1, 0.3);
      const beta = randomNormal([C], rng, 0, 0.3);
      expectGradOk((a, g, b) => batchNormTraining(a, g, b, 1e-3).y, [x, gamma, beta], {}, `C ${C}`);
      expectGradOk((a) => batchNormTraining(a, null, null, 1e-3).y, [x], {}, `C ${C} without γ, β`);
    });

    it(`inference-mode gradients with the moving statistics held, C = ${C}`, () => {
      const rng = new Rng(50 + C);
      const x = randomNormal([2, 2, 2, C], rng, 0, 2);
      const mean = randomNormal([C], rng, 0, 1);
      const variance = tensor(Array.from({ length: C }, (_, c) => 0.5 + c));
      const gamma = randomNormal([C], rng, 1, 0.3);
      const beta = randomNormal([C], rng, 0, 0.3);
      expectGradOk((a, g, b) => batchNormInference(a, mean, variance, g, b, 1e-3), [x, gamma, beta], {}, `C ${C}`);
    });
  }

  it('returns the batch mean and biased variance for the moving averages', () => {
    // channel 0 = [1, 2, 3, 6]: mean 3, variance (4 + 1 + 0 + 9)/4 = 3.5; channel 1 = [0, 0, 4, 4]: 2, 4.
    const { stats } = batchNormTraining(tensor([[1, 0], [2, 0], [3, 4], [6, 4]]), null, null, 1e-3);
    expect(Array.from(stats.mean)).toEqual([3, 2]);
    expect(Array.from(stats.variance)).toEqual([3.5, 4]);
  });

  it('errors name the op and the shapes', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    expect(() => batchNormTraining(x, tensor([1, 1, 1]), null, 1e-3)).toThrow('batchNorm: gamma has shape [3], expected [2] for input [3, 2]');
    expect(() => batchNormInference(x, tensor([0, 0]), tensor([[1, 1]]), null, null, 1e-3)).toThrow('batchNorm: variance has shape [1, 2], expected [2] for input [3, 2]');
  });
});
