// The batch-norm passes of batch-norm-fast.ts on WebAssembly SIMD, four channels per instruction
// (the module is wasm/batch-norm-module.ts; the memory is the shared heap of wasm/heap.ts). Same
// formulas and same per-channel float64 arithmetic between the passes; the per-element passes run
// in float32 (see the module), so the results agree with the twins within float32 tolerances.
//
//   batchNormForwardTrainingSimd, batchNormForwardInferenceSimd, batchNormBackwardSimd:
//   the signatures and contracts of batch-norm-fast.ts's functions (forwards overwrite, the
//   backward accumulates into dx, dγ, dβ). A fused ReLU (`relu`) runs in the pass that writes y
//   (bn_affine_relu), and its gradient (`reluOut`) masks dy in the passes that read it
//   (bn_dsums_masked, bn_dx_masked): relu.ts's bits, no pass of their own.
//
// What it optimizes: the JS passes cost ~1–3 ns per float (scalar, with float32 ↔ float64
// conversions); here a pass handles four floats per instruction, and each operand crosses into
// wasm memory with TypedArray.set (~0.1 ns per float).
//
// Chunks: the operands stream through the heap a chunk of whole rows at a time (about
// BN_CHUNK_FLOATS floats per operand, 64 KB: every operand's chunk together stays in L2), in each
// pass. Why: a convnet's activation is megabytes (32×26×26×32 floats: 2.8 MB). Copied into the
// heap whole, each operand is read from main memory by the copy, written to a heap as large as it,
// and read back from there by every pass; a step spent about as long staging as computing. In
// chunks, the copy is the pass's one read of its operands from memory and the wasm loop reads them
// hot from cache; the output chunk goes straight out to its array. The sum passes (pass 1) carry
// their float64 sums in the heap from one chunk to the next, rows in order, so the bits are those
// of one pass over all rows; the per-element passes (pass 2) are independent per element and run
// the chunks last to first, so the chunk pass 1 left in the heap is used without a second copy.
//
// Where SIMD is missing, C is not a multiple of 4 (the vectors hold four channels), there are no
// rows, or `heap` (default: the engine's) cannot grow to hold the chunks, these run
// batch-norm-fast.ts's JS passes; the inference backward (a frozen layer) always does.
// `chunkFloats` (default BN_CHUNK_FLOATS) sets the chunk size, for the tests of the chunk edges.

import {
  batchNormForwardTraining, batchNormForwardInference, batchNormBackward, shifts, moments, scaleShift, gradientConstants,
} from './batch-norm-fast.js';
import { batchNormModuleBytes } from './wasm/batch-norm-module.js';
import { engineHeap, type WasmHeap } from './wasm/heap.js';
import { simdAvailable } from './gemm-simd.js';

/**
 * Floats of one chunk of one operand: 64 KB. Measured (2026-11-29, the convnet's BN step, see
 * bench/README's batch-norm note): 16K floats a chunk ran the backward in … (see the report).
 */
export const BN_CHUNK_FLOATS = 16384;

/** The per-element passes: bn_affine(y, x, k, a, b, rows, cVec) and its relu and _pairs variants. */
type AffinePass = `bn_affine${'' | '_relu'}${'' | '_pairs'}`;
/** The dx passes: bn_dx(dx, dy, x, k, a, b, d, rows, cVec, m) and its variants (m read by the _masked ones only). */
type DxPass = `bn_dx${'' | '_fresh'}${'' | '_masked'}${'' | '_pairs'}`;

/** The module's exports; addresses in bytes, counts ≥ 1. */
interface BatchNormExports
  extends Record<AffinePass, (y: number, x: number, k: number, a: number, b: number, rows: number, cVec: number) => void>,
  Record<DxPass, (dx: number, dy: number, x: number, k: number, a: number, b: number, d: number, rows: number, cVec: number, m: number) => void> {
  bn_sums(x: number, k: number, s1: number, s2: number, rows: number, cVec: number): void;
  bn_dsums(u: number, v: number, s1: number, s2: number, rows: number, cVec: number): void;
  bn_dsums_masked(u: number, v: number, s1: number, s2: number, rows: number, cVec: number, m: number): void;
}

// The per-element passes for C channels run over pairs of channel vectors with their constants in
// registers where C is a multiple of 8 (the module's `_pairs` exports, the same bits, about twice
// as fast at 8 and 16 channels), else row by row.
const pairs = (C: number): '' | '_pairs' => (C % 8 === 0 ? '_pairs' : '');

/** y = a·(x − k) + b, then the ReLU when `relu`. */
const affinePass = (k: BatchNormExports, C: number, relu: boolean) => k[`bn_affine${relu ? '_relu' : ''}${pairs(C)}` as const];

