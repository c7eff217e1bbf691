/** The kernels that move data without arithmetic (ops/shape-ops.ts): transpose and concatenation. */
import { transpose } from '../../kernels/transpose.js';
import { concatForward, concatBackward } from '../../kernels/concat.js';
import { chosenKernels } from '../kernel-table.js';

export interface LayoutKernels {
  /** One version. */
  transpose: typeof transpose;
  /** y = the inputs side by side along the last axis (`widths` each), `outer` rows; overwrites y. */
  concatForward: typeof concatForward;
  /** One version. */
  concatBackward: typeof concatBackward;
}

export const fastLayoutKernels: LayoutKernels = { transpose, concatForward, concatBackward };

/** The table the ops call into now (kernel-table.ts). */
export function layoutKernels(): LayoutKernels {
  return chosenKernels()?.layout ?? fastLayoutKernels;
}
