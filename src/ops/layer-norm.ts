import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeToString } from '../shape.js';
import type { LayerNormShape } from '../../kernels/layer-norm.js';
import { layerNormKernels, oneVersionBackwardKernels } from '../kernel-tables/single-version.js';

/**
 * Normalize the last `count` axes of x to mean 0 and variance 1 (biased, over those axes together),
 * then scale by gamma and shift by beta (each shaped like those axes, or null). See
 * kernels/layer-norm.ts for the formulas.
 */
export function layerNorm(x: Tensor, count: number, gamma: Tensor | null, beta: Tensor | null, epsilon: number): Tensor {
  if (!Number.isInteger(count) || count < 1 || count > x.rank) {
    throw new Error(`layerNorm: cannot normalize the last ${count} axes of ${shapeToString(x.shape)}`);
  }
  const L = x.shape.slice(x.rank - count).reduce((p, d) => p * d, 1);
  for (const [what, t] of [['gamma', gamma], ['beta', beta]] as const) {
    if (t !== null && t.size !== L) throw new Error(`layerNorm: ${what} has shape ${shapeToString(t.shape)}, expected ${L} values for the last ${count} axes of ${shapeToString(x.shape)}`);
  }
  if (!(epsilon >= 0)) throw new Error(`layerNorm: epsilon must be ≥ 0, got ${epsilon}`);
  const s: LayerNormShape = { R: L === 0 ? 0 : x.size / L, L, epsilon };
  const y = allocFloat32(x.size);
  const mean = new Float32Array(s.R); // (R,)
  const invStd = new Float32Array(s.R); // (R,)
  layerNormKernels.layerNormForward(y, mean, invStd, x.data, gamma?.data ?? null, beta?.data ?? null, s);
  const inputs = [x, ...(gamma === null ? [] : [gamma]), ...(beta === null ? [] : [beta])];
  return Tensor.fromOp('layerNorm', y, x.shape, inputs, (dout) => {
    const dx = x.requiresGrad ? allocFloat32(x.size) : null;
    const dgamma = gamma?.requiresGrad ? allocFloat32(L) : null;
    const dbeta = beta?.requiresGrad ? allocFloat32(L) : null;
    oneVersionBackwardKernels().layerNormBackward(dx, dgamma, dbeta, dout, x.data, gamma?.data ?? null, mean, invStd, s);
    if (dx !== null) accumulateGrad(x, dx, true);
    if (dgamma !== null) accumulateGrad(gamma as Tensor, dgamma, true);
    if (dbeta !== null) accumulateGrad(beta as Tensor, dbeta, true);
  });
}
