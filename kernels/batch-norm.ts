/**
 * Batch normalization over the last (channel) axis: forward and backward, in training mode (batch
 * statistics) and inference mode (given statistics). x is seen as R rows of C channels: a
 * [N, H, W, C] activation is R = N·H·W rows.
 *
 *   training    μ[c] = Σ_r x[r,c] / R,   σ²[c] = Σ_r (x[r,c] − μ[c])² / R   (biased, as Keras)
 *               s[c] = 1 / √(σ²[c] + ε)
 *   inference   μ, σ² given (the moving statistics), s[c] = 1 / √(σ²[c] + ε)
 *   both        x̂[r,c] = (x[r,c] − μ[c]) · s[c]
 *               y[r,c] = γ[c] · x̂[r,c] + β[c]           (γ = 1 and β = 0 when absent)
 *
 * Backward, from dy (the same for both modes, except that in training μ and σ² depend on x):
 *   dβ[c] += Σ_r dy[r,c]
 *   dγ[c] += Σ_r dy[r,c] · x̂[r,c]
 *   training    dx[r,c] += γ[c]·s[c] · (dy[r,c] − (Σ_r dy)/R − x̂[r,c] · (Σ_r dy·x̂)/R)
 *   inference   dx[r,c] += γ[c]·s[c] · dy[r,c]
 * (training: the chain rule through μ and σ², e.g. Ioffe & Szegedy 2015, §3.)
 *
 * With `relu` (a ReLU layer right after, fused by the model's graph: src/models/graph.ts) the
 * forwards write max(y, 0) instead (relu.ts's reluInPlace: NaN and ±0 kept); the backwards, given
 * that output (`reluOut`), first mask dy where it is not > 0 (relu.ts's reluBackwardBias), so the
 * fused pair has the same gradient as the two layers one after the other.
 *   with relu   dy[r,c] ← reluOut[r,c] > 0 ? dy[r,c] : 0    before the formulas below (dy itself is not written)
 *
 * Buffers: x, y, dy, dx [R, C]; γ, β, μ, σ², s, dγ, dβ [C]. Forwards overwrite y (and, in training,
 * μ, σ² and s); backwards accumulate into dx, dγ, dβ (any of which may be null: not wanted). All
 * sums and per-element arithmetic run in float64 and are rounded to float32 once when stored.
 *
 * The naive versions below walk one channel at a time, as the formulas read (a strided walk down
 * the rows); batch-norm-fast.ts has the row-major versions.
 */
import { reluInPlace, reluBackwardBias } from './relu.js';

/** Training forward: y, mean μ, biased variance σ², invStd s = 1/√(σ² + ε); overwrites all four. Then the ReLU when `relu`. */
export function batchNormForwardTrainingNaive(
  y: Float32Array, mean: Float32Array, variance: Float32Array, invStd: Float32Array,
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, R: number, C: number, epsilon: number,
  relu = false,
): void {
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let r = 0; r < R; r++) sum += x[r * C + c];
    const mu = sum / R;
    let sq = 0;
    for (let r = 0; r < R; r++) {
      const d = x[r * C + c] - mu;
      sq += d * d;
    }
    const v = sq / R;
    const s = 1 / Math.sqrt(v + epsilon);
    mean[c] = mu;
    variance[c] = v;
    invStd[c] = s;
    const g = gamma === null ? 1 : gamma[c];
    const b = beta === null ? 0 : beta[c];
    for (let r = 0; r < R; r++) y[r * C + c] = g * ((x[r * C + c] - mu) * s) + b;
  }
  if (relu) reluInPlace(y);
}

/** Inference forward with given mean and variance: y = γ·(x − μ)/√(σ² + ε) + β; overwrites y. Then the ReLU when `relu`. */
export function batchNormForwardInferenceNaive(
  y: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array,
  gamma: Float32Array | null, beta: Float32Array | null, R: number, C: number, epsilon: number,
  relu = false,
): void {
  for (let c = 0; c < C; c++) {
    const mu = mean[c];
    const s = 1 / Math.sqrt(variance[c] + epsilon);
    const g = gamma === null ? 1 : gamma[c];
    const b = beta === null ? 0 : beta[c];
    for (let r = 0; r < R; r++) y[r * C + c] = g * ((x[r * C + c] - mu) * s) + b;
  }
  if (relu) reluInPlace(y);
}

/**
 * Backward of either mode; accumulates into dx, dγ, dβ (each may be null). `training` says whether
 * μ and σ² were the batch's own (their gradient flows into dx) or given. μ is the mean used by the
 * forward and s its 1/√(σ² + ε) (in inference: computed from the moving variance by the caller).
 * `reluOut`: the forward's output when a ReLU was fused (dy is masked by it first), else null.
 */
export function batchNormBackwardNaive(
  dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null,
  dyIn: Float32Array, x: Float32Array, mean: Float32Array, invStd: Float32Array, gamma: Float32Array | null,
  R: number, C: number, training: boolean, reluOut: Float32Array | null = null,
): void {
  let dy = dyIn;
  if (reluOut !== null) {
    dy = new Float32Array(R * C); // (R, C) the fused ReLU's gradient
    reluBackwardBias(dy, null, dyIn, reluOut, C);
  }
  for (let c = 0; c < C; c++) {
    const mu = mean[c];
    const s = invStd[c];
    // Σ dy and Σ dy·x̂ over the rows of this channel.
    let sumDy = 0;
    let sumDyXhat = 0;
    for (let r = 0; r < R; r++) {
      const g = dy[r * C + c];
      sumDy += g;
      sumDyXhat += g * ((x[r * C + c] - mu) * s);
    }
    if (dbeta !== null) dbeta[c] += sumDy;
    if (dgamma !== null) dgamma[c] += sumDyXhat;
    if (dx === null) continue;
    const k = (gamma === null ? 1 : gamma[c]) * s;
    const meanDy = sumDy / R;
    const meanDyXhat = sumDyXhat / R;
    for (let r = 0; r < R; r++) {
      const xhat = (x[r * C + c] - mu) * s;
      dx[r * C + c] += training ? k * (dy[r * C + c] - meanDy - xhat * meanDyXhat) : k * dy[r * C + c];
    }
  }
}
