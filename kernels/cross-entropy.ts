/**
 * Cross-entropy computed from logits: the fused forms Keras on TensorFlow uses when the model's last
 * activation is a softmax or a sigmoid. Working on logits avoids log(0) and gives the exact gradient.
 *
 * Softmax (z, y: [B, C], each row of y a distribution, usually one-hot):
 *   loss_b = −Σ_c y[b,c] · (z[b,c] − m_b − log Σ_c' exp(z[b,c'] − m_b)),   m_b = max_c z[b,c]
 *   ∂loss_b/∂z[b,c] = p[b,c] · Σ_c' y[b,c'] − y[b,c]       (= p − y for one-hot rows)
 * Sigmoid (z, y: [n], y in [0, 1]):
 *   loss_i = max(z,0) − z·y + log(1 + exp(−|z|))          (the stable form of −y·log σ(z) − (1−y)·log(1−σ(z)))
 *   ∂loss_i/∂z = σ(z) − y
 *
 * Forwards return the SUM of the per-sample losses (callers divide by the count) and overwrite p with
 * the probabilities for the backward. Backwards accumulate: dz += scale · ∂loss/∂z.
 */

/** Returns Σ_b loss_b; overwrites p [B, C] with softmax(z). */
export function softmaxCrossEntropyForward(p: Float32Array, z: Float32Array, y: Float32Array, B: number, C: number): number {
  let total = 0;
  for (let b = 0; b < B; b++) {
    const row = b * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, z[row + c]);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(z[row + c] - m);
    const logSum = Math.log(sum);
    for (let c = 0; c < C; c++) {
      const logp = z[row + c] - m - logSum;
      p[row + c] = Math.exp(logp);
      // Skip zero targets so a -Infinity log-probability times 0 does not become NaN.
      if (y[row + c] !== 0) total -= y[row + c] * logp;
    }
  }
  return total;
}

/** dz [B, C] += scale · (p · Σy − y). */
export function softmaxCrossEntropyBackward(dz: Float32Array, p: Float32Array, y: Float32Array, B: number, C: number, scale: number): void {
  for (let b = 0; b < B; b++) {
    const row = b * C;
    let ySum = 0;
    for (let c = 0; c < C; c++) ySum += y[row + c];
    for (let c = 0; c < C; c++) dz[row + c] += scale * (p[row + c] * ySum - y[row + c]);
  }
}

/** Returns Σ_i loss_i; overwrites p [n] with σ(z). */
export function sigmoidCrossEntropyForward(p: Float32Array, z: Float32Array, y: Float32Array): number {
  let total = 0;
  for (let i = 0; i < z.length; i++) {
    const v = z[i];
    total += Math.max(v, 0) - v * y[i] + Math.log1p(Math.exp(-Math.abs(v)));
    p[i] = 1 / (1 + Math.exp(-v));
  }
  return total;
}

/** dz [n] += scale · (σ(z) − y). */
export function sigmoidCrossEntropyBackward(dz: Float32Array, p: Float32Array, y: Float32Array, scale: number): void {
  for (let i = 0; i < dz.length; i++) dz[i] += scale * (p[i] - y[i]);
}
