// Depthwise convolution forward on WebAssembly SIMD, for depth multiplier 1 and channels a
// multiple of 4 (MobileNet's case); the math of depthwise-conv2d.ts:
//
//   y[n,oh,ow,c] = b[c] + Σ_{kh,kw} x[n, oh·sH − padTop + kh·dH, ow·sW − padLeft + kw·dW, c] · w[kh,kw,c]
//
// Buffers (legend in conv-shape.ts; M = 1, so CO = CI = C): x [N, H, W, C], w [KH, KW, C],
// b [C] (or null), y [N, OH, OW, C], overwritten.
//
// What it optimizes: the channel-rows kernel (depthwise-conv2d-rows.ts) reads and writes y once per
// tap, one float at a time. Here four channels are one instruction, and the KH·KW taps of a pixel
// are summed in a register before y is stored once. The module (wasm/depthwise-conv2d-module.ts)
// computes a run of neighbouring output pixels that see the same rectangle of taps inside the
// image; this driver splits each output row into such runs (the border pixels, whose windows
// hang over the padding, and the interior between them), so the padding costs no test per tap.
// Operands cross into the shared wasm heap (wasm/heap.ts) with one TypedArray.set each.
//
// Only call this when depthwiseSimdApplies (and simdAvailable); depthwise-conv2d-fast.ts chooses.

import type { DepthwiseConv2dShape } from './depthwise-conv2d.js';
import { depthwiseConv2dModuleBytes } from './wasm/depthwise-conv2d-module.js';
import { heapViews, instantiateOnHeap, vec4Ceil } from './wasm/heap.js';

interface DepthwiseExports {
  dw_run(
    y: number, x: number, w: number, bias: number, nPix: number, xPixStep: number, cVec: number,
    nKh: number, nKw: number, xRowStep: number, xColStep: number, wRowStep: number, wColStep: number,
  ): void;
}

// Instantiated at the first call, then reused.
let wasm: DepthwiseExports | null = null;
function exports(): DepthwiseExports {
  if (wasm === null) wasm = instantiateOnHeap(depthwiseConv2dModuleBytes()) as unknown as DepthwiseExports;
  return wasm;
}

/** True for the shapes this kernel computes: depth multiplier 1, channels a multiple of 4. */
export function depthwiseSimdApplies(s: DepthwiseConv2dShape): boolean {
  return s.M === 1 && s.CI % 4 === 0;
}

/** The taps k (of K, spacing d) that land inside [0, size) from window start i0: [first, end). */
function tapRange(i0: number, K: number, d: number, size: number): [number, number] {
  return [i0 >= 0 ? 0 : Math.ceil(-i0 / d), Math.min(K, Math.ceil((size - i0) / d))];
}

/** y [N,OH,OW,C] = depthwise conv(x, w) + bias, M = 1, C % 4 = 0. Overwrites y. */
export function depthwiseConv2dForwardSimd(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: DepthwiseConv2dShape,
): void {
  const { N, H, W, KH, KW, OH, OW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = s;
  const C = s.CO;
  // Heap layout, in floats, every operand 16-byte aligned: w, bias, x, y.
  const W_AT = 0; // (KH, KW, C)
  const B_AT = W_AT + vec4Ceil(KH * KW * C); // (C)
  const X_AT = B_AT + C; // (N, H, W, C)
  const Y_AT = X_AT + N * H * W * C; // (N, OH, OW, C)
  const { f32 } = heapViews((Y_AT + N * OH * OW * C) * 4);
  f32.set(w.subarray(0, KH * KW * C), W_AT);
  if (bias === null) f32.fill(0, B_AT, B_AT + C);
  else f32.set(bias.subarray(0, C), B_AT);
  f32.set(x.subarray(0, N * H * W * C), X_AT);
  const k = exports();
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
        const yAt = Y_AT + ((n * OH + oh) * OW + ow) * C;
        if (kh1 <= kh0 || kw1 <= kw0) {
          // Every tap falls in the padding (possible with dilation): the output is the bias.
          for (let p = 0; p < end - ow; p++) f32.copyWithin(yAt + p * C, B_AT, B_AT + C);
        } else {
          const xAt = X_AT + ((n * H + ih0 + kh0 * dilationH) * W + iw0 + kw0 * dilationW) * C; // first inside tap
          k.dw_run(
            yAt * 4, xAt * 4, (W_AT + (kh0 * KW + kw0) * C) * 4, B_AT * 4, end - ow, strideW * pix, C / 4,
            kh1 - kh0, kw1 - kw0, dilationH * W * pix, dilationW * pix, KW * pix, pix,
          );
        }
        ow = end;
      }
    }
  }
  y.set(f32.subarray(Y_AT, Y_AT + N * OH * OW * C));
}
