import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeToString, shapesEqual, shapeSize } from '../shape.js';
import { gemmKernels } from '../kernel-tables/gemm.js';

/**
 * Matrix product over the last two axes: [..., M, K] · [..., K, N] → [..., M, N].
 *
 * The leading (batch) axes must be equal, or one side must be a plain matrix, which is then shared by
 * every batch entry (a Dense layer on a [B, T, K] input). Backward, per batch entry:
 *   dA = dC · Bᵀ      dB = Aᵀ · dC   (summed over the batch when B is shared)
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const fail = (why: string): never => {
    throw new Error(`matmul: cannot multiply ${shapeToString(a.shape)} by ${shapeToString(b.shape)}: ${why}`);
  };
  if (a.rank < 2 || b.rank < 2) fail('both need at least 2 axes');
  const [M, K] = a.shape.slice(-2);
  const [K2, N] = b.shape.slice(-2);
  if (K !== K2) fail(`inner sizes ${K} and ${K2} differ`);
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  if (aBatch.length > 0 && bBatch.length > 0 && !shapesEqual(aBatch, bBatch)) fail('batch axes differ');
  const batchShape = aBatch.length > 0 ? aBatch : bBatch;
  const batch = shapeSize(batchShape);
  // Per-entry offsets: a shared matrix (no batch axes) stays at offset 0.
  const aStep = aBatch.length > 0 ? M * K : 0;
  const bStep = bBatch.length > 0 ? K * N : 0;
  const { gemm } = gemmKernels();
  const y = allocFloat32(batch * M * N); // (..., M, N)
  for (let i = 0; i < batch; i++) {
    gemm(y.subarray(i * M * N, (i + 1) * M * N), a.data.subarray(i * aStep, i * aStep + M * K), b.data.subarray(i * bStep, i * bStep + K * N), M, N, K, 'nn', false);
  }
  return Tensor.fromOp('matmul', y, [...batchShape, M, N], [a, b], (dout) => {
    if (a.requiresGrad) {
      const da = allocFloat32(a.size); // (..., M, K)
      for (let i = 0; i < batch; i++) {
        // dA_i = dC_i · B_iᵀ; with a shared A every entry after the first adds into the one matrix
        // (overwriting first spares the GEMM from reading the zeroed buffer in).
        gemm(da.subarray(i * aStep, i * aStep + M * K), dout.subarray(i * M * N, (i + 1) * M * N), b.data.subarray(i * bStep, i * bStep + K * N), M, K, N, 'nt', i > 0 && aStep === 0);
      }
      accumulateGrad(a, da, true);
    }
    if (b.requiresGrad) {
      const db = allocFloat32(b.size); // (..., K, N)
      for (let i = 0; i < batch; i++) {
        gemm(db.subarray(i * bStep, i * bStep + K * N), a.data.subarray(i * aStep, i * aStep + M * K), dout.subarray(i * M * N, (i + 1) * M * N), K, N, M, 'tn', i > 0 && bStep === 0);
      }
      accumulateGrad(b, db, true);
    }
  });
}
