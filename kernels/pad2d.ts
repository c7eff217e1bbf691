/**
 * Zero padding and cropping of NHWC images along height and width; each is the other's backward.
 *
 *   pad2dForward:   out[n, t + h, l + w, c] = x[n, h, w, c], zeros in the border     (overwrites out)
 *   pad2dBackward:  dx[n, h, w, c] += dout[n, t + h, l + w, c]                      (accumulates dx)
 *   crop2dForward:  out[n, h, w, c] = x[n, t + h, l + w, c]                          (overwrites out)
 *   crop2dBackward: dx[n, t + h, l + w, c] += dout[n, h, w, c]; the border gets 0  (accumulates dx)
 *
 * The box: t, b, l, r are the rows/columns added (pad) or removed (crop) at the top, bottom, left
 * and right. Buffers, with the small image [N, H, W, C] and the large one [N, H + t + b, W + l + r, C]:
 * pad reads the small and writes the large; crop reads the large and writes the small.
 * In NHWC one image row is W·C contiguous floats, so every copy is a run of whole rows.
 */
export interface Box2d {
  readonly N: number;
  /** Height and width of the small image. */
  readonly H: number;
  readonly W: number;
  readonly C: number;
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/** Visit each small-image row with its offset in the small and in the large buffer. */
function forEachRow(box: Box2d, visit: (small: number, large: number) => void): void {
  const { N, H, W, C, top, bottom, left, right } = box;
  const rowSmall = W * C;
  const WL = W + left + right;
  const HL = H + top + bottom;
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      visit((n * H + h) * rowSmall, ((n * HL + h + top) * WL + left) * C);
    }
  }
}

/** out (large) = x (small) placed at (top, left), zeros around it; overwrites out. */
export function pad2dForward(out: Float32Array, x: Float32Array, box: Box2d): void {
  const len = box.W * box.C;
  out.fill(0);
  forEachRow(box, (s, l) => out.set(x.subarray(s, s + len), l));
}

/** dx (small) += the (top, left) window of dout (large). */
export function pad2dBackward(dx: Float32Array, dout: Float32Array, box: Box2d): void {
  const len = box.W * box.C;
  forEachRow(box, (s, l) => {
    for (let i = 0; i < len; i++) dx[s + i] += dout[l + i];
  });
}

/** out (small) = the (top, left) window of x (large); overwrites out. */
export function crop2dForward(out: Float32Array, x: Float32Array, box: Box2d): void {
  const len = box.W * box.C;
  forEachRow(box, (s, l) => out.set(x.subarray(l, l + len), s));
}

/** dx (large) += dout (small) at (top, left); the cropped border receives nothing. */
export function crop2dBackward(dx: Float32Array, dout: Float32Array, box: Box2d): void {
  const len = box.W * box.C;
  forEachRow(box, (s, l) => {
    for (let i = 0; i < len; i++) dx[l + i] += dout[s + i];
  });
}
