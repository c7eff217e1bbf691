/**
 * The fast twins of batch-norm.ts's naive kernels: the same formulas (see there), rearranged so each
 * pass reads every element once, front to back, with C running float64 sums side by side.
 *
 * What they optimize, and why:
 * - Layout. The naive kernels walk one channel at a time down the rows (a stride of C floats per
 *   step), once per pass and channel. Here every pass streams the whole buffer once.
 * - Passes. Training forward takes two passes instead of three: the mean and the variance come from
 *   one pass of shifted sums, Σ(x − K) and Σ(x − K)², with K[c] the channel's first value (when finite). Shifting
 *   by a value of the data keeps E[(x−K)²] − E[x−K]² from cancelling when the mean is large next to
 *   the spread (the textbook one-pass formula's weakness; Chan, Golub & LeVeque 1983), and float64
 *   sums of float32 values have 29 spare bits on top.
 * - Work per element. The per-element formulas become one multiply-add per stream with per-channel
 *   constants computed once:
 *     forward    y = A·x + B,                 A = γ·s,  B = β − μ·A
 *     backward   Σ dy·x̂ = s·(Σ dy·x − μ·Σ dy)  (pass 1 sums dy and dy·x only)
 *                dx += A·dy + B·x + D,       A = γ·s,  B = −A·s·(Σ dy·x̂)/R,
 *                                            D = A·(μ·s·(Σ dy·x̂)/R − (Σ dy)/R)     (training)
 *                dx += A·dy                                                        (inference)
 * The rounding differs from the naive kernels' (they agree within float32 tolerances, and a NaN or
 * ±∞ in a channel gives NaN statistics in both); the tests hold them to that.
 */

/** y[r,c] = A[c]·x[r,c] + B[c] for every row; overwrites y. */
function affineRows(y: Float32Array, x: Float32Array, A: Float64Array, B: Float64Array, R: number, C: number): void {
  for (let o = 0; o < R * C; o += C) {
    for (let c = 0; c < C; c++) y[o + c] = A[c] * x[o + c] + B[c];
  }
}

// The passes are small functions of their own: V8 optimizes a function by how often it is called,
// and a long loop inside a function called a few times per step would run unoptimized until
// on-stack replacement kicks in, separately for each loop.

/** s1[c] += Σ_r (x[r,c] − K[c]), s2[c] += Σ_r (x[r,c] − K[c])². */
function shiftedSums(s1: Float64Array, s2: Float64Array, x: Float32Array, K: Float64Array, R: number, C: number): void {
  for (let o = 0; o < R * C; o += C) {
    for (let c = 0; c < C; c++) {
      const d = x[o + c] - K[c];
      s1[c] += d;
      s2[c] += d * d;
    }
  }
}

/** a[c] += Σ_r u[r,c], b[c] += Σ_r u[r,c]·v[r,c]. */
function productSums(a: Float64Array, b: Float64Array, u: Float32Array, v: Float32Array, R: number, C: number): void {
  for (let o = 0; o < R * C; o += C) {
    for (let c = 0; c < C; c++) {
      const g = u[o + c];
      a[c] += g;
      b[c] += g * v[o + c];
    }
  }
}

/** out[r,c] += A[c]·u[r,c] + B[c]·v[r,c] + D[c]; accumulates. */
function affineRows3(out: Float32Array, u: Float32Array, v: Float32Array, A: Float64Array, B: Float64Array, D: Float64Array, R: number, C: number): void {
  for (let o = 0; o < R * C; o += C) {
    for (let c = 0; c < C; c++) out[o + c] += A[c] * u[o + c] + B[c] * v[o + c] + D[c];
  }
}

/** out[r,c] += A[c]·u[r,c]; accumulates. */
function scaleRowsInto(out: Float32Array, u: Float32Array, A: Float64Array, R: number, C: number): void {
  for (let o = 0; o < R * C; o += C) {
    for (let c = 0; c < C; c++) out[o + c] += A[c] * u[o + c];
  }
}

