import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeToString } from '../shape.js';
import type { Resize2dShape } from '../../kernels/resize2d.js';
import { resize2dKernels, oneVersionBackwardKernels } from '../kernel-tables/single-version.js';

export type ResizeInterpolation = 'nearest' | 'bilinear';

/**
 * Resize NHWC images to [height, width], as TensorFlow 2's tf.image.resize (half-pixel centers, no
 * antialiasing), which Keras's UpSampling2D and Resizing use. The gradient is the resize's adjoint.
 */
export function resize2d(x: Tensor, size: readonly [number, number], interpolation: ResizeInterpolation = 'bilinear'): Tensor {
  const [OH, OW] = size;
  if (x.rank !== 4 || !Number.isInteger(OH) || !Number.isInteger(OW) || OH < 1 || OW < 1) {
    throw new Error(`resize2d: expected a 4-D NHWC input and a positive size, got ${shapeToString(x.shape)} → [${size.join(', ')}]`);
  }
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
    throw new Error(`resize2d: interpolation must be 'nearest' or 'bilinear', got '${String(interpolation)}'`);
  }
  const [N, H, W, C] = x.shape;
  const s: Resize2dShape = { N, H, W, C, OH, OW };
  const y = allocFloat32(N * OH * OW * C);
  if (interpolation === 'nearest') resize2dKernels.resizeNearestForward(y, x.data, s);
  else resize2dKernels.resizeBilinearForward(y, x.data, s);
  return Tensor.fromOp(`resize2d(${interpolation})`, y, [N, OH, OW, C], [x], (dout) => {
    const dx = allocFloat32(x.size);
    if (interpolation === 'nearest') oneVersionBackwardKernels().resizeNearestBackward(dx, dout, s);
    else oneVersionBackwardKernels().resizeBilinearBackward(dx, dout, s);
    accumulateGrad(x, dx, true);
  });
}
