// The gemm family: C [M, N] = op(A)·op(B) for square sizes 256³, 512³, 1024³ (layout 'nn'), the
// transposed layouts the conv backward uses ('tn' for dw, 'nt' for dx) at 512³, and the mid-size-K
// GEMMs of conv forward passes (K = 288, 576; N = 64).
//
// To race a GEMM: write it with the GemmKernel signature (kernels/gemm.ts's contract) and add one
// line to `gemmVersions`, as `{ name: 'simd', fn: gemmSimd }` was added.

import {
  gemmNaive, gemmBlocked, gemmSimd, gemmRelaxedSimd, gemmSimdTiled, gemmFast, relaxedSimdAvailable,
  type GemmLayout, type GemmTile,
} from '../kernels/index.js';
import type { Case, Version } from './case.js';
import type { KernelVersion } from './conv.js';
import { uniform, pick } from './data.js';
import { tfVersion } from './peers/tfjs.js';
import { ortVersion } from './peers/onnx.js';
import { singleNodeModel } from './peers/onnx-model.js';

/** c [M, N] = (accumulate ? c : 0) + op(A)·op(B); see kernels/gemm.ts. */
export type GemmKernel = (c: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean) => void;

export const gemmReference: KernelVersion<GemmKernel> = { name: 'naive', fn: gemmNaive };

/** The SIMD GEMM with another register tile, for racing tiles against the chosen ones. */
const tiled = (t: GemmTile): KernelVersion<GemmKernel> => ({
  name: `${t.fma ? 'relaxed' : 'simd'} ${t.mr}x${4 * t.nv}`,
  fn: (c, a, b, M, N, K, layout, accumulate) => gemmSimdTiled(t, c, a, b, null, M, N, K, layout, accumulate),
  note: 'tile variant',
});

// ---- Race here: one line per version. ----
// The relaxed-SIMD rows need the engine's relaxed SIMD: `npm run bench` passes
// --experimental-wasm-relaxed-simd to Node 20 (package.json); without it they are left out.
export const gemmVersions: KernelVersion<GemmKernel>[] = [
  { name: 'blocked', fn: gemmBlocked },
  { name: 'simd', fn: gemmSimd, note: 'WebAssembly SIMD 4x8, mul + add, float32 sums' },
  ...(relaxedSimdAvailable ? [
    { name: 'relaxed', fn: gemmRelaxedSimd, note: 'relaxed SIMD 4x8, relaxed_madd (FMA), float32 sums' },
    tiled({ mr: 6, nv: 2, fma: true }),
    tiled({ mr: 3, nv: 4, fma: true }),
  ] : []),
  { name: 'fast', fn: gemmFast, note: 'what the ops call: relaxed, else simd, else blocked' },
];

interface GemmSpec { M: number; N: number; K: number; layout: GemmLayout }

export const gemmShapes: GemmSpec[] = [
  { M: 256, N: 256, K: 256, layout: 'nn' },
  { M: 512, N: 512, K: 512, layout: 'nn' },
  { M: 1024, N: 1024, K: 1024, layout: 'nn' },
  { M: 512, N: 512, K: 512, layout: 'tn' },
  { M: 512, N: 512, K: 512, layout: 'nt' },
  // Mid-size K: the im2col GEMMs of conv forward passes, M × CO × 9·CI: the conv bench's B
  // (32×14×14×32 → 64) and C (8×56×56×64 → 64), and the Keras MNIST convnet's second conv
  // (32×13×13×32 → 64 valid: 32·11·11 rows).
  { M: 6272, N: 64, K: 288, layout: 'nn' },
  { M: 25088, N: 64, K: 576, layout: 'nn' },
  { M: 3872, N: 64, K: 288, layout: 'nn' },
];

export const gemmQuickShapes: GemmSpec[] = [
  { M: 33, N: 17, K: 29, layout: 'nn' },
  { M: 13, N: 31, K: 7, layout: 'tn' },
  { M: 9, N: 10, K: 37, layout: 'nt' },
];

function tatamiVersion(g: GemmSpec, a: Float32Array, b: Float32Array, k: KernelVersion<GemmKernel>): Version {
  let c = new Float32Array(0);
  let calls = 0;
  return {
    name: k.name, engine: 'tatami', note: k.note,
    prepare() { c = new Float32Array(g.M * g.N); },
    reset() { c.fill(NaN); },
    run() { k.fn(c, a, b, g.M, g.N, g.K, g.layout, false); return pick(c, calls++); },
    read: () => [c],
    dispose() { c = new Float32Array(0); },
  };
}

/** Stored shapes of A and B for a layout ('tn' stores A as [K, M], 'nt' stores B as [N, K]). */
function storedShapes(g: GemmSpec): { aShape: number[]; bShape: number[]; transA: boolean; transB: boolean } {
  const transA = g.layout === 'tn';
  const transB = g.layout === 'nt';
  return { aShape: transA ? [g.K, g.M] : [g.M, g.K], bShape: transB ? [g.N, g.K] : [g.K, g.N], transA, transB };
}

function peerVersions(g: GemmSpec, a: Float32Array, b: Float32Array): Version[] {
  const { aShape, bShape, transA, transB } = storedShapes(g);
  const tf = (['cpu', 'wasm'] as const).map((backend) => tfVersion(backend, {
    inputs: () => ({ a: { data: a, shape: aShape }, b: { data: b, shape: bShape } }),
    compute: (t, x) => t.matMul(x.a as never, x.b as never, transA, transB),
  }));
  const ort = ortVersion({
    note: 'ONNX Gemm node (transA/transB)',
    model: () => singleNodeModel('Gemm', [{ name: 'a', dims: aShape }, { name: 'b', dims: bShape }],
      { name: 'c', dims: [g.M, g.N] }, { transA: transA ? 1 : 0, transB: transB ? 1 : 0 }),
    inputs: () => ({ a: { data: a, dims: aShape }, b: { data: b, dims: bShape } }),
    output: 'c',
    read: (c) => [c],
  });
  const convnet: Version = { name: 'convnetjs', engine: 'convnetjs', missing: 'no matrix-multiply kernel (its layers loop over dot products)', run: () => undefined, read: () => [] };
  return [...tf, ort, convnet];
}

export interface GemmCaseOptions {
  quick?: boolean;
  peers?: boolean;
  versions?: KernelVersion<GemmKernel>[];
  shapes?: GemmSpec[];
}

export async function* gemmCases(options: GemmCaseOptions = {}): AsyncGenerator<Case> {
  const { quick = false, peers = true, versions = gemmVersions } = options;
  const shapes = options.shapes ?? (quick ? gemmQuickShapes : gemmShapes);
  for (const g of shapes) {
    const a = uniform(g.M * g.K, 11);
    const b = uniform(g.K * g.N, 12);
    yield {
      family: 'gemm', shape: `${g.M}x${g.N}x${g.K} ${g.layout}`, op: 'C=op(A)·op(B)', unit: 'GFLOP/s', work: 2 * g.M * g.N * g.K,
      tolerance: { atol: 1e-5, rtol: 1e-4 },
      reference: tatamiVersion(g, a, b, gemmReference),
      versions: [...versions.map((k) => tatamiVersion(g, a, b, k)), ...(peers ? peerVersions(g, a, b) : [])],
    };
  }
}
