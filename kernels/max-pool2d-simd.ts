// 2×2 stride-2 max-pooling over NHWC on WebAssembly SIMD, bit-for-bit the same y and argmax as
// maxPool2dForward / maxPool2dForwardNaive (max-pool2d.ts):
//
//   y[n,oh,ow,c]      = max over ph, pw ∈ {0,1} of x[n, 2oh + ph, 2ow + pw, c]      (overwrites y)
//   argmax[n,oh,ow,c] = flat index ((n·H + ih)·W + iw)·C + c of the first maximum   (overwrites argmax)
//
// Buffers: x [N, H, W, C], y [N, OH, OW, C], argmax [N, OH, OW, C] (Int32Array).
//
// What it optimizes: the classic CNN's pool (2×2, stride 2, 'valid', C = 128): the JS kernel
// compares one float at a time at ~4 ns each. Here x crosses into wasm memory with one
// TypedArray.set, the module (wasm/max-pool2d-module.ts) keeps a running max and its indices
// for 4 channels in two v128 registers, and y and argmax come back with one set each.
// Ties, NaN and −∞ resolve exactly as in the JS kernel (same cell order, same `beats` rule).
//
// Every other shape (other windows or strides, padding that places a window over the edge,
// C not a multiple of 4) runs maxPool2dForward (JS), so this function takes any Pool2dShape.
// Only call it when simdAvailable (gemm-simd.ts); max-pool2d-fast.ts picks for you.
//
// The backward (dx[argmax[i]] += dy[i]) stays in JS: see max-pool2d-fast.ts.

import type { Pool2dShape } from './conv-shape.js';
import { maxPool2dForward } from './max-pool2d.js';
import { maxPool2dModuleBytes } from './wasm/max-pool2d-module.js';
import { engineHeap, type WasmHeap } from './wasm/heap.js';

/** The module's export; addresses in bytes, sizes in elements. */
type MaxPool2x2Fn = (x: number, y: number, argmax: number, N: number, H: number, W: number, C: number, OH: number, OW: number) => void;


/** True for the shapes the SIMD module computes: 2×2 windows, stride 2, no window over the edge, C % 4 = 0. */
export function isMaxPool2x2Simd(s: Pool2dShape): boolean {
  return s.PH === 2 && s.PW === 2 && s.strideH === 2 && s.strideW === 2 && s.padTop === 0 && s.padLeft === 0 &&
    2 * s.OH <= s.H && 2 * s.OW <= s.W && s.C % 4 === 0;
}

/**
 * Max-pool forward; SIMD for 2×2 stride-2 windows inside the image with C % 4 = 0, else
 * {@link maxPool2dForward}. `argmax` null: no backward will run (inference), so the indices stay in
 * wasm memory instead of being copied out (the JS kernel writes them to a scratch array). On `heap`
 * (default: the engine's); when it cannot grow, maxPool2dForward.
 */
export function maxPool2dForwardSimd(y: Float32Array, argmax: Int32Array | null, x: Float32Array, s: Pool2dShape, heap: WasmHeap = engineHeap()): void {
  const { N, H, W, C, OH, OW } = s;
  // Heap, in 4-byte elements (C % 4 = 0 keeps every operand 16-byte aligned). x sits at 0, so the
  // module's flat indices (address − x)/4 are indices into the caller's x.
  const inSize = N * H * W * C;
  const outSize = N * OH * OW * C;
  const X_AT = 0; // (N, H, W, C)
  const Y_AT = X_AT + inSize; // (N, OH, OW, C) f32
  const A_AT = Y_AT + outSize; // (N, OH, OW, C) i32
  // The JS kernel for other windows, and when the heap cannot grow (the same results).
  const views = isMaxPool2x2Simd(s) ? heap.views((A_AT + outSize) * 4) : null;
  if (views === null) {
    maxPool2dForward(y, argmax ?? new Int32Array(y.length), x, s);
    return;
  }
  const maxPool2x2 = heap.instance('max-pool2d', maxPool2dModuleBytes).max_pool_2x2 as MaxPool2x2Fn;
  views.f32.set(x.subarray(0, inSize), X_AT);
  maxPool2x2(X_AT * 4, Y_AT * 4, A_AT * 4, N, H, W, C, OH, OW);
  y.set(views.f32.subarray(Y_AT, Y_AT + outSize));
  argmax?.set(views.i32.subarray(A_AT, A_AT + outSize));
}
