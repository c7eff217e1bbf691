/**
 * Which kernels the ops run. Every op reaches its kernels through the small table of its family in
 * src/kernel-tables/ (conv2d.ts, gemm.ts, pool2d.ts, batch-norm.ts, ...), each in its own module, so
 * that a bundle carries only the kernels of the ops its layers reach (tatami/infer with a plain CNN
 * carries no batch-norm or depthwise code).
 *
 * - 'fast' (the default): im2col + GEMM, the WebAssembly SIMD modules, the blocked and unrolled loops.
 *   Each family module holds its fast table and gives it when nothing else was chosen.
 * - 'reference': the naive twins beside them in kernels/ (seven plain loops for a convolution, one dot
 *   product per GEMM output), so fit runs on exactly the code a learner reads. Many times slower.
 *   setKernels (reference-kernels.ts, which tatami/infer does not reach) puts every family's
 *   reference table here at once.
 *
 * The kernels that have one version only (softmax, layer-norm, pad/crop, resize, gather, affine) sit
 * in kernel-tables/single-version.ts, the same under both settings. The optimizers' and losses'
 * kernels follow the same choice from their own table (training-kernels.ts).
 *
 * The choice is process-wide, as the issue pins it (`setKernels`), and kept in the one variable
 * below; ops read their family's table when they run, so a change takes effect at the next op.
 * Each entry's signature is the fast kernel's; where the twin needs something else (the reference
 * max-pool backward re-finds the winner in x, the reference conv keeps x instead of the im2col
 * matrix) the entry says so.
 */
import type { ElementwiseKernels } from './kernel-tables/elementwise.js';
import type { ReluKernels } from './kernel-tables/relu.js';
import type { GemmKernels } from './kernel-tables/gemm.js';
import type { BiasGradientKernels } from './kernel-tables/bias-gradient.js';
import type { Conv2dKernels } from './kernel-tables/conv2d.js';
import type { DepthwiseConv2dKernels } from './kernel-tables/depthwise-conv2d.js';
import type { Conv2dTransposeKernels } from './kernel-tables/conv2d-transpose.js';
import type { Pool2dKernels } from './kernel-tables/pool2d.js';
import type { BatchNormKernels } from './kernel-tables/batch-norm.js';
import type { MergeKernels } from './kernel-tables/merge.js';
import type { LayoutKernels } from './kernel-tables/layout.js';
import type { DropoutKernels } from './kernel-tables/dropout.js';

export type KernelsName = 'reference' | 'fast';

/** One table per family of ops that has two versions: every family's fast tables, or every family's naive ones. */
export interface KernelTables {
  readonly name: KernelsName;
  readonly elementwise: ElementwiseKernels;
  readonly relu: ReluKernels;
  readonly gemm: GemmKernels;
  readonly biasGradient: BiasGradientKernels;
  readonly conv2d: Conv2dKernels;
  readonly depthwiseConv2d: DepthwiseConv2dKernels;
  readonly conv2dTranspose: Conv2dTransposeKernels;
  readonly pool2d: Pool2dKernels;
  readonly batchNorm: BatchNormKernels;
  readonly merge: MergeKernels;
  readonly layout: LayoutKernels;
  readonly dropout: DropoutKernels;
}

// The one piece of process-wide state: the tables setKernels chose, or null before any choice
// (each family then gives its fast table).
let chosen: KernelTables | null = null;

/** Make `tables` the ones the ops call into (setKernels, in reference-kernels.ts, is the public switch). */
export function selectKernels(tables: KernelTables): void {
  chosen = tables;
}

/** The tables setKernels chose, or null: the fast ones (for the family modules' getters). */
export function chosenKernels(): KernelTables | null {
  return chosen;
}

/** Which kernels the ops run now: 'fast' (default) or 'reference'. */
export function getKernels(): KernelsName {
  return chosen?.name ?? 'fast';
}
