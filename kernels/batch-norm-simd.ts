// The batch-norm passes of batch-norm-fast.ts on WebAssembly SIMD, four channels per instruction
// (the module is wasm/batch-norm-module.ts; the memory is the shared heap of wasm/heap.ts). Same
// formulas and same per-channel float64 arithmetic between the passes; the per-element passes run
// in float32 (see the module), so the results agree with the twins within float32 tolerances.
//
//   batchNormForwardTrainingSimd, batchNormForwardInferenceSimd, batchNormBackwardSimd:
//   the signatures and contracts of batch-norm-fast.ts's functions (forwards overwrite, the
//   backward accumulates into dx, dγ, dβ). A fused ReLU (`relu`) runs in the pass that writes y
//   (bn_affine_relu), and its gradient (`reluOut`) masks dy in the pass that sums it
//   (bn_dsums_masked): relu.ts's bits, no pass of their own.
//
// What it optimizes: the JS passes cost ~1–3 ns per float (scalar, with float32 ↔ float64
// conversions); here a pass handles four floats per instruction, and each operand crosses into
// wasm memory with TypedArray.set (~0.1 ns per float).
//
// Chunks of rows: the operands cross in chunks of whole rows (about STREAM_CHUNK_FLOATS floats, 64 KB,
// each). A convnet's activation is megabytes (32×26×26×32 floats: 2.8 MB, past the 512 KB of L2):
// copied into the heap whole and then summed, it was read back from L3 or memory by the sum pass,
// and a result written whole into the heap was read back once more to copy it out.
//   - Pass 1 (the sums): each chunk is copied to its place in the heap and summed at once, while it
//     is in cache; the float64 sums stay in the heap from one chunk to the next, rows in order, so
//     the bits are those of one pass over all rows.
//   - Pass 2 (y or dx, per element): reads the operands where pass 1 put them (copying them in
//     again from the JS arrays measured slower on the ResNet's 8- and 16-channel layers), the last
//     chunk first, the one most likely still in cache; writes a chunk of results to a small buffer,
//     copied out at once.
//   - The inference forward is pass 2 alone: each chunk of x is copied in, mapped in place, copied out.
// Measured (2026-11-29, the BN kernels' time inside convnet_bn training steps, chunk sizes alternated
// in one process, load 2.6): 1.36 ms a step at 16K floats a chunk, 1.65 with one chunk (the whole
// operands), 1.53 before chunks; 8K–32K floats within 2%. The zoo ResNet's BN kernels: unchanged.
// Where SIMD is missing, C is not a multiple of 4 (the vectors hold four channels), there are no
// rows, or `heap` (default: the engine's) cannot grow to hold the operands, these run
// batch-norm-fast.ts's JS passes; the inference backward (a frozen layer) always does.
// `chunkFloats` (default STREAM_CHUNK_FLOATS) sets the chunk size; the tests use small ones to reach
// the chunk edges.

import {
  batchNormForwardTraining, batchNormForwardInference, batchNormBackward, shifts, moments, scaleShift, gradientConstants,
} from './batch-norm-fast.js';
import { batchNormModuleBytes } from './wasm/batch-norm-module.js';
import { engineHeap, STREAM_CHUNK_FLOATS, type WasmHeap } from './wasm/heap.js';
import { simdAvailable } from './gemm-simd.js';

/** The module's exports; addresses in bytes, counts ≥ 1. */
interface BatchNormExports {
  bn_sums(x: number, k: number, s1: number, s2: number, rows: number, cVec: number): void;
  bn_dsums(u: number, v: number, s1: number, s2: number, rows: number, cVec: number): void;
  bn_affine(y: number, x: number, k: number, a: number, b: number, rows: number, cVec: number): void;
  bn_dx(dx: number, dy: number, x: number, k: number, a: number, b: number, d: number, rows: number, cVec: number): void;
  bn_affine_relu(y: number, x: number, k: number, a: number, b: number, rows: number, cVec: number): void;
  bn_dsums_masked(u: number, v: number, s1: number, s2: number, rows: number, cVec: number, m: number): void;
  bn_affine_pairs: BatchNormExports['bn_affine'];
  bn_dx_pairs: BatchNormExports['bn_dx'];
  bn_dx_fresh: BatchNormExports['bn_dx'];
  bn_dx_fresh_pairs: BatchNormExports['bn_dx'];
  bn_affine_relu_pairs: BatchNormExports['bn_affine'];
}

/**
 * The per-element passes for C channels: over pairs of channel vectors with their constants in
 * registers where C is a multiple of 8 (the module's `_pairs` exports, the same bits, about twice
 * as fast at 8 and 16 channels), else row by row.
 */
