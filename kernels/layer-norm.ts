/**
 * Layer normalization over the last L values of each row (Ba et al. 2016; Keras LayerNormalization):
 *
 *   μ[r] = Σ_i x[r,i] / L        σ²[r] = Σ_i (x[r,i] − μ[r])² / L        inv[r] = 1 / √(σ²[r] + ε)
 *   x̂[r,i] = (x[r,i] − μ[r])·inv[r]            y[r,i] = γ[i]·x̂[r,i] + β[i]
 *
 * Backward, with g[r,i] = dy[r,i]·γ[i] (γ = 1 when absent):
 *   dx[r,i] += inv[r]·(g[r,i] − mean_i g[r,·] − x̂[r,i]·mean_i(g[r,·]·x̂[r,·]))
 *   dγ[i] += Σ_r dy[r,i]·x̂[r,i]          dβ[i] += Σ_r dy[r,i]
 *
 * Buffers: x, y, dy, dx [R, L]; gamma, beta, dgamma, dbeta [L] (gamma/beta may be null: scale 1,
 * offset 0); mean, invStd [R], written by the forward for the backward. The forward overwrites y,
 * mean, invStd; the backward accumulates dx, dgamma, dbeta (each may be null when not wanted).
 * Row sums run in float64 (JS numbers), so long rows lose no precision.
 */
export interface LayerNormShape {
  /** Rows: the product of the axes not normalized. */
  readonly R: number;
  /** Values normalized together: the product of the normalized axes. */
  readonly L: number;
  readonly epsilon: number;
}

export function layerNormForward(
  y: Float32Array, mean: Float32Array, invStd: Float32Array,
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, s: LayerNormShape,
): void {
  const { R, L, epsilon } = s;
  for (let r = 0; r < R; r++) {
    const o = r * L;
    let sum = 0;
    for (let i = 0; i < L; i++) sum += x[o + i];
    const mu = sum / L;
    // Two passes (mean, then squared deviations): stable where E[x²] − μ² would cancel.
    let sq = 0;
    for (let i = 0; i < L; i++) sq += (x[o + i] - mu) * (x[o + i] - mu);
    const inv = 1 / Math.sqrt(sq / L + epsilon);
    mean[r] = mu;
    invStd[r] = inv;
    for (let i = 0; i < L; i++) {
      const xhat = (x[o + i] - mu) * inv;
      y[o + i] = (gamma === null ? xhat : gamma[i] * xhat) + (beta === null ? 0 : beta[i]);
    }
  }
}

export function layerNormBackward(
  dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null,
  dy: Float32Array, x: Float32Array, gamma: Float32Array | null, mean: Float32Array, invStd: Float32Array, s: LayerNormShape,
): void {
  const { R, L } = s;
  for (let r = 0; r < R; r++) {
    const o = r * L;
    const mu = mean[r];
    const inv = invStd[r];
    // The row's two means: of g, and of g·x̂.
    let gSum = 0;
    let gxSum = 0;
    for (let i = 0; i < L; i++) {
      const xhat = (x[o + i] - mu) * inv;
      const g = gamma === null ? dy[o + i] : dy[o + i] * gamma[i];
      gSum += g;
      gxSum += g * xhat;
      if (dgamma !== null) dgamma[i] += dy[o + i] * xhat;
      if (dbeta !== null) dbeta[i] += dy[o + i];
    }
    if (dx === null) continue;
    const gMean = gSum / L;
    const gxMean = gxSum / L;
    for (let i = 0; i < L; i++) {
      const xhat = (x[o + i] - mu) * inv;
      const g = gamma === null ? dy[o + i] : dy[o + i] * gamma[i];
      dx[o + i] += inv * (g - gMean - xhat * gxMean);
    }
  }
}
