/**
 * The row-major twins of batch-norm.ts's naive kernels: the same formulas (see there), the same
 * float64 arithmetic in the same order for each channel, so the same bits.
 *
 * What they optimize: the naive kernels walk one channel at a time down the rows, a stride of C
 * floats per step, once per pass and per channel; for a conv activation of a few megabytes that is
 * C strided sweeps over memory. Here every pass walks the buffer once, front to back, and keeps C
 * running sums (float64) side by side: the rows stream through the cache once per pass.
 * Per channel the sums still add the rows in order r = 0, 1, …, which is what keeps the bits equal.
 */

/** Per-channel constants as float64 (γ = 1, β = 0 when absent). */
function orOnes(v: Float32Array | null, C: number, fill: number): Float64Array {
  const out = new Float64Array(C); // (C)
  for (let c = 0; c < C; c++) out[c] = v === null ? fill : v[c];
  return out;
}

/** y[r,c] = γ[c]·((x[r,c] − μ[c])·s[c]) + β[c] for all rows; overwrites y. */
function normalizeRows(y: Float32Array, x: Float32Array, mu: Float64Array, s: Float64Array, g: Float64Array, b: Float64Array, R: number, C: number): void {
  for (let r = 0, o = 0; r < R; r++, o += C) {
    for (let c = 0; c < C; c++) y[o + c] = g[c] * ((x[o + c] - mu[c]) * s[c]) + b[c];
  }
}

/** Training forward (batch-norm.ts batchNormForwardTrainingNaive): overwrites y, mean, variance, invStd. */
export function batchNormForwardTraining(
  y: Float32Array, mean: Float32Array, variance: Float32Array, invStd: Float32Array,
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, R: number, C: number, epsilon: number,
): void {
  // Pass 1: the channel sums, then the means.
  const mu = new Float64Array(C); // (C)
  for (let o = 0; o < R * C; o += C) for (let c = 0; c < C; c++) mu[c] += x[o + c];
  for (let c = 0; c < C; c++) mu[c] /= R;
  // Pass 2: the squared deviations from the mean (two passes: stabler than Σx² − R·μ²).
  const sq = new Float64Array(C); // (C)
  for (let o = 0; o < R * C; o += C) {
    for (let c = 0; c < C; c++) {
      const d = x[o + c] - mu[c];
      sq[c] += d * d;
    }
  }
  const s = new Float64Array(C); // (C)
  for (let c = 0; c < C; c++) {
    const v = sq[c] / R;
    s[c] = 1 / Math.sqrt(v + epsilon);
    mean[c] = mu[c];
    variance[c] = v;
    invStd[c] = s[c];
  }
  // Pass 3: normalize, scale and shift.
  normalizeRows(y, x, mu, s, orOnes(gamma, C, 1), orOnes(beta, C, 0), R, C);
}

/** Inference forward (batch-norm.ts batchNormForwardInferenceNaive); overwrites y. */
export function batchNormForwardInference(
  y: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array,
  gamma: Float32Array | null, beta: Float32Array | null, R: number, C: number, epsilon: number,
): void {
  const mu = orOnes(mean, C, 0);
  const s = new Float64Array(C); // (C)
  for (let c = 0; c < C; c++) s[c] = 1 / Math.sqrt(variance[c] + epsilon);
  normalizeRows(y, x, mu, s, orOnes(gamma, C, 1), orOnes(beta, C, 0), R, C);
}

/** Backward of either mode (batch-norm.ts batchNormBackwardNaive); accumulates into dx, dγ, dβ. */
export function batchNormBackward(
  dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null,
  dy: Float32Array, x: Float32Array, mean: Float32Array, invStd: Float32Array, gamma: Float32Array | null,
  R: number, C: number, training: boolean,
): void {
  const mu = orOnes(mean, C, 0);
  const s = orOnes(invStd, C, 0);
  // Pass 1: Σ dy and Σ dy·x̂ per channel.
  const sumDy = new Float64Array(C); // (C)
  const sumDyXhat = new Float64Array(C); // (C)
  for (let o = 0; o < R * C; o += C) {
    for (let c = 0; c < C; c++) {
      const g = dy[o + c];
      sumDy[c] += g;
      sumDyXhat[c] += g * ((x[o + c] - mu[c]) * s[c]);
    }
  }
  for (let c = 0; c < C; c++) {
    if (dbeta !== null) dbeta[c] += sumDy[c];
    if (dgamma !== null) dgamma[c] += sumDyXhat[c];
  }
  if (dx === null) return;
  // Pass 2: dx, with the per-channel factors computed once.
  const k = new Float64Array(C); // (C) γ·s
  for (let c = 0; c < C; c++) k[c] = (gamma === null ? 1 : gamma[c]) * s[c];
  if (!training) {
    for (let o = 0; o < R * C; o += C) for (let c = 0; c < C; c++) dx[o + c] += k[c] * dy[o + c];
    return;
  }
  const meanDy = new Float64Array(C); // (C)
  const meanDyXhat = new Float64Array(C); // (C)
  for (let c = 0; c < C; c++) {
    meanDy[c] = sumDy[c] / R;
    meanDyXhat[c] = sumDyXhat[c] / R;
  }
  for (let o = 0; o < R * C; o += C) {
    for (let c = 0; c < C; c++) {
      const xhat = (x[o + c] - mu[c]) * s[c];
      dx[o + c] += k[c] * (dy[o + c] - meanDy[c] - xhat * meanDyXhat[c]);
    }
  }
}
