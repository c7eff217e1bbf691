// 2-D average pooling over NHWC.
//
// Buffers (legend in conv-shape.ts):   x [N, H, W, C]     y [N, OH, OW, C]
//
// Forward (overwrites y):
//   y[n,oh,ow,c] = (1 / count) · Σ over the window's REAL cells of x[n, ih, iw, c]
//   with ih = oh·strideH − padTop + ph, iw = ow·strideW − padLeft + pw, and
//   count = the number of real (unpadded) cells in the window, as TensorFlow does
//   (padded cells are left out of both the sum and the divisor; count ≥ 1 always).
//
// Backward (ACCUMULATES, same divisor):
//   dx[n,ih,iw,c] += Σ over windows (oh,ow) containing (ih,iw) of dy[n,oh,ow,c] / count(oh,ow)

import type { Pool2dShape } from './conv-shape.js';

/** Reference average pool: one window scan per output element. Overwrites y. */
export function avgPool2dForwardNaive(y: Float32Array, x: Float32Array, s: Pool2dShape): void {
  const { N, H, W, C, PH, PW, OH, OW } = s;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          let sum = 0;
          let count = 0;
          for (let ph = 0; ph < PH; ph++) {
            const ih = oh * s.strideH - s.padTop + ph;
            if (ih < 0 || ih >= H) continue; // padded: not summed, not counted
            for (let pw = 0; pw < PW; pw++) {
              const iw = ow * s.strideW - s.padLeft + pw;
              if (iw < 0 || iw >= W) continue;
              sum += x[((n * H + ih) * W + iw) * C + c];
              count++;
            }
          }
          y[((n * OH + oh) * OW + ow) * C + c] = sum / count;
        }
      }
    }
  }
}

// One output row of running sums in float64, so the fast forward rounds once, like the naive
// loop. Module-level and grown on demand: it is C numbers, reused by every call.
let rowSums = new Float64Array(0); // (C)

/**
 * Fast average pool; equal to {@link avgPool2dForwardNaive} up to float rounding.
 * What it optimizes: the window is clipped to the image once per output pixel (no per-cell
 * bounds tests, count = clipped height × clipped width), and the channel loop is innermost so
 * x is read as contiguous rows of C floats instead of with a stride of C.
 */
export function avgPool2dForward(y: Float32Array, x: Float32Array, s: Pool2dShape): void {
  const { N, H, W, C, PH, PW, OH, OW, strideH, strideW, padTop, padLeft } = s;
  if (rowSums.length < C) rowSums = new Float64Array(C); // (C)
  const sums = rowSums;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const ihStart = oh * strideH - padTop;
      const ih0 = Math.max(ihStart, 0);
      const ih1 = Math.min(ihStart + PH, H);
      for (let ow = 0; ow < OW; ow++) {
        const iwStart = ow * strideW - padLeft;
        const iw0 = Math.max(iwStart, 0);
        const iw1 = Math.min(iwStart + PW, W);
        for (let c = 0; c < C; c++) sums[c] = 0;
        for (let ih = ih0; ih < ih1; ih++) {
          for (let iw = iw0; iw < iw1; iw++) {
            const xi = ((n * H + ih) * W + iw) * C; // x[n, ih, iw, 0]: C contiguous floats
            for (let c = 0; c < C; c++) sums[c] += x[xi + c];
          }
        }
        // The real cells form a rectangle, so their count is its area.
        const count = (ih1 - ih0) * (iw1 - iw0);
        const o = ((n * OH + oh) * OW + ow) * C; // y[n, oh, ow, 0]
        for (let c = 0; c < C; c++) y[o + c] = sums[c] / count;
      }
    }
  }
}

/** Reference backward: each output's gradient is shared equally by its window's real cells. Accumulates. */
export function avgPool2dBackwardNaive(dx: Float32Array, dy: Float32Array, s: Pool2dShape): void {
  const { N, H, W, C, PH, PW, OH, OW } = s;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          // First pass counts the real cells (the forward's divisor), second pass shares dy.
          let count = 0;
          for (let ph = 0; ph < PH; ph++) {
            const ih = oh * s.strideH - s.padTop + ph;
            if (ih < 0 || ih >= H) continue;
            for (let pw = 0; pw < PW; pw++) {
              const iw = ow * s.strideW - s.padLeft + pw;
              if (iw >= 0 && iw < W) count++;
            }
          }
          const g = dy[((n * OH + oh) * OW + ow) * C + c] / count;
          for (let ph = 0; ph < PH; ph++) {
            const ih = oh * s.strideH - s.padTop + ph;
            if (ih < 0 || ih >= H) continue;
            for (let pw = 0; pw < PW; pw++) {
              const iw = ow * s.strideW - s.padLeft + pw;
              if (iw < 0 || iw >= W) continue;
              dx[((n * H + ih) * W + iw) * C + c] += g;
            }
          }
        }
      }
    }
  }
}

/**
 * Fast backward; equal to {@link avgPool2dBackwardNaive} up to float rounding. Accumulates.
 * Same tricks as the fast forward: the window is clipped once per output pixel and the
 * channel loop is innermost, so each real cell adds one contiguous row of C gradients.
 */
export function avgPool2dBackward(dx: Float32Array, dy: Float32Array, s: Pool2dShape): void {
  const { N, H, W, C, PH, PW, OH, OW, strideH, strideW, padTop, padLeft } = s;
  if (rowSums.length < C) rowSums = new Float64Array(C); // (C)
  const share = rowSums; // reused here for dy[n,oh,ow,:] / count
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const ihStart = oh * strideH - padTop;
      const ih0 = Math.max(ihStart, 0);
      const ih1 = Math.min(ihStart + PH, H);
      for (let ow = 0; ow < OW; ow++) {
        const iwStart = ow * strideW - padLeft;
        const iw0 = Math.max(iwStart, 0);
        const iw1 = Math.min(iwStart + PW, W);
        const count = (ih1 - ih0) * (iw1 - iw0);
        const o = ((n * OH + oh) * OW + ow) * C; // dy[n, oh, ow, 0]
        // Divide once per output element, not once per (element, cell) pair.
        for (let c = 0; c < C; c++) share[c] = dy[o + c] / count;
        for (let ih = ih0; ih < ih1; ih++) {
          for (let iw = iw0; iw < iw1; iw++) {
            const xi = ((n * H + ih) * W + iw) * C; // dx[n, ih, iw, 0]
            for (let c = 0; c < C; c++) dx[xi + c] += share[c];
          }
        }
      }
    }
  }
}
