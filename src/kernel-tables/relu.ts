/**
 * The ReLU family's kernels (ops/unary.ts's relu and relu6, and the backward of the ReLUs fused
 * into a convolution or a batch-norm).
 */
import { reluInPlace } from '../../kernels/relu.js';
import { clippedReluForward } from '../../kernels/clipped-relu.js';
import { chosenKernels } from '../kernel-table.js';
import { inferenceOnly } from './inference-only.js';

export interface ReluKernels {
  /** y = max(x, 0); overwrites y. */
  reluForward(y: Float32Array, x: Float32Array): void;
  /** dz = dout where y > 0, else 0 (overwrites dz, which may be dout itself), and db [C] += the channel sums of that; see kernels/relu.ts. */
  reluBackwardBias(dz: Float32Array, db: Float32Array | null, dout: Float32Array, y: Float32Array, C: number): void;
  /** y = min(max(x, 0), top), NaN kept; overwrites y (kernels/clipped-relu.ts). */
  clippedReluForward(y: Float32Array, x: Float32Array, top: number): void;
  /** dx += dout · [0 < x < top]; accumulates (kernels/clipped-relu.ts). */
  clippedReluBackward(dx: Float32Array, dout: Float32Array, x: Float32Array, top: number): void;
}

/**
 * tatami/infer's default: the readable loops (a conv's ReLU runs fused in its GEMM; a standalone one
 * follows a Dense layer); the SIMD versions come with the fast tables.
 */
export const inferenceReluKernels: ReluKernels = {
  reluForward(y, x) {
    y.set(x);
    reluInPlace(y);
  },
  reluBackwardBias: inferenceOnly('reluBackwardBias'),
  clippedReluForward,
  clippedReluBackward: inferenceOnly('clippedReluBackward'),
};

/** The table the ops call into now (kernel-table.ts). */
export function reluKernels(): ReluKernels {
  return chosenKernels()?.relu ?? inferenceReluKernels;
}