function elementPasses(k: BatchNormExports, C: number): Pick<BatchNormExports, 'bn_affine' | 'bn_dx' | 'bn_affine_relu' | 'bn_dx_fresh'> {
  return C % 8 === 0 ? { bn_affine: k.bn_affine_pairs, bn_dx: k.bn_dx_pairs, bn_affine_relu: k.bn_affine_relu_pairs, bn_dx_fresh: k.bn_dx_fresh_pairs } : k;
}

// Built and instantiated on a heap at its first call there, then the same instance (WasmHeap.instance;
// compiling costs ~0.1 ms per call otherwise).
const exports = (heap: WasmHeap): BatchNormExports => heap.instance('batch-norm', batchNormModuleBytes) as unknown as BatchNormExports;

const usable = (R: number, C: number): boolean => simdAvailable && C % 4 === 0 && R > 0;

/**
 * Heap layout, in floats, for C channels (C a multiple of 4, so every region starts 16-byte aligned):
 * four per-channel f32 regions (k, a, b, d), two f64 sums (2C floats each), then the operands.
 */
const at = (C: number) => ({ k: 0, a: C, b: 2 * C, d: 3 * C, s1: 4 * C, s2: 6 * C, rows: 8 * C });

/** Floats in a chunk of whole rows of C floats, about `chunkFloats` (at least one row, at most all R). */
const chunkOf = (R: number, C: number, chunkFloats: number): number => Math.min(R, Math.max(1, Math.floor(chunkFloats / C))) * C;

/** [first float, end float) of each chunk of `chunk` floats in R·C floats, in row order. */
function chunkBounds(n: number, chunk: number): Array<[number, number]> {
  const bounds: Array<[number, number]> = [];
  for (let from = 0; from < n; from += chunk) bounds.push([from, Math.min(from + chunk, n)]);
  return bounds;
}

/** Writes per-channel values into the f32 region starting at `start`. */
function place(f32: Float32Array, start: number, C: number, value: (c: number) => number): void {
  for (let c = 0; c < C; c++) f32[start + c] = value(c);
}

/** The training forward of batch-norm-fast.ts on SIMD (its contract: overwrites y, mean, variance, invStd; then the ReLU when `relu`). */
export function batchNormForwardTrainingSimd(
  y: Float32Array, mean: Float32Array, variance: Float32Array, invStd: Float32Array,
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, R: number, C: number, epsilon: number,
  relu = false, heap: WasmHeap = engineHeap(), chunkFloats = STREAM_CHUNK_FLOATS,
): void {
  const n = R * C;
  const a = at(C);
  const chunk = chunkOf(R, C, chunkFloats);
  const X = a.rows, Y = X + n; // x (R, C); a chunk of y (rows, C)
  const views = usable(R, C) ? heap.views((Y + chunk) * 4) : null;
  if (views === null) {
    batchNormForwardTraining(y, mean, variance, invStd, x, gamma, beta, R, C, epsilon, relu);
    return;
  }
  const { f32 } = views;
  const k = exports(heap);
  const K = shifts(x, C); // values of x: exact in float32
  place(f32, a.k, C, (c) => K[c]);
  f32.fill(0, a.s1, a.rows); // both float64 sums start at +0
  const bounds = chunkBounds(n, chunk);
  // Pass 1: x into the heap a chunk at a time, each summed while in cache (the shifted sums); the
  // moments in float64 from them.
  for (const [from, to] of bounds) {
    f32.set(x.subarray(from, to), X + from);
    k.bn_sums((X + from) * 4, a.k * 4, a.s1 * 4, a.s2 * 4, (to - from) / C, C / 4);
  }
  const { mu, s } = moments(mean, variance, invStd, K, new Float64Array(f32.buffer, a.s1 * 4, C), new Float64Array(f32.buffer, a.s2 * 4, C), R, C, epsilon);
  // Pass 2: y = A·(x − K) + (β + A·(K − μ)), which is A·x + B shifted by K; last chunk first.
  const P = scaleShift(mu, s, gamma, beta, C); // [A, B] per channel
  place(f32, a.a, C, (c) => P[2 * c]);
  place(f32, a.b, C, (c) => P[2 * c + 1] + P[2 * c] * K[c]);
  const pass = relu ? elementPasses(k, C).bn_affine_relu : elementPasses(k, C).bn_affine;
  for (let i = bounds.length - 1; i >= 0; i--) {
    const [from, to] = bounds[i];
    pass(Y * 4, (X + from) * 4, a.k * 4, a.a * 4, a.b * 4, (to - from) / C, C / 4);
    y.set(f32.subarray(Y, Y + to - from), from);
  }
}

