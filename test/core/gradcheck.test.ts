import { describe, it, expect } from 'vitest';
import { Tensor, Rng, accumulateGrad, gradCheck, tensor, mul, exp, sum } from '../../src/index.js';
import { shuffledRamp, uniformTensor } from '../helpers.js';

/**
 * Deliberately wrong ops, built the way every real op is (Tensor.fromOp + a backward closure),
 * each with one specific mistake. gradCheck must catch every one and point at the right element.
 */

/** y = 2x, but the backward says 3. */
function doubleWithWrongFactor(x: Tensor): Tensor {
  const y = x.data.map((v) => 2 * v);
  return Tensor.fromOp('badDouble', y, x.shape, [x], (dout) => accumulateGrad(x, dout.map((g) => 3 * g), true));
}

/** y = a·b, but the backward forgets b's term. */
function mulMissingTerm(a: Tensor, b: Tensor): Tensor {
  const y = a.data.map((v, i) => v * b.data[i]);
  return Tensor.fromOp('badMul', y, a.shape, [a, b], (dout) => {
    accumulateGrad(a, dout.map((g, i) => g * b.data[i]), true);
  });
}

/** y = x², right everywhere except element `k`, whose gradient is dropped. */
function squareWrongAt(k: number) {
  return (x: Tensor): Tensor => {
    const y = x.data.map((v) => v * v);
    return Tensor.fromOp('badSquare', y, x.shape, [x], (dout) => {
      const dx = dout.map((g, i) => (i === k ? 0 : 2 * x.data[i] * g));
      accumulateGrad(x, dx, true);
    });
  };
}

/** y = x·w (elementwise), with a backward that is right for x and wrong for w's element `k` (sign flipped). */
function mulWrongSignAt(k: number) {
  return (x: Tensor, w: Tensor): Tensor => {
    const y = x.data.map((v, i) => v * w.data[i]);
    return Tensor.fromOp('badMul2', y, x.shape, [x, w], (dout) => {
      accumulateGrad(x, dout.map((g, i) => g * w.data[i]), true);
      accumulateGrad(w, dout.map((g, i) => (i === k ? -1 : 1) * g * x.data[i]), true);
    });
  };
}

/** A backward that produces NaN. */
function nanBackward(x: Tensor): Tensor {
  return Tensor.fromOp('nanGrad', Float32Array.from(x.data), x.shape, [x], (dout) => accumulateGrad(x, dout.map(() => Number.NaN), true));
}

describe('gradCheck', () => {
  const rng = new Rng(70);

  it('passes a correct op with a small error and reports a real element', () => {
    const x = shuffledRamp([3, 4], rng);
    const res = gradCheck((t) => mul(t, exp(t)), [x]);
    expect(res.passed).toBe(true);
    expect(res.maxError).toBeLessThan(1e-3);
    expect(res.worst.input).toBe(0);
    expect(res.worst.index).toBeGreaterThanOrEqual(0);
    expect(res.worst.index).toBeLessThan(12);
  });

  it('fails a backward that is off by a factor, with analytic/numeric ≈ 3/2 at the reported element', () => {
    const x = shuffledRamp([2, 3], rng);
    const res = gradCheck(doubleWithWrongFactor, [x]);
    expect(res.passed).toBe(false);
    expect(res.maxError).toBeGreaterThan(0.1);
    const { input, index, analytic, numeric } = res.worst;
    expect(input).toBe(0);
    expect(Number.isInteger(index) && index >= 0 && index < x.size).toBe(true);
    // The reported values are that element's: the analytic one is what backward left in x.grad.
    expect(analytic).toBe(x.grad!.data[index]);
    expect(analytic / numeric).toBeCloseTo(1.5, 3);
  });

  it('fails a backward that misses an input\'s term, and names that input', () => {
    const a = uniformTensor([4], rng, 0.5, 1.5);
    const b = uniformTensor([4], rng, 0.5, 1.5);
    const res = gradCheck(mulMissingTerm, [a, b]);
    expect(res.passed).toBe(false);
    expect(res.worst.input).toBe(1);
    expect(res.worst.analytic).toBe(0);
    expect(Math.abs(res.worst.numeric)).toBeGreaterThan(0.01);
  });

  it('points at the one wrong element', () => {
    for (const k of [0, 5, 11]) {
      const x = uniformTensor([3, 4], rng, 1, 2);
      const res = gradCheck(squareWrongAt(k), [x]);
      expect(res.passed, `element ${k}`).toBe(false);
      expect(res.worst).toMatchObject({ input: 0, index: k, analytic: 0 });
      // d/dx_k Σ r·x² = 2·r_k·x_k: the numeric slope is nowhere near 0 (|r_k| is not tiny for these seeds).
      expect(Math.abs(res.worst.numeric)).toBeGreaterThan(0.01);
    }
    const x = uniformTensor([2, 3], rng, 1, 2);
    const w = uniformTensor([2, 3], rng, 1, 2);
    const res = gradCheck(mulWrongSignAt(4), [x, w]);
    expect(res.passed).toBe(false);
    expect(res.worst.input).toBe(1);
    expect(res.worst.index).toBe(4);
    expect(res.worst.analytic).toBeCloseTo(-res.worst.numeric, 2);
  });

  it('treats NaN as the worst possible error, never a pass', () => {
    const res = gradCheck(nanBackward, [shuffledRamp([3], rng)]);
    expect(res.passed).toBe(false);
    expect(res.maxError).toBe(Infinity);
  });

  it('is deterministic for a seed, and leaves the inputs unchanged', () => {
    const x = shuffledRamp([2, 3], rng);
    const before = Array.from(x.data);
    const r1 = gradCheck((t) => sum(mul(t, t)), [x], { seed: 3 });
    const r2 = gradCheck((t) => sum(mul(t, t)), [x], { seed: 3 });
    expect(r1).toEqual(r2);
    expect(Array.from(x.data)).toEqual(before);
    expect(x.requiresGrad).toBe(true);
  });

  it('tol decides the verdict; a tiny step drowns in float32 rounding', () => {
    const x = tensor([0.3, 0.7, 1.1]);
    const strict = gradCheck((t) => exp(t), [x], { tol: 1e-9 });
    expect(strict.passed).toBe(false);
    expect(strict.maxError).toBeLessThan(1e-3);
    // With h = 1e-6 the float32 forward's rounding (~1e-7 relative) is amplified by 1/h: errors near 1e-1.
    const tiny = gradCheck((t) => exp(t), [uniformTensor([20], rng, 1, 2)], { eps: 1e-6 });
    expect(tiny.maxError).toBeGreaterThan(1e-2);
  });
});
