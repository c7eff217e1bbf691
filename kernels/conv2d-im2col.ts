// 2-D convolution as a matrix multiply (im2col + GEMM). Same math as conv2d.ts:
//   y[n,oh,ow,co] = b[co] + Σ_{kh,kw,ci} x[n, oh·sH − padTop + kh·dH, ow·sW − padLeft + kw·dW, ci] · w[kh,kw,ci,co]
//
// Buffers (legend in conv-shape.ts; M = N·OH·OW output pixels, KKC = KH·KW·CI taps per pixel):
//   x     [N, H, W, CI]        w  [KH, KW, CI, CO] = a [KKC, CO] matrix, no reshuffle needed
//   cols  [M, KKC]             row (n,oh,ow) holds the KH·KW·CI inputs its window sees
//   y     [N, OH, OW, CO]      = a [M, CO] matrix
//
//   forward         y     = cols · W + b          gemm 'nn' (M × CO × KKC)          overwrites y
//   input grad      dcols = dY · Wᵀ, dx += col2im  gemm 'nt' (M × KKC × CO)          accumulates dx
//   filter grad     dW   += colsᵀ · dY            gemm 'tn' (KKC × CO × M)          accumulates dw
//
// What it optimizes: the direct loops do one multiply-add per load; as a GEMM the same work
// runs through a GEMM's register tiles. The price is the cols matrix (KH·KW times the input),
// which the forward fills and the caller keeps for the filter gradient.
//
// Which GEMM is the caller's choice, passed in (`gemm`, with gemm.ts's contract): gemmBlocked in
// plain JS (tatami/infer's default, any engine), or gemm-fast.ts's WebAssembly SIMD one (the fast
// tables, conv2d-fast.ts). Passing it keeps the SIMD modules out of a bundle that only needs JS.

import type { Conv2dShape } from './conv-shape.js';
import type { gemmBlocked, gemmBlockedBias } from './gemm.js';

/** A GEMM with gemm.ts's contract: gemmBlocked, gemmFast, gemmNaive. */
export type Gemm = typeof gemmBlocked;
/** A GEMM with a bias row and a fused ReLU, gemmBlockedBias's contract: gemmBlockedBias, gemmFastBias. */
export type GemmBias = typeof gemmBlockedBias;

/**
 * True when the im2col matrix equals x itself: a 1×1 kernel, stride 1, no padding. Then x
 * [N,H,W,CI] already is [M, CI] with one row per output pixel. (Dilation is irrelevant for 1×1.)
 * Callers may pass `x` as `cols` in that case and skip allocating a copy.
 */
export function im2colIsIdentity(s: Conv2dShape): boolean {
  return s.KH === 1 && s.KW === 1 && s.strideH === 1 && s.strideW === 1 &&
    s.padTop === 0 && s.padLeft === 0 && s.OH === s.H && s.OW === s.W;
}

/**
 * cols [N·OH·OW, KH·KW·CI] ← the receptive field of every output pixel; padded taps are 0.
 * Overwrites cols.  cols[(n,oh,ow), (kh,kw,ci)] = x[n, oh·sH − padTop + kh·dH, ow·sW − padLeft + kw·dW, ci]
 */
