import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeToString } from '../shape.js';
import type { Padding } from '../../kernels/conv-shape.js';
import { depthwiseConv2dShape, type DepthwiseConv2dShape } from '../../kernels/depthwise-conv2d.js';
import { depthwiseConv2dKernels } from '../kernel-tables/depthwise-conv2d.js';
import { biasGradientKernels } from '../kernel-tables/bias-gradient.js';
import { type Size2, pair } from './conv2d.js';

export interface DepthwiseConv2dOptions {
  /** Step of the window over height and width (default 1). */
  strides?: Size2;
  /** 'valid' (no padding, default) or 'same' (TensorFlow's: output = ceil(input / stride), extra cell bottom/right). */
  padding?: Padding;
  /** Spacing between kernel taps (default 1). */
  dilation?: Size2;
  /** Optional per-output-channel bias [CI·M], added in the same pass. */
  bias?: Tensor | null;
}

/**
 * Depthwise 2-D convolution, NHWC: every input channel ci is convolved with its own M filters
 * (the depth multiplier), and channels never mix:
 *
 *   y[n,oh,ow,ci·M+m] = bias[ci·M+m] + Σ_{kh,kw} x[n, oh·sH − padTop + kh·dH, ow·sW − padLeft + kw·dW, ci] · w[kh,kw,ci,m]
 *
 * x [N, H, W, CI], filter [KH, KW, CI, M] → [N, OH, OW, CI·M]. Output sizes and padding as conv2d.
 * Runs the channel-row kernels (kernels/depthwise-conv2d-rows.ts). Matches tf.depthwiseConv2d
 * (TensorFlow.js) and Keras DepthwiseConv2D.
 */
export function depthwiseConv2d(x: Tensor, filter: Tensor, options: DepthwiseConv2dOptions = {}): Tensor {
  const { padding = 'valid', bias = null } = options;
  const strides = pair('depthwiseConv2d', 'strides', options.strides ?? 1);
  const dilation = pair('depthwiseConv2d', 'dilation', options.dilation ?? 1);
  const shapes = `input ${shapeToString(x.shape)} and filter ${shapeToString(filter.shape)}`;
  if (x.rank !== 4) throw new Error(`depthwiseConv2d: input must be 4-D NHWC [N, H, W, C], got ${shapes}`);
  if (filter.rank !== 4) throw new Error(`depthwiseConv2d: filter must be 4-D [KH, KW, C, M], got ${shapes}`);
  const [N, H, W, CI] = x.shape;
  const [KH, KW, FCI, M] = filter.shape;
  if (FCI !== CI) throw new Error(`depthwiseConv2d: ${shapes}: the filter expects ${FCI} input channels, the input has ${CI}`);
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== CI * M)) {
    throw new Error(`depthwiseConv2d: bias has shape ${shapeToString(bias.shape)}, expected [${CI * M}] for ${shapes}`);
  }
  let s: DepthwiseConv2dShape;
  try {
    s = depthwiseConv2dShape(N, H, W, CI, KH, KW, M, strides, dilation, padding);
  } catch (e) {
    throw new Error(`depthwiseConv2d: ${shapes}: ${(e as Error).message.replace(/^depthwiseConv2d: /, '')}`);
  }
  const y = allocFloat32(N * s.OH * s.OW * s.CO); // (N, OH, OW, CI·M)
  depthwiseConv2dKernels().depthwiseConv2dForward(y, x.data, filter.data, bias === null ? null : bias.data, s);
  const inputs = bias === null ? [x, filter] : [x, filter, bias];
  return Tensor.fromOp('depthwiseConv2d', y, [N, s.OH, s.OW, s.CO], inputs, (dy) => {
    if (x.requiresGrad) {
      const dx = allocFloat32(x.size); // (N, H, W, CI)
      depthwiseConv2dKernels().depthwiseConv2dBackwardInput(dx, dy, filter.data, s);
      accumulateGrad(x, dx, true);
    }
    if (filter.requiresGrad) {
      const dw = allocFloat32(filter.size); // (KH, KW, CI, M)
      depthwiseConv2dKernels().depthwiseConv2dBackwardFilter(dw, dy, x.data, s);
      accumulateGrad(filter, dw, true);
    }
    if (bias !== null && bias.requiresGrad) {
      const db = allocFloat32(s.CO); // (CI·M)
      biasGradientKernels().conv2dBackwardBias(db, dy, s);
      accumulateGrad(bias, db, true);
    }
  });
}
