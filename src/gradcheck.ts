import { Tensor } from './tensor.js';
import { noGrad } from './grad-mode.js';
import { Rng } from './rng.js';

export interface GradCheckOptions {
  /** Finite-difference step h (default 1e-2: with float32 forwards, smaller steps drown in rounding). */
  eps?: number;
  /** Allowed error: |analytic − numeric| ≤ tol · max(|analytic|, |numeric|, 1) (default 1e-2). */
  tol?: number;
  /** Seed for the random projection r (default 0). */
  seed?: number;
}

export interface GradCheckResult {
  /** True when every gradient entry is within tolerance. */
  passed: boolean;
  /** The worst scaled error, |a − n| / max(|a|, |n|, 1). */
  maxError: number;
  /** Where the worst error is: which input (position in `inputs`), which flat element, both values. */
  worst: { input: number; index: number; analytic: number; numeric: number };
}

/**
 * Check an op's backward against finite differences.
 *
 * It reduces `fn`'s output to a scalar L = Σ out · r with a fixed random r (so every output element
 * matters, with a different weight), gets the analytic dL/dx of every input with `backward()`, then
 * nudges each input element by ±h and measures the numeric slope (L(x+h) − L(x−h)) / 2h, summing L
 * in float64.
 *
 * How to read the result: `passed` says whether the worst entry is within `tol`; `worst` names the
 * input and flat element index where analytic and numeric disagree most. A wrong backward usually
 * shows as an error near 1 (a missing or doubled term); an error of a few 1e-3 is float32 noise.
 * Keep inputs away from kinks: ReLU at 0, ties in max or max-pool, |x| at 0 — there the numeric
 * slope straddles two pieces and disagrees with any one-sided derivative.
 *
 * @param fn      builds the output from the inputs using tatami ops
 * @param inputs  leaf tensors; they are given requiresGrad and their `.grad` is reset
 */
export function gradCheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradCheckOptions = {}): GradCheckResult {
  const { eps = 1e-2, tol = 1e-2, seed = 0 } = options;
  for (const t of inputs) {
    t.requiresGrad = true;
    t.grad = null;
  }
  const out = fn(...inputs);
  const rng = new Rng(seed);
  const r = new Float64Array(out.size);
  for (let i = 0; i < r.length; i++) r[i] = rng.uniform(-1, 1);
  // Analytic: backward with seed r gives dL/dx for L = Σ out·r.
  out.backward(Float32Array.from(r));
  const loss = (): number =>
    noGrad(() => {
      const o = fn(...inputs).data;
      let l = 0;
      for (let i = 0; i < o.length; i++) l += o[i] * r[i];
      return l;
    });
  let worst = { input: -1, index: -1, analytic: 0, numeric: 0 };
  let maxError = 0;
  inputs.forEach((t, k) => {
    const analytic = t.grad?.data ?? new Float32Array(t.size);
    for (let i = 0; i < t.size; i++) {
      const saved = t.data[i];
      t.data[i] = saved + eps;
      const up = loss();
      t.data[i] = saved - eps;
      const down = loss();
      t.data[i] = saved;
      // The step actually taken in float32 may differ from eps slightly: divide by it.
      const numeric = (up - down) / (Math.fround(saved + eps) - Math.fround(saved - eps));
      const a = analytic[i];
      const err = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), 1);
      // A NaN anywhere is the worst possible outcome, never a silent pass.
      const e = Number.isNaN(err) ? Infinity : err;
      if (worst.input < 0 || e > maxError) {
        maxError = e;
        worst = { input: k, index: i, analytic: a, numeric };
      }
    }
  });
  return { passed: maxError <= tol, maxError, worst };
}
