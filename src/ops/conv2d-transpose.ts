import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeToString } from '../shape.js';
import type { Padding } from '../../kernels/conv-shape.js';
import { conv2dTransposeShape, type Conv2dTransposeShape } from '../../kernels/conv2d-transpose.js';
import { conv2dTransposeKernels } from '../kernel-tables/conv2d-transpose.js';
import { biasGradientKernels } from '../kernel-tables/bias-gradient.js';
import { type Size2, pair } from './conv2d.js';

export interface Conv2dTransposeOptions {
  /** Step between the kernel stamps of neighbouring input pixels (default 1): the upsampling factor. */
  strides?: Size2;
  /** 'valid' (default) or 'same' (output = input · stride; TensorFlow's padding). */
  padding?: Padding;
  /** Spacing between kernel taps (default 1). */
  dilation?: Size2;
  /** Extra rows/columns at the bottom/right, each below its stride (default: none, Keras's null). */
  outputPadding?: Size2 | null;
  /** Optional per-output-channel bias [CO]. */
  bias?: Tensor | null;
}

/**
 * Transposed 2-D convolution (the gradient of conv2d with respect to its input), NHWC:
 *
 *   y[n,oh,ow,co] = bias[co] + Σ x[n,ih,iw,ci] · w[kh,kw,co,ci]  over oh = ih·sH − padTop + kh·dH, ow = iw·sW − padLeft + kw·dW
 *
 * x [N, H, W, CI], filter [KH, KW, CO, CI] (Keras's Conv2DTranspose kernel) → [N, OH, OW, CO] with
 * Keras's output size (kernels/conv2d-transpose.ts): 'same' OH = H·s, 'valid' OH = H·s + max(K − s, 0),
 * or (H − 1)·s + K − 2·pad + outputPadding. Matches tf.conv2dTranspose given that output shape, and
 * Keras Conv2DTranspose.
 */
export function conv2dTranspose(x: Tensor, filter: Tensor, options: Conv2dTransposeOptions = {}): Tensor {
  const { padding = 'valid', bias = null } = options;
  const strides = pair('conv2dTranspose', 'strides', options.strides ?? 1);
  const dilation = pair('conv2dTranspose', 'dilation', options.dilation ?? 1);
  const op = options.outputPadding ?? null;
  const outputPadding: [number, number] | null = op === null ? null : typeof op === 'number' ? [op, op] : [op[0], op[1]];
  const shapes = `input ${shapeToString(x.shape)} and filter ${shapeToString(filter.shape)}`;
  if (x.rank !== 4) throw new Error(`conv2dTranspose: input must be 4-D NHWC [N, H, W, C], got ${shapes}`);
  if (filter.rank !== 4) throw new Error(`conv2dTranspose: filter must be 4-D [KH, KW, CO, CI], got ${shapes}`);
  const [N, H, W, CI] = x.shape;
  const [KH, KW, CO, FCI] = filter.shape;
  if (FCI !== CI) throw new Error(`conv2dTranspose: ${shapes}: the filter expects ${FCI} input channels (its last axis), the input has ${CI}`);
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== CO)) {
    throw new Error(`conv2dTranspose: bias has shape ${shapeToString(bias.shape)}, expected [${CO}] for ${shapes}`);
  }
  let s: Conv2dTransposeShape;
  try {
    s = conv2dTransposeShape(N, H, W, CI, KH, KW, CO, strides, dilation, padding, outputPadding);
  } catch (e) {
    throw new Error(`conv2dTranspose: ${shapes}: ${(e as Error).message.replace(/^conv2dTranspose: /, '')}`);
  }
  const y = allocFloat32(N * s.OH * s.OW * CO); // (N, OH, OW, CO)
  const k = conv2dTransposeKernels();
  k.conv2dTransposeForward(y, x.data, filter.data, bias === null ? null : bias.data, s);
  const inputs = bias === null ? [x, filter] : [x, filter, bias];
  return Tensor.fromOp('conv2dTranspose', y, [N, s.OH, s.OW, CO], inputs, (dy) => {
    const dx = x.requiresGrad ? allocFloat32(x.size) : null; // (N, H, W, CI)
    const dw = filter.requiresGrad ? allocFloat32(filter.size) : null; // (KH, KW, CO, CI)
    if (dx !== null || dw !== null) k.conv2dTransposeBackward(dx, dw, dy, x.data, filter.data, s);
    if (dx !== null) accumulateGrad(x, dx, true);
    if (dw !== null) accumulateGrad(filter, dw, true);
    if (bias !== null && bias.requiresGrad) {
      const db = allocFloat32(CO); // (CO)
      biasGradientKernels().conv2dBackwardBias(db, dy, s);
      accumulateGrad(bias, db, true);
    }
  });
}
