/**
 * The fast twins of batch-norm.ts's naive kernels: the same formulas (see there), rearranged so each
 * pass reads every element once, front to back, with C running float64 sums side by side.
 *
 * What they optimize, and why:
 * - Layout. The naive kernels walk one channel at a time down the rows (a stride of C floats per
 *   step), once per pass and channel. Here every pass streams the whole buffer once.
 * - Passes. Training forward takes two passes instead of three: the mean and the variance come from
 *   one pass of shifted sums, Σ(x − K) and Σ(x − K)², with K[c] the channel's first value (when
 *   finite). Shifting by a value of the data keeps E[(x−K)²] − E[x−K]² from cancelling when the
 *   mean is large next to the spread (the textbook one-pass formula's weakness; Chan, Golub &
 *   LeVeque 1983), and float64 sums of float32 values have 29 spare bits on top.
 * - Work per element. The per-element formulas become one multiply-add per stream with per-channel
 *   constants computed once:
 *     forward    y = A·x + B,                 A = γ·s,  B = β − μ·A
 *     backward   Σ dy·x̂ = s·(Σ dy·x − μ·Σ dy)  (pass 1 sums dy and dy·x only)
 *                dx += A·dy + B·x + D,       A = γ·s,  B = −A·s·(Σ dy·x̂)/R,
 *                                            D = A·(μ·s·(Σ dy·x̂)/R − (Σ dy)/R)     (training)
 *                dx += A·dy                                                        (inference)
 * - Interleaved per-channel constants. A channel's A, B (and D) sit side by side in one Float64Array
 *   ([A₀, B₀, D₀, A₁, …]): measured here, a loop reading three separate arrays of constants ran 2×
 *   slower than one reading a single interleaved array (every array costs V8 a base pointer and a
 *   bounds check).
 * The rounding differs from the naive kernels' (they agree within float32 tolerances, and a NaN or
 * ±∞ in a channel gives NaN statistics in both); the tests hold them to that.
 *
 * The passes are small functions of their own: V8 optimizes a function by how often it is called,
 * and a long loop inside a function called a few times per step would run unoptimized until
 * on-stack replacement kicks in, separately for each loop.
 */

import { reluInPlace, reluBackwardBias } from './relu.js';

// Every pass walks the rows in blocks of ROWS, and within a block channel by channel down its
// ROWS rows: a channel's constants are read, and its sums updated, once per block instead of once
// per row (measured here: 2–3.5× faster than row by row). The last block may be shorter.
const ROWS = 4;

/** S1[c] += Σ_r (x[r,c] − K[c]), S2[c] += Σ_r (x[r,c] − K[c])². */
function shiftedSums(S1: Float64Array, S2: Float64Array, x: Float32Array, K: Float64Array, R: number, C: number): void {
  const n = R * C;
  for (let o = 0; o < n; o += ROWS * C) {
    const end = Math.min(o + ROWS * C, n);
    for (let c = 0; c < C; c++) {
      const k = K[c];
      let s1 = 0;
      let s2 = 0;
      for (let i = o + c; i < end; i += C) {
        const d = x[i] - k;
        s1 += d;
        s2 += d * d;
      }
      S1[c] += s1;
      S2[c] += s2;
    }
  }
}

/** S1[c] += Σ_r u[r,c], S2[c] += Σ_r u[r,c]·v[r,c]. */
function productSums(S1: Float64Array, S2: Float64Array, u: Float32Array, v: Float32Array, R: number, C: number): void {
  const n = R * C;
  for (let o = 0; o < n; o += ROWS * C) {
    const end = Math.min(o + ROWS * C, n);
    for (let c = 0; c < C; c++) {
      let s1 = 0;
      let s2 = 0;
      for (let i = o + c; i < end; i += C) {
        s1 += u[i];
        s2 += u[i] * v[i];
      }
      S1[c] += s1;
      S2[c] += s2;
    }
  }
}

