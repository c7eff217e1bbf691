// Depthwise convolution on WebAssembly SIMD, for output channels CO = CI·M a multiple of 4; the
// math of depthwise-conv2d.ts. With depth multiplier M = 1 (MobileNet's case), C = CI = CO:
//
//   forward  y[n,oh,ow,c]  = b[c] + Σ_{kh,kw} x[n, ih, iw, c] · w[kh,kw,c]      (overwrites y)
//   input    dx[n,ih,iw,c] += Σ dy[n,oh,ow,c] · w[kh,kw,c]                       (accumulates)
//   filter   dw[kh,kw,c]   += Σ_{n,oh,ow} dy[n,oh,ow,c] · x[n,ih,iw,c]           (accumulates)
//   with ih = oh·sH − padTop + kh·dH, iw = ow·sW − padLeft + kw·dW inside the image.
//
// Buffers (legend in conv-shape.ts): x, dx [N, H, W, C]; w, dw [KH, KW, C] (= [KH, KW, C, 1]);
// b [C] (or null); y, dy [N, OH, OW, C].
//
// What it optimizes: the channel-rows kernels (depthwise-conv2d-rows.ts) handle one float per
// operation and, in the forward, read and write y once per tap. Here four channels are one
// instruction and the forward sums a pixel's taps in a register, storing y once. The module
// (wasm/depthwise-conv2d-module.ts) computes a run of neighbouring output pixels that see the same
// rectangle of taps inside the image; this driver splits each output row into such runs (the
// border pixels, whose windows hang over the padding, and the interior between them), so the
// padding costs no test per tap. Operands cross into the shared wasm heap (wasm/heap.ts) with one
// TypedArray.set each. The filter gradient sums each output row in float32 lanes, then adds the
// row's sums into float64 (a whole batch in float32 would lose digits over N·OH·OW terms).
//
// M > 1 becomes M = 1: output channel co = ci·M + m reads input channel ci, so with x expanded to
// xM [N, H, W, CO] (each channel repeated M times, one pass over x), it is a depthwise conv of xM
// with the same w read as [KH, KW, CO, 1]. The input gradient then sums each group of M channels
// of dxM back into dx.
//
// Each runs on `heap` (default: the engine's); when it cannot grow to hold the operands, the
// channel-rows twin (depthwise-conv2d-rows.ts) runs instead. The heap is asked first, before any
// expansion: its layout is that of the M = 1 convolution over CO channels whatever M is.
//
// Only call these when depthwiseSimdApplies (and simdAvailable); depthwise-conv2d-fast.ts chooses.
// (The expanded input and dxM are allocated per call: M > 1 is the rarer case.)

import type { DepthwiseConv2dShape } from './depthwise-conv2d.js';
import { depthwiseConv2dForwardRows, depthwiseConv2dBackwardInputRows, depthwiseConv2dBackwardFilterRows } from './depthwise-conv2d-rows.js';
import { depthwiseConv2dModuleBytes } from './wasm/depthwise-conv2d-module.js';
import { engineHeap, vec4Ceil, type WasmHeap } from './wasm/heap.js';

/** The run arguments after the three buffers (bytes; see the module's header). */
type RunArgs = [nPix: number, xPixStep: number, cVec: number, nKh: number, nKw: number, xRowStep: number, xColStep: number, wRowStep: number, wColStep: number];

interface DepthwiseExports {
  dw_forward(y: number, x: number, w: number, bias: number, ...run: RunArgs): void;
  dw_input_grad(dx: number, dy: number, w: number, unused: number, ...run: RunArgs): void;
  dw_filter_grad(dw: number, dy: number, x: number, unused: number, ...run: RunArgs): void;
}

// Built and instantiated on a heap at its first call there, then the same instance (WasmHeap.instance).
const exports = (heap: WasmHeap): DepthwiseExports => heap.instance('depthwise-conv2d', depthwiseConv2dModuleBytes) as unknown as DepthwiseExports;

/** True for the shapes these kernels compute: output channels CI·M a multiple of 4. */
export function depthwiseSimdApplies(s: DepthwiseConv2dShape): boolean {
  return s.CO % 4 === 0;
}

/** The same convolution with M = 1 over the expanded input xM [N, H, W, CI·M]. */
function expandedShape(s: DepthwiseConv2dShape): DepthwiseConv2dShape {
  return { ...s, CI: s.CO, M: 1 };
}

