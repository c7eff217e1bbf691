/** The kernels that move data without arithmetic (ops/shape-ops.ts): transpose and concatenation. */
import { transpose } from '../../kernels/transpose.js';
import { concatForward, type concatBackward } from '../../kernels/concat.js';
import { chosenKernels } from '../kernel-table.js';
import { inferenceOnly } from './inference-only.js';

export interface LayoutKernels {
  /** One version. */
  transpose: typeof transpose;
  /** y = the inputs side by side along the last axis (`widths` each), `outer` rows; overwrites y. */
  concatForward: typeof concatForward;
  /** One version. */
  concatBackward: typeof concatBackward;
}

/** The fast forwards; tatami/infer's default and the fast tables' forward half. */
export const inferenceLayoutKernels: LayoutKernels = { transpose, concatForward, concatBackward: inferenceOnly('concatBackward') };

/** The table the ops call into now (kernel-table.ts). */
export function layoutKernels(): LayoutKernels {
  return chosenKernels()?.layout ?? inferenceLayoutKernels;
}
