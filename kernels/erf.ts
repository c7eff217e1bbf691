/**
 * The error function, for the exact GELU: erf(x) = (2/√π) ∫₀ˣ e^(−t²) dt. JavaScript has no Math.erf.
 *
 *   erfc(x) ≈ t · exp(−x² − 1.26551223 + t·(1.00002368 + t·(0.37409196 + … + t·0.17087277)))
 *   with t = 1 / (1 + |x|/2), erfc(−x) = 2 − erfc(x), erf = 1 − erfc
 *
 * The Chebyshev fit of Numerical Recipes (Press et al., 2nd ed., §6.2, `erfcc`): fractional error
 * below 1.2e-7 for every x, i.e. about float32's own rounding, so float32 results match a
 * correctly rounded erf within one or two ulps. Scalar in, scalar out; no buffers.
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  // Horner's rule over the ten coefficients of the fit.
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(-z * z + poly);
  return x >= 0 ? 1 - erfc : erfc - 1;
}