export function im2col(cols: Float32Array, x: Float32Array, s: Conv2dShape): void {
  const { N, H, W, CI, KH, KW, OH, OW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = s;
  const rowLen = KW * CI; // one kernel row of taps: KW·CI floats in cols
  // With dilation 1, the KW taps of one kernel row are KW neighbouring pixels, i.e. KW·CI
  // consecutive floats of x: copy them as one run instead of KW runs of CI (CI is 1 in the
  // first layer, where per-tap bookkeeping would cost more than the copy).
  const contiguousRow = dilationW === 1;
  let dst = 0; // write position in cols, advances through it exactly once
  for (let n = 0; n < N; n++) {
    const xImage = n * H * W * CI; // x[n, 0, 0, 0]
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * strideH - padTop;
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * strideW - padLeft;
        // Fast path applies when the whole kernel row lies inside the image horizontally.
        const rowInside = contiguousRow && iw0 >= 0 && iw0 + KW <= W;
        for (let kh = 0; kh < KH; kh++) {
          const ih = ih0 + kh * dilationH;
          if (ih < 0 || ih >= H) {
            // Padded kernel row: every tap reads 0.
            for (let t = 0; t < rowLen; t++) cols[dst + t] = 0;
            dst += rowLen;
            continue;
          }
          const xRow = xImage + ih * W * CI; // x[n, ih, 0, 0]
          if (rowInside) {
            const src = xRow + iw0 * CI;
            for (let t = 0; t < rowLen; t++) cols[dst + t] = x[src + t];
            dst += rowLen;
            continue;
          }
          for (let kw = 0; kw < KW; kw++) {
            const iw = iw0 + kw * dilationW;
            if (iw < 0 || iw >= W) {
              for (let ci = 0; ci < CI; ci++) cols[dst + ci] = 0;
            } else {
              const src = xRow + iw * CI;
              for (let ci = 0; ci < CI; ci++) cols[dst + ci] = x[src + ci];
            }
            dst += CI;
          }
        }
      }
    }
  }
}

/**
 * dx [N,H,W,CI] += the scatter of dcols [N·OH·OW, KH·KW·CI] back onto the input pixels each
 * tap read (the adjoint of im2col). Padded taps are dropped. Accumulates.
 */
export function col2im(dx: Float32Array, dcols: Float32Array, s: Conv2dShape): void {
  col2imRows(dx, dcols, s, 0, s.N * s.OH * s.OW);
}

/**
 * col2im for output pixels r0 ≤ r < r1 only (r = (n·OH + oh)·OW + ow); dcols holds just those
 * rows, starting at offset 0. Lets the input gradient run in chunks that stay in cache.
 */
