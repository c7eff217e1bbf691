// The fast 2-D convolution entries (src/kernel-tables/conv2d.ts): Winograd F(2×2, 3×3) for the
// stride-1 3×3 convolutions where it measured faster than im2col, and kernels/conv2d-fast.ts's choice
// (the direct SIMD kernels for few output channels, else im2col + GEMM) everywhere else. Where the
// direct kernels apply they run the forward and both gradients unless a Winograd measured faster
// there: the fused small-channel one (kernels/conv2d-winograd-small.ts, its filter gradient
// kernels/conv2d-winograd-small-dw.ts) between 8 and 32 channels a side (winogradSmallPays) takes all
// three, the chunked one the input gradient of more channel pairs (winogradInputGradBeatsDirect).

import { allocFloat32, releaseFloat32 } from './storage.js';
import type { Conv2dShape } from '../kernels/conv-shape.js';
import { engineHeap } from '../kernels/wasm/heap.js';
import { conv2dForwardDirect, conv2dBackwardInputDirect } from '../kernels/conv2d.js';
import { reluInPlace } from '../kernels/relu.js';
import { allFinite } from '../kernels/all-finite.js';
import { conv2dDirectSimdApplies, conv2dDirectSimdInputApplies } from '../kernels/conv2d-direct-simd.js';
import { conv2dKeptIsInput, conv2dForwardFast, conv2dBackwardInputFast, conv2dBackwardFilterFast } from '../kernels/conv2d-fast.js';
import { conv2dForwardWinograd, conv2dBackwardInputWinograd, winogradApplies, winogradScratchLength } from '../kernels/conv2d-winograd.js';
import { conv2dBackwardFilterWinograd, winogradFilterGradScratchLength } from '../kernels/conv2d-winograd-dw.js';
import { conv2dForwardWinogradSmall, conv2dBackwardInputWinogradSmall, winogradSmallApplies } from '../kernels/conv2d-winograd-small.js';
import { conv2dBackwardFilterBiasWinogradSmall } from '../kernels/conv2d-winograd-small-dw.js';

/**
 * True when Winograd F(2×2, 3×3) (kernels/conv2d-winograd.ts) beats im2col on this convolution: a
 * 3×3 kernel at stride 1, at least 4 input and output channels, and at least 256 output pixels
 * (N·OH·OW). Measured Winograd against im2col alone, on the winograd branch before the direct SIMD
 * convolution was merged (2026-11-29 05:43, one thread, same process, min of 21 calls, forward / dx
 * over im2col): won 1.2× / 1.6× at 4→16 channels on 28×28, 2.8× / 3.1× at 8→8, 2.5× / 2.7× at 16→16
 * on 14×14, 1.5× / 1.9× at 64→64 on 7×7 and 1.5× / 1.8× on 4×4 (batch 32), 1.8× / 1.7× on Keras's
 * convnet's second conv; lost with 1 input channel (the classic CNN's first layer: 0.2–0.3×), 2
 * (0.7×) and 3 (0.8×), and on one 8×8 image (0.5×: 64 pixels, too little work for the 16 GEMM
 * calls); one 14×14 image 32→64 was even (1.0× / 1.5×).
 *
 * The direct SIMD kernels come first where they apply (below), so of those wins the engine runs:
 * at 4→16 the dx only (16 output channels take the forward direct, 4 input channels leave dx to
 * Winograd); at 8→8 and 16→16 neither of this chunked Winograd (the fused small-channel one takes
 * them: winogradSmallPays); on Keras's convnet's second conv (32→64)
 * both (its dx could run direct, but Winograd beats that: winogradInputGradBeatsDirect); at 64→64 both.
 */
export function conv2dUsesWinograd(s: Conv2dShape): boolean {
  return winogradApplies(s) && s.CI >= 4 && s.CO >= 4 && s.N * s.OH * s.OW >= 256;
}

/** Winograd runs the forward (and so the filter gradient reads x): where it pays and the direct kernels do not apply. */
function winogradForward(s: Conv2dShape): boolean {
  return conv2dUsesWinograd(s) && !conv2dDirectSimdApplies(s);
}

