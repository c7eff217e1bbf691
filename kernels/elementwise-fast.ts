/**
 * The fast twin of elementwise.ts's binaryBroadcast and broadcastTo: the same results, bit for bit,
 * with no function call per element.
 *
 *   out[i] = a[ia(i)] ∘ b[ib(i)],   ∘ one of add, sub, mul, div, maximum, minimum     overwrites out
 *   out[i] = x[ix(i)]                                    (broadcastToFast)              overwrites out
 *
 * a [aShape], b [bShape], x [xShape], out [outShape], row-major and contiguous; aShape and bShape
 * broadcast to outShape as NumPy does (elementwise.ts), ia(i) and ib(i) read i's coordinates with
 * the stretched axes zeroed.
 *
 * What it optimizes, and why:
 * 1. The reference calls f(x, y) for every element. One call site sees six different f's, so V8
 *    cannot inline them (the site is megamorphic) and pays a real call per float. Here each operator
 *    is its own loop (binaryRun), chosen once per run of elements.
 * 2. Broadcasting is reduced to runs. Axes of size 1 are dropped and neighbouring axes merged
 *    wherever both operands step through them the same way (collapseAxes), so the shapes that
 *    dominate a CNN become one or two loops:
 *      same shape            [n] + [n]          → one run of n, both operands stride 1
 *      scalar                [n] + []           → one run of n, b stride 0
 *      channels (a bias)     [N,H,W,C] + [C]    → N·H·W runs of C, b restarting at 0
 *      per row               [B,K] − [B,1]      → B runs of K, b fixed within a run
 *    Within a run each operand's stride is 1 or 0; between runs an odometer over the (few) merged
 *    leading axes moves the offsets, as in the reference.
 * 3. A bias added over the channels (C a multiple of 4) runs on WebAssembly SIMD where available
 *    (elementwise-simd.ts addRowsSimd: one float32 addition per element, the same bits).
 */
import { type BinaryKind, broadcastStrides } from './elementwise.js';
import { addRowsSimd } from './elementwise-simd.js';
import { simdAvailable } from './gemm-simd.js';

/** A broadcast seen with its size-1 axes dropped and its mergeable axes merged. */
export interface CollapsedAxes {
  /** Sizes of the remaining axes, outermost first (at least one axis). */
  dims: number[];
  /** For each operand, its stride along each remaining axis (0 where it is stretched). */
  strides: number[][];
}

/**
 * Drops the axes of size 1 and merges axis k into axis k−1 when every operand continues contiguously
 * across it (stride[k−1] = stride[k]·dims[k], which holds for two stretched axes as 0 = 0·d).
 * `strides[o][ax]` is operand o's stride along outShape's axis ax.
 */
export function collapseAxes(outShape: readonly number[], strides: readonly ArrayLike<number>[]): CollapsedAxes {
  const dims: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (let ax = 0; ax < outShape.length; ax++) {
    const d = outShape[ax];
    if (d === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, o) => out[o][last] === s[ax] * d)) {
      // Merge: the merged axis now steps like this (inner) one.
      dims[last] *= d;
      strides.forEach((s, o) => (out[o][last] = s[ax]));
    } else {
      dims.push(d);
      strides.forEach((s, o) => out[o].push(s[ax]));
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    for (const s of out) s.push(0);
  }
  return { dims, strides: out };
}

/**
 * out[o + k] = a[ia + k·sa] ∘ b[ib + k·sb] for k < n; sa and sb are 1 or 0. One loop per operator,
 * the same expression as binaryFunctions (elementwise.ts), so the results are the same bits.
 */
