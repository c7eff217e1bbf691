/**
 * Projective image transforms with fill modes, as Keras 3's ops.image.affine_transform (which
 * RandomRotation, RandomTranslation, RandomZoom and RandomFlip call).
 *
 * Each image n has a transform t = [a0, a1, a2, b0, b1, b2, c0, c1] mapping an OUTPUT pixel (x, y)
 * (x the column, y the row, pixel centres at integers) to the INPUT point it reads:
 *   k = c0·x + c1·y + 1,   x_in = (a0·x + a1·y + a2)/k,   y_in = (b0·x + b1·y + b2)/k
 * That point is sampled from its neighbouring pixels:
 *   nearest:  the pixel (round(y_in), round(x_in))
 *   bilinear: the 4 pixels (⌊y_in⌋ + i, ⌊x_in⌋ + j), i, j ∈ {0, 1}, weights (1 − |y_in − row|)(1 − |x_in − col|)
 * and a neighbour index i outside [0, L) on an axis of length L is mapped by the fill mode, as Keras
 * 3's map_coordinates fixes indices:
 *   reflect  (d c b a | a b c d | d c b a)   i mod 2L, mirrored in the second half
 *   wrap     (a b c d | a b c d | a b c d)   i mod L
 *   nearest  (a a a a | a b c d | d d d d)   clamped to [0, L − 1]
 *   constant (k k k k | a b c d | k k k k)   reads fillValue (which gets no gradient)
 *
 * Buffers: x, dx [N, H, W, C]; out, dout [N, H, W, C] (same size as the input); transforms [N, 8]
 * (float64). The forward overwrites out; the backward accumulates dx with the same weights (the
 * transform is linear in x for fixed t).
 */
export type FillMode = 'reflect' | 'wrap' | 'constant' | 'nearest';
export type AffineInterpolation = 'nearest' | 'bilinear';

export interface AffineShape {
  readonly N: number;
  readonly H: number;
  readonly W: number;
  readonly C: number;
  readonly fillMode: FillMode;
  readonly interpolation: AffineInterpolation;
  readonly fillValue: number;
}

/** Each fill mode's index fixer: the pixel index read for index i on an axis of length len, or −1 for fillValue. */
const FIX_INDEX: Readonly<Record<FillMode, (i: number, len: number) => number>> = {
  reflect(i, len) {
    const m = ((i % (2 * len)) + 2 * len) % (2 * len);
    return m < len ? m : 2 * len - 1 - m;
  },
  wrap: (i, len) => ((i % len) + len) % len,
  nearest: (i, len) => (i < 0 ? 0 : i >= len ? len - 1 : i),
  constant: (i, len) => (i >= 0 && i < len ? i : -1),
};

/**
 * Visit, for every output pixel, the input pixels it reads and their weights: visit(o, i, w) with o
 * and i the offsets of pixel (n, y, x, 0) in out and x, or i = −1 for a read of fillValue.
 */
function forEachTap(s: AffineShape, transforms: Float64Array, visit: (o: number, i: number, w: number) => void): void {
  const { N, H, W, C, fillMode, interpolation } = s;
  const fix = FIX_INDEX[fillMode];
  // The offset of input pixel (n, row, col), or −1 where the fill mode reads fillValue.
  const at = (n: number, row: number, col: number): number => {
    const r = fix(row, H);
    const c = fix(col, W);
    return r < 0 || c < 0 ? -1 : ((n * H + r) * W + c) * C;
  };
  for (let n = 0; n < N; n++) {
    const t = n * 8;
    const [a0, a1, a2, b0, b1, b2, c0, c1] = transforms.subarray(t, t + 8);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const o = ((n * H + y) * W + x) * C;
        const k = c0 * x + c1 * y + 1;
        const xIn = (a0 * x + a1 * y + a2) / k;
        const yIn = (b0 * x + b1 * y + b2) / k;
        // A point at infinity (k = 0) or a NaN transform reads fillValue.
        if (!Number.isFinite(xIn) || !Number.isFinite(yIn)) {
          visit(o, -1, 1);
          continue;
        }
        if (interpolation === 'nearest') {
          visit(o, at(n, Math.round(yIn), Math.round(xIn)), 1);
          continue;
        }
        const y0 = Math.floor(yIn);
        const x0 = Math.floor(xIn);
        const ly = yIn - y0;
        const lx = xIn - x0;
        visit(o, at(n, y0, x0), (1 - ly) * (1 - lx));
        visit(o, at(n, y0, x0 + 1), (1 - ly) * lx);
        visit(o, at(n, y0 + 1, x0), ly * (1 - lx));
        visit(o, at(n, y0 + 1, x0 + 1), ly * lx);
      }
    }
  }
}

/** out = the transformed images; overwrites out. */
export function affineTransformForward(out: Float32Array, x: Float32Array, transforms: Float64Array, s: AffineShape): void {
  const { C, fillValue } = s;
  out.fill(0);
  forEachTap(s, transforms, (o, i, w) => {
    // A zero weight adds nothing, even where the pixel is ±Infinity or NaN (0·∞ would be NaN).
    if (w === 0) return;
    for (let c = 0; c < C; c++) out[o + c] += w * (i < 0 ? fillValue : x[i + c]);
  });
}

/** dx += the transform's adjoint of dout: each output's gradient goes back to the pixels it read. */
export function affineTransformBackward(dx: Float32Array, dout: Float32Array, transforms: Float64Array, s: AffineShape): void {
  const { C } = s;
  forEachTap(s, transforms, (o, i, w) => {
    if (i < 0 || w === 0) return;
    for (let c = 0; c < C; c++) dx[i + c] += w * dout[o + c];
  });
}
