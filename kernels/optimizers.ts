/**
 * Optimizer updates: one loop over one parameter buffer each, in place.
 * w (parameter), g (its gradient) and every state buffer have the same length.
 *
 * Adam (Keras's form; α folds both bias corrections into the step size):
 *   m ← m + (g − m)(1 − β₁);  v ← v + (g² − v)(1 − β₂);  w ← w − (α · m) / (√v + ε)
 *   in float32, one rounding per operation, in this order: the arithmetic of Keras's Adam on
 *   float32 variables (each line there is a few float32 tensor ops), and the bits of the SIMD
 *   version (adam-simd.ts). JS computes in float64, so every operation is rounded with
 *   Math.fround; for +, −, ×, ÷ and √ of float32 values that gives exactly the float32 result
 *   (float64 has more than twice float32's precision, so rounding twice never differs).
 *   m and v are flushed to zero when they fall below the smallest normal float32 (2⁻¹²⁶), as
 *   TensorFlow's CPU kernels run with denormals flushed to zero. Without it, a weight whose
 *   gradient stays 0 (an input pixel that is always 0) has its m decay by β₁ a step into the
 *   denormals after ~800 steps, where x86 float math takes ~100× longer per operation: Adam over
 *   the classic CNN was measured 2× slower after 1,500 steps at batch 1. (TensorFlow flushes every
 *   operation; only the stored m and v are flushed here, which is where denormals would persist.)
 * SGD with momentum (Keras): velocity ← μ·velocity − lr·g;  w ← w + velocity
 *   (Nesterov: w ← w + μ·velocity − lr·g);  plain SGD (μ = 0): w ← w − lr·g
 * RMSprop (Keras; ε inside the square root): v ← ρ·v + (1 − ρ)·g²;  w ← w − lr · g / √(v + ε)
 */
const SMALLEST_NORMAL = 2 ** -126; // the smallest normal float32

export function adamUpdate(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
  alpha: number, beta1: number, beta2: number, epsilon: number,
): void {
  const f = Math.fround;
  const flush = (x: number): number => (Math.abs(x) < SMALLEST_NORMAL ? 0 : x);
  const oneMinusB1 = f(1 - beta1);
  const oneMinusB2 = f(1 - beta2);
  const a = f(alpha);
  const eps = f(epsilon);
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = flush(f(m[i] + f(f(gi - m[i]) * oneMinusB1)));
    const vi = flush(f(v[i] + f(f(f(gi * gi) - v[i]) * oneMinusB2)));
    m[i] = mi;
    v[i] = vi;
    w[i] = f(w[i] - f(f(a * mi) / f(f(Math.sqrt(vi)) + eps)));
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
