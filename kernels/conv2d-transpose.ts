// Transposed 2-D convolution ("deconvolution"), direct seven-loop reference: the adjoint of
// conv2d. Each input pixel stamps its kernel, scaled, onto the larger output; overlaps add.
//
// Buffers (shape legend in conv-shape.ts; here x is the small side and y the large one), NHWC:
//   x  [N, H, W, CI]      w  [KH, KW, CO, CI] (Keras's Conv2DTranspose kernel: out before in)
//   b  [CO] (or null)     y  [N, OH, OW, CO]
//
// Forward (overwrites y):
//   y[n,oh,ow,co] = b[co] + Σ_{ih,iw,kh,kw,ci : oh = ih·sH − padTop + kh·dH, ow = iw·sW − padLeft + kw·dW}
//                           x[n,ih,iw,ci] · w[kh,kw,co,ci]
//   i.e. exactly conv2d's input gradient, with x in the place of dy: a conv2d from y's shape to x's
//   shape (filter w read as HWIO with I = CO, O = CI) has this op as its transpose.
//
// Output size, Keras's deconv_output_length (KE = (K − 1)·d + 1):
//   no outputPadding:  'valid' OH = H·s + max(KE − s, 0)      'same' OH = H·s
//   outputPadding p:   OH = (H − 1)·s + KE − 2·pad + p,  pad = floor(KE / 2) for 'same', 0 for 'valid'
// and the padding TensorFlow then uses (conv2d_transpose is conv2d_backprop_input): that of the
// conv2d from OH to H, padTop = floor(max((H − 1)·s + KE − OH, 0) / 2) under 'same', 0 under 'valid'.
//
// Backward (ACCUMULATE into the gradient buffers; the caller zeroes them):
//   dx[n,ih,iw,ci]  += Σ_{kh,kw,co} dy[n,oh,ow,co] · w[kh,kw,co,ci]    (a plain conv2d of dy)
//   dw[kh,kw,co,ci] += Σ_{n,ih,iw}  dy[n,oh,ow,co] · x[n,ih,iw,ci]
//   db[co]          += Σ_{n,oh,ow}  dy[n,oh,ow,co]                      (conv2dBackwardBias in conv2d.ts)
// with oh, ow as above; taps that land outside the output are skipped.
//
// These loops are the reference the im2col version is tested against: they change only for bug
// fixes, and are written to be read, not to be fast.

import { conv2dShape, type Conv2dShape, type Padding } from './conv-shape.js';

/** Every size a transposed-convolution kernel needs: x [N,H,W,CI] → y [N,OH,OW,CO]. */
export interface Conv2dTransposeShape {
  readonly N: number; readonly H: number; readonly W: number; readonly CI: number;
  readonly KH: number; readonly KW: number; readonly CO: number;
  readonly strideH: number; readonly strideW: number;
  readonly dilationH: number; readonly dilationW: number;
  readonly padTop: number; readonly padLeft: number;
  readonly OH: number; readonly OW: number;
}

/** Keras's deconv_output_length along one axis; `outputPadding` null means "not given". */
export function deconvOutputLength(
  input: number, k: number, stride: number, dilation: number, padding: Padding, outputPadding: number | null,
): number {
  const kEff = (k - 1) * dilation + 1;
  if (outputPadding === null) return padding === 'valid' ? input * stride + Math.max(kEff - stride, 0) : input * stride;
  const pad = padding === 'same' ? Math.floor(kEff / 2) : 0;
  return (input - 1) * stride + kEff - 2 * pad + outputPadding;
}

/**
 * Sizes of a transposed convolution: x [N,H,W,CI], w [KH,KW,CO,CI] → y [N,OH,OW,CO], with Keras's
 * output size and TensorFlow's padding. `outputPadding` (each < its stride) adds rows/columns.
 */
export function conv2dTransposeShape(
  N: number, H: number, W: number, CI: number, KH: number, KW: number, CO: number,
  strides: readonly [number, number], dilation: readonly [number, number], padding: Padding,
  outputPadding: readonly [number, number] | null = null,
): Conv2dTransposeShape {
  const [strideH, strideW] = strides;
  if (outputPadding !== null) {
    outputPadding.forEach((p, i) => {
      if (!Number.isInteger(p) || p < 0 || p >= strides[i]) {
        throw new Error(`conv2dTranspose: outputPadding must be integers in [0, stride), got [${outputPadding.join(', ')}] with strides [${strides.join(', ')}]`);
      }
    });
  }
  const OH = deconvOutputLength(H, KH, strideH, dilation[0], padding, outputPadding === null ? null : outputPadding[0]);
  const OW = deconvOutputLength(W, KW, strideW, dilation[1], padding, outputPadding === null ? null : outputPadding[1]);
  // The conv2d this op transposes goes from y [OH, OW] back to x [H, W]; it fixes the padding.
  let c: Conv2dShape;
  try {
    c = conv2dShape(N, OH, OW, CO, KH, KW, CI, strides, dilation, padding);
  } catch (e) {
    throw new Error(`conv2dTranspose: input ${H}x${W}: ${(e as Error).message.replace(/^conv2d: /, '')}`);
  }
  if (c.OH !== H || c.OW !== W) {
    throw new Error(
      `conv2dTranspose: an output of ${OH}x${OW} under '${padding}' padding does not convolve back to the input ${H}x${W} ` +
      `(kernel ${KH}x${KW}, strides [${strides.join(', ')}], outputPadding [${outputPadding?.join(', ') ?? 'none'}])`);
  }
  return {
    N, H, W, CI, KH, KW, CO, strideH, strideW, dilationH: dilation[0], dilationW: dilation[1],
    padTop: c.padTop, padLeft: c.padLeft, OH, OW,
  };
}

