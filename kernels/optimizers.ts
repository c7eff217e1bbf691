/**
 * Optimizer updates: one loop over one parameter buffer each, in place.
 * w (parameter), g (its gradient) and every state buffer have the same length.
 *
 * Adam (Keras's form; α folds both bias corrections into the step size):
 *   m ← m + (g − m)(1 − β₁);  v ← v + (g² − v)(1 − β₂);  w ← w − α · m / (√v + ε)
 * SGD with momentum (Keras): velocity ← μ·velocity − lr·g;  w ← w + velocity
 *   (Nesterov: w ← w + μ·velocity − lr·g);  plain SGD (μ = 0): w ← w − lr·g
 * RMSprop (Keras; ε inside the square root): v ← ρ·v + (1 − ρ)·g²;  w ← w − lr · g / √(v + ε)
 */
export function adamUpdate(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
  alpha: number, beta1: number, beta2: number, epsilon: number,
): void {
  const oneMinusB1 = 1 - beta1;
  const oneMinusB2 = 1 - beta2;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    m[i] += (gi - m[i]) * oneMinusB1;
    v[i] += (gi * gi - v[i]) * oneMinusB2;
    w[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + epsilon);
  }
}

export function sgdUpdate(
  w: Float32Array, g: Float32Array, velocity: Float32Array | null,
  learningRate: number, momentum: number, nesterov: boolean,
): void {
  if (velocity === null) {
    for (let i = 0; i < w.length; i++) w[i] -= learningRate * g[i];
    return;
  }
  for (let i = 0; i < w.length; i++) {
    velocity[i] = momentum * velocity[i] - learningRate * g[i];
    w[i] += nesterov ? momentum * velocity[i] - learningRate * g[i] : velocity[i];
  }
}

export function rmspropUpdate(
  w: Float32Array, g: Float32Array, v: Float32Array,
  learningRate: number, rho: number, epsilon: number,
): void {
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    v[i] = rho * v[i] + (1 - rho) * gi * gi;
    w[i] -= (learningRate * gi) / Math.sqrt(v[i] + epsilon);
  }
}
