import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeSize, shapeToString } from '../shape.js';
import { gatherKernels, oneVersionBackwardKernels } from '../kernel-tables/single-version.js';

/**
 * Rows of `params` picked by integer `indices` (the embedding lookup):
 * out[i..., :] = params[indices[i...], :], shape [...indices.shape, ...params.shape[1:]].
 * Backward: each picked row's gradient is added back into that row (scatter-add); the indices get none.
 */
export function gather(params: Tensor, indices: Tensor | ArrayLike<number>): Tensor {
  if (params.rank < 1) throw new Error('gather: params must have at least one axis');
  const idxShape = indices instanceof Tensor ? indices.shape : [indices.length];
  const values = indices instanceof Tensor ? indices.data : indices;
  const rows = params.shape[0];
  const idx = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= rows) {
      throw new Error(`gather: index ${v} at position ${i} is out of range for params of shape ${shapeToString(params.shape)}`);
    }
    idx[i] = v;
  }
  const width = shapeSize(params.shape.slice(1));
  const y = allocFloat32(idx.length * width);
  gatherKernels.gatherRows(y, params.data, idx, width);
  return Tensor.fromOp('gather', y, [...idxShape, ...params.shape.slice(1)], [params], (dout) => {
    const dparams = allocFloat32(params.size);
    oneVersionBackwardKernels().scatterAddRows(dparams, dout, idx, width);
    accumulateGrad(params, dparams, true);
  });
}
