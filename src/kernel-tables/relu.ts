/**
 * The ReLU family's kernels (ops/unary.ts's relu and relu6, and the backward of the ReLUs fused
 * into a convolution or a batch-norm).
 */
import { reluSimd } from '../../kernels/elementwise-simd.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';
import { reluInPlace } from '../../kernels/relu.js';
import { reluBackwardBiasFast } from '../../kernels/relu-fast.js';
import { clippedReluForward, clippedReluBackward } from '../../kernels/clipped-relu.js';
import { clippedReluForwardSimd, clippedReluBackwardSimd } from '../../kernels/clipped-relu-simd.js';
import { chosenKernels } from '../kernel-table.js';

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

export const fastReluKernels: ReluKernels = {
  reluForward(y, x) {
    if (simdAvailable) {
      reluSimd(y, x);
    } else {
      y.set(x);
      reluInPlace(y);
    }
  },
  reluBackwardBias: reluBackwardBiasFast,
  clippedReluForward: simdAvailable ? clippedReluForwardSimd : clippedReluForward,
  clippedReluBackward: simdAvailable ? clippedReluBackwardSimd : clippedReluBackward,
};

/** The table the ops call into now (kernel-table.ts). */
export function reluKernels(): ReluKernels {
  return chosenKernels()?.relu ?? fastReluKernels;
}
