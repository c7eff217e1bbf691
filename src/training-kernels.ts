/**
 * The optimizers' and the losses' kernels: Adam's, SGD's and RMSprop's updates and the fused
 * softmax / sigmoid cross-entropies. They sit apart from the ops' tables (src/kernel-tables/), so
 * that tatami/infer, which reaches only those, carries no optimizer or loss code; they follow their
 * choice (setKernels, kept in kernel-table.ts): under 'fast' Adam keeps big parameters' m and v in wasm memory and updates
 * them on SIMD, under 'reference' it runs the plain loop of kernels/optimizers.ts. The others have
 * one version, the readable loop, in both.
 */
import { sgdUpdate, rmspropUpdate, adamUpdate } from '../kernels/optimizers.js';
import { adamSlotsFast, adamUpdateFast } from '../kernels/optimizers-fast.js';
import { softmaxCrossEntropyForward, softmaxCrossEntropyBackward, sigmoidCrossEntropyForward, sigmoidCrossEntropyBackward } from '../kernels/cross-entropy.js';
import { getKernels } from './kernel-table.js';

export interface TrainingKernels {
  softmaxCrossEntropyForward: typeof softmaxCrossEntropyForward;
  softmaxCrossEntropyBackward: typeof softmaxCrossEntropyBackward;
  sigmoidCrossEntropyForward: typeof sigmoidCrossEntropyForward;
  sigmoidCrossEntropyBackward: typeof sigmoidCrossEntropyBackward;
  sgdUpdate: typeof sgdUpdate;
  rmspropUpdate: typeof rmspropUpdate;
  /** Adam's m and v for a parameter of P floats, zeroed. */
  adamSlots(P: number): [Float32Array, Float32Array];
  adamUpdate: typeof adamUpdate;
}

/** The kernels with one version, the same in both tables. */
export const sharedTrainingKernels = {
  softmaxCrossEntropyForward, softmaxCrossEntropyBackward, sigmoidCrossEntropyForward, sigmoidCrossEntropyBackward,
  sgdUpdate, rmspropUpdate,
};

export const fastTrainingKernels: TrainingKernels = { ...sharedTrainingKernels, adamSlots: adamSlotsFast, adamUpdate: adamUpdateFast };

export const referenceTrainingKernels: TrainingKernels = {
  ...sharedTrainingKernels,
  adamSlots: (P) => [new Float32Array(P), new Float32Array(P)],
  adamUpdate,
};

/** The table the optimizers and losses call into: the one that goes with the ops' current table. */
export function trainingKernels(): TrainingKernels {
  return getKernels() === 'fast' ? fastTrainingKernels : referenceTrainingKernels;
}
