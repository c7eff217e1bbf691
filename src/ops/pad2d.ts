import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeToString } from '../shape.js';
import type { Box2d } from '../../kernels/pad2d.js';
import { pad2dKernels, oneVersionBackwardKernels } from '../kernel-tables/single-version.js';

/** Rows and columns at each side of an NHWC image: [[top, bottom], [left, right]], as Keras writes it. */
export type Sides2 = readonly [readonly [number, number], readonly [number, number]];

function checkSides(op: string, x: Tensor, sides: Sides2): void {
  if (x.rank !== 4) throw new Error(`${op}: expected a 4-D NHWC input, got shape ${shapeToString(x.shape)}`);
  const flat = [...sides[0], ...sides[1]];
  if (flat.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new Error(`${op}: sides must be non-negative integers, got ${JSON.stringify(sides)} for input ${shapeToString(x.shape)}`);
  }
}

/** Zeros around each image: [N, H, W, C] → [N, H + top + bottom, W + left + right, C] (Keras ZeroPadding2D). */
export function zeroPad2d(x: Tensor, padding: Sides2): Tensor {
  checkSides('zeroPad2d', x, padding);
  const [N, H, W, C] = x.shape;
  const box: Box2d = { N, H, W, C, top: padding[0][0], bottom: padding[0][1], left: padding[1][0], right: padding[1][1] };
  const outShape = [N, H + box.top + box.bottom, W + box.left + box.right, C];
  const y = allocFloat32(outShape[0] * outShape[1] * outShape[2] * C);
  pad2dKernels.pad2dForward(y, x.data, box);
  return Tensor.fromOp('zeroPad2d', y, outShape, [x], (dout) => {
    const dx = allocFloat32(x.size);
    oneVersionBackwardKernels().pad2dBackward(dx, dout, box);
    accumulateGrad(x, dx, true);
  });
}

/** Remove rows and columns at each side: [N, H, W, C] → [N, H − top − bottom, W − left − right, C] (Keras Cropping2D). */
export function crop2d(x: Tensor, cropping: Sides2): Tensor {
  checkSides('crop2d', x, cropping);
  const [N, HL, WL, C] = x.shape;
  const H = HL - cropping[0][0] - cropping[0][1];
  const W = WL - cropping[1][0] - cropping[1][1];
  if (H < 1 || W < 1) throw new Error(`crop2d: cropping ${JSON.stringify(cropping)} leaves nothing of input ${shapeToString(x.shape)}`);
  const box: Box2d = { N, H, W, C, top: cropping[0][0], bottom: cropping[0][1], left: cropping[1][0], right: cropping[1][1] };
  const y = allocFloat32(N * H * W * C);
  pad2dKernels.crop2dForward(y, x.data, box);
  return Tensor.fromOp('crop2d', y, [N, H, W, C], [x], (dout) => {
    const dx = allocFloat32(x.size);
    oneVersionBackwardKernels().crop2dBackward(dx, dout, box);
    accumulateGrad(x, dx, true);
  });
}
