/**
 * Elementwise maps with NumPy broadcasting.
 *
 *   out[i] = f(a[ia(i)], b[ib(i)])      binary, overwrites out
 *   out[i] = f(x[i])                     unary, overwrites out
 *
 * Broadcasting follows NumPy: shapes are aligned at their last axis; two sizes are compatible when
 * they are equal or one of them is 1, and the 1 is stretched. A stretched axis gets stride 0, so the
 * same input element is read for every position along it.
 *
 * Buffers are row-major and contiguous: a [aShape], b [bShape], out [broadcastShape(aShape, bShape)].
 */

/** The binary operators the ops use; elementwise-fast.ts writes each one out as its own loop. */
export type BinaryKind = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum';

/**
 * Each operator as a function of two numbers: what binaryBroadcast takes to compute `kind`.
 * maximum and minimum pick x on a tie and when x is NaN, so a NaN on either side wins (as
 * tf.maximum; `x >= y` alone is false for a NaN x and would drop it).
 */
export const binaryFunctions: Readonly<Record<BinaryKind, (x: number, y: number) => number>> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  maximum: (x, y) => (x >= y || x !== x ? x : y),
  minimum: (x, y) => (x <= y || x !== x ? x : y),
};

/** The broadcast result of two shapes, or null when they are incompatible. */
export function broadcastShape(aShape: readonly number[], bShape: readonly number[]): number[] | null {
  const rank = Math.max(aShape.length, bShape.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    // Walk from the last axis; a missing leading axis counts as size 1.
    const da = aShape[aShape.length - rank + i] ?? 1;
    const db = bShape[bShape.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides for reading `shape` as if it had `outShape` (rank(outShape) ≥ rank(shape)):
 * 0 on every axis that is missing or stretched from size 1.
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const rank = outShape.length;
  const strides = new Int32Array(rank); // (rank,)
  let stride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const d = shape[shape.length - rank + i] ?? 1;
    strides[i] = d === 1 ? 0 : stride;
    stride *= d;
  }
  return strides;
}

/** out[i] = f(a[·], b[·]) under broadcasting; overwrites out (length = Π outShape). */
export function binaryBroadcast(
  out: Float32Array,
  a: Float32Array,
  aShape: readonly number[],
  b: Float32Array,
  bShape: readonly number[],
  outShape: readonly number[],
  f: (x: number, y: number) => number,
): void {
  const n = out.length;
  // Fast paths: equal sizes (no broadcasting at all) and a scalar on either side.
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
    return;
  }
  if (b.length === 1) {
    const bv = b[0];
    if (a.length === n) {
      for (let i = 0; i < n; i++) out[i] = f(a[i], bv);
      return;
    }
  }
  if (a.length === 1 && b.length === n) {
    const av = a[0];
    for (let i = 0; i < n; i++) out[i] = f(av, b[i]);
    return;
  }
  // General case: an odometer over outShape's leading axes, with the last axis as the inner loop.
  const rank = outShape.length;
  const as = broadcastStrides(aShape, outShape);
  const bs = broadcastStrides(bShape, outShape);
  const last = outShape[rank - 1];
  const asLast = as[rank - 1];
  const bsLast = bs[rank - 1];
  const counter = new Int32Array(rank); // position over the leading rank-1 axes
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < n; o += last) {
    for (let j = 0, pa = ia, pb = ib; j < last; j++, pa += asLast, pb += bsLast) {
      out[o + j] = f(a[pa], b[pb]);
    }
    // Advance the odometer by one row: bump the innermost leading axis, carry outwards.
    for (let ax = rank - 2; ax >= 0; ax--) {
      counter[ax]++;
      ia += as[ax];
      ib += bs[ax];
      if (counter[ax] < outShape[ax]) break;
      ia -= as[ax] * counter[ax];
      ib -= bs[ax] * counter[ax];
      counter[ax] = 0;
    }
  }
}

/** out[i] = f(x[i]); overwrites out (same length as x). */
export function unaryMap(out: Float32Array, x: Float32Array, f: (v: number) => number): void {
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
}

const NO_OPERAND = new Float32Array(1);
const first = (x: number): number => x;

/** out (shape outShape) = x (shape xShape) stretched by broadcasting; overwrites out. */
export function broadcastTo(out: Float32Array, x: Float32Array, xShape: readonly number[], outShape: readonly number[]): void {
  binaryBroadcast(out, x, xShape, NO_OPERAND, [], outShape, first);
}