/**
 * True when the fused small-channel Winograd (kernels/conv2d-winograd-small.ts) runs this
 * convolution's forward and input gradient: 3×3, stride 1, channel counts multiples of 8 with at
 * most 512 pairs (U [16, CI, CO] ≤ 32 KB, about L1), and 2×2 tiles that waste at most half the work.
 * Measured here against the direct SIMD kernels, which ran these layers before, and the chunked
 * Winograd (2026-11-29 09:25–09:30, one process, alternated, median of 36, load 1.1–1.5; relaxed
 * SIMD; forward / dx ms): the zoo resnet's 32×28×28×8→8 0.57 / 0.59 direct against 0.37 / 0.40
 * (1.51× / 1.48×) and 32×14×14×16→16 0.54 / 0.56 against 0.34 / 0.35 (1.60× / 1.61×); 28×28 8→16
 * 1.60× / 1.55×, 14×14 16→8 1.45× / 1.58×, 16→32 1.64× / 1.56×, 32→16 1.57× / 1.65×, 32→32 1.51× /
 * 1.63×, 13×13 16→16 1.44× / 1.47×, 9×9 8→8 1.22× / 1.23×, 7×7 16→16 (31% of the tiles' pixels past
 * the image) 1.38× / 1.44×, 5×5 (44%) 1.15× / 1.7×; even on 3×3 (78%), so not there. Against the
 * chunked Winograd, which took dx from 512 pairs: 16→32 dx 0.72 against 1.25 ms, 32→16 0.67 against
 * 1.00, 32→32 1.36 against 1.45.
 */
export function winogradSmallPays(s: Conv2dShape): boolean {
  const tilePixels = 4 * Math.ceil(s.OH / 2) * Math.ceil(s.OW / 2);
  return winogradSmallApplies(s) && s.CI <= 32 && s.CO <= 32 && s.CI * s.CO <= 512 && tilePixels <= 1.5 * s.OH * s.OW;
}

/**
 * What the filter gradient reads, allocated for the forward to fill: x itself under Winograd (which
 * makes no im2col matrix: its filter gradient transforms x as the forward does) and
 * where kernels/conv2d-fast.ts says so, else the im2col matrix.
 */
export function conv2dKeptWithWinograd(x: Float32Array, s: Conv2dShape): Float32Array {
  if (winogradForward(s) || conv2dKeptIsInput(s)) return x;
  return allocFloat32(s.N * s.OH * s.OW * s.KH * s.KW * s.CI); // (N·OH·OW, KH·KW·CI)
}

/**
 * The conv forward of the fast table: the fused small-channel Winograd where winogradSmallPays
 * (it sends a non-finite filter to the naive loops itself); the chunked Winograd where
 * {@link winogradForward} (`kept` is x); else kernels/conv2d-fast.ts's choice. A non-finite filter under Winograd runs the naive direct loops
 * (kernels/conv2d.ts): Winograd would recompute every tile with them anyway, and im2col's zero
 * padding times a NaN or ±Inf tap would give NaN at borders where the loops skip the tap.
 */
export function conv2dForwardWithWinograd(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape, kept: Float32Array, relu: boolean,
): void {
  if (winogradSmallPays(s)) {
    conv2dForwardWinogradSmall(y, x, w, bias, s, relu); // x is `kept`: the direct kernels apply (CO ≤ 32, a multiple of 8)
  } else if (!winogradForward(s)) {
    conv2dForwardFast(y, x, w, bias, s, kept, relu);
  } else if (allFinite(w, 0, 9 * s.CI * s.CO)) {
    const scratch = allocFloat32(winogradScratchLength(s));
    conv2dForwardWinograd(y, x, w, bias, s, 'engine', relu, engineHeap(), scratch);
    releaseFloat32([scratch]); // the input gradient of the same shape takes it again
  } else {
    conv2dForwardDirect(y, x, w, bias, s);
    if (relu) reluInPlace(y.subarray(0, s.N * s.OH * s.OW * s.CO));
  }
}