/** y[r,c] = P[2c]·x[r,c] + P[2c+1]; overwrites y. */
function affineRows(y: Float32Array, x: Float32Array, P: Float64Array, R: number, C: number): void {
  const n = R * C;
  for (let o = 0; o < n; o += ROWS * C) {
    const end = Math.min(o + ROWS * C, n);
    for (let c = 0; c < C; c++) {
      const A = P[2 * c];
      const B = P[2 * c + 1];
      for (let i = o + c; i < end; i += C) y[i] = A * x[i] + B;
    }
  }
}

/** out[r,c] += P[3c]·u[r,c] + P[3c+1]·v[r,c] + P[3c+2]; accumulates. */
function affineRows2Into(out: Float32Array, u: Float32Array, v: Float32Array, P: Float64Array, R: number, C: number): void {
  const n = R * C;
  for (let o = 0; o < n; o += ROWS * C) {
    const end = Math.min(o + ROWS * C, n);
    for (let c = 0; c < C; c++) {
      const A = P[3 * c];
      const B = P[3 * c + 1];
      const D = P[3 * c + 2];
      for (let i = o + c; i < end; i += C) out[i] += A * u[i] + B * v[i] + D;
    }
  }
}

/** out[r,c] += A[c]·u[r,c]; accumulates. */
function scaleRowsInto(out: Float32Array, u: Float32Array, A: Float64Array, R: number, C: number): void {
  const n = R * C;
  for (let o = 0; o < n; o += ROWS * C) {
    const end = Math.min(o + ROWS * C, n);
    for (let c = 0; c < C; c++) {
      const a = A[c];
      for (let i = o + c; i < end; i += C) out[i] += a * u[i];
    }
  }
}

/** [A₀, B₀, A₁, B₁, …] with A = γ·s and B = β − μ·A per channel (γ = 1, β = 0 when absent). */
export function scaleShift(mu: ArrayLike<number>, s: ArrayLike<number>, gamma: Float32Array | null, beta: Float32Array | null, C: number): Float64Array {
  const P = new Float64Array(2 * C); // (C, 2)
  for (let c = 0; c < C; c++) {
    const A = (gamma === null ? 1 : gamma[c]) * s[c];
    P[2 * c] = A;
    P[2 * c + 1] = (beta === null ? 0 : beta[c]) - mu[c] * A;
  }
  return P;
}

/** Training forward (batch-norm.ts batchNormForwardTrainingNaive): overwrites y, mean, variance, invStd; then the ReLU when `relu`. */
export function batchNormForwardTraining(
  y: Float32Array, mean: Float32Array, variance: Float32Array, invStd: Float32Array,
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, R: number, C: number, epsilon: number,
  relu = false,
): void {
  // Pass 1: shifted sums Σ(x − K) and Σ(x − K)² per channel.
  const K = shifts(x, C);
  const S1 = new Float64Array(C); // (C) Σ(x − K)
  const S2 = new Float64Array(C); // (C) Σ(x − K)²
  shiftedSums(S1, S2, x, K, R, C);
  const { mu, s } = moments(mean, variance, invStd, K, S1, S2, R, C, epsilon);
  // Pass 2: y = A·x + B.
  affineRows(y, x, scaleShift(mu, s, gamma, beta, C), R, C);
  if (relu) reluInPlace(y);
}

/** K[c]: the first row's value, 0 where that is NaN or ±∞ (an infinite shift would turn a −∞ mean into NaN). */
export function shifts(x: Float32Array, C: number): Float64Array {
  const K = new Float64Array(C); // (C)
  for (let c = 0; c < C; c++) K[c] = Number.isFinite(x[c]) ? x[c] : 0;
  return K;
}

/**
 * μ, σ² and s = 1/√(σ² + ε) from the shifted sums S1 = Σ(x − K), S2 = Σ(x − K)²: written to mean,
 * variance, invStd (float32) and returned as float64 μ and s.
 */