/** The inference forward of batch-norm-fast.ts on SIMD (overwrites y; then the ReLU when `relu`). */
export function batchNormForwardInferenceSimd(
  y: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array,
  gamma: Float32Array | null, beta: Float32Array | null, R: number, C: number, epsilon: number,
  relu = false, heap: WasmHeap = engineHeap(), chunkFloats = STREAM_CHUNK_FLOATS,
): void {
  const n = R * C;
  const a = at(C);
  const chunk = chunkOf(R, C, chunkFloats);
  const X = a.rows; // (rows, C) a chunk of x, then of y in place
  const views = usable(R, C) ? heap.views((X + chunk) * 4) : null;
  if (views === null) {
    batchNormForwardInference(y, x, mean, variance, gamma, beta, R, C, epsilon, relu);
    return;
  }
  const { f32 } = views;
  const k = exports(heap);
  // y = γ·s·(x − μ) + β, with μ the float32 mean itself as the shift; one pass, a chunk at a time.
  place(f32, a.k, C, (c) => mean[c]);
  place(f32, a.a, C, (c) => (gamma === null ? 1 : gamma[c]) / Math.sqrt(variance[c] + epsilon));
  place(f32, a.b, C, (c) => (beta === null ? 0 : beta[c]));
  const pass = relu ? elementPasses(k, C).bn_affine_relu : elementPasses(k, C).bn_affine;
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(from + chunk, n);
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
  heap: WasmHeap = engineHeap(), chunkFloats = STREAM_CHUNK_FLOATS,
): void {
  const n = R * C;
  const a = at(C);
  const chunk = chunkOf(R, C, chunkFloats);
  // dy and x (R, C) each; chunks (rows, C) of reluOut (only when given) and of dx (only when wanted)
  const DY = a.rows, X = DY + n, M = X + n, DX = M + (reluOut === null ? 0 : chunk);
  const views = training && usable(R, C) ? heap.views((DX + (dx === null ? 0 : chunk)) * 4) : null;
  if (views === null) {
    batchNormBackward(dx, dgamma, dbeta, dy, x, mean, invStd, gamma, R, C, training, reluOut);
    return;
  }
  const { f32 } = views;
  const k = exports(heap);
  f32.fill(0, a.s1, a.rows);
  const bounds = chunkBounds(n, chunk);
  // Pass 1: dy and x into the heap a chunk at a time, each summed while in cache: Σ dy and Σ dy·x
  // (dy masked by the fused ReLU's output first, the masked dy written back in place, which pass 2
  // reads); dγ, dβ and the dx constants in float64 from them.
  for (const [from, to] of bounds) {
    const rows = (to - from) / C;
    f32.set(dy.subarray(from, to), DY + from);
    f32.set(x.subarray(from, to), X + from);
    if (reluOut === null) {
      k.bn_dsums((DY + from) * 4, (X + from) * 4, a.s1 * 4, a.s2 * 4, rows, C / 4);
    } else {
      f32.set(reluOut.subarray(from, to), M);
      k.bn_dsums_masked((DY + from) * 4, (X + from) * 4, a.s1 * 4, a.s2 * 4, rows, C / 4, M * 4);
    }
  }
  const P = gradientConstants(dgamma, dbeta, new Float64Array(f32.buffer, a.s1 * 4, C), new Float64Array(f32.buffer, a.s2 * 4, C), mean, invStd, gamma, R, C);
  if (dx === null) return;
  // Pass 2: dx += A·dy + B·(x − μ) + (D + B·μ), the training dx shifted by the float32 mean; last
  // chunk first.
  place(f32, a.k, C, (c) => mean[c]);
  place(f32, a.a, C, (c) => P[3 * c]);
  place(f32, a.b, C, (c) => P[3 * c + 1]);
  place(f32, a.d, C, (c) => P[3 * c + 2] + P[3 * c + 1] * mean[c]);
  const pass = dxZero ? elementPasses(k, C).bn_dx_fresh : elementPasses(k, C).bn_dx;
  for (let i = bounds.length - 1; i >= 0; i--) {
    const [from, to] = bounds[i];
    if (!dxZero) f32.set(dx.subarray(from, to), DX);
    pass(DX * 4, (DY + from) * 4, (X + from) * 4, a.k * 4, a.a * 4, a.b * 4, a.d * 4, (to - from) / C, C / 4);
    dx.set(f32.subarray(DX, DX + to - from), from);
  }
}
