/**
 * Axis permutation of a row-major buffer.
 *
 *   out[j] = x[i]   where out's coordinate on axis k is x's coordinate on axis perm[k]
 *
 * x [shape], out [shape permuted by perm: outShape[k] = shape[perm[k]]]; overwrites out.
 * Its own inverse (with the inverse permutation) is its backward.
 */
export function transpose(out: Float32Array, x: Float32Array, shape: readonly number[], perm: readonly number[]): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0];
    return;
  }
  // Strides of x, then reordered to out's axes: walking out in order, x moves by xs[perm[k]].
  const xs = new Int32Array(rank); // (rank,)
  for (let ax = rank - 1, s = 1; ax >= 0; ax--) {
    xs[ax] = s;
    s *= shape[ax];
  }
  const outShape = perm.map((p) => shape[p]);
  const step = perm.map((p) => xs[p]);
  const counter = new Int32Array(rank);
  const last = outShape[rank - 1];
  const stepLast = step[rank - 1];
  let i0 = 0;
  for (let j0 = 0; j0 < out.length; j0 += last) {
    for (let k = 0, i = i0; k < last; k++, i += stepLast) out[j0 + k] = x[i];
    // Odometer over out's leading axes.
    for (let ax = rank - 2; ax >= 0; ax--) {
      counter[ax]++;
      i0 += step[ax];
      if (counter[ax] < outShape[ax]) break;
      i0 -= step[ax] * counter[ax];
      counter[ax] = 0;
    }
  }
}
