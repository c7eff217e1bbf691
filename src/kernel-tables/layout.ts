/**
 * The kernels that move data without arithmetic (ops/shape-ops.ts): transpose and concatenation.
 * Each op reads them through a getter of its own, so that a bundle that only concatenates (a
 * model's predict joins its batches) carries no transpose.
 */
import { transpose } from '../../kernels/transpose.js';
import { concatForward, type concatBackward } from '../../kernels/concat.js';
import { chosenKernels } from '../kernel-table.js';
import { inferenceOnly } from './inference-only.js';

/** Concatenation's kernels. */
export interface ConcatKernels {
  /** y = the inputs side by side along the last axis (`widths` each), `outer` rows; overwrites y. */
  concatForward: typeof concatForward;
  /** One version. */
  concatBackward: typeof concatBackward;
}

export interface LayoutKernels extends ConcatKernels {
  /** One version. */
  transpose: typeof transpose;
}

/**
 * tatami/infer's defaults, the fast tables' forward half too: concat (with its backward throwing) and
 * transpose, in two tables so that a bundle that transposes nothing drops the transpose; inference.ts
 * joins them into the family's whole table.
 */
export const inferenceConcatKernels: ConcatKernels = { concatForward, concatBackward: inferenceOnly('concatBackward') };
export const inferenceTransposeKernels: Pick<LayoutKernels, 'transpose'> = { transpose };

/** The table concat calls into now (kernel-table.ts). */
export function layoutKernels(): ConcatKernels {
  return chosenKernels()?.layout ?? inferenceConcatKernels;
}

/** The table transpose calls into now (kernel-table.ts). */
export function transposeKernels(): Pick<LayoutKernels, 'transpose'> {
  return chosenKernels()?.layout ?? inferenceTransposeKernels;
}