/** xM [N,H,W,CI·M]: every channel of x repeated M times (see the header). */
function expandChannels(x: Float32Array, s: DepthwiseConv2dShape): Float32Array {
  const { CI, M, CO } = s;
  const pixels = s.N * s.H * s.W;
  const xM = new Float32Array(pixels * CO); // (N, H, W, CI·M)
  let o = 0; // write position in xM, front to back
  for (let i = 0; i < pixels * CI; i++) {
    const v = x[i];
    for (let m = 0; m < M; m++) xM[o++] = v;
  }
  return xM;
}

/** The taps k (of K, spacing d) that land inside [0, size) from window start i0: [first, end). */
function tapRange(i0: number, K: number, d: number, size: number): [number, number] {
  return [i0 >= 0 ? 0 : Math.ceil(-i0 / d), Math.min(K, Math.ceil((size - i0) / d))];
}

/**
 * One run of output pixels [ow, ow + nPix) of row (n, oh): the float offsets of its first pixel
 * (into y/dy), of its first inside tap (into x/dx and into w/dw), and the run arguments; or, when
 * no tap lies inside, `taps` null.
 */
interface Run { n: number; oh: number; yAt: number; nPix: number; xAt: number; wAt: number; taps: RunArgs | null }

/** Calls `visit` for every run, row by row (`rowDone` after each row of n, oh). */
function forEachRun(s: DepthwiseConv2dShape, visit: (r: Run) => void, rowDone: () => void = () => undefined): void {
  const { N, H, W, KH, KW, OH, OW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = s;
  const C = s.CO;
  const pix = C * 4; // bytes per pixel
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * strideH - padTop;
      const [kh0, kh1] = tapRange(ih0, KH, dilationH, H);
      let ow = 0;
      while (ow < OW) {
        // A run: the pixels from ow on whose windows keep the same columns inside the image.
        const iw0 = ow * strideW - padLeft;
        const [kw0, kw1] = tapRange(iw0, KW, dilationW, W);
        let end = ow + 1;
        while (end < OW) {
          const [a, b] = tapRange(end * strideW - padLeft, KW, dilationW, W);
          if (a !== kw0 || b !== kw1) break;
          end++;
        }
        const inside = kh1 > kh0 && kw1 > kw0; // with dilation a window may have no tap inside
        visit({
          n, oh, yAt: ((n * OH + oh) * OW + ow) * C, nPix: end - ow,
          xAt: ((n * H + ih0 + kh0 * dilationH) * W + iw0 + kw0 * dilationW) * C,
          wAt: (kh0 * KW + kw0) * C,
          taps: inside ? [end - ow, strideW * pix, C / 4, kh1 - kh0, kw1 - kw0, dilationH * W * pix, dilationW * pix, KW * pix, pix] : null,
        });
        ow = end;
      }
      rowDone();
    }
  }
}

/** y [N,OH,OW,CO] = depthwise conv(x, w) + bias, CO % 4 = 0. Overwrites y. The rows twin when `heap` cannot grow. */
export function depthwiseConv2dForwardSimd(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: DepthwiseConv2dShape, heap: WasmHeap = engineHeap(),
): void {
  const C = s.CO;
  const wLen = s.KH * s.KW * C, xLen = s.N * s.H * s.W * C, yLen = s.N * s.OH * s.OW * C; // x: expanded when M > 1
  // Heap, in floats, every operand 16-byte aligned: w, bias, x, y.
  const W_AT = 0, B_AT = vec4Ceil(wLen), X_AT = B_AT + C, Y_AT = X_AT + xLen;
  const views = heap.views((Y_AT + yLen) * 4);
  if (views === null) {
    depthwiseConv2dForwardRows(y, x, w, bias, s); // the heap cannot grow
    return;
  }
  if (s.M > 1) {
    depthwiseConv2dForwardSimd(y, expandChannels(x, s), w, bias, expandedShape(s), heap);
    return;
  }
  const { f32 } = views;
  f32.set(w.subarray(0, wLen), W_AT);
  if (bias === null) f32.fill(0, B_AT, B_AT + C);
  else f32.set(bias.subarray(0, C), B_AT);
  f32.set(x.subarray(0, xLen), X_AT);
  const k = exports(heap);
  forEachRun(s, (r) => {
    const at = Y_AT + r.yAt;
    if (r.taps === null) {
      for (let p = 0; p < r.nPix; p++) f32.copyWithin(at + p * C, B_AT, B_AT + C); // only the bias
    } else {
      k.dw_forward(at * 4, (X_AT + r.xAt) * 4, (W_AT + r.wAt) * 4, B_AT * 4, ...r.taps);
    }
  });
  y.set(f32.subarray(Y_AT, Y_AT + yLen));
}

