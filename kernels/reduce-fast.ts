/**
 * The fast twin of reduce.ts's reduceSumTo: sums with no function call per element.
 *
 *   out[j] += Σ_{i ↦ j} x[i]                                              accumulates into out
 *
 * x [from]; out [to], where `to` broadcasts to `from` (missing leading axes count as 1); `i ↦ j`
 * means i's coordinates with the axes `to` lacks (or has as 1) zeroed are j's. This is the backward
 * of broadcasting (a bias's gradient is the channel sums of its output's gradient) and, into a zeroed
 * out, the forward of sum and mean.
 *
 * What it optimizes, and why:
 * 1. The reference visits each element through a closure `(i, j) => out[j] += x[i]`. Here the axes
 *    are first collapsed as for broadcasting (elementwise-fast.ts, collapseAxes), so the common
 *    reductions become one plain loop nest:
 *      channel sums   [N,H,W,C] → [C]      N·H·W rows of C, added into C sums (four rows at a time)
 *      row sums       [B,K] → [B,1]        B runs of K, each summed into one number
 *      everything     [n] → []             one run
 * 2. Channel sums with C a multiple of 4 run on WebAssembly SIMD where available
 *    (elementwise-simd.ts channelSumsSimd: the rows in order, float64 lanes).
 * 3. The sums are kept in float64 and added into out once at the end. Summing 20,000 float32 rows
 *    into float32 would lose about three digits; the reference does just that, so the two agree
 *    within a tolerance, not to the bit.
 */
import { broadcastStrides } from './elementwise.js';
import { collapseAxes } from './elementwise-fast.js';
import { channelSumsSimd } from './elementwise-simd.js';
import { simdAvailable } from './gemm-simd.js';

// The two runs are small functions of their own, called once per run: V8 optimizes (and inlines)
// them after a few calls, where a loop written inline would wait for on-stack replacement.

/** sums[j + k] += x[i + k] for k < n. */
function addRun(sums: Float64Array, j: number, x: Float32Array, i: number, n: number): void {
  for (let k = 0; k < n; k++) sums[j + k] += x[i + k];
}

/** Σ x[i + k] for k < n. */
function sumRun(x: Float32Array, i: number, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += x[i + k];
  return s;
}

/**
 * sums[c] += Σ_r x[r, c] over R rows of C: the channel sums of a bias gradient. Four rows at a time,
 * channel by channel, so each sum is read and written once per four rows (measured: ~2× faster than
 * adding row by row).
 */
function channelSums(sums: Float64Array, x: Float32Array, R: number, C: number): void {
  const n = R * C;
  for (let o = 0; o < n; o += 4 * C) {
    const end = Math.min(o + 4 * C, n);
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let i = o + c; i < end; i += C) s += x[i];
      sums[c] += s;
    }
  }
}

/** out (shape `to`) += x (shape `from`) summed over the axes `to` was broadcast along. */
export function reduceSumToFast(out: Float32Array, x: Float32Array, from: readonly number[], to: readonly number[]): void {
  if (x.length === 0) return;
  // Reading `to` stretched over `from` and writing sums into it walk the same indices: its
  // broadcast strides are the output index's strides (0 on every summed axis).
  const { dims, strides } = collapseAxes(from, [broadcastStrides(to, from)]);
  const [os] = strides;
  const rank = dims.length;
  const inner = dims[rank - 1];
  const innerKept = os[rank - 1] === 1; // a run adds into `inner` sums; otherwise into one
  const sums = new Float64Array(out.length); // (to)
  if (rank === 2 && os[0] === 0 && innerKept) {
    // [R, C] → [C], the common case (a bias's gradient): its own loop, or SIMD where it can run.
    if (simdAvailable && inner % 4 === 0) channelSumsSimd(sums, x, dims[0], inner);
    else channelSums(sums, x, dims[0], inner);
    for (let k = 0; k < out.length; k++) out[k] += sums[k];
    return;
  }
  if (rank === 3 && os[0] === inner && os[1] === 0 && innerKept && simdAvailable && inner % 4 === 0) {
    // [A, R, C] → [A, C] (a global average pool's sums): the channel sums of each leading index on
    // SIMD, rows in order in float64 as the runs below add them, so the same bits.
    const block = dims[1] * inner; // (R, C)
    for (let a = 0; a < dims[0]; a++) channelSumsSimd(sums.subarray(a * inner, (a + 1) * inner), x.subarray(a * block, (a + 1) * block), dims[1], inner);
    for (let k = 0; k < out.length; k++) out[k] += sums[k];
    return;
  }
  const counter = new Int32Array(rank); // position over the leading rank−1 merged axes
  let j = 0;
  for (let i = 0; i < x.length; i += inner) {
    if (innerKept) addRun(sums, j, x, i, inner);
    else sums[j] += sumRun(x, i, inner);
    // Advance the odometer by one run, carrying outwards.
    for (let ax = rank - 2; ax >= 0; ax--) {
      counter[ax]++;
      j += os[ax];
      if (counter[ax] < dims[ax]) break;
      j -= os[ax] * counter[ax];
      counter[ax] = 0;
    }
  }
  for (let k = 0; k < out.length; k++) out[k] += sums[k];
}
