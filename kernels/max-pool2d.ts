// 2-D max pooling over NHWC.
//
// Buffers (legend in conv-shape.ts):
//   x [N, H, W, C]     y [N, OH, OW, C]     argmax [N, OH, OW, C] (Int32Array)
//
// Forward (overwrites y and argmax):
//   y[n,oh,ow,c]      = max over the window's REAL cells of x[n, ih, iw, c],
//                       ih = oh·strideH − padTop + ph,  iw = ow·strideW − padLeft + pw
//   argmax[n,oh,ow,c] = flat index ((n·H + ih)·W + iw)·C + c into x of the winner.
//   Padded cells never win (they are skipped, not read as 0 or −∞). Cells are visited in
//   (ph, pw) row-major order, and only a value that `beats` the current best replaces it:
//   a strictly larger one, or a NaN over a number. So NaN is never hidden: a window holding a
//   NaN anywhere gives NaN, and its argmax is the first NaN cell (the backward's gradient goes
//   there), as PyTorch's and TensorFlow's max-pool give NaN. The first of equal maxima wins
//   ties. The first real cell is always taken, so argmax is always a valid index, even when x
//   holds −∞.
//
// Backward (ACCUMULATES): dx[argmax[i]] += dy[i] for every output element i.
//
// Every window holds at least one real cell (see conv-shape.ts), so argmax is never empty.

import type { Pool2dShape } from './conv-shape.js';

/** Whether v replaces best: larger (`>` is false for NaN), or a NaN over a number (v !== v is NaN). */
function beats(v: number, best: number): boolean {
  return v > best || (v !== v && best === best);
}

/** Reference max-pool: one window scan per output element. Overwrites y and argmax. */
export function maxPool2dForwardNaive(y: Float32Array, argmax: Int32Array, x: Float32Array, s: Pool2dShape): void {
  const { N, H, W, C, PH, PW, OH, OW } = s;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let bestIndex = -1;
          for (let ph = 0; ph < PH; ph++) {
            const ih = oh * s.strideH - s.padTop + ph;
            if (ih < 0 || ih >= H) continue; // padded row: never wins
            for (let pw = 0; pw < PW; pw++) {
              const iw = ow * s.strideW - s.padLeft + pw;
              if (iw < 0 || iw >= W) continue; // padded column: never wins
              const i = ((n * H + ih) * W + iw) * C + c;
              // `bestIndex < 0` takes the first real cell whatever its value (−∞, NaN);
              // `beats` is strict, so the first of equal maxima (and the first NaN) stays.
              if (bestIndex < 0 || beats(x[i], best)) {
                best = x[i];
                bestIndex = i;
              }
            }
          }
          const o = ((n * OH + oh) * OW + ow) * C + c;
          y[o] = best;
          argmax[o] = bestIndex;
        }
      }
    }
  }
}

/**
 * Fast max-pool, bit-for-bit the same y and argmax as {@link maxPool2dForwardNaive}.
 *
 * What it optimizes: the naive loop puts channels outside the window, so consecutive
 * comparisons read x with a stride of C floats (512 bytes for C = 128) and every window cell
 * is bounds-tested per channel. Here the window is clipped to the image once per output pixel,
 * the window cell is outside and the channel inside: each real cell contributes one
 * contiguous row of C floats of x, compared element-wise against the output row
 * y[n,oh,ow,:] (which stays in L1). Cells are visited in the same (ph, pw) order with the
 * same rule as `beats`, so ties and NaN resolve exactly as in the naive version.
 * (Measured: keeping the running max in locals with the channel loop outside the cells was
 * ~10% slower here.)
 */
export function maxPool2dForward(y: Float32Array, argmax: Int32Array, x: Float32Array, s: Pool2dShape): void {
  const { N, H, W, C, PH, PW, OH, OW, strideH, strideW, padTop, padLeft } = s;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      // Clip the window to real rows once per output row instead of testing every cell.
      const ihStart = oh * strideH - padTop;
      const ih0 = Math.max(ihStart, 0);
      const ih1 = Math.min(ihStart + PH, H);
      for (let ow = 0; ow < OW; ow++) {
        const iwStart = ow * strideW - padLeft;
        const iw0 = Math.max(iwStart, 0);
        const iw1 = Math.min(iwStart + PW, W);
        const o = ((n * OH + oh) * OW + ow) * C; // y[n, oh, ow, 0]
        // The first real cell (ih0, iw0) initialises the row: same as the naive `bestIndex < 0`.
        let xi = ((n * H + ih0) * W + iw0) * C; // x[n, ih0, iw0, 0]
        for (let c = 0; c < C; c++) {
          y[o + c] = x[xi + c];
          argmax[o + c] = xi + c;
        }
        for (let ih = ih0; ih < ih1; ih++) {
          // Row ih0 starts after its first cell, which is already in y.
          for (let iw = ih === ih0 ? iw0 + 1 : iw0; iw < iw1; iw++) {
            xi = ((n * H + ih) * W + iw) * C; // x[n, ih, iw, 0]: C contiguous floats
            for (let c = 0; c < C; c++) {
              const v = x[xi + c];
              const best = y[o + c];
              // y holds exactly the float32 the naive `best` holds (both were read from x), so
              // this is the naive `beats`, inlined: the NaN test runs only when `>` is false.
              if (v > best || (v !== v && best === best)) {
                y[o + c] = v;
                argmax[o + c] = xi + c;
              }
            }
          }
        }
      }
    }
  }
}

/**
 * dx [N,H,W,C] += dy scattered to the winners recorded by the forward. Accumulates.
 * One pass over dy and argmax in order; the writes into dx land within a few rows of each
 * other (windows are local), so they stay in cache.
 */
export function maxPool2dBackward(dx: Float32Array, dy: Float32Array, argmax: Int32Array, s: Pool2dShape): void {
  const total = s.N * s.OH * s.OW * s.C;
  for (let i = 0; i < total; i++) dx[argmax[i]] += dy[i];
}

/**
 * Reference backward that needs no argmax: re-finds each window's winner in x with the naive
 * forward's rule (first real cell, then `beats`), then adds dy to it. Accumulates.
 */
export function maxPool2dBackwardNaive(dx: Float32Array, dy: Float32Array, x: Float32Array, s: Pool2dShape): void {
  const { N, H, W, C, PH, PW, OH, OW } = s;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let bestIndex = -1;
          for (let ph = 0; ph < PH; ph++) {
            const ih = oh * s.strideH - s.padTop + ph;
            if (ih < 0 || ih >= H) continue;
            for (let pw = 0; pw < PW; pw++) {
              const iw = ow * s.strideW - s.padLeft + pw;
              if (iw < 0 || iw >= W) continue;
              const i = ((n * H + ih) * W + iw) * C + c;
              if (bestIndex < 0 || beats(x[i], best)) {
                best = x[i];
                bestIndex = i;
              }
            }
          }
          dx[bestIndex] += dy[((n * OH + oh) * OW + ow) * C + c];
        }
      }
    }
  }
}
