// 2-D convolution, direct seven-loop reference (and the bias gradient, shared by every version).
//
// Buffers (shape legend in conv-shape.ts), all NHWC / HWIO, row-major:
//   x  [N, H, W, CI]      w  [KH, KW, CI, CO]      b  [CO] (or null)      y  [N, OH, OW, CO]
//
// Forward (overwrites y):
//   y[n,oh,ow,co] = b[co] + Σ_{kh,kw,ci} x[n, ih, iw, ci] · w[kh,kw,ci,co]
//   with ih = oh·strideH − padTop + kh·dilationH,  iw = ow·strideW − padLeft + kw·dilationW;
//   x reads as 0 outside 0 ≤ ih < H, 0 ≤ iw < W (zero padding).
//
// Backward (ACCUMULATE into the gradient buffers; the caller zeroes them):
//   dx[n,ih,iw,ci]   += Σ_{oh,ow,kh,kw,co} dy[n,oh,ow,co] · w[kh,kw,ci,co]    (same ih, iw as above)
//   dw[kh,kw,ci,co]  += Σ_{n,oh,ow}        dy[n,oh,ow,co] · x[n,ih,iw,ci]
//   db[co]           += Σ_{n,oh,ow}        dy[n,oh,ow,co]
//
// These loops are the reference every faster version is tested against: they change only
// for bug fixes, and are written to be read, not to be fast.

import type { Conv2dShape } from './conv-shape.js';

/** y [N,OH,OW,CO] = conv(x [N,H,W,CI], w [KH,KW,CI,CO]) + bias [CO]. Overwrites y. */
export function conv2dForwardDirect(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape,
): void {
  const { N, H, W, CI, KH, KW, CO, OH, OW } = s;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let co = 0; co < CO; co++) {
          let sum = bias === null ? 0 : bias[co];
          for (let kh = 0; kh < KH; kh++) {
            const ih = oh * s.strideH - s.padTop + kh * s.dilationH;
            if (ih < 0 || ih >= H) continue; // padded row: contributes 0
            for (let kw = 0; kw < KW; kw++) {
              const iw = ow * s.strideW - s.padLeft + kw * s.dilationW;
              if (iw < 0 || iw >= W) continue; // padded column: contributes 0
              for (let ci = 0; ci < CI; ci++) {
                sum += x[((n * H + ih) * W + iw) * CI + ci] * w[((kh * KW + kw) * CI + ci) * CO + co];
              }
            }
          }
          y[((n * OH + oh) * OW + ow) * CO + co] = sum;
        }
      }
    }
  }
}

/** dx [N,H,W,CI] += the gradient of y with respect to x, given dy [N,OH,OW,CO]. Accumulates. */
export function conv2dBackwardInputDirect(
  dx: Float32Array, dy: Float32Array, w: Float32Array, s: Conv2dShape,
): void {
  const { N, H, W, CI, KH, KW, CO, OH, OW } = s;
  // Same seven loops as the forward: each (output, tap) pair sends dy back along the weight
  // that carried x forward. Padded taps had no input, so they receive nothing.
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let co = 0; co < CO; co++) {
          const g = dy[((n * OH + oh) * OW + ow) * CO + co];
          for (let kh = 0; kh < KH; kh++) {
            const ih = oh * s.strideH - s.padTop + kh * s.dilationH;
            if (ih < 0 || ih >= H) continue;
            for (let kw = 0; kw < KW; kw++) {
              const iw = ow * s.strideW - s.padLeft + kw * s.dilationW;
              if (iw < 0 || iw >= W) continue;
              for (let ci = 0; ci < CI; ci++) {
                dx[((n * H + ih) * W + iw) * CI + ci] += g * w[((kh * KW + kw) * CI + ci) * CO + co];
              }
            }
          }
        }
      }
    }
  }
}

/** dw [KH,KW,CI,CO] += the gradient of y with respect to w, given dy and x. Accumulates. */
export function conv2dBackwardFilterDirect(
  dw: Float32Array, dy: Float32Array, x: Float32Array, s: Conv2dShape,
): void {
  const { N, H, W, CI, KH, KW, CO, OH, OW } = s;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let co = 0; co < CO; co++) {
          const g = dy[((n * OH + oh) * OW + ow) * CO + co];
          for (let kh = 0; kh < KH; kh++) {
            const ih = oh * s.strideH - s.padTop + kh * s.dilationH;
            if (ih < 0 || ih >= H) continue;
            for (let kw = 0; kw < KW; kw++) {
              const iw = ow * s.strideW - s.padLeft + kw * s.dilationW;
              if (iw < 0 || iw >= W) continue;
              for (let ci = 0; ci < CI; ci++) {
                dw[((kh * KW + kw) * CI + ci) * CO + co] += g * x[((n * H + ih) * W + iw) * CI + ci];
              }
            }
          }
        }
      }
    }
  }
}

/**
 * db [CO] += Σ_{n,oh,ow} dy[n,oh,ow,co]. Accumulates.
 * Shared by the direct and im2col convolutions (the bias gradient does not depend on how the
 * convolution was computed). Views dy as N·OH·OW rows of CO and walks it once, in order.
 */
export function conv2dBackwardBias(db: Float32Array, dy: Float32Array, s: Conv2dShape): void {
  const { CO } = s;
  const rows = s.N * s.OH * s.OW;
  // Sum each channel in float64 scratch first: adding 43,264 rows into float32 one at a time
  // would lose ~3 digits; the scratch is CO numbers, so allocating it per call is cheap.
  const sums = new Float64Array(CO); // (CO)
  for (let r = 0; r < rows; r++) {
    const off = r * CO; // row r of dy, contiguous over co
    for (let co = 0; co < CO; co++) sums[co] += dy[off + co];
  }
  for (let co = 0; co < CO; co++) db[co] += sums[co];
}