/**
 * True when the input gradient runs as Winograd rather than on the direct SIMD kernels, both
 * applying: enough channel pairs for the 16 GEMMs (CI·CO ≥ 512) and an image whose 2×2 tiles waste
 * at most a fifth of the work. Measured here with the Winograd chunks in wasm memory (2026-11-29
 * 07:43, one process, median of 21, Winograd's time against direct's, two rounds): Keras's convnet's
 * second conv 32×13×13×32→64 'valid' 1.56× / 1.65× faster, 32×14×14×32→64 1.65× / 1.78×,
 * 32×14×14×32→32 1.54× / 1.54×, 32×14×14×16→64 1.64× / 1.65×, 32×28×28×8→64 1.49× / 1.46×; even or
 * mixed below 512 pairs or on 7×7 (64 tile pixels for 49): 32×14×14×16→16 1.06× / 1.01×,
 * 32×7×7×32→32 1.20× / 0.83×, 32×14×14×8→16 0.64× / 1.03×; lost at 32×28×28×8→8 (0.70× / 0.79×).
 * So the zoo resnet's layers (8 and 16 channels) kept the direct kernels; the fused small-channel
 * Winograd (winogradSmallPays) now takes them, and every shape here of at most 32 channels a side.
 */
function winogradInputGradBeatsDirect(s: Conv2dShape): boolean {
  const tilePixels = 4 * Math.ceil(s.H / 2) * Math.ceil(s.W / 2);
  return s.CI * s.CO >= 512 && tilePixels <= 1.2 * s.H * s.W;
}

/**
 * The input gradient of the fast table: the fused small-channel Winograd where winogradSmallPays;
 * else the chunked Winograd where it pays and the direct SIMD kernels do not apply or do worse
 * (winogradInputGradBeatsDirect) and the filter is finite; the naive direct loops for a non-finite
 * filter there (as the forward; the small-channel kernel makes that choice itself).
 */
export function conv2dBackwardInputWithWinograd(dx: Float32Array, dy: Float32Array, w: Float32Array, s: Conv2dShape): void {
  const direct = conv2dDirectSimdInputApplies(s) && !winogradInputGradBeatsDirect(s);
  if (winogradSmallPays(s)) conv2dBackwardInputWinogradSmall(dx, dy, w, s);
  else if (!conv2dUsesWinograd(s) || direct) conv2dBackwardInputFast(dx, dy, w, s);
  else if (allFinite(w, 0, 9 * s.CI * s.CO)) {
    const scratch = allocFloat32(winogradScratchLength(s));
    conv2dBackwardInputWinograd(dx, dy, w, s, 'engine', engineHeap(), scratch);
    releaseFloat32([scratch]);
  } else {
    conv2dBackwardInputDirect(dx, dy, w, s);
  }
}

/**
 * The filter gradient of the fast table: the fused small-channel Winograd
 * (kernels/conv2d-winograd-small-dw.ts) where winogradSmallPays; Winograd (kernels/conv2d-winograd-dw.ts,
 * from x, which is `kept`) where the forward ran as Winograd, else kernels/conv2d-fast.ts's. Measured against what ran
 * here before, im2col rebuilt from x a few images at a time + the 'tn' GEMM (2026-11-29 07:20, one
 * process, median of 21, two rounds): Keras's convnet's 32×13×13×32→64 'valid' 1.43× / 1.89×,
 * 32×14×14×32→64 2.16× / 1.71×, 8×56×56×64→64 2.53× / 2.23× faster.
 */
export function conv2dBackwardFilterWithWinograd(dw: Float32Array, dy: Float32Array, kept: Float32Array, s: Conv2dShape): void {
  if (winogradSmallPays(s)) {
    conv2dBackwardFilterBiasWinogradSmall(dw, null, dy, kept, s); // the table's filter-and-bias entry's bits
    return;
  }
  if (!winogradForward(s)) {
    conv2dBackwardFilterFast(dw, dy, kept, s);
    return;
  }
  const scratch = allocFloat32(winogradFilterGradScratchLength(s));
  conv2dBackwardFilterWinograd(dw, dy, kept, s, 'engine', engineHeap(), scratch);
  releaseFloat32([scratch]);
}
