/**
 * ReLU passes fused into the convolution (Conv2D with activation 'relu', the common case), so the big
 * conv output is walked as few times as possible (ARCHITECTURE.md: memory traffic, not arithmetic,
 * is where the classic CNN spends its time).
 *
 *   reluInPlace:        y ← y < 0 ? +0 : y   (max(y, 0), NaN kept)      (overwrites y)
 *   reluBackwardBias:   dz[r,c] = dout[r,c] · [y[r,c] > 0]             (overwrites dz)
 *                       db[c] += Σ_r dz[r,c]   when db is given          (accumulates db)
 *
 * y, dout, dz: [rows, C] (a conv output [N, OH, OW, CO] seen as N·OH·OW rows of CO); db: [C].
 */
export function reluInPlace(y: Float32Array): void {
  // Only negatives are replaced: NaN stays NaN (NaN < 0 is false), as in TensorFlow's and
  // PyTorch's Relu, so a diverged network shows NaN instead of a plausible 0; ±0 stays as it is.
  for (let i = 0; i < y.length; i++) if (y[i] < 0) y[i] = 0;
}

export function reluBackwardBias(dz: Float32Array, db: Float32Array | null, dout: Float32Array, y: Float32Array, C: number): void {
  if (db === null) {
    for (let i = 0; i < y.length; i++) dz[i] = y[i] > 0 ? dout[i] : 0;
    return;
  }
  // One pass does both: mask each row and add it into float64 channel sums (43,264 float32 row
  // additions would lose ~3 digits; the sums are C numbers, cheap to allocate per call).
  const sums = new Float64Array(C); // (C)
  for (let off = 0; off < y.length; off += C) {
    for (let c = 0; c < C; c++) {
      const g = y[off + c] > 0 ? dout[off + c] : 0;
      dz[off + c] = g;
      sums[c] += g;
    }
  }
  for (let c = 0; c < C; c++) db[c] += sums[c];
}
