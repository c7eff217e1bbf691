import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeSize, normalizeAxis } from '../shape.js';
import { softmaxKernels, oneVersionBackwardKernels } from '../kernel-tables/single-version.js';

function softmaxOp(op: string, x: Tensor, axis: number, log: boolean): Tensor {
  const ax = normalizeAxis(op, axis, x.rank);
  // View x as [outer, axis, inner] so the kernel needs no shape of its own.
  const outer = shapeSize(x.shape.slice(0, ax));
  const len = x.shape[ax];
  const inner = shapeSize(x.shape.slice(ax + 1));
  const y = allocFloat32(x.size);
  softmaxKernels.softmaxForward(y, x.data, outer, len, inner, log);
  // The axis shows in the op's name (summaries, errors) unless it is the last, the usual one.
  const name = ax === x.rank - 1 ? op : `${op}(axis=${ax})`;
  return Tensor.fromOp(name, y, x.shape, [x], (dout) => {
    const dx = allocFloat32(x.size);
    oneVersionBackwardKernels().softmaxBackward(dx, dout, y, outer, len, inner, log);
    accumulateGrad(x, dx, true);
  });
}

/** exp(x) / Σ exp(x) along `axis` (default: the last), computed stably. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return softmaxOp('softmax', x, axis, false);
}

/** x − log Σ exp(x) along `axis` (default: the last), computed stably. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return softmaxOp('logSoftmax', x, axis, true);
}
