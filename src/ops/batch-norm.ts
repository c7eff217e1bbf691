import { Tensor, accumulateGrad, accumulateFreshGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeToString } from '../shape.js';
import { batchNormKernels } from '../kernel-tables/batch-norm.js';

/**
 * Batch normalization over the last axis as one op (kernels/batch-norm.ts has the formulas):
 * x [..., C]; gamma, beta [C] or null (absent: γ = 1, β = 0); in inference also mean, variance [C].
 * The backward is the fused kernel: one pass for the two channel sums, one for dx. The kernels come
 * from src/kernel-tables/batch-norm.ts: the WebAssembly SIMD ones (kernels/batch-norm-simd.ts, JS passes where SIMD
 * is missing), or the naive loops of kernels/batch-norm.ts under setKernels('reference').
 *
 * `relu`: a ReLU fused after it (chosen by the model's graph, src/models/graph.ts): the forward
 * kernel writes max(y, 0), and the backward kernel, given that output, first masks dy where it is
 * not > 0: the same bits as the two ops one after the other.
 */
function checkShapes(op: string, x: Tensor, params: ReadonlyArray<[string, Tensor | null]>): [number, number] {
  if (x.rank < 1) throw new Error(`${op}: input must have a channel axis, got shape ${shapeToString(x.shape)}`);
  const C = x.shape[x.rank - 1];
  for (const [name, t] of params) {
    if (t !== null && (t.rank !== 1 || t.shape[0] !== C)) {
      throw new Error(`${op}: ${name} has shape ${shapeToString(t.shape)}, expected [${C}] for input ${shapeToString(x.shape)}`);
    }
  }
  return [x.size / Math.max(C, 1), C];
}

/** What the training forward gives besides y: the batch statistics, for the moving averages. */
export interface BatchStatistics {
  /** μ [C]: the batch mean. */
  mean: Float32Array;
  /** σ² [C]: the batch's biased variance. */
  variance: Float32Array;
}

/** Training mode: normalize with the batch's own mean and biased variance; gradients flow through them. */
export function batchNormTraining(x: Tensor, gamma: Tensor | null, beta: Tensor | null, epsilon: number, relu = false): { y: Tensor; stats: BatchStatistics } {
  const [R, C] = checkShapes('batchNorm', x, [['gamma', gamma], ['beta', beta]]);
  const y = allocFloat32(x.size); // (..., C)
  const mean = allocFloat32(C);
  const variance = allocFloat32(C);
  const invStd = allocFloat32(C);
  batchNormKernels().batchNormForwardTraining(y, mean, variance, invStd, x.data, gamma?.data ?? null, beta?.data ?? null, R, C, epsilon, relu);
  const inputs = [x, gamma, beta].filter((t): t is Tensor => t !== null);
  const out = Tensor.fromOp('batchNorm', y, x.shape, inputs, (dout) => {
    backward(dout, relu ? y : null, x, gamma, beta, mean, invStd, R, C, true);
  });
  return { y: out, stats: { mean, variance } };
}

/** Inference mode: normalize with given statistics (the moving mean and variance), which get no gradient. */
export function batchNormInference(x: Tensor, mean: Tensor, variance: Tensor, gamma: Tensor | null, beta: Tensor | null, epsilon: number, relu = false): Tensor {
  const [R, C] = checkShapes('batchNorm', x, [['mean', mean], ['variance', variance], ['gamma', gamma], ['beta', beta]]);
  const y = allocFloat32(x.size); // (..., C)
  batchNormKernels().batchNormForwardInference(y, x.data, mean.data, variance.data, gamma?.data ?? null, beta?.data ?? null, R, C, epsilon, relu);
  const inputs = [x, gamma, beta].filter((t): t is Tensor => t !== null);
  return Tensor.fromOp('batchNorm', y, x.shape, inputs, (dout) => {
    const invStd = allocFloat32(C); // (C)
    for (let c = 0; c < C; c++) invStd[c] = 1 / Math.sqrt(variance.data[c] + epsilon);
    backward(dout, relu ? y : null, x, gamma, beta, mean.data, invStd, R, C, false);
  });
}

/** dy: the output's gradient; reluOut: the output itself when a ReLU is fused (the kernel masks dy by it). */
function backward(
  dy: Float32Array, reluOut: Float32Array | null, x: Tensor, gamma: Tensor | null, beta: Tensor | null,
  mean: Float32Array, invStd: Float32Array, R: number, C: number, training: boolean,
): void {
  const dx = x.requiresGrad ? allocFloat32(x.size) : null; // (..., C)
  const dgamma = gamma !== null && gamma.requiresGrad ? allocFloat32(C) : null; // (C)
  const dbeta = beta !== null && beta.requiresGrad ? allocFloat32(C) : null; // (C)
  // dx is fresh from allocFloat32 (all +0), so the kernel need not read it.
  batchNormKernels().batchNormBackward(dx, dgamma, dbeta, dy, x.data, mean, invStd, gamma?.data ?? null, R, C, training, reluOut, true);
  if (dx !== null) accumulateFreshGrad(x, dx);
  if (dgamma !== null) accumulateGrad(gamma as Tensor, dgamma, true);
  if (dbeta !== null) accumulateGrad(beta as Tensor, dbeta, true);
}
