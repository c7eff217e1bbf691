import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeToString } from '../shape.js';
import { isGradEnabled } from '../grad-mode.js';
import { pool2dShape, type Pool2dShape, type Padding } from '../../kernels/conv-shape.js';
import { pool2dKernels } from '../kernel-tables/pool2d.js';
import { type Size2, pair } from './conv2d.js';

export interface Pool2dOptions {
  /** Window height and width. */
  poolSize: Size2;
  /** Step of the window (default: the pool size, so windows do not overlap). */
  strides?: Size2;
  /** 'valid' (default) or 'same' (TensorFlow's; padded cells never count). */
  padding?: Padding;
}

function poolShape(op: string, x: Tensor, options: Pool2dOptions): Pool2dShape {
  if (options === undefined || options.poolSize === undefined) throw new Error(`${op}: options.poolSize is required`);
  const poolSize = pair(op, 'poolSize', options.poolSize);
  const strides = pair(op, 'strides', options.strides ?? poolSize);
  if (x.rank !== 4) throw new Error(`${op}: input must be 4-D NHWC [N, H, W, C], got ${shapeToString(x.shape)}`);
  const [N, H, W, C] = x.shape;
  try {
    return pool2dShape(N, H, W, C, poolSize[0], poolSize[1], strides, options.padding ?? 'valid');
  } catch (e) {
    throw new Error(`${op}: input ${shapeToString(x.shape)}: ${(e as Error).message.replace(/^pool2d: /, '')}`);
  }
}

/**
 * Max-pooling, NHWC: y[n,oh,ow,c] = max over the window of x. The forward records the flat index of
 * each window's winner (Int32Array), and the backward sends each gradient to that one cell.
 * Matches tf.maxPool / Keras MaxPool2D.
 */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const s = poolShape('maxPool2d', x, options);
  const n = s.N * s.OH * s.OW * s.C;
  const y = allocFloat32(n); // (N, OH, OW, C)
  // The argmax only serves the backward, which runs only when x wants a gradient (Tensor.fromOp).
  const argmax = isGradEnabled() && x.requiresGrad ? new Int32Array(n) : null; // (N, OH, OW, C): flat index into x
  const k = pool2dKernels();
  k.maxPool2dForward(y, argmax, x.data, s);
  return Tensor.fromOp('maxPool2d', y, [s.N, s.OH, s.OW, s.C], [x], (dy) => {
    const dx = allocFloat32(x.size);
    k.maxPool2dBackward(dx, dy, argmax as Int32Array, x.data, s);
    accumulateGrad(x, dx, true);
  });
}

/**
 * Average-pooling, NHWC. Under 'same' padding each window divides by its count of real (unpadded)
 * cells, as TensorFlow's forward does; the backward spreads each gradient over the same cells with
 * the same divisor (tfjs's own gradient divides edge windows by the full area, which is wrong).
 */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const s = poolShape('avgPool2d', x, options);
  const y = allocFloat32(s.N * s.OH * s.OW * s.C); // (N, OH, OW, C)
  const k = pool2dKernels();
  k.avgPool2dForward(y, x.data, s);
  return Tensor.fromOp('avgPool2d', y, [s.N, s.OH, s.OW, s.C], [x], (dy) => {
    const dx = allocFloat32(x.size);
    k.avgPool2dBackward(dx, dy, s);
    accumulateGrad(x, dx, true);
  });
}