export function moments(
  mean: Float32Array, variance: Float32Array, invStd: Float32Array,
  K: Float64Array, S1: ArrayLike<number>, S2: ArrayLike<number>, R: number, C: number, epsilon: number,
): { mu: Float64Array; s: Float64Array } {
  const mu = new Float64Array(C); // (C)
  const s = new Float64Array(C); // (C)
  for (let c = 0; c < C; c++) {
    const m1 = S1[c] / R;
    // Rounding can take E[d²] − E[d]² a hair below 0; Math.max keeps a NaN (from a NaN or ±∞ input).
    const v = Math.max(S2[c] / R - m1 * m1, 0);
    mu[c] = K[c] + m1;
    s[c] = 1 / Math.sqrt(v + epsilon);
    mean[c] = mu[c];
    variance[c] = v;
    invStd[c] = s[c];
  }
  return { mu, s };
}

/** Inference forward (batch-norm.ts batchNormForwardInferenceNaive); overwrites y; then the ReLU when `relu`. */
export function batchNormForwardInference(
  y: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array,
  gamma: Float32Array | null, beta: Float32Array | null, R: number, C: number, epsilon: number,
  relu = false,
): void {
  const s = new Float64Array(C); // (C)
  for (let c = 0; c < C; c++) s[c] = 1 / Math.sqrt(variance[c] + epsilon);
  affineRows(y, x, scaleShift(mean, s, gamma, beta, C), R, C);
  if (relu) reluInPlace(y);
}

/** Backward of either mode (batch-norm.ts batchNormBackwardNaive, `reluOut` included); accumulates into dx, dγ, dβ. */
export function batchNormBackward(
  dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null,
  dyIn: Float32Array, x: Float32Array, mean: Float32Array, invStd: Float32Array, gamma: Float32Array | null,
  R: number, C: number, training: boolean, reluOut: Float32Array | null = null,
): void {
  let dy = dyIn;
  if (reluOut !== null) {
    dy = new Float32Array(R * C); // (R, C) the fused ReLU's gradient, as batch-norm.ts
    reluBackwardBias(dy, null, dyIn, reluOut, C);
  }
  // Pass 1: Σ dy and Σ dy·x per channel.
  const S1 = new Float64Array(C); // (C) Σ dy
  const S2 = new Float64Array(C); // (C) Σ dy·x
  productSums(S1, S2, dy, x, R, C);
  const P = gradientConstants(dgamma, dbeta, S1, S2, mean, invStd, gamma, R, C);
  if (dx === null) return;
  // Pass 2: dx += A·dy + B·x + D (training) or A·dy (inference: μ and σ² are constants).
  if (training) {
    affineRows2Into(dx, dy, x, P, R, C);
    return;
  }
  const A = new Float64Array(C); // (C)
  for (let c = 0; c < C; c++) A[c] = P[3 * c];
  scaleRowsInto(dx, dy, A, R, C);
}

/**
 * From S1 = Σ dy and S2 = Σ dy·x: dβ += Σ dy, dγ += Σ dy·x̂ = s·(Σ dy·x − μ·Σ dy) (each when not
 * null), and the constants [A₀, B₀, D₀, A₁, …] of the training dx (see the header).
 */
export function gradientConstants(
  dgamma: Float32Array | null, dbeta: Float32Array | null, S1: ArrayLike<number>, S2: ArrayLike<number>,
  mean: Float32Array, invStd: Float32Array, gamma: Float32Array | null, R: number, C: number,
): Float64Array {
  const P = new Float64Array(3 * C); // (C, 3)
  for (let c = 0; c < C; c++) {
    const s = invStd[c];
    const sumDy = S1[c];
    const sumDyXhat = s * (S2[c] - mean[c] * sumDy);
    if (dbeta !== null) dbeta[c] += sumDy;
    if (dgamma !== null) dgamma[c] += sumDyXhat;
    const A = (gamma === null ? 1 : gamma[c]) * s;
    P[3 * c] = A;
    P[3 * c + 1] = (-A * s * sumDyXhat) / R;
    P[3 * c + 2] = A * ((mean[c] * s * sumDyXhat) / R - sumDy / R);
  }
  return P;
}
