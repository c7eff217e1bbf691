/** The transposed convolution's kernels (ops/conv2d-transpose.ts). */
import type { Conv2dTransposeShape } from '../../kernels/conv2d-transpose.js';
import { conv2dTransposeForwardIm2col, conv2dTransposeCols, conv2dTransposeColsLength, conv2dTransposeBackwardInputIm2col, conv2dTransposeBackwardFilterIm2col } from '../../kernels/conv2d-transpose-im2col.js';
import { allocFloat32 } from '../storage.js';
import { chosenKernels } from '../kernel-table.js';

export interface Conv2dTransposeKernels {
  conv2dTransposeForward(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dTransposeShape): void;
  /** dx and dw (either may be null: not asked for) += the transposed conv's gradients. Accumulates. */
  conv2dTransposeBackward(dx: Float32Array | null, dw: Float32Array | null, dy: Float32Array, x: Float32Array, w: Float32Array, s: Conv2dTransposeShape): void;
}

export const fastConv2dTransposeKernels: Conv2dTransposeKernels = {
  conv2dTransposeForward: conv2dTransposeForwardIm2col,
  conv2dTransposeBackward(dx, dw, dy, x, w, s) {
    // Both gradients multiply the same im2col of dy: build it once.
    const cols = conv2dTransposeCols(allocFloat32(conv2dTransposeColsLength(s)), dy, s); // (N·H·W, KH·KW·CO)
    if (dx !== null) conv2dTransposeBackwardInputIm2col(dx, cols, w, s);
    if (dw !== null) conv2dTransposeBackwardFilterIm2col(dw, cols, x, s);
  },
};

/** The table the ops call into now (kernel-table.ts). */
export function conv2dTransposeKernels(): Conv2dTransposeKernels {
  return chosenKernels()?.conv2dTranspose ?? fastConv2dTransposeKernels;
}
