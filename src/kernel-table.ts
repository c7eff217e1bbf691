/**
 * Which kernels the ops run. Every op reaches its kernels through the small table of its family in
 * src/kernel-tables/ (conv2d.ts, gemm.ts, pool2d.ts, batch-norm.ts, ...), each in its own module, so
 * that a bundle carries only the kernels of the ops its layers reach (tatami/infer with a plain CNN
 * carries no batch-norm or depthwise code).
 *
 * Three kinds of tables, one in force at a time:
 * - 'fast' (src/fast-kernels.ts, what 'tatami' runs): im2col + GEMM, Winograd, the direct SIMD
 *   convolutions, the WebAssembly SIMD modules, the blocked and unrolled loops; forward and backward.
 * - 'reference' (reference-kernels.ts): the naive twins beside them in kernels/ (seven plain loops for
 *   a convolution, one dot product per GEMM output), so fit runs on exactly the code a learner reads.
 *   Many times slower.
 * - tatami/infer's, which carry no backward or training-mode kernel (those entries throw, naming
 *   themselves and 'tatami'): the lean default each family module gives when nothing is installed
 *   (plain JS, no WebAssembly: im2col + the blocked JS GEMM for every convolution, readable loops
 *   elsewhere), or the fast forwards from 'tatami/infer/kernels' (kernel-tables/fast-inference.ts).
 *
 * The backward kernels reach a process only through the tables the training side installs: the
 * Model class's module (models/model.ts, which 'tatami' and the CLI import) installs the fast ones,
 * setKernels (reference-kernels.ts) switches between 'fast' and 'reference'. So importing 'tatami'
 * anywhere in a process gives every op its fast kernels, with or without tatami/infer beside it.
 *
 * The kernels that have one version only (softmax, layer-norm, pad/crop, resize, gather, affine) sit
 * in kernel-tables/single-version.ts; their backwards are one more family here. The optimizers' and
 * losses' kernels follow the same choice from their own table (training-kernels.ts).
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
import type { OneVersionBackwardKernels } from './kernel-tables/single-version.js';

export type KernelsName = 'reference' | 'fast';

/** One table per family of ops: every family's fast tables, every family's naive ones, or tatami/infer's. */
export interface KernelTables {
  readonly name: KernelsName;
  /** True when every entry is a kernel (the training side's tables); false for tatami/infer's, whose backward and training-mode entries throw. */
  readonly trains: boolean;
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
  /** The one-version ops' backwards (the same functions in 'fast' and 'reference'). */
  readonly oneVersionBackward: OneVersionBackwardKernels;
}

// The one piece of process-wide state: the tables in force, or null before any was installed
// (each family then gives tatami/infer's lean default).
let chosen: KernelTables | null = null;

/** Make `tables` the ones the ops call into (setKernels, in reference-kernels.ts, is the public switch). */
export function selectKernels(tables: KernelTables): void {
  chosen = tables;
}

/**
 * Make `tables` the ones the ops call into unless the ops already run on tables that train and
 * `tables` do not. So the training side's install (models/model.ts) replaces
 * tatami/infer's tables but never undoes a setKernels, and tatami/infer's fast kernels never
 * replace tables that train.
 */
export function installKernels(tables: KernelTables): void {
  if (chosen === null || (tables.trains && !chosen.trains)) chosen = tables;
}

/** The tables in force, or null: tatami/infer's lean default (for the family modules' getters). */
export function chosenKernels(): KernelTables | null {
  return chosen;
}

/** Which kernels the ops run now: 'fast' (default) or 'reference'. */
export function getKernels(): KernelsName {
  return chosen?.name ?? 'fast';
}
