import { Tensor, accumulateGrad, accumulateFreshGrad } from '../tensor.js';
import { allocFloat32, releaseFloat32 } from '../storage.js';
import { shapeToString } from '../shape.js';
import { conv2dShape, type Conv2dShape, type Padding } from '../../kernels/conv-shape.js';
import { conv2dKernels } from '../kernel-tables/conv2d.js';
import { reluKernels } from '../kernel-tables/relu.js';

/** A size given once for both spatial axes, or as [height, width]. */
export type Size2 = number | readonly [number, number];

export function pair(op: string, name: string, v: Size2): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`${op}: ${name} must be positive integers, got ${String(v)}`);
  return p;
}

export interface Conv2dOptions {
  /** Step of the window over height and width (default 1). */
  strides?: Size2;
  /** 'valid' (no padding, default) or 'same' (TensorFlow's: output = ceil(input / stride), extra cell bottom/right). */
  padding?: Padding;
  /** Spacing between kernel taps (default 1). */
  dilation?: Size2;
  /** Optional per-output-channel bias [CO], added in the same pass as the convolution. */
  bias?: Tensor | null;
  /** Apply ReLU to the output in the same pass (what Conv2D(…, activation: 'relu') uses). Default false. */
  relu?: boolean;
}

/**
 * 2-D convolution (cross-correlation, as every framework computes it), NHWC × HWIO → NHWC:
 *
 *   y[n,oh,ow,co] = bias[co] + Σ_{kh,kw,ci} x[n, oh·sH − padTop + kh·dH, ow·sW − padLeft + kw·dW, ci] · w[kh,kw,ci,co]
 *
 * x [N, H, W, CI], filter [KH, KW, CI, CO] → [N, OH, OW, CO]. The fast table picks by shape: a 1×1
 * conv is one GEMM on x; few output channels (a multiple of 8, at most 32) run the direct SIMD conv
 * (kernels/conv2d-direct-simd.ts, via kernels/conv2d-fast.ts), and few input channels its dX (by stride
 * phases, no col2im); stride-1 3×3 convs with ≥ 4 channels in and out and ≥ 256 output pixels run as
 * Winograd F(2×2, 3×3) (src/conv2d-winograd-choice.ts) their forward and dW where the direct conv
 * does not apply, their dX where its direct kernel does not apply or measured slower, and all three
 * as the fused small-channel Winograd (kernels/conv2d-winograd-small*.ts) with 8 to 32 channels a
 * side (multiples of 8, ≤ 512 pairs) where its tiles waste at most half; the rest run as
 * im2col + GEMM, keeping the im2col matrix for dW = colsᵀ·dY; dX = col2im(dY·Wᵀ). The others keep x. Under
 * setKernels('reference') it runs the seven-loop direct kernels of kernels/conv2d.ts instead.
 * Matches tf.conv2d (TensorFlow.js) and Keras Conv2D.
 */
export function conv2d(x: Tensor, filter: Tensor, options: Conv2dOptions = {}): Tensor {
  const { padding = 'valid', bias = null, relu = false } = options;
  const strides = pair('conv2d', 'strides', options.strides ?? 1);
  const dilation = pair('conv2d', 'dilation', options.dilation ?? 1);
  const shapes = `input ${shapeToString(x.shape)} and filter ${shapeToString(filter.shape)}`;
  if (x.rank !== 4) throw new Error(`conv2d: input must be 4-D NHWC [N, H, W, C], got ${shapes}`);
  if (filter.rank !== 4) throw new Error(`conv2d: filter must be 4-D HWIO [KH, KW, CI, CO], got ${shapes}`);
  const [N, H, W, CI] = x.shape;
  const [KH, KW, FCI, CO] = filter.shape;
  if (FCI !== CI) throw new Error(`conv2d: ${shapes}: the filter expects ${FCI} input channels, the input has ${CI}`);
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== CO)) {
    throw new Error(`conv2d: bias has shape ${shapeToString(bias.shape)}, expected [${CO}] for ${shapes}`);
  }
  let s: Conv2dShape;
  try {
    s = conv2dShape(N, H, W, CI, KH, KW, CO, strides, dilation, padding);
  } catch (e) {
    throw new Error(`conv2d: ${shapes}: ${(e as Error).message.replace(/^conv2d: /, '')}`);
  }
  // The tables of the setting in force now, for the backward too (a setKernels in between does not mix them).
  const k = conv2dKernels();
  const reluK = reluKernels();
  // What the filter gradient will read: the im2col matrix (fast, im2col shapes), or x.
  const cols = k.conv2dKept(x.data, s);
  const y = allocFloat32(N * s.OH * s.OW * CO); // (N, OH, OW, CO)
  // Fused ReLU: the GEMM clamps each block before storing it, instead of a second pass over y.
  k.conv2dForward(y, x.data, filter.data, bias === null ? null : bias.data, s, cols, relu);
  const inputs = bias === null ? [x, filter] : [x, filter, bias];
  return Tensor.fromOp(relu ? 'conv2d+relu' : 'conv2d', y, [N, s.OH, s.OW, CO], inputs, (dout, owned) => {
    const db = bias !== null && bias.requiresGrad ? allocFloat32(CO) : null; // (CO,)
    // Through the fused ReLU the gradient passes only where the output is positive; the same pass
    // sums the bias gradient. It is masked in place when backward() hands dout over (Tensor's
    // BackwardFn), else (a retained .grad) into a buffer given back below.
    let dy = dout;
    if (relu) {
      dy = owned ? dout : allocFloat32(y.length); // (N, OH, OW, CO)
      reluK.reluBackwardBias(dy, db, dout, y, CO);
    }
    if (x.requiresGrad) {
      const dx = allocFloat32(x.size); // (N, H, W, CI)
      k.conv2dBackwardInput(dx, dy, filter.data, s);
      accumulateFreshGrad(x, dx);
    }
    // Without the ReLU the bias gradient is dy's channel sums, taken with the filter gradient in one
    // call (the direct SIMD kernels share dy's copy in wasm memory).
    const dw = filter.requiresGrad ? allocFloat32(filter.size) : null; // (KH, KW, CI, CO)
    k.conv2dBackwardFilterBias(dw, relu ? null : db, dy, cols, s);
    if (dw !== null) accumulateGrad(filter, dw, true);
    if (bias !== null && db !== null) accumulateGrad(bias, db, true);
    if (dy !== dout) releaseFloat32([dy]);
  }).holdScratch(cols); // fit gives cols back with the finished step (src/recycle.ts)
}
