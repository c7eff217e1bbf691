/**
 * The clipped ReLU, min(max(x, 0), top): Keras's ReLU(max_value = top), ReLU6 for top = 6 (MobileNet's
 * activation), plain ReLU for top = +∞. The naive twin of clipped-relu-simd.ts.
 *
 *   clippedReluForward:   y[i] = x[i] ≤ 0 ? +0 : x[i] > top ? top : x[i]     NaN kept      (overwrites y)
 *   clippedReluBackward:  dx[i] += dout[i] · (0 < x[i] < top ? 1 : 0)                       (accumulates dx)
 *
 * x, y, dout, dx: (n,). top is compared as a float32 (Math.fround), as the SIMD twin and tfjs
 * compare it, so a maxValue like 0.1 has one kink whatever the precision. The gradient is 0 at the kinks x = 0 and x = top (as Keras's and tfjs's
 * relu gradients), and dout · 0 keeps IEEE rules (a NaN or ±∞ dout gives NaN there, as the op's
 * generic form dout · f′(x) always did).
 */

/** y = min(max(x, 0), top), a NaN input kept as NaN, −0 and every x ≤ 0 giving +0. */
export function clippedReluForward(y: Float32Array, x: Float32Array, top: number): void {
  const t = Math.fround(top);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    // Written so a NaN fails both tests and is copied through.
    y[i] = v <= 0 ? 0 : v > t ? t : v;
  }
}

/** dx += dout · [0 < x < top]. */
export function clippedReluBackward(dx: Float32Array, dout: Float32Array, x: Float32Array, top: number): void {
  const t = Math.fround(top);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    dx[i] += dout[i] * (v > 0 && v < t ? 1 : 0);
  }
}
