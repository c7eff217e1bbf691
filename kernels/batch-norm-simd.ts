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
// conversions); here each operand crosses into wasm memory with one TypedArray.set (~0.1 ns per
// float), a pass handles four floats per instruction, and the result comes back with one set.
// Where SIMD is missing, C is not a multiple of 4 (the vectors hold four channels), there are no
// rows, or `heap` (default: the engine's) cannot grow to hold the operands, these run
// batch-norm-fast.ts's JS passes; the inference backward (a frozen layer) always does.

import {
  batchNormForwardTraining, batchNormForwardInference, batchNormBackward, shifts, moments, scaleShift, gradientConstants,
} from './batch-norm-fast.js';
import { batchNormModuleBytes } from './wasm/batch-norm-module.js';
import { engineHeap, type WasmHeap } from './wasm/heap.js';
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
 * four per-channel f32 regions (k, a, b, d), two f64 sums (2C floats each), then the row buffers.
 */
const at = (C: number) => ({ k: 0, a: C, b: 2 * C, d: 3 * C, s1: 4 * C, s2: 6 * C, rows: 8 * C });

/** Writes per-channel values into the f32 region starting at `start`. */
function place(f32: Float32Array, start: number, C: number, value: (c: number) => number): void {
  for (let c = 0; c < C; c++) f32[start + c] = value(c);
}

/** The training forward of batch-norm-fast.ts on SIMD (its contract: overwrites y, mean, variance, invStd; then the ReLU when `relu`). */
export function batchNormForwardTrainingSimd(
  y: Float32Array, mean: Float32Array, variance: Float32Array, invStd: Float32Array,
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, R: number, C: number, epsilon: number,
  relu = false, heap: WasmHeap = engineHeap(),
): void {
  const n = R * C;
  const a = at(C);
  const views = usable(R, C) ? heap.views((a.rows + n) * 4) : null;
  if (views === null) {
    batchNormForwardTraining(y, mean, variance, invStd, x, gamma, beta, R, C, epsilon, relu);
    return;
  }
  const { f32 } = views;
  const k = exports(heap);
  const K = shifts(x, C); // values of x: exact in float32
  place(f32, a.k, C, (c) => K[c]);
  f32.fill(0, a.s1, a.rows); // both float64 sums start at +0
  f32.set(x, a.rows);
  // Pass 1: the shifted sums; the moments in float64 from them.
  k.bn_sums(a.rows * 4, a.k * 4, a.s1 * 4, a.s2 * 4, R, C / 4);
  const { mu, s } = moments(mean, variance, invStd, K, new Float64Array(f32.buffer, a.s1 * 4, C), new Float64Array(f32.buffer, a.s2 * 4, C), R, C, epsilon);
  // Pass 2: y = A·(x − K) + (β + A·(K − μ)), which is A·x + B shifted by K, in place over x.
  const P = scaleShift(mu, s, gamma, beta, C); // [A, B] per channel
  place(f32, a.a, C, (c) => P[2 * c]);
  place(f32, a.b, C, (c) => P[2 * c + 1] + P[2 * c] * K[c]);
  (relu ? elementPasses(k, C).bn_affine_relu : elementPasses(k, C).bn_affine)(a.rows * 4, a.rows * 4, a.k * 4, a.a * 4, a.b * 4, R, C / 4);
  y.set(f32.subarray(a.rows, a.rows + n));
}

/** The inference forward of batch-norm-fast.ts on SIMD (overwrites y; then the ReLU when `relu`). */
export function batchNormForwardInferenceSimd(
  y: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array,
  gamma: Float32Array | null, beta: Float32Array | null, R: number, C: number, epsilon: number,
  relu = false, heap: WasmHeap = engineHeap(),
): void {
  const n = R * C;
  const a = at(C);
  const views = usable(R, C) ? heap.views((a.rows + n) * 4) : null;
  if (views === null) {
    batchNormForwardInference(y, x, mean, variance, gamma, beta, R, C, epsilon, relu);
    return;
  }
  const { f32 } = views;
  const k = exports(heap);
  // y = γ·s·(x − μ) + β, with μ the float32 mean itself as the shift.
  place(f32, a.k, C, (c) => mean[c]);
  place(f32, a.a, C, (c) => (gamma === null ? 1 : gamma[c]) / Math.sqrt(variance[c] + epsilon));
  place(f32, a.b, C, (c) => (beta === null ? 0 : beta[c]));
  f32.set(x, a.rows);
  (relu ? elementPasses(k, C).bn_affine_relu : elementPasses(k, C).bn_affine)(a.rows * 4, a.rows * 4, a.k * 4, a.a * 4, a.b * 4, R, C / 4);
  y.set(f32.subarray(a.rows, a.rows + n));
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
  R: number, C: number, training: boolean, reluOut: Float32Array | null = null, dxZero = false, heap: WasmHeap = engineHeap(),
): void {
  const n = R * C;
  const a = at(C);
  const DY = a.rows, X = a.rows + n, DX = a.rows + 2 * n; // (R, C) each; DX holds reluOut until dx comes in
  const views = training && usable(R, C) ? heap.views((DX + (dx === null && reluOut === null ? 0 : n)) * 4) : null;
  if (views === null) {
    batchNormBackward(dx, dgamma, dbeta, dy, x, mean, invStd, gamma, R, C, training, reluOut);
    return;
  }
  const { f32 } = views;
  const k = exports(heap);
  f32.fill(0, a.s1, a.rows);
  f32.set(dy.subarray(0, n), DY);
  f32.set(x, X);
  // Pass 1: Σ dy and Σ dy·x (dy masked by the fused ReLU's output first, in place); dγ, dβ and the
  // dx constants in float64 from them.
  if (reluOut === null) {
    k.bn_dsums(DY * 4, X * 4, a.s1 * 4, a.s2 * 4, R, C / 4);
  } else {
    f32.set(reluOut.subarray(0, n), DX);
    k.bn_dsums_masked(DY * 4, X * 4, a.s1 * 4, a.s2 * 4, R, C / 4, DX * 4);
  }
  const P = gradientConstants(dgamma, dbeta, new Float64Array(f32.buffer, a.s1 * 4, C), new Float64Array(f32.buffer, a.s2 * 4, C), mean, invStd, gamma, R, C);
  if (dx === null) return;
  // Pass 2: dx += A·dy + B·(x − μ) + (D + B·μ), the training dx shifted by the float32 mean.
  place(f32, a.k, C, (c) => mean[c]);
  place(f32, a.a, C, (c) => P[3 * c]);
  place(f32, a.b, C, (c) => P[3 * c + 1]);
  place(f32, a.d, C, (c) => P[3 * c + 2] + P[3 * c + 1] * mean[c]);
  if (!dxZero) f32.set(dx, DX);
  (dxZero ? elementPasses(k, C).bn_dx_fresh : elementPasses(k, C).bn_dx)(DX * 4, DY * 4, X * 4, a.k * 4, a.a * 4, a.b * 4, a.d * 4, R, C / 4);
  dx.set(f32.subarray(DX, DX + n));
}
