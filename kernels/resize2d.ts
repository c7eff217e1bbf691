/**
 * Image resizing, NHWC, as TensorFlow 2's tf.image.resize (which Keras's UpSampling2D and Resizing
 * call): half-pixel centers, no corner alignment, no antialiasing.
 *
 * An output pixel o on an axis of input size S and output size OS looks at the input coordinate
 *   src(o) = (o + ½)·S/OS − ½
 *
 *   nearest:  out[n, oh, ow, c] = x[n, min(⌊(oh + ½)·H/OH⌋, H − 1), min(⌊(ow + ½)·W/OW⌋, W − 1), c]
 *             (for an integer factor s this is x[⌊oh/s⌋]: each pixel repeated s times)
 *   bilinear: with y0 = max(⌊src⌋, 0), y1 = min(⌈src⌉, S − 1), λ = src − ⌊src⌋ on each axis,
 *             out = (1−λy)·[(1−λx)·x[y0,x0] + λx·x[y0,x1]] + λy·[(1−λx)·x[y1,x0] + λx·x[y1,x1]]
 *             (near the border src < 0, and y0 = y1 = 0: the edge pixel is repeated)
 *
 * Buffers: x [N, H, W, C], out / dout [N, OH, OW, C], dx [N, H, W, C]. Forwards overwrite out;
 * backwards accumulate into dx (each output spreads its gradient with the same weights).
 */
export interface Resize2dShape {
  readonly N: number;
  readonly H: number;
  readonly W: number;
  readonly C: number;
  readonly OH: number;
  readonly OW: number;
}

/** For each output index on one axis: the two input indices and the weight of the second. */
interface AxisTaps {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly lambda: Float32Array;
}

function bilinearTaps(size: number, outSize: number): AxisTaps {
  const lo = new Int32Array(outSize); // (outSize,)
  const hi = new Int32Array(outSize); // (outSize,)
  const lambda = new Float32Array(outSize); // (outSize,)
  const scale = size / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = (o + 0.5) * scale - 0.5;
    const f = Math.floor(src);
    lo[o] = Math.max(f, 0);
    hi[o] = Math.min(Math.ceil(src), size - 1);
    lambda[o] = src - f;
  }
  return { lo, hi, lambda };
}

function nearestTaps(size: number, outSize: number): Int32Array {
  const idx = new Int32Array(outSize); // (outSize,)
  const scale = size / outSize;
  for (let o = 0; o < outSize; o++) idx[o] = Math.min(Math.floor((o + 0.5) * scale), size - 1);
  return idx;
}

/** out = nearest-neighbour resize of x; overwrites out. */
export function resizeNearestForward(out: Float32Array, x: Float32Array, s: Resize2dShape): void {
  const { N, H, W, C, OH, OW } = s;
  const ys = nearestTaps(H, OH);
  const xs = nearestTaps(W, OW);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const inRow = (n * H + ys[oh]) * W;
      const outRow = (n * OH + oh) * OW;
      for (let ow = 0; ow < OW; ow++) {
        const src = (inRow + xs[ow]) * C;
        out.set(x.subarray(src, src + C), (outRow + ow) * C);
      }
    }
  }
}

/** dx += the nearest-neighbour resize's adjoint of dout: each input pixel sums the outputs that copied it. */
export function resizeNearestBackward(dx: Float32Array, dout: Float32Array, s: Resize2dShape): void {
  const { N, H, W, C, OH, OW } = s;
  const ys = nearestTaps(H, OH);
  const xs = nearestTaps(W, OW);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const inRow = (n * H + ys[oh]) * W;
      const outRow = (n * OH + oh) * OW;
      for (let ow = 0; ow < OW; ow++) {
        const d = (inRow + xs[ow]) * C;
        const o = (outRow + ow) * C;
        for (let c = 0; c < C; c++) dx[d + c] += dout[o + c];
      }
    }
  }
}

/** out = bilinear resize of x (half-pixel centers); overwrites out. */
export function resizeBilinearForward(out: Float32Array, x: Float32Array, s: Resize2dShape): void {
  const { N, H, W, C, OH, OW } = s;
  const ty = bilinearTaps(H, OH);
  const tx = bilinearTaps(W, OW);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const r0 = (n * H + ty.lo[oh]) * W;
      const r1 = (n * H + ty.hi[oh]) * W;
      const ly = ty.lambda[oh];
      for (let ow = 0; ow < OW; ow++) {
        const lx = tx.lambda[ow];
        const p00 = (r0 + tx.lo[ow]) * C;
        const p01 = (r0 + tx.hi[ow]) * C;
        const p10 = (r1 + tx.lo[ow]) * C;
        const p11 = (r1 + tx.hi[ow]) * C;
        const o = ((n * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          // As TensorFlow: interpolate along x on both rows, then along y.
          const top = x[p00 + c] + (x[p01 + c] - x[p00 + c]) * lx;
          const bottom = x[p10 + c] + (x[p11 + c] - x[p10 + c]) * lx;
          out[o + c] = top + (bottom - top) * ly;
        }
      }
    }
  }
}

/** dx += the bilinear resize's adjoint of dout: each output's gradient goes to its four taps, weighted. */
export function resizeBilinearBackward(dx: Float32Array, dout: Float32Array, s: Resize2dShape): void {
  const { N, H, W, C, OH, OW } = s;
  const ty = bilinearTaps(H, OH);
  const tx = bilinearTaps(W, OW);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const r0 = (n * H + ty.lo[oh]) * W;
      const r1 = (n * H + ty.hi[oh]) * W;
      const ly = ty.lambda[oh];
      for (let ow = 0; ow < OW; ow++) {
        const lx = tx.lambda[ow];
        const w00 = (1 - ly) * (1 - lx);
        const w01 = (1 - ly) * lx;
        const w10 = ly * (1 - lx);
        const w11 = ly * lx;
        const p00 = (r0 + tx.lo[ow]) * C;
        const p01 = (r0 + tx.hi[ow]) * C;
        const p10 = (r1 + tx.lo[ow]) * C;
        const p11 = (r1 + tx.hi[ow]) * C;
        const o = ((n * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          const g = dout[o + c];
          dx[p00 + c] += w00 * g;
          dx[p01 + c] += w01 * g;
          dx[p10 + c] += w10 * g;
          dx[p11 + c] += w11 * g;
        }
      }
    }
  }
}