function binaryRun(
  kind: BinaryKind, out: Float32Array, o: number,
  a: Float32Array, ia: number, sa: number, b: Float32Array, ib: number, sb: number, n: number,
): void {
  const end = o + n;
  switch (kind) {
    case 'add':
      for (let i = o, pa = ia, pb = ib; i < end; i++, pa += sa, pb += sb) out[i] = a[pa] + b[pb];
      return;
    case 'sub':
      for (let i = o, pa = ia, pb = ib; i < end; i++, pa += sa, pb += sb) out[i] = a[pa] - b[pb];
      return;
    case 'mul':
      for (let i = o, pa = ia, pb = ib; i < end; i++, pa += sa, pb += sb) out[i] = a[pa] * b[pb];
      return;
    case 'div':
      for (let i = o, pa = ia, pb = ib; i < end; i++, pa += sa, pb += sb) out[i] = a[pa] / b[pb];
      return;
    case 'maximum':
      for (let i = o, pa = ia, pb = ib; i < end; i++, pa += sa, pb += sb) {
        const x = a[pa];
        out[i] = x >= b[pb] || x !== x ? x : b[pb];
      }
      return;
    case 'minimum':
      for (let i = o, pa = ia, pb = ib; i < end; i++, pa += sa, pb += sb) {
        const x = a[pa];
        out[i] = x <= b[pb] || x !== x ? x : b[pb];
      }
      return;
  }
}

/** out = a ∘ b under broadcasting (outShape = broadcastShape(aShape, bShape)); overwrites out. */
export function binaryBroadcastFast(
  out: Float32Array, kind: BinaryKind,
  a: Float32Array, aShape: readonly number[],
  b: Float32Array, bShape: readonly number[],
  outShape: readonly number[],
): void {
  if (out.length === 0) return;
  const { dims, strides } = collapseAxes(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
  const [as, bs] = strides;
  const rank = dims.length;
  const inner = dims[rank - 1]; // the length of one run
  if (kind === 'add' && simdAvailable && rank === 2 && inner % 4 === 0 && as[0] === inner && as[1] === 1 && bs[0] === 0 && bs[1] === 1) {
    // A bias over the channels, [R, C] + [C]: on SIMD (elementwise-simd.ts), the same bits.
    addRowsSimd(out, a, b, dims[0], inner);
    return;
  }
  const counter = new Int32Array(rank); // position over the leading rank−1 merged axes
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < out.length; o += inner) {
    binaryRun(kind, out, o, a, ia, as[rank - 1], b, ib, bs[rank - 1], inner);
    // Advance the odometer by one run: bump the innermost leading axis, carry outwards.
    for (let ax = rank - 2; ax >= 0; ax--) {
      counter[ax]++;
      ia += as[ax];
      ib += bs[ax];
      if (counter[ax] < dims[ax]) break;
      ia -= as[ax] * counter[ax];
      ib -= bs[ax] * counter[ax];
      counter[ax] = 0;
    }
  }
}

// Contiguous runs shorter than this are copied float by float, not by TypedArray.set on a subarray.
const SHORT_RUN = 32;

/** out (outShape) = x (xShape) stretched by broadcasting; overwrites out. Each run is one copy or one fill. */
export function broadcastToFast(out: Float32Array, x: Float32Array, xShape: readonly number[], outShape: readonly number[]): void {
  if (out.length === 0) return;
  const { dims, strides } = collapseAxes(outShape, [broadcastStrides(xShape, outShape)]);
  const [xs] = strides;
  const rank = dims.length;
  const inner = dims[rank - 1];
  // Where the axis next to the run is stretched (a per-image value over its pixels, as a global
  // average pool's gradient), its runs are all the same: the first is written, then doubled by
  // copyWithin (log₂ of the count memcpys instead of one write per run).
  const repeat = rank >= 2 && xs[rank - 2] === 0 ? dims[rank - 2] : 1;
  const block = repeat * inner; // floats of out per step of the loop
  const counter = new Int32Array(rank);
  let ix = 0;
  for (let o = 0; o < out.length; o += block) {
    // A contiguous run is a block copy (memcpy; a short one, such as a pixel's channels, a plain
    // loop: a subarray per run costs more than the copy); a stretched one repeats one value.
    if (xs[rank - 1] === 1 && inner < SHORT_RUN) for (let k = 0; k < inner; k++) out[o + k] = x[ix + k];
    else if (xs[rank - 1] === 1) out.set(x.subarray(ix, ix + inner), o);
    else out.fill(x[ix], o, o + inner);
    for (let done = inner; done < block; done *= 2) out.copyWithin(o + done, o, o + Math.min(done, block - done));
    for (let ax = repeat > 1 ? rank - 3 : rank - 2; ax >= 0; ax--) {
      counter[ax]++;
      ix += xs[ax];
      if (counter[ax] < dims[ax]) break;
      ix -= xs[ax] * counter[ax];
      counter[ax] = 0;
    }
  }
}
