// Depthwise 2-D convolution by channel rows: the same math as depthwise-conv2d.ts, in an order that
// reads memory front to back.
//
//   y[n,oh,ow,co] = b[co] + Σ_{kh,kw} x[n, ih, iw, co / M] · w[kh,kw,co]     (co = ci·M + m)
//
// Buffers (legend in conv-shape.ts; CO = CI·M):
//   x [N, H, W, CI]    w [KH, KW, CI, M], read as [KH, KW, CO]    b [CO]    y [N, OH, OW, CO]
//
// What it optimizes, and why: a depthwise conv does only KH·KW multiply-adds per output value, so
// it is bound by memory, not arithmetic (no GEMM can help: nothing is shared across channels). The
// naive loops put the channel outermost and the taps innermost, jumping CI floats between reads.
// Here the channel is innermost: for one output pixel and one tap, the CI input values of that
// pixel and the CO weights of that tap are contiguous, so each (pixel, tap) pair is one straight
// loop y_row[co] += x_row[co / M] · w_tap[co] over neighbouring floats. The tap range that lies
// inside the image is computed once per output row and column, so the inner loops carry no bounds
// tests. The filter gradient sums into float64 scratch (N·OH·OW terms per weight).
//
// Forward overwrites y; the backward kernels accumulate (+=) into dx and dw.

import type { DepthwiseConv2dShape } from './depthwise-conv2d.js';

/** First tap k with 0 ≤ i0 + k·d (i0 = the window's first input coordinate, may be negative). */
function firstTap(i0: number, d: number): number {
  return i0 >= 0 ? 0 : Math.ceil(-i0 / d);
}

/** One past the last tap k < K with i0 + k·d < size. */
function endTap(i0: number, K: number, d: number, size: number): number {
  return Math.min(K, Math.ceil((size - i0) / d));
}

/** y [N,OH,OW,CO] = depthwise conv(x, w) + bias, by channel rows. Overwrites y. */
export function depthwiseConv2dForwardRows(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: DepthwiseConv2dShape,
): void {
  const { N, H, W, CI, KH, KW, M, CO, OH, OW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = s;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * strideH - padTop;
      const kh0 = firstTap(ih0, dilationH);
      const kh1 = endTap(ih0, KH, dilationH, H);
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * strideW - padLeft;
        const kw0 = firstTap(iw0, dilationW);
        const kw1 = endTap(iw0, KW, dilationW, W);
        const yo = ((n * OH + oh) * OW + ow) * CO; // y[n, oh, ow, 0]
        if (bias === null) y.fill(0, yo, yo + CO);
        else y.set(bias, yo);
        for (let kh = kh0; kh < kh1; kh++) {
          const xRow = (n * H + ih0 + kh * dilationH) * W; // pixel index of x[n, ih, 0]
          for (let kw = kw0; kw < kw1; kw++) {
            const xo = (xRow + iw0 + kw * dilationW) * CI; // x[n, ih, iw, 0]
            const wo = (kh * KW + kw) * CO; // w[kh, kw, 0]
            if (M === 1) {
              // The common case: x row, w row and y row line up element by element.
              for (let c = 0; c < CO; c++) y[yo + c] += x[xo + c] * w[wo + c];
            } else {
              for (let ci = 0; ci < CI; ci++) {
                const xv = x[xo + ci];
                const o = ci * M;
                for (let m = 0; m < M; m++) y[yo + o + m] += xv * w[wo + o + m];
              }
            }
          }
        }
      }
    }
  }
}

/** dx [N,H,W,CI] += ∂(Σ y·dy)/∂x, by channel rows. Accumulates. */
export function depthwiseConv2dBackwardInputRows(
  dx: Float32Array, dy: Float32Array, w: Float32Array, s: DepthwiseConv2dShape,
): void {
  const { N, H, W, CI, KH, KW, M, CO, OH, OW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = s;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * strideH - padTop;
      const kh0 = firstTap(ih0, dilationH);
      const kh1 = endTap(ih0, KH, dilationH, H);
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * strideW - padLeft;
        const kw0 = firstTap(iw0, dilationW);
        const kw1 = endTap(iw0, KW, dilationW, W);
        const yo = ((n * OH + oh) * OW + ow) * CO; // dy[n, oh, ow, 0]
        for (let kh = kh0; kh < kh1; kh++) {
          const xRow = (n * H + ih0 + kh * dilationH) * W;
          for (let kw = kw0; kw < kw1; kw++) {
            const xo = (xRow + iw0 + kw * dilationW) * CI; // dx[n, ih, iw, 0]
            const wo = (kh * KW + kw) * CO;
            if (M === 1) {
              for (let c = 0; c < CO; c++) dx[xo + c] += dy[yo + c] * w[wo + c];
            } else {
              // Input channel ci collects from its M output channels.
              for (let ci = 0; ci < CI; ci++) {
                const o = ci * M;
                let g = 0;
                for (let m = 0; m < M; m++) g += dy[yo + o + m] * w[wo + o + m];
                dx[xo + ci] += g;
              }
            }
          }
        }
      }
    }
  }
}

/** dw [KH,KW,CI,M] += ∂(Σ y·dy)/∂w, by channel rows, summed in float64. Accumulates. */
export function depthwiseConv2dBackwardFilterRows(
  dw: Float32Array, dy: Float32Array, x: Float32Array, s: DepthwiseConv2dShape,
): void {
  const { N, H, W, CI, KH, KW, M, CO, OH, OW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = s;
  // Each weight sums up to N·OH·OW products: in float32 one at a time that would lose ~3 digits.
  const acc = new Float64Array(KH * KW * CO); // (KH, KW, CO)
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * strideH - padTop;
      const kh0 = firstTap(ih0, dilationH);
      const kh1 = endTap(ih0, KH, dilationH, H);
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * strideW - padLeft;
        const kw0 = firstTap(iw0, dilationW);
        const kw1 = endTap(iw0, KW, dilationW, W);
        const yo = ((n * OH + oh) * OW + ow) * CO;
        for (let kh = kh0; kh < kh1; kh++) {
          const xRow = (n * H + ih0 + kh * dilationH) * W;
          for (let kw = kw0; kw < kw1; kw++) {
            const xo = (xRow + iw0 + kw * dilationW) * CI;
            const wo = (kh * KW + kw) * CO;
            if (M === 1) {
              for (let c = 0; c < CO; c++) acc[wo + c] += dy[yo + c] * x[xo + c];
            } else {
              for (let ci = 0; ci < CI; ci++) {
                const xv = x[xo + ci];
                const o = ci * M;
                for (let m = 0; m < M; m++) acc[wo + o + m] += dy[yo + o + m] * xv;
              }
            }
          }
        }
      }
    }
  }
  for (let i = 0; i < acc.length; i++) dw[i] += acc[i];
}
