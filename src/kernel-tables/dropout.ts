/** Inverted dropout's mask (ops/dropout.ts). */
import { dropoutMaskSimd } from '../../kernels/dropout-mask-simd.js';
import { chosenKernels } from '../kernel-table.js';

export interface DropoutKernels {
  /**
   * mask ← scale where the word `draw` gives for element i is ≥ rate·2^32, else 0; `draw(words)`
   * fills all of words (mask.length of them). Overwrites mask (kernels/dropout-mask.ts has the rule).
   */
  dropoutMask(mask: Float32Array, rate: number, scale: number, draw: (words: Uint32Array) => void): void;
}

export const fastDropoutKernels: DropoutKernels = {
  dropoutMask: (mask, rate, scale, draw) => dropoutMaskSimd(mask, rate, scale, draw),
};

/** The table the ops call into now (kernel-table.ts). */
export function dropoutKernels(): DropoutKernels {
  return chosenKernels()?.dropout ?? fastDropoutKernels;
}
