/** The page's two colour scales, as [r, g, b] bytes. */
export type Rgb = readonly [number, number, number];

/** Activations: 0 black, through purple and orange, to pale yellow at 1 (values are clamped to [0, 1]). */
export function heat(t: number): Rgb {
  const v = Math.max(0, Math.min(1, t));
  return [Math.round(255 * Math.min(1, 1.6 * v)), Math.round(255 * v * v), Math.round(150 * Math.sin(Math.PI * v) + 90 * v * v * v)];
}

/** Weights: −1 blue, 0 white, +1 red (values are clamped to [−1, 1]). */
export function diverging(t: number): Rgb {
  const v = Math.max(-1, Math.min(1, t));
  const [r, g, b] = v > 0 ? [214, 69, 65] : [52, 101, 164];
  const a = Math.abs(v);
  return [Math.round(255 + (r - 255) * a), Math.round(255 + (g - 255) * a), Math.round(255 + (b - 255) * a)];
}

/** The input digit: 0 white paper, 1 black ink. */
export function ink(t: number): Rgb {
  const v = Math.round(255 * (1 - Math.max(0, Math.min(1, t))));
  return [v, v, v];
}

/** The largest |value|, or 1 when all are 0 (so dividing by it is safe). */
export function maxAbs(values: Float32Array): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m > 0 ? m : 1;
}