/** dx [N,H,W,CI] += ∂(Σ y·dy)/∂x, CO % 4 = 0. Accumulates. The rows twin when `heap` cannot grow. */
export function depthwiseConv2dBackwardInputSimd(
  dx: Float32Array, dy: Float32Array, w: Float32Array, s: DepthwiseConv2dShape, heap: WasmHeap = engineHeap(),
): void {
  const C = s.CO;
  const wLen = s.KH * s.KW * C, xLen = s.N * s.H * s.W * C, yLen = s.N * s.OH * s.OW * C; // dx: expanded when M > 1
  // Heap: w, dy, dx (copied in, so the kernel adds onto what the caller had).
  const W_AT = 0, DY_AT = vec4Ceil(wLen), DX_AT = DY_AT + yLen;
  const views = heap.views((DX_AT + xLen) * 4);
  if (views === null) {
    depthwiseConv2dBackwardInputRows(dx, dy, w, s); // the heap cannot grow
    return;
  }
  if (s.M > 1) {
    // dxM for the expanded input, then each input channel collects its M copies.
    const { CI, M, CO } = s;
    const dxM = new Float32Array(s.N * s.H * s.W * CO); // (N, H, W, CI·M)
    depthwiseConv2dBackwardInputSimd(dxM, dy, w, expandedShape(s), heap);
    for (let p = 0; p < s.N * s.H * s.W; p++) {
      for (let ci = 0; ci < CI; ci++) {
        let g = 0;
        for (let m = 0; m < M; m++) g += dxM[p * CO + ci * M + m];
        dx[p * CI + ci] += g;
      }
    }
    return;
  }
  const { f32 } = views;
  f32.set(w.subarray(0, wLen), W_AT);
  f32.set(dy.subarray(0, yLen), DY_AT);
  f32.set(dx.subarray(0, xLen), DX_AT);
  const k = exports(heap);
  forEachRun(s, (r) => {
    if (r.taps !== null) k.dw_input_grad((DX_AT + r.xAt) * 4, (DY_AT + r.yAt) * 4, (W_AT + r.wAt) * 4, 0, ...r.taps);
  });
  dx.set(f32.subarray(DX_AT, DX_AT + xLen));
}

/**
 * dw [KH,KW,CI,M] += ∂(Σ y·dy)/∂w, CO % 4 = 0; float32 per output row, float64 across rows.
 * Accumulates. The rows twin when `heap` cannot grow.
 */
export function depthwiseConv2dBackwardFilterSimd(
  dw: Float32Array, dy: Float32Array, x: Float32Array, s: DepthwiseConv2dShape, heap: WasmHeap = engineHeap(),
): void {
  const C = s.CO;
  const wLen = s.KH * s.KW * C, xLen = s.N * s.H * s.W * C, yLen = s.N * s.OH * s.OW * C; // x: expanded when M > 1
  // Heap: the row's float32 sums [KH, KW, C], dy, x.
  const A_AT = 0, DY_AT = vec4Ceil(wLen), X_AT = DY_AT + yLen;
  const views = heap.views((X_AT + xLen) * 4);
  if (views === null) {
    depthwiseConv2dBackwardFilterRows(dw, dy, x, s); // the heap cannot grow
    return;
  }
  if (s.M > 1) {
    depthwiseConv2dBackwardFilterSimd(dw, dy, expandChannels(x, s), expandedShape(s), heap);
    return;
  }
  const { f32 } = views;
  f32.fill(0, A_AT, A_AT + wLen);
  f32.set(dy.subarray(0, yLen), DY_AT);
  f32.set(x.subarray(0, xLen), X_AT);
  const total = new Float64Array(wLen); // (KH, KW, C)
  const k = exports(heap);
  forEachRun(s, (r) => {
    if (r.taps !== null) k.dw_filter_grad((A_AT + r.wAt) * 4, (DY_AT + r.yAt) * 4, (X_AT + r.xAt) * 4, 0, ...r.taps);
  }, () => {
    // One output row summed: move it into float64 and start the next row from 0.
    for (let i = 0; i < wLen; i++) total[i] += f32[A_AT + i];
    f32.fill(0, A_AT, A_AT + wLen);
  });
  for (let i = 0; i < wLen; i++) dw[i] += total[i];
}
