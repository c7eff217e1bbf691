// Depthwise 2-D convolution, direct seven-loop reference: each input channel is convolved with its
// own M filters (the depth multiplier), and channels never mix.
//
// Buffers (shape legend in conv-shape.ts; here CO = CI·M), NHWC, row-major:
//   x  [N, H, W, CI]      w  [KH, KW, CI, M]      b  [CO] (or null)      y  [N, OH, OW, CO]
// Output channel co = ci·M + m belongs to input channel ci, so w read as [KH, KW, CO] is the same
// buffer: w[kh,kw,ci,m] = w[kh,kw,co]. The fast version (depthwise-conv2d-rows.ts) relies on that.
//
// Forward (overwrites y):
//   y[n,oh,ow,ci·M+m] = b[ci·M+m] + Σ_{kh,kw} x[n, ih, iw, ci] · w[kh,kw,ci,m]
//   with ih = oh·strideH − padTop + kh·dilationH,  iw = ow·strideW − padLeft + kw·dilationW;
//   x reads as 0 outside the image (zero padding). Sizes and padding as conv2d (TensorFlow's rules).
//
// Backward (ACCUMULATE into the gradient buffers; the caller zeroes them):
//   dx[n,ih,iw,ci]  += Σ_{oh,ow,kh,kw,m} dy[n,oh,ow,ci·M+m] · w[kh,kw,ci,m]
//   dw[kh,kw,ci,m]  += Σ_{n,oh,ow}       dy[n,oh,ow,ci·M+m] · x[n,ih,iw,ci]
//   db[co]          += Σ_{n,oh,ow}       dy[n,oh,ow,co]      (conv2dBackwardBias in conv2d.ts)
//
// These loops are the reference the fast versions are tested against: they change only for bug
// fixes, and are written to be read, not to be fast.

import { conv2dShape, type Conv2dShape, type Padding } from './conv-shape.js';

/** Every size a depthwise kernel needs: a conv shape with CO = CI·M, and the multiplier M. */
export interface DepthwiseConv2dShape extends Conv2dShape {
  readonly M: number;
}

/** Sizes of a depthwise convolution: x [N,H,W,CI], w [KH,KW,CI,M] → y [N,OH,OW,CI·M]. */
export function depthwiseConv2dShape(
  N: number, H: number, W: number, CI: number, KH: number, KW: number, M: number,
  strides: readonly [number, number], dilation: readonly [number, number], padding: Padding,
): DepthwiseConv2dShape {
  if (!Number.isInteger(M) || M < 1) throw new Error(`depthwiseConv2d: depth multiplier M must be a positive integer, got ${M}`);
  try {
    return { ...conv2dShape(N, H, W, CI, KH, KW, CI * M, strides, dilation, padding), M };
  } catch (e) {
    throw new Error((e as Error).message.replace(/^conv2d:/, 'depthwiseConv2d:'));
  }
}

/** y [N,OH,OW,CI·M] = depthwise conv(x [N,H,W,CI], w [KH,KW,CI,M]) + bias [CI·M]. Overwrites y. */
export function depthwiseConv2dForwardDirect(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: DepthwiseConv2dShape,
): void {
  const { N, H, W, CI, KH, KW, M, CO, OH, OW } = s;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let ci = 0; ci < CI; ci++) {
          for (let m = 0; m < M; m++) {
            const co = ci * M + m;
            let sum = bias === null ? 0 : bias[co];
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * s.strideH - s.padTop + kh * s.dilationH;
              if (ih < 0 || ih >= H) continue; // padded row: contributes 0
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * s.strideW - s.padLeft + kw * s.dilationW;
                if (iw < 0 || iw >= W) continue; // padded column: contributes 0
                sum += x[((n * H + ih) * W + iw) * CI + ci] * w[((kh * KW + kw) * CI + ci) * M + m];
              }
            }
            y[((n * OH + oh) * OW + ow) * CO + co] = sum;
          }
        }
      }
    }
  }
}

/** dx [N,H,W,CI] += the gradient of y with respect to x, given dy [N,OH,OW,CI·M]. Accumulates. */
export function depthwiseConv2dBackwardInputDirect(
  dx: Float32Array, dy: Float32Array, w: Float32Array, s: DepthwiseConv2dShape,
): void {
  const { N, H, W, CI, KH, KW, M, CO, OH, OW } = s;
  // The forward's loops, sending each dy back along the weight that carried x forward.
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let ci = 0; ci < CI; ci++) {
          for (let m = 0; m < M; m++) {
            const g = dy[((n * OH + oh) * OW + ow) * CO + ci * M + m];
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * s.strideH - s.padTop + kh * s.dilationH;
              if (ih < 0 || ih >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * s.strideW - s.padLeft + kw * s.dilationW;
                if (iw < 0 || iw >= W) continue;
                dx[((n * H + ih) * W + iw) * CI + ci] += g * w[((kh * KW + kw) * CI + ci) * M + m];
              }
            }
          }
        }
      }
    }
  }
}

/** dw [KH,KW,CI,M] += the gradient of y with respect to w, given dy and x. Accumulates. */
export function depthwiseConv2dBackwardFilterDirect(
  dw: Float32Array, dy: Float32Array, x: Float32Array, s: DepthwiseConv2dShape,
): void {
  const { N, H, W, CI, KH, KW, M, CO, OH, OW } = s;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let ci = 0; ci < CI; ci++) {
          for (let m = 0; m < M; m++) {
            const g = dy[((n * OH + oh) * OW + ow) * CO + ci * M + m];
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * s.strideH - s.padTop + kh * s.dilationH;
              if (ih < 0 || ih >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * s.strideW - s.padLeft + kw * s.dilationW;
                if (iw < 0 || iw >= W) continue;
                dw[((kh * KW + kw) * CI + ci) * M + m] += g * x[((n * H + ih) * W + iw) * CI + ci];
              }
            }
          }
        }
      }
    }
  }
}