/** dx += a·dy + b·(x − k) + d: into zeros it does not read when `fresh`, on dy masked by m when `masked`. */
const dxPass = (k: BatchNormExports, C: number, fresh: boolean, masked: boolean) =>
  k[`bn_dx${fresh ? '_fresh' : ''}${masked ? '_masked' : ''}${pairs(C)}` as const];

// Built and instantiated on a heap at its first call there, then the same instance (WasmHeap.instance;
// compiling costs ~0.1 ms per call otherwise).
const exports = (heap: WasmHeap): BatchNormExports => heap.instance('batch-norm', batchNormModuleBytes) as unknown as BatchNormExports;

const usable = (R: number, C: number): boolean => simdAvailable && C % 4 === 0 && R > 0;

/**
 * Heap layout, in floats, for C channels (C a multiple of 4, so every region starts 16-byte aligned):
 * four per-channel f32 regions (k, a, b, d), two f64 sums (2C floats each), then the chunk buffers.
 */
const at = (C: number) => ({ k: 0, a: C, b: 2 * C, d: 3 * C, s1: 4 * C, s2: 6 * C, chunks: 8 * C });

/**
 * The chunks of R rows of C floats, whole rows, about `chunkFloats` floats each (at least one row):
 * [first float, end float) of each, in row order; `floats`, the longest chunk's length.
 */
function chunksOf(R: number, C: number, chunkFloats: number): { bounds: Array<[number, number]>; floats: number } {
  const rows = Math.min(R, Math.max(1, Math.floor(chunkFloats / C)));
  const bounds: Array<[number, number]> = [];
  for (let r = 0; r < R; r += rows) bounds.push([r * C, Math.min(r + rows, R) * C]);
  return { bounds, floats: rows * C };
}

/** Writes per-channel values into the f32 region starting at `start`. */
function place(f32: Float32Array, start: number, C: number, value: (c: number) => number): void {
  for (let c = 0; c < C; c++) f32[start + c] = value(c);
}

/** The training forward of batch-norm-fast.ts on SIMD (its contract: overwrites y, mean, variance, invStd; then the ReLU when `relu`). */
export function batchNormForwardTrainingSimd(
  y: Float32Array, mean: Float32Array, variance: Float32Array, invStd: Float32Array,
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, R: number, C: number, epsilon: number,
  relu = false, heap: WasmHeap = engineHeap(), chunkFloats = BN_CHUNK_FLOATS,
): void {
  const a = at(C);
  const { bounds, floats } = chunksOf(R, C, chunkFloats);
  const X = a.chunks; // (rows, C) a chunk of x, then of y in place
  const views = usable(R, C) ? heap.views((X + floats) * 4) : null;
  if (views === null) {
    batchNormForwardTraining(y, mean, variance, invStd, x, gamma, beta, R, C, epsilon, relu);
    return;
  }
  const { f32 } = views;
  const k = exports(heap);
  const K = shifts(x, C); // values of x: exact in float32
  place(f32, a.k, C, (c) => K[c]);
  f32.fill(0, a.s1, a.chunks); // both float64 sums start at +0
  // Pass 1: the shifted sums, chunk after chunk; the moments in float64 from them.
  for (const [from, to] of bounds) {
    f32.set(x.subarray(from, to), X);
    k.bn_sums(X * 4, a.k * 4, a.s1 * 4, a.s2 * 4, (to - from) / C, C / 4);
  }
  const { mu, s } = moments(mean, variance, invStd, K, new Float64Array(f32.buffer, a.s1 * 4, C), new Float64Array(f32.buffer, a.s2 * 4, C), R, C, epsilon);
  // Pass 2: y = A·(x − K) + (β + A·(K − μ)), which is A·x + B shifted by K, in place over the
  // chunk; the last chunk first, as pass 1 left it in the heap.
  const P = scaleShift(mu, s, gamma, beta, C); // [A, B] per channel
  place(f32, a.a, C, (c) => P[2 * c]);
  place(f32, a.b, C, (c) => P[2 * c + 1] + P[2 * c] * K[c]);
  const pass = affinePass(k, C, relu);
  for (let i = bounds.length - 1; i >= 0; i--) {
    const [from, to] = bounds[i];
    if (i < bounds.length - 1) f32.set(x.subarray(from, to), X);
    pass(X * 4, X * 4, a.k * 4, a.a * 4, a.b * 4, (to - from) / C, C / 4);
    y.set(f32.subarray(X, X + to - from), from);
  }
}

