/**
 * Concatenation along one axis, and its backward (the split).
 *
 * Every input k is seen as [outer, width_k] with width_k = (its size along the axis) · inner, where
 * outer = Π sizes before the axis and inner = Π sizes after it; the output is [outer, total] with
 * total = Σ_k width_k, and input k fills columns [off_k, off_k + width_k) with off_k = Σ_{j<k} width_j:
 *
 *   concatForward:   y[o, off_k + j] = x_k[o, j]          (overwrites y)
 *   concatBackward:  dx_k[o, j] += dout[o, off_k + j]     (accumulates dx_k)
 *
 * x_k: (outer · width_k,), y and dout: (outer · total,), dx_k like x_k.
 */

/** The reference: one output element at a time, finding its input by walking the widths. */
export function concatForwardNaive(y: Float32Array, xs: readonly Float32Array[], outer: number, widths: readonly number[]): void {
  const total = widths.reduce((p, w) => p + w, 0);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < total; c++) {
      let k = 0;
      let off = 0;
      while (c >= off + widths[k]) off += widths[k++];
      y[o * total + c] = xs[k][o * widths[k] + (c - off)];
    }
  }
}

/** The same, as one block copy per (row, input): each row of x_k is contiguous, so `set` moves it. */
export function concatForward(y: Float32Array, xs: readonly Float32Array[], outer: number, widths: readonly number[]): void {
  const total = widths.reduce((p, w) => p + w, 0);
  let off = 0;
  xs.forEach((x, k) => {
    const w = widths[k];
    for (let o = 0; o < outer; o++) y.set(x.subarray(o * w, (o + 1) * w), o * total + off);
    off += w;
  });
}

/** dx_k += its columns of dout. */
export function concatBackward(dx: Float32Array, dout: Float32Array, outer: number, widths: readonly number[], k: number): void {
  const total = widths.reduce((p, w) => p + w, 0);
  let off = 0;
  for (let j = 0; j < k; j++) off += widths[j];
  const w = widths[k];
  for (let o = 0; o < outer; o++) {
    const src = o * total + off;
    const dst = o * w;
    for (let j = 0; j < w; j++) dx[dst + j] += dout[src + j];
  }
}
