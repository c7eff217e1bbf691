// The check before any timing: a version's outputs against the reference's, element by element.

import type { Tolerance } from './case.js';

/**
 * Element-wise check of `got` against `want`: |g − w| ≤ atol·max|want| + rtol·|w|.
 * Returns the largest error and, on failure, a message naming the first mismatches.
 */
export function compareOutputs(
  got: ArrayLike<number>[], want: ArrayLike<number>[], tol: Tolerance,
): { ok: boolean; maxAbsErr: number; maxAbsRef: number; message: string } {
  if (got.length !== want.length) {
    return { ok: false, maxAbsErr: NaN, maxAbsRef: NaN, message: `returned ${got.length} outputs, expected ${want.length}` };
  }
  let maxAbsErr = 0;
  let maxAbsRef = 0;
  const problems: string[] = [];
  let bad = 0;
  for (let o = 0; o < want.length; o++) {
    const g = got[o];
    const w = want[o];
    if (g.length !== w.length) {
      return { ok: false, maxAbsErr: NaN, maxAbsRef: NaN, message: `output ${o} has ${g.length} values, expected ${w.length}` };
    }
    let scale = 0;
    for (let i = 0; i < w.length; i++) scale = Math.max(scale, Math.abs(w[i]));
    maxAbsRef = Math.max(maxAbsRef, scale);
    const atol = tol.atol * Math.max(scale, 1e-30);
    for (let i = 0; i < w.length; i++) {
      const err = Math.abs(g[i] - w[i]);
      if (err > maxAbsErr || Number.isNaN(err)) maxAbsErr = Number.isNaN(err) ? Infinity : err;
      if (!(err <= atol + tol.rtol * Math.abs(w[i]))) {
        bad++;
        if (problems.length < 3) problems.push(`[${o}][${i}] got ${g[i]}, want ${w[i]}`);
      }
    }
  }
  const total = want.reduce((n, w) => n + w.length, 0);
  const message = bad === 0 ? '' : `${bad} of ${total} values differ beyond atol ${tol.atol}·max|ref| + rtol ${tol.rtol}·|ref|: ${problems.join('; ')}`;
  return { ok: bad === 0, maxAbsErr, maxAbsRef, message };
}
