/**
 * Row gather and its backward, scatter-add (the embedding lookup).
 *
 *   out[r, :]       = params[indices[r], :]        gatherRows (overwrites out)
 *   dparams[idx, :] += dout[r, :] for indices[r]=idx scatterAddRows (accumulates)
 *
 * params [rows, width], indices [R] (integers in [0, rows)), out [R, width].
 * Callers validate the indices; these kernels trust them.
 */
export function gatherRows(out: Float32Array, params: Float32Array, indices: Int32Array, width: number): void {
  for (let r = 0; r < indices.length; r++) {
    const src = indices[r] * width;
    out.set(params.subarray(src, src + width), r * width);
  }
}

export function scatterAddRows(dparams: Float32Array, dout: Float32Array, indices: Int32Array, width: number): void {
  for (let r = 0; r < indices.length; r++) {
    const dst = indices[r] * width;
    const src = r * width;
    // A row index repeated in `indices` receives every one of its contributions.
    for (let c = 0; c < width; c++) dparams[dst + c] += dout[src + c];
  }
}