/** The conv2d whose input gradient this op is: from y [N,OH,OW,CO] to x [N,H,W,CI], filter HWIO [KH,KW,CO,CI]. */
export function adjointConv2dShape(s: Conv2dTransposeShape): Conv2dShape {
  return {
    N: s.N, H: s.OH, W: s.OW, CI: s.CO, KH: s.KH, KW: s.KW, CO: s.CI,
    strideH: s.strideH, strideW: s.strideW, dilationH: s.dilationH, dilationW: s.dilationW,
    padTop: s.padTop, padLeft: s.padLeft, OH: s.H, OW: s.W,
  };
}

/** y [N,OH,OW,CO] = conv2dTranspose(x [N,H,W,CI], w [KH,KW,CO,CI]) + bias [CO]. Overwrites y. */
export function conv2dTransposeForwardDirect(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dTransposeShape,
): void {
  const { N, H, W, CI, KH, KW, CO, OH, OW } = s;
  for (let p = 0; p < N * OH * OW; p++) {
    for (let co = 0; co < CO; co++) y[p * CO + co] = bias === null ? 0 : bias[co];
  }
  // Scatter: every input value adds its kernel, scaled, onto the output pixels its taps land on.
  for (let n = 0; n < N; n++) {
    for (let ih = 0; ih < H; ih++) {
      for (let iw = 0; iw < W; iw++) {
        for (let ci = 0; ci < CI; ci++) {
          const v = x[((n * H + ih) * W + iw) * CI + ci];
          for (let kh = 0; kh < KH; kh++) {
            const oh = ih * s.strideH - s.padTop + kh * s.dilationH;
            if (oh < 0 || oh >= OH) continue; // lands in the padding: dropped
            for (let kw = 0; kw < KW; kw++) {
              const ow = iw * s.strideW - s.padLeft + kw * s.dilationW;
              if (ow < 0 || ow >= OW) continue;
              for (let co = 0; co < CO; co++) {
                y[((n * OH + oh) * OW + ow) * CO + co] += v * w[((kh * KW + kw) * CO + co) * CI + ci];
              }
            }
          }
        }
      }
    }
  }
}

/** dx [N,H,W,CI] += the gradient of y with respect to x, given dy [N,OH,OW,CO]. Accumulates. */
export function conv2dTransposeBackwardInputDirect(
  dx: Float32Array, dy: Float32Array, w: Float32Array, s: Conv2dTransposeShape,
): void {
  const { N, H, W, CI, KH, KW, CO, OH, OW } = s;
  // Gather: each input value collects the dy of every output pixel it was stamped onto.
  for (let n = 0; n < N; n++) {
    for (let ih = 0; ih < H; ih++) {
      for (let iw = 0; iw < W; iw++) {
        for (let ci = 0; ci < CI; ci++) {
          let sum = 0;
          for (let kh = 0; kh < KH; kh++) {
            const oh = ih * s.strideH - s.padTop + kh * s.dilationH;
            if (oh < 0 || oh >= OH) continue;
            for (let kw = 0; kw < KW; kw++) {
              const ow = iw * s.strideW - s.padLeft + kw * s.dilationW;
              if (ow < 0 || ow >= OW) continue;
              for (let co = 0; co < CO; co++) {
                sum += dy[((n * OH + oh) * OW + ow) * CO + co] * w[((kh * KW + kw) * CO + co) * CI + ci];
              }
            }
          }
          dx[((n * H + ih) * W + iw) * CI + ci] += sum;
        }
      }
    }
  }
}

/** dw [KH,KW,CO,CI] += the gradient of y with respect to w, given dy and x. Accumulates. */
export function conv2dTransposeBackwardFilterDirect(
  dw: Float32Array, dy: Float32Array, x: Float32Array, s: Conv2dTransposeShape,
): void {
  const { N, H, W, CI, KH, KW, CO, OH, OW } = s;
  for (let n = 0; n < N; n++) {
    for (let ih = 0; ih < H; ih++) {
      for (let iw = 0; iw < W; iw++) {
        for (let ci = 0; ci < CI; ci++) {
          const v = x[((n * H + ih) * W + iw) * CI + ci];
          for (let kh = 0; kh < KH; kh++) {
            const oh = ih * s.strideH - s.padTop + kh * s.dilationH;
            if (oh < 0 || oh >= OH) continue;
            for (let kw = 0; kw < KW; kw++) {
              const ow = iw * s.strideW - s.padLeft + kw * s.dilationW;
              if (ow < 0 || ow >= OW) continue;
              for (let co = 0; co < CO; co++) {
                dw[((kh * KW + kw) * CO + co) * CI + ci] += dy[((n * OH + oh) * OW + ow) * CO + co] * v;
              }
            }
          }
        }
      }
    }
  }
}