/** The inference forward of batch-norm-fast.ts on SIMD (overwrites y; then the ReLU when `relu`). */
export function batchNormForwardInferenceSimd(
  y: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array,
  gamma: Float32Array | null, beta: Float32Array | null, R: number, C: number, epsilon: number,
  relu = false, heap: WasmHeap = engineHeap(), chunkFloats = BN_CHUNK_FLOATS,
): void {
  const a = at(C);
  const { bounds, floats } = chunksOf(R, C, chunkFloats);
  const X = a.chunks; // (rows, C) a chunk of x, then of y in place
  const views = usable(R, C) ? heap.views((X + floats) * 4) : null;
  if (views === null) {
    batchNormForwardInference(y, x, mean, variance, gamma, beta, R, C, epsilon, relu);
    return;
  }
  const { f32 } = views;
  const k = exports(heap);
  // y = γ·s·(x − μ) + β, with μ the float32 mean itself as the shift; chunk by chunk, in place.
  place(f32, a.k, C, (c) => mean[c]);
  place(f32, a.a, C, (c) => (gamma === null ? 1 : gamma[c]) / Math.sqrt(variance[c] + epsilon));
  place(f32, a.b, C, (c) => (beta === null ? 0 : beta[c]));
  const pass = affinePass(k, C, relu);
  for (const [from, to] of bounds) {
    f32.set(x.subarray(from, to), X);
    pass(X * 4, X * 4, a.k * 4, a.a * 4, a.b * 4, (to - from) / C, C / 4);
    y.set(f32.subarray(X, X + to - from), from);
  }
}

/**
 * The backward of batch-norm-fast.ts on SIMD in training mode (accumulates into dx, dγ, dβ; dy
 * masked by `reluOut` first when given). `dxZero`: the caller promises dx holds only +0 (the op's
 * freshly allocated dx), so the pass adds its values to a +0 register (bn_dx_fresh) instead of
 * copying dx into the heap and loading it: the same bits, one copy of R·C floats fewer.
 */
export function batchNormBackwardSimd(
  dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null,
  dy: Float32Array, x: Float32Array, mean: Float32Array, invStd: Float32Array, gamma: Float32Array | null,
  R: number, C: number, training: boolean, reluOut: Float32Array | null = null, dxZero = false,
  heap: WasmHeap = engineHeap(), chunkFloats = BN_CHUNK_FLOATS,
): void {
  const a = at(C);
  const { bounds, floats } = chunksOf(R, C, chunkFloats);
  // (rows, C) each: chunks of dy, x, reluOut (only when given) and dx (only when wanted)
  const DY = a.chunks, X = DY + floats, M = X + floats, DX = M + (reluOut === null ? 0 : floats);
  const views = training && usable(R, C) ? heap.views((DX + (dx === null ? 0 : floats)) * 4) : null;
  if (views === null) {
    batchNormBackward(dx, dgamma, dbeta, dy, x, mean, invStd, gamma, R, C, training, reluOut);
    return;
  }
  const { f32 } = views;
  const k = exports(heap);
  const copyIn = (from: number, to: number): void => {
    f32.set(dy.subarray(from, to), DY);
    f32.set(x.subarray(from, to), X);
    if (reluOut !== null) f32.set(reluOut.subarray(from, to), M);
  };
  f32.fill(0, a.s1, a.chunks);
  // Pass 1: Σ dy and Σ dy·x (dy masked by the fused ReLU's output first), chunk after chunk; dγ,
  // dβ and the dx constants in float64 from them.
  for (const [from, to] of bounds) {
    copyIn(from, to);
    if (reluOut === null) k.bn_dsums(DY * 4, X * 4, a.s1 * 4, a.s2 * 4, (to - from) / C, C / 4);
    else k.bn_dsums_masked(DY * 4, X * 4, a.s1 * 4, a.s2 * 4, (to - from) / C, C / 4, M * 4);
  }
  const P = gradientConstants(dgamma, dbeta, new Float64Array(f32.buffer, a.s1 * 4, C), new Float64Array(f32.buffer, a.s2 * 4, C), mean, invStd, gamma, R, C);
  if (dx === null) return;
  // Pass 2: dx += A·dy + B·(x − μ) + (D + B·μ), the training dx shifted by the float32 mean; the
  // last chunk first, as pass 1 left it in the heap.
  place(f32, a.k, C, (c) => mean[c]);
  place(f32, a.a, C, (c) => P[3 * c]);
  place(f32, a.b, C, (c) => P[3 * c + 1]);
  place(f32, a.d, C, (c) => P[3 * c + 2] + P[3 * c + 1] * mean[c]);
  const pass = dxPass(k, C, dxZero, reluOut !== null);
  for (let i = bounds.length - 1; i >= 0; i--) {
    const [from, to] = bounds[i];
    if (i < bounds.length - 1) copyIn(from, to);
    if (!dxZero) f32.set(dx.subarray(from, to), DX);
    pass(DX * 4, DY * 4, X * 4, a.k * 4, a.a * 4, a.b * 4, a.d * 4, (to - from) / C, C / 4, M * 4);
    dx.set(f32.subarray(DX, DX + to - from), from);
  }
}
