// The max-pool the rest of tatami calls: the WebAssembly SIMD forward (max-pool2d-simd.ts) where
// the engine has SIMD, the JS kernels (max-pool2d.ts) where it does not. Same contract and the
// same bits either way (see max-pool2d.ts):
//
//   forward:  y[n,oh,ow,c] = max over the window of x;  argmax = flat index of the first maximum  (overwrites)
//   backward: dx[argmax[i]] += dy[i]                                                              (accumulates)
//
// Why a switch at all: see gemm-fast.ts (SIMD is missing in Safari < 16.4 and when disabled).
// The backward is JS on every engine: it reads dy and argmax once and scatters, ~1 ns per output
// element here, less than copying dy, argmax and dx through wasm memory would cost.

import type { Pool2dShape } from './conv-shape.js';
import { maxPool2dForward, maxPool2dBackward } from './max-pool2d.js';
import { maxPool2dForwardSimd } from './max-pool2d-simd.js';
import { simdAvailable } from './gemm-simd.js';

/**
 * Max-pool forward by {@link maxPool2dForwardSimd} when SIMD is available, else {@link maxPool2dForward}.
 * `argmax` null when no backward will run (inference): the SIMD path then skips copying it out.
 */
export function maxPool2dForwardFast(y: Float32Array, argmax: Int32Array | null, x: Float32Array, s: Pool2dShape): void {
  if (simdAvailable) maxPool2dForwardSimd(y, argmax, x, s);
  else maxPool2dForward(y, argmax ?? new Int32Array(y.length), x, s);
}

/** Max-pool backward: {@link maxPool2dBackward} (JS on every engine; see the header). Accumulates into dx. */
export function maxPool2dBackwardFast(dx: Float32Array, dy: Float32Array, argmax: Int32Array, s: Pool2dShape): void {
  maxPool2dBackward(dx, dy, argmax, s);
}
