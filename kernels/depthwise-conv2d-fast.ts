// The depthwise convolution the rest of tatami calls (src/ops/depthwise-conv2d.ts): the
// WebAssembly SIMD kernels (depthwise-conv2d-simd.ts) where the engine has SIMD and the shape fits
// them (output channels CI·M a multiple of 4), else the channel-rows kernels
// (depthwise-conv2d-rows.ts). Same contract as depthwise-conv2d.ts: forward overwrites y, the
// backward kernels accumulate. Why a switch at all: see gemm-fast.ts.

import type { DepthwiseConv2dShape } from './depthwise-conv2d.js';
import { depthwiseConv2dForwardRows, depthwiseConv2dBackwardInputRows, depthwiseConv2dBackwardFilterRows } from './depthwise-conv2d-rows.js';
import {
  depthwiseConv2dForwardSimd, depthwiseConv2dBackwardInputSimd, depthwiseConv2dBackwardFilterSimd, depthwiseSimdApplies,
} from './depthwise-conv2d-simd.js';
import { simdAvailable } from './gemm-simd.js';

/** y = depthwise conv(x, w) + bias, by SIMD when it applies, else by channel rows. Overwrites y. */
export function depthwiseConv2dForwardFast(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: DepthwiseConv2dShape,
): void {
  if (simdAvailable && depthwiseSimdApplies(s)) depthwiseConv2dForwardSimd(y, x, w, bias, s);
  else depthwiseConv2dForwardRows(y, x, w, bias, s);
}

/** dx += ∂/∂x, by SIMD when it applies, else by channel rows. Accumulates. */
export function depthwiseConv2dBackwardInputFast(dx: Float32Array, dy: Float32Array, w: Float32Array, s: DepthwiseConv2dShape): void {
  if (simdAvailable && depthwiseSimdApplies(s)) depthwiseConv2dBackwardInputSimd(dx, dy, w, s);
  else depthwiseConv2dBackwardInputRows(dx, dy, w, s);
}

/** dw += ∂/∂w, by SIMD when it applies, else by channel rows. Accumulates. */
export function depthwiseConv2dBackwardFilterFast(dw: Float32Array, dy: Float32Array, x: Float32Array, s: DepthwiseConv2dShape): void {
  if (simdAvailable && depthwiseSimdApplies(s)) depthwiseConv2dBackwardFilterSimd(dw, dy, x, s);
  else depthwiseConv2dBackwardFilterRows(dw, dy, x, s);
}
