// Comparing kernels on inputs that hold NaN and ±Infinity: the non-finite results must sit at the
// same places with the same values, and the finite ones must be close.

import { expect } from 'vitest';
import { expectClose, nanArray, sumTolerance, type ConvKernels, type Rng, type Tolerance } from './helpers.js';

/** Copies `a` with `count` random elements set to NaN, +Inf or −Inf in turn. */
export function withNonFinite(rng: Rng, a: Float32Array, count: number): Float32Array {
  const out = a.slice();
  const bad = [NaN, Infinity, -Infinity];
  for (let i = 0; i < count; i++) out[Math.floor(rng() * out.length)] = bad[i % 3];
  return out;
}

/** NaN where `expected` is NaN, the same infinity where it is infinite, close elsewhere. */
export function expectSameNonFinite(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  const finiteActual: number[] = [];
  const finiteExpected: number[] = [];
  let nonFinite = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (Number.isFinite(e)) {
      finiteActual.push(actual[i]);
      finiteExpected.push(e);
    } else {
      nonFinite++;
      expect(Object.is(actual[i], e), `${label}: [${i}] got ${actual[i]}, want ${e}`).toBe(true);
    }
  }
  // The inputs must have reached the output, or the test would check nothing non-finite.
  expect(nonFinite, `${label}: no NaN or infinity reached the output`).toBeGreaterThan(0);
  expectClose(finiteActual, finiteExpected, tol, label);
}

/**
 * A fast kernel set against its naive twins on x, w and dy that hold NaN or ±Infinity: the forward
 * (no bias) into NaN-filled outputs, both gradients into zeros. `terms` sets each tolerance.
 */
export function expectNonFiniteTwinsAgree(
  naive: ConvKernels, fast: ConvKernels, x: Float32Array, w: Float32Array, dy: Float32Array,
  terms: { readonly forward: number; readonly input: number; readonly filter: number },
): void {
  const want = nanArray(dy.length);
  naive.forward(want, x, w, null);
  const got = nanArray(dy.length);
  fast.forward(got, x, w, null);
  expectSameNonFinite(got, want, sumTolerance(terms.forward), 'forward with NaN/±Inf');
  const dxWant = new Float32Array(x.length);
  naive.input(dxWant, dy, w);
  const dxGot = new Float32Array(x.length);
  fast.input(dxGot, dy, w);
  expectSameNonFinite(dxGot, dxWant, sumTolerance(terms.input), 'backward input with NaN/±Inf');
  const dwWant = new Float32Array(w.length);
  naive.filter(dwWant, dy, x);
  const dwGot = new Float32Array(w.length);
  fast.filter(dwGot, dy, x);
  expectSameNonFinite(dwGot, dwWant, sumTolerance(terms.filter), 'backward filter with NaN/±Inf');
}
