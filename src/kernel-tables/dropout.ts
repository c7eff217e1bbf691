/** Inverted dropout's mask (ops/dropout.ts). */
import { chosenKernels } from '../kernel-table.js';
import { inferenceOnly } from './inference-only.js';

export interface DropoutKernels {
  /**
   * mask ← scale where the word `draw` gives for element i is ≥ rate·2^32, else 0; `draw(words)`
   * fills all of words (mask.length of them). Overwrites mask (kernels/dropout-mask.ts has the rule).
   */
  dropoutMask(mask: Float32Array, rate: number, scale: number, draw: (words: Uint32Array) => void): void;
}

/** tatami/infer's: dropout is the identity in inference. */
export const inferenceDropoutKernels: DropoutKernels = { dropoutMask: inferenceOnly('dropoutMask') };

/** The table the ops call into now (kernel-table.ts). */
export function dropoutKernels(): DropoutKernels {
  return chosenKernels()?.dropout ?? inferenceDropoutKernels;
}
