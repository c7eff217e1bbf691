// Comparing kernels on inputs that hold NaN and ±Infinity: the non-finite results must sit at the
// same places with the same values, and the finite ones must be close.

import { expect } from 'vitest';
import { expectClose, type Tolerance } from './helpers.js';

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