function col2imRows(dx: Float32Array, dcols: Float32Array, s: Conv2dShape, r0: number, r1: number): void {
  const { H, W, CI, KH, KW, OH, OW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = s;
  const rowLen = KW * CI;
  const contiguousRow = dilationW === 1; // as in im2col: one run of KW·CI floats per kernel row
  let src = 0; // read position in dcols
  for (let r = r0; r < r1; r++) {
    // Decode the output pixel of this row (once per KKC taps, so the divisions are cheap).
    const ow = r % OW;
    const t = (r - ow) / OW;
    const oh = t % OH;
    const n = (t - oh) / OH;
    const xImage = n * H * W * CI;
    const ih0 = oh * strideH - padTop;
    const iw0 = ow * strideW - padLeft;
    const rowInside = contiguousRow && iw0 >= 0 && iw0 + KW <= W;
    for (let kh = 0; kh < KH; kh++) {
      const ih = ih0 + kh * dilationH;
      if (ih < 0 || ih >= H) {
        src += rowLen; // padded kernel row: its gradient has nowhere to go
        continue;
      }
      const xRow = xImage + ih * W * CI;
      if (rowInside) {
        const dst = xRow + iw0 * CI;
        for (let q = 0; q < rowLen; q++) dx[dst + q] += dcols[src + q];
        src += rowLen;
        continue;
      }
      for (let kw = 0; kw < KW; kw++) {
        const iw = iw0 + kw * dilationW;
        if (iw >= 0 && iw < W) {
          const dst = xRow + iw * CI;
          for (let ci = 0; ci < CI; ci++) dx[dst + ci] += dcols[src + ci];
        }
        src += CI;
      }
    }
  }
}

/**
 * y [N,OH,OW,CO] = im2col(x) · w + bias, then with `relu` clamped (relu.ts's reluInPlace; `gemm`
 * applies it with the bias, see gemm.ts's gemmBlockedBias). Overwrites y.
 * Fills `cols` [N·OH·OW, KH·KW·CI] (caller-provided; keep it for conv2dBackwardFilterIm2col).
 * When {@link im2colIsIdentity}, x is multiplied directly; `cols` may then be x itself.
 */
export function conv2dForwardIm2col(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape,
  cols: Float32Array, gemm: GemmBias, relu = false,
): void {
  const M = s.N * s.OH * s.OW;
  const KKC = s.KH * s.KW * s.CI;
  let a = cols;
  if (im2colIsIdentity(s)) {
    // x is already the cols matrix: multiply it directly, and copy it only if the caller
    // handed a separate buffer (the filter gradient will read cols).
    if (cols !== x) cols.set(x.subarray(0, M * KKC));
    a = x;
  } else {
    im2col(cols, x, s);
  }
  // The bias and the ReLU are folded into the GEMM's store, so y is written exactly once: for the
  // memory-bound first layer (K = KKC = 9, 22 MB of output) a separate bias or ReLU pass over y
  // would cost as much as the multiply.
  gemm(y, a, w, bias, M, s.CO, KKC, 'nn', false, relu);
}

// Rows of dcols computed per chunk in the input gradient: ~1 MB of floats, so a chunk written
// by the GEMM is still in cache when col2im reads it back, and the scratch stays small.
const DCOLS_CHUNK_FLOATS = 1 << 18;
// Module-level scratch for the dcols chunk, grown on demand and reused across calls: the
// backward pass runs every batch, and a fresh buffer per call would page-fault and churn the GC.
let dcolsScratch = new Float32Array(0); // (rows per chunk, KKC)

/**
 * dx [N,H,W,CI] += ∂(Σ y·dy)/∂x, computed as col2im(dY · Wᵀ). Accumulates.
 * Pointwise convs (im2colIsIdentity) skip col2im: dx += dY · Wᵀ directly.
 */
export function conv2dBackwardInputIm2col(
  dx: Float32Array, dy: Float32Array, w: Float32Array, s: Conv2dShape, gemm: Gemm,
): void {
  const M = s.N * s.OH * s.OW;
  const KKC = s.KH * s.KW * s.CI;
  if (im2colIsIdentity(s)) {
    // dx viewed as [M, CI]: dx += dY [M, CO] · (w [CI, CO])ᵀ, accumulated in place.
    gemm(dx, dy, w, M, s.CI, s.CO, 'nt', true);
    return;
  }
  const chunkRows = Math.max(1, Math.min(M, Math.floor(DCOLS_CHUNK_FLOATS / KKC)));
  if (dcolsScratch.length < chunkRows * KKC) {
    dcolsScratch = new Float32Array(chunkRows * KKC); // (chunkRows, KKC)
  }
  const dcols = dcolsScratch;
  for (let r0 = 0; r0 < M; r0 += chunkRows) {
    const rows = Math.min(chunkRows, M - r0);
    // dcols [rows, KKC] = dY[r0 .. r0+rows] [rows, CO] · (w as [KKC, CO])ᵀ, overwriting the chunk.
    gemm(dcols, dy.subarray(r0 * s.CO, (r0 + rows) * s.CO), w, rows, KKC, s.CO, 'nt', false);
    col2imRows(dx, dcols, s, r0, r0 + rows);
  }
}

/**
 * dw [KH,KW,CI,CO] += colsᵀ · dY, with cols the matrix conv2dForwardIm2col filled (or x for a
 * pointwise conv). Accumulates. The GEMM is 'tn' with a tiny M = KKC and a huge K = N·OH·OW:
 * the blocked GEMMs walk K in blocks, reading cols and dY front to back once.
 */
export function conv2dBackwardFilterIm2col(
  dw: Float32Array, dy: Float32Array, cols: Float32Array, s: Conv2dShape, gemm: Gemm,
): void {
  const M = s.N * s.OH * s.OW;
  const KKC = s.KH * s.KW * s.CI;
  gemm(dw, cols, dy, KKC, s.CO, M, 'tn', true);
}
