/**
 * Reductions over a set of axes of a row-major buffer.
 *
 *   out[j] = Σ_{i ↦ j} x[i]        reduceSum (overwrites out)
 *   out[j] = max_{i ↦ j} x[i]      reduceMax (overwrites out; -Infinity for no element, NaN propagates)
 *
 * x has shape `shape`; out has the same shape with every reduced axis set to 1 (keepDims layout;
 * dropping those 1s does not move any element). `i ↦ j` means: i's coordinates, with the reduced
 * axes zeroed, are j's.
 *
 * reduceSumTo is the backward of broadcasting: it sums `x` (shape `from`) down to shape `to`, where
 * `to` broadcasts to `from`. Accumulates into out.
 */

/** Strides of the output index for each input axis: 0 on reduced axes. */
function reducedStrides(shape: readonly number[], reduced: readonly boolean[]): Int32Array {
  const strides = new Int32Array(shape.length); // (rank,)
  let stride = 1;
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    if (reduced[ax]) continue;
    strides[ax] = stride;
    stride *= shape[ax];
  }
  return strides;
}

/** Visit every input element with its output index: the shared walk of all reductions here. */
function forEachReduced(
  shape: readonly number[],
  reduced: readonly boolean[],
  visit: (i: number, j: number) => void,
): void {
  const rank = shape.length;
  const os = reducedStrides(shape, reduced);
  const size = shape.reduce((p, d) => p * d, 1);
  if (rank === 0) {
    if (size === 1) visit(0, 0);
    return;
  }
  const counter = new Int32Array(rank);
  const last = shape[rank - 1];
  const osLast = os[rank - 1];
  let j0 = 0;
  for (let i0 = 0; i0 < size; i0 += last) {
    for (let k = 0, j = j0; k < last; k++, j += osLast) visit(i0 + k, j);
    for (let ax = rank - 2; ax >= 0; ax--) {
      counter[ax]++;
      j0 += os[ax];
      if (counter[ax] < shape[ax]) break;
      j0 -= os[ax] * counter[ax];
      counter[ax] = 0;
    }
  }
}

/** out (keepDims shape) = Σ of x over the axes flagged in `reduced`; overwrites out. */
export function reduceSum(out: Float32Array, x: Float32Array, shape: readonly number[], reduced: readonly boolean[]): void {
  out.fill(0);
  forEachReduced(shape, reduced, (i, j) => {
    out[j] += x[i];
  });
}

/** out (keepDims shape) = max of x over the flagged axes; overwrites out. */
export function reduceMax(out: Float32Array, x: Float32Array, shape: readonly number[], reduced: readonly boolean[]): void {
  out.fill(-Infinity);
  forEachReduced(shape, reduced, (i, j) => {
    const v = x[i];
    // `v !== v` is true only for NaN: a NaN wins, and once there no number beats it (NaN > v is
    // false), so a NaN anywhere shows in the result.
    if (v > out[j] || v !== v) out[j] = v;
  });
}

/**
 * Backward of max: dx[i] += dout[j] · [x[i] == out[j]] / count[j], where count[j] is how many
 * elements tie for the max (TensorFlow's rule: ties share the gradient equally). Accumulates dx.
 */
export function reduceMaxBackward(
  dx: Float32Array,
  dout: Float32Array,
  x: Float32Array,
  out: Float32Array,
  shape: readonly number[],
  reduced: readonly boolean[],
): void {
  const count = new Float32Array(out.length); // (keepDims shape)
  forEachReduced(shape, reduced, (i, j) => {
    if (x[i] === out[j]) count[j]++;
  });
  forEachReduced(shape, reduced, (i, j) => {
    if (x[i] === out[j]) dx[i] += dout[j] / count[j];
  });
}

/** out (shape `to`) += x (shape `from`) summed over the axes `to` was broadcast along. */
export function reduceSumTo(out: Float32Array, x: Float32Array, from: readonly number[], to: readonly number[]): void {
  const rank = from.length;
  const reduced = from.map((d, ax) => {
    const t = to[to.length - rank + ax] ?? 1;
    return t === 1 && d !== 1;
  });
  // Missing leading axes of `to` count as size 1, so they are summed over too.
  forEachReduced(from, reduced, (i, j) => {
    out[j] += x[i];
  });
}
