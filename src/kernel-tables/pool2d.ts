/** The poolings' kernels (ops/pool2d.ts). */
import type { Pool2dShape } from '../../kernels/conv-shape.js';
import { maxPool2dForward } from '../../kernels/max-pool2d.js';
import { avgPool2dForward } from '../../kernels/avg-pool2d.js';
import { chosenKernels } from '../kernel-table.js';
import { inferenceOnly } from './inference-only.js';

export interface Pool2dKernels {
  /** y = each window's max; argmax (when not null: a backward will need it) = the winner's flat index in x. */
  maxPool2dForward(y: Float32Array, argmax: Int32Array | null, x: Float32Array, s: Pool2dShape): void;
  /** dx += dy at each window's winner: 'fast' reads argmax, 'reference' re-finds it in x. */
  maxPool2dBackward(dx: Float32Array, dy: Float32Array, argmax: Int32Array, x: Float32Array, s: Pool2dShape): void;
  avgPool2dForward(y: Float32Array, x: Float32Array, s: Pool2dShape): void;
  avgPool2dBackward(dx: Float32Array, dy: Float32Array, s: Pool2dShape): void;
}

/**
 * tatami/infer's default: the JS forwards (the JS max-pool always records its winners: with no
 * backward to serve, into a buffer dropped after); the fast tables bring the max-pool on SIMD.
 */
export const inferencePool2dKernels: Pool2dKernels = {
  maxPool2dForward: (y, argmax, x, s) => maxPool2dForward(y, argmax ?? new Int32Array(y.length), x, s),
  maxPool2dBackward: inferenceOnly('maxPool2dBackward'),
  avgPool2dForward,
  avgPool2dBackward: inferenceOnly('avgPool2dBackward'),
};

/** The table the ops call into now (kernel-table.ts). */
export function pool2dKernels(): Pool2dKernels {
  return chosenKernels()?.pool2d ?? inferencePool2dKernels;
}