/** A = γ·s and B = β − μ·A per channel (γ = 1, β = 0 when absent). */
function scaleShift(mu: ArrayLike<number>, s: ArrayLike<number>, gamma: Float32Array | null, beta: Float32Array | null, C: number): [Float64Array, Float64Array] {
  const A = new Float64Array(C); // (C)
  const B = new Float64Array(C); // (C)
  for (let c = 0; c < C; c++) {
    A[c] = (gamma === null ? 1 : gamma[c]) * s[c];
    B[c] = (beta === null ? 0 : beta[c]) - mu[c] * A[c];
  }
  return [A, B];
}

/** Training forward (batch-norm.ts batchNormForwardTrainingNaive): overwrites y, mean, variance, invStd. */
export function batchNormForwardTraining(
  y: Float32Array, mean: Float32Array, variance: Float32Array, invStd: Float32Array,
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, R: number, C: number, epsilon: number,
): void {
  // Pass 1: shifted sums Σ(x − K) and Σ(x − K)² per channel, K = the first row (0 where that is
  // NaN or ±∞, so an infinite shift does not turn a −∞ mean into NaN).
  const K = new Float64Array(C); // (C)
  for (let c = 0; c < C; c++) K[c] = Number.isFinite(x[c]) ? x[c] : 0;
  const s1 = new Float64Array(C); // (C) Σ(x − K)
  const s2 = new Float64Array(C); // (C) Σ(x − K)²
  shiftedSums(s1, s2, x, K, R, C);
  const mu = new Float64Array(C); // (C)
  const s = new Float64Array(C); // (C)
  for (let c = 0; c < C; c++) {
    const m1 = s1[c] / R;
    // Rounding can take E[d²] − E[d]² a hair below 0; Math.max keeps a NaN (from a NaN or ±∞ input).
    const v = Math.max(s2[c] / R - m1 * m1, 0);
    mu[c] = K[c] + m1;
    s[c] = 1 / Math.sqrt(v + epsilon);
    mean[c] = mu[c];
    variance[c] = v;
    invStd[c] = s[c];
  }
  // Pass 2: y = A·x + B.
  const [A, B] = scaleShift(mu, s, gamma, beta, C);
  affineRows(y, x, A, B, R, C);
}

/** Inference forward (batch-norm.ts batchNormForwardInferenceNaive); overwrites y. */
export function batchNormForwardInference(
  y: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array,
  gamma: Float32Array | null, beta: Float32Array | null, R: number, C: number, epsilon: number,
): void {
  const s = new Float64Array(C); // (C)
  for (let c = 0; c < C; c++) s[c] = 1 / Math.sqrt(variance[c] + epsilon);
  const [A, B] = scaleShift(mean, s, gamma, beta, C);
  affineRows(y, x, A, B, R, C);
}

/** Backward of either mode (batch-norm.ts batchNormBackwardNaive); accumulates into dx, dγ, dβ. */
export function batchNormBackward(
  dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null,
  dy: Float32Array, x: Float32Array, mean: Float32Array, invStd: Float32Array, gamma: Float32Array | null,
  R: number, C: number, training: boolean,
): void {
  // Pass 1: Σ dy and Σ dy·x per channel; then Σ dy·x̂ = s·(Σ dy·x − μ·Σ dy).
  const sumDy = new Float64Array(C); // (C)
  const sumDyX = new Float64Array(C); // (C)
  productSums(sumDy, sumDyX, dy, x, R, C);
  const A = new Float64Array(C); // (C) γ·s
  const B = new Float64Array(C); // (C)
  const D = new Float64Array(C); // (C)
  for (let c = 0; c < C; c++) {
    const s = invStd[c];
    const sumDyXhat = s * (sumDyX[c] - mean[c] * sumDy[c]);
    if (dbeta !== null) dbeta[c] += sumDy[c];
    if (dgamma !== null) dgamma[c] += sumDyXhat;
    A[c] = (gamma === null ? 1 : gamma[c]) * s;
    B[c] = (-A[c] * s * sumDyXhat) / R;
    D[c] = A[c] * ((mean[c] * s * sumDyXhat) / R - sumDy[c] / R);
  }
  if (dx === null) return;
  // Pass 2: dx += A·dy + B·x + D (training) or A·dy (inference: μ and σ² are constants).
  if (training) affineRows3(dx, dy, x, A, B, D, R, C);
  else scaleRowsInto(dx, dy, A, R, C);
}
