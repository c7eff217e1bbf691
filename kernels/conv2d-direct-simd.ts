// 2-D convolution computed directly from a zero-padded copy of the input on WebAssembly SIMD, for
// layers with few channels. Same math as conv2d.ts (its naive twin):
//   forward  y[n,oh,ow,co]   = b[co] + Σ_{kh,kw,ci} x[n, oh·sH − padTop + kh, ow·sW − padLeft + kw, ci] · w[kh,kw,ci,co]   overwrites y
//   input    dx[n,ih,iw,ci] += Σ dy[n,oh,ow,co] · w[kh,kw,ci,co] over the (oh, ow, kh, kw) that read (ih, iw)     accumulates dx
//   filter   dw[kh,kw,ci,co] += Σ_{n,oh,ow} dy[n,oh,ow,co] · x[n, oh·sH − padTop + kh, ow·sW − padLeft + kw, ci]  accumulates dw
// Buffers (legend in conv-shape.ts): x, dx [N, H, W, CI]; w, dw [KH, KW, CI, CO]; b [CO] or null;
// y, dy [N, OH, OW, CO]. Dilation 1 only.
//
// What it optimizes: with 8 or 16 channels (the small ResNet's 3×3 layers) the im2col path spends
// four times longer copying windows into the cols matrix, and scattering them back in the input
// gradient, than its GEMM spends multiplying: each window row is only KW·CI = 24 floats, moved by
// a JS loop. Here the windows are never copied. The input is copied once into wasm memory with its
// zero padding around it (xp, so no tap needs a bounds test), and the module
// (wasm/conv2d-direct-module.ts) reads each window where it lies, 4 output pixels × 8 output
// channels per register tile, as the GEMM's micro-kernel does with rows of cols.
//   - Output rows are computed 4 pixels at a time, and the 1 or 2 pixels left at the end of a row
//     by a tile of 2 (3 left: a tile of 4): y goes through a scratch whose rows are OW rounded up
//     that way (tiledWidth), and xp is wide enough for the extra pixels' windows; they are never
//     copied out.
//   - The input gradient at stride 1 is the same kernel run on the zero-padded dy with the filter
//     turned 180° and its channel axes swapped: dx[ih, iw] = Σ_{kh', kw'} dyp[ih + kh', iw + kw'] · w'[kh', kw']
//     with dyp = dy padded by KH − 1 − padTop above and KW − 1 − padLeft on the left, and
//     w'[kh', kw', co, ci] = w[KH−1−kh', KW−1−kw', ci, co]. It adds onto dx (conv_add).
//     At stride sH × sW, dx splits into sH·sW phases (ih mod sH, iw mod sW): the pixels of phase
//     (ph, pw) are reached only by the taps kh ≡ ph + padTop (mod sH), kw likewise, each from dy at
//     oh = a + q − j for ih = ph + sH·a and kh = k0 + sH·j (q = ⌊(ph + padTop)/sH⌋). So each phase
//     is a stride-1 convolution of dy with its own sub-filter, the same kernel again, writing every
//     sH-th row and sW-th pixel of dx (its yRow and yCol). No zeros are inserted into dy, and the
//     cols matrix and col2im's scatter of the im2col path are gone. Phases that no tap reaches
//     (a 1×1 kernel at stride 2) keep dx as it was.
//   - The filter gradient reads xp again (rebuilt from x, which the op keeps instead of cols), one
//     tile of 4 taps × 8 channels per output row, summed in float32 lanes like the GEMM's.
//
// NaN and ±Infinity: the padding is real zeros here, where the naive loops skip padded taps, so a
// non-finite weight (forward, input gradient) or a non-finite dy at a border pixel (filter gradient)
// would meet a padded 0 and give NaN where the naive kernel gives ±Infinity or a number. So the
// forward and the input gradient hand a filter with a non-finite value to the naive kernels, and the
// filter gradient, when its result holds a non-finite value, is recomputed by the naive kernel.
// (0·x is never non-finite for a finite x, so a finite result is exactly the naive one's terms.)
//
// Only call these where the *Applies predicates say so; conv2d-fast.ts chooses.

import type { Conv2dShape } from './conv-shape.js';
import { simdAvailable } from './gemm-simd.js';
import { allFinite } from './all-finite.js';
import { conv2dForwardDirect, conv2dBackwardInputDirect, conv2dBackwardFilterDirect, conv2dBackwardBias } from './conv2d.js';
import { channelSumsInHeap } from './elementwise-simd.js';
import { reluInPlace } from './relu.js';
import { conv2dDirectModuleBytes } from './wasm/conv2d-direct-module.js';
import { engineHeap, vec4Ceil, type WasmHeap } from './wasm/heap.js';

type ConvRowsFn = (
  y: number, x: number, w: number, bias: number, nRows: number, nTiles: number, nCo: number,
  KH: number, kwci: number, xCol: number, xKh: number, xRow: number, coBytes: number, nImages: number, xImg: number, yCol: number, yRow: number,
) => void;

interface DirectExports {
  conv_bias: ConvRowsFn;
  conv_add: ConvRowsFn;
  conv_bias_2: ConvRowsFn;
  conv_add_2: ConvRowsFn;
  conv_filter_grad(
    dw: number, x: number, dy: number, off: number, nRows: number, OW: number, nK4: number, nCo: number,
    xCol: number, xRow: number, coBytes: number, nImages: number, xImg: number,
  ): void;
  relu_in_place(p: number, nVec: number): void;
  pad_rows(dst: number, src: number, nImages: number, nRows: number, rowBytes: number, srcRow: number, dstRow: number, srcImage: number, dstImage: number): void;
}

// Built and instantiated on a heap at its first call there, then the same instance (WasmHeap.instance).
const exports = (heap: WasmHeap): DirectExports => heap.instance('conv2d-direct', conv2dDirectModuleBytes) as unknown as DirectExports;

// Up to this many output channels the windows cost more than the multiply. Measured here on
// 2026-11-29 (medians, one process, load average 5–12): the ResNet's 32×28×28×8 → 8 3×3 'same'
// layer, forward 0.56 ms against 3.1 ms for im2col + GEMM, input gradient 0.62 against 3.8;
// 32×14×14×32 → 32, forward 4.7 against 9.6; but at 64 output channels (the convnet's 32 → 64
// layer) the filter gradient was 40% slower than the GEMM's, which amortizes im2col over CO columns.
const MAX_CHANNELS = 32;

/** True where the forward and the filter gradient run here: dilation 1, CO a multiple of 8 and ≤ 32, not a plain 1×1. */
export function conv2dDirectSimdApplies(s: Conv2dShape): boolean {
  const pointwise = s.KH === 1 && s.KW === 1 && s.strideH === 1 && s.strideW === 1 && s.padTop === 0 && s.padLeft === 0;
  return simdAvailable && !pointwise && s.dilationH === 1 && s.dilationW === 1 && s.CO % 8 === 0 && s.CO <= MAX_CHANNELS;
}

/** True where the input gradient runs here: as above with the channel roles swapped (CI a multiple of 8, ≤ 32). */
export function conv2dDirectSimdInputApplies(s: Conv2dShape): boolean {
  return conv2dDirectSimdApplies({ ...s, CO: s.CI });
}

/** The padded input of a direct convolution: height, width (floats per image = Hp·Wp·C). */
interface Padded { Hp: number; Wp: number }

/** The padded size that holds every window of OH × OWt output pixels (OWt: OW as tiled, tiledWidth). */
function paddedSize(OH: number, OWt: number, KH: number, KW: number, sH: number, sW: number): Padded {
  return { Hp: (OH - 1) * sH + KH, Wp: (OWt - 1) * sW + KW };
}

/**
 * The row width the tiles cover: tiles of 4 pixels, and one of 2 when 1 or 2 pixels are left (14 →
 * 14, not 16: the 14-pixel rows of the ResNet's second block did 1/8 more work than they keep).
 */
function tiledWidth(OW: number): number {
  const rest = OW % 4;
  return OW - rest + (rest === 0 ? 0 : rest <= 2 ? 2 : 4);
}

/**
 * conv_bias (or conv_add, `add`) over rows of OWt = tiledWidth(…) pixels: the tiles of 4, then the
 * tile of 2 at the end of each row, its x and y that many pixels on. Addresses and steps in bytes,
 * the arguments of the module's functions (see its header) with the row width in pixels.
 */
function convTiles(
  m: DirectExports, add: boolean, y: number, x: number, w: number, bias: number, nRows: number, OWt: number, nCo: number,
  KH: number, kwci: number, xCol: number, xKh: number, xRow: number, coBytes: number, nImages: number, xImg: number, yCol: number, yRow: number,
): void {
  const n4 = Math.floor(OWt / 4);
  if (n4 > 0) (add ? m.conv_add : m.conv_bias)(y, x, w, bias, nRows, n4, nCo, KH, kwci, xCol, xKh, xRow, coBytes, nImages, xImg, yCol, yRow);
  if (OWt % 4 === 2) {
    (add ? m.conv_add_2 : m.conv_bias_2)(y + 4 * n4 * yCol, x + 4 * n4 * xCol, w, bias, nRows, 1, nCo, KH, kwci, xCol, xKh, xRow, coBytes, nImages, xImg, yCol, yRow);
  }
}

/**
 * heap[at ..] ← src [N, rows, cols, C] zero-padded to [N, Hp, Wp, C] with `top` rows above and
 * `left` columns on the left (rows and columns past Hp, Wp are left out: no window reads them).
 */
function placePadded(
  m: DirectExports, heap: Float32Array, at: number, stage: number, src: Float32Array, N: number, rows: number, cols: number, C: number, top: number, left: number, p: Padded,
): void {
  heap.fill(0, at, at + N * p.Hp * p.Wp * C);
  const nCols = Math.max(0, Math.min(cols, p.Wp - left)); // the part of each source row that lands inside
  const nRows = Math.max(0, Math.min(rows, p.Hp - top));
  if (nCols === 0 || nRows === 0) return;
  placeRows(m, heap, at + (top * p.Wp + left) * C, stage, src, N, rows, cols, C, p.Hp, p.Wp, nRows, nCols);
}

/**
 * heap[at ..] [N, Hh, Wh, C] ← the first nRows × nCols pixels of each image of src [N, rows, cols, C],
 * each row `at` + row·Wh·C on (the rest of the heap image is left as it is). src is copied whole to
 * heap[stage ..] (one memcpy), then, unless the layouts are the same, row by row within the heap by
 * the module's pad_rows (a few thousand rows per call, each one memory.copy): a JS loop of a
 * subarray and a set per row cost ~4% of a ResNet training step.
 */
function placeRows(
  m: DirectExports, heap: Float32Array, at: number, stage: number, src: Float32Array, N: number, rows: number, cols: number, C: number,
  Hh: number, Wh: number, nRows = rows, nCols = cols,
): void {
  const n = N * rows * cols * C;
  if (rows === Hh && cols === Wh && nRows === rows && nCols === cols) {
    heap.set(src.subarray(0, n), at);
    return;
  }
  heap.set(src.subarray(0, n), stage);
  m.pad_rows(4 * at, 4 * stage, N, nRows, 4 * nCols * C, 4 * cols * C, 4 * Wh * C, 4 * rows * cols * C, 4 * Hh * Wh * C);
}

/**
 * out [N, rows, cols, C] ← the first rows × cols pixels of each image of heap[at ..] [N, Hh, Wh, C]:
 * gathered by pad_rows into heap[stage ..] unless the layouts are the same, then one set.
 */
function takeRows(m: DirectExports, out: Float32Array, heap: Float32Array, at: number, stage: number, N: number, rows: number, cols: number, C: number, Hh: number, Wh: number): void {
  const n = N * rows * cols * C;
  if (rows === Hh && cols === Wh) {
    out.set(heap.subarray(at, at + n));
    return;
  }
  m.pad_rows(4 * stage, 4 * at, N, rows, 4 * cols * C, 4 * Wh * C, 4 * cols * C, 4 * Hh * Wh * C, 4 * rows * cols * C);
  out.set(heap.subarray(stage, stage + n));
}

/**
 * y = conv2d(x, w) + bias (then clamped at 0 when `relu`); overwrites y. See the header. On `heap`
 * (default: the engine's); the naive loops when it cannot grow or when w is not finite.
 */
export function conv2dForwardDirectSimd(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape, relu = false, heap: WasmHeap = engineHeap(),
): void {
  const { N, H, W, CI, KH, KW, CO, OH, OW, strideH, strideW } = s;
  const wLen = KH * KW * CI * CO;
  const naive = (): void => {
    conv2dForwardDirect(y, x, w, bias, s);
    if (relu) reluInPlace(y.subarray(0, N * OH * OW * CO));
  };
  if (!allFinite(w, 0, wLen)) {
    naive(); // a non-finite weight must not meet the padding's zeros (see the header)
    return;
  }
  const OWt = tiledWidth(OW);
  const p = paddedSize(OH, OWt, KH, KW, strideH, strideW);
  const xpLen = N * p.Hp * p.Wp * CI, yLen = N * OH * OWt * CO;
  const W_AT = 0, B_AT = vec4Ceil(wLen), X_AT = B_AT + vec4Ceil(CO), Y_AT = X_AT + vec4Ceil(xpLen);
  const STAGE_AT = Y_AT + yLen; // x before padding, then y without its extra pixels
  const views = heap.views((STAGE_AT + Math.max(N * H * W * CI, N * OH * OW * CO)) * 4);
  if (views === null) {
    naive(); // the heap cannot grow
    return;
  }
  const { f32 } = views;
  const m = exports(heap);
  f32.set(w.subarray(0, wLen), W_AT);
  if (bias === null) f32.fill(0, B_AT, B_AT + CO);
  else f32.set(bias.subarray(0, CO), B_AT);
  placePadded(m, f32, X_AT, STAGE_AT, x, N, H, W, CI, s.padTop, s.padLeft, p);
  convTiles(m, false, 4 * Y_AT, 4 * X_AT, 4 * W_AT, 4 * B_AT, OH, OWt, CO / 8,
    KH, KW * CI, 4 * strideW * CI, 4 * p.Wp * CI, 4 * strideH * p.Wp * CI, 4 * CO, N, 4 * p.Hp * p.Wp * CI, 4 * CO, 4 * OWt * CO);
  if (relu) m.relu_in_place(4 * Y_AT, yLen / 4);
  takeRows(m, y, f32, Y_AT, STAGE_AT, N, OH, OW, CO, OH, OWt);
}

/**
 * The taps of one phase along one axis of the input gradient (see the header): the input positions
 * i = phase + stride·a are reached by the taps k = k0 + stride·j, j < n, from the output positions
 * o = a + q − j.
 */
interface PhaseTaps { k0: number; n: number; q: number }

function phaseTaps(phase: number, pad: number, K: number, stride: number): PhaseTaps {
  const k0 = (phase + pad) % stride;
  return { k0, n: k0 < K ? Math.ceil((K - k0) / stride) : 0, q: Math.floor((phase + pad) / stride) };
}

/**
 * dx += ∂(Σ y·dy)/∂x, as the forward kernel on the padded dy, one phase of dx at a time (see the
 * header). Accumulates. On `heap` (default: the engine's); the naive loops when it cannot grow or
 * when w is not finite.
 */
export function conv2dBackwardInputDirectSimd(dx: Float32Array, dy: Float32Array, w: Float32Array, s: Conv2dShape, heap: WasmHeap = engineHeap()): void {
  const { N, H, W, CI, KH, KW, CO, OH, OW, strideH: sH, strideW: sW } = s;
  const wLen = KH * KW * CI * CO;
  if (!allFinite(w, 0, wLen)) {
    conv2dBackwardInputDirect(dx, dy, w, s); // a non-finite weight must not meet dy's padding (see the header)
    return;
  }
  const rowTaps = Array.from({ length: sH }, (_, ph) => phaseTaps(ph, s.padTop, KH, sH));
  const colTaps = Array.from({ length: sW }, (_, pw) => phaseTaps(pw, s.padLeft, KW, sW));
  // Every phase computes A rows of Bt pixels (the first phase has the most), into a scratch dx of
  // Hs × Ws pixels per image whose extra rows and pixels are dropped when copied out.
  const A = Math.ceil(H / sH), Bt = tiledWidth(Math.ceil(W / sW));
  const Hs = A * sH, Ws = Bt * sW;
  // dy padded so that every phase's windows lie inside: PT rows above (the longest reach back,
  // n − 1 − q), and rows below up to the last window's last row (A − 1 + q + PT); likewise columns.
  const reach = (taps: PhaseTaps[], outer: number, size: number): { before: number; total: number } => {
    const used = taps.filter((t) => t.n > 0);
    const before = Math.max(0, ...used.map((t) => t.n - 1 - t.q));
    return { before, total: Math.max(before + size, ...used.map((t) => outer + t.q + before)) };
  };
  const rowsPad = reach(rowTaps, A, OH), colsPad = reach(colTaps, Bt, OW);
  const p: Padded = { Hp: rowsPad.total, Wp: colsPad.total };
  const dypLen = N * p.Hp * p.Wp * CO, dxLen = N * Hs * Ws * CI;
  const W_AT = 0, DY_AT = vec4Ceil(wLen), DX_AT = DY_AT + vec4Ceil(dypLen);
  const STAGE_AT = DX_AT + dxLen; // dy before padding, then dx
  const views = heap.views((STAGE_AT + Math.max(N * OH * OW * CO, N * H * W * CI)) * 4);
  if (views === null) {
    conv2dBackwardInputDirect(dx, dy, w, s); // the heap cannot grow
    return;
  }
  const { f32 } = views;
  const m = exports(heap);
  placePadded(m, f32, DY_AT, STAGE_AT, dy, N, OH, OW, CO, rowsPad.before, colsPad.before, p);
  placeRows(m, f32, DX_AT, STAGE_AT, dx, N, H, W, CI, Hs, Ws); // dx into the scratch, so conv_add adds onto it
  for (let ph = 0; ph < sH; ph++) {
    for (let pw = 0; pw < sW; pw++) {
      const r = rowTaps[ph], c = colTaps[pw];
      if (r.n === 0 || c.n === 0) continue; // no tap reaches these pixels: dx keeps its values
      // w'[j', i', co, ci] = w[r.k0 + sH·(r.n−1−j'), c.k0 + sW·(c.n−1−i'), ci, co]: the phase's taps
      // turned 180°, channels swapped, so the sum runs forward over dy like a stride-1 window.
      for (let j = 0; j < r.n; j++) {
        for (let i = 0; i < c.n; i++) {
          const src = ((r.k0 + sH * (r.n - 1 - j)) * KW + (c.k0 + sW * (c.n - 1 - i))) * CI * CO; // w[kh, kw, 0, 0]
          const dst = W_AT + (j * c.n + i) * CO * CI; // w'[j', i', 0, 0] (each phase's in turn, at the same place)
          for (let co = 0; co < CO; co++) for (let ci = 0; ci < CI; ci++) f32[dst + co * CI + ci] = w[src + ci * CO + co];
        }
      }
      // The window of the phase's pixel (a, b) starts at dyp row a + q − (n − 1) + PT, column likewise.
      const origin = DY_AT + ((r.q - r.n + 1 + rowsPad.before) * p.Wp + (c.q - c.n + 1 + colsPad.before)) * CO;
      convTiles(m, true, 4 * (DX_AT + (ph * Ws + pw) * CI), 4 * origin, 4 * W_AT, 0, A, Bt, CI / 8,
        r.n, c.n * CO, 4 * CO, 4 * p.Wp * CO, 4 * p.Wp * CO, 4 * CI, N, 4 * p.Hp * p.Wp * CO, 4 * sW * CI, 4 * sH * Ws * CI);
    }
  }
  takeRows(m, dx, f32, DX_AT, STAGE_AT, N, H, W, CI, Hs, Ws);
}

/**
 * dw += Σ over the batch of x's windows × dy, reading x's padded copy (see the header). Accumulates.
 * On `heap` (default: the engine's); the naive loops when it cannot grow or the result is not finite.
 */
export function conv2dBackwardFilterDirectSimd(dw: Float32Array, dy: Float32Array, x: Float32Array, s: Conv2dShape, heap: WasmHeap = engineHeap()): void {
  conv2dBackwardFilterBiasDirectSimd(dw, null, dy, x, s, heap);
}

/**
 * conv2dBackwardFilterDirectSimd, and db [CO] += Σ_{n,oh,ow} dy[n,oh,ow,co] when db is given, from
 * the same copy of dy in the heap: the op's bias gradient would otherwise copy dy in once more
 * (conv2d-fast.ts's conv2dBackwardBiasFast, ~0.06 ms of a ResNet step). The sums are that
 * function's: elementwise-simd.ts's channel_sums from +0 in float64, rows in order, then db += them,
 * so db gets conv2d.ts's conv2dBackwardBias bits. Accumulates into both.
 */
export function conv2dBackwardFilterBiasDirectSimd(
  dw: Float32Array, db: Float32Array | null, dy: Float32Array, x: Float32Array, s: Conv2dShape, heap: WasmHeap = engineHeap(),
): void {
  const { N, H, W, CI, KH, KW, CO, OH, OW, strideH, strideW } = s;
  const p = paddedSize(OH, OW, KH, KW, strideH, strideW); // windows of the OW pixels only: the filter gradient has no tiles of pixels
  const KKC = KH * KW * CI;
  const KKC4 = vec4Ceil(KKC);
  const xpLen = N * p.Hp * p.Wp * CI, yLen = N * OH * OW * CO;
  // SUMS: the bias's float64 sums [CO] (2·CO floats; 16-byte aligned, as KKC4 and CO are multiples of 4)
  const DW_AT = 0, OFF_AT = KKC4 * CO, SUMS_AT = OFF_AT + KKC4, DY_AT = SUMS_AT + 2 * CO, X_AT = DY_AT + vec4Ceil(yLen);
  const STAGE_AT = X_AT + xpLen; // x before padding
  const views = heap.views((STAGE_AT + N * H * W * CI) * 4);
  if (views === null) {
    // the heap cannot grow
    if (db !== null) conv2dBackwardBias(db, dy, s);
    conv2dBackwardFilterDirect(dw, dy, x, s);
    return;
  }
  const { f32, i32 } = views;
  const m = exports(heap);
  f32.fill(0, DW_AT, DW_AT + KKC4 * CO);
  // off[k]: where tap k = (kh, kw, ci) lies within a window of xp, in bytes; the pad taps read 0.
  for (let k = 0; k < KKC4; k++) {
    const kh = Math.floor(k / (KW * CI));
    i32[OFF_AT + k] = k < KKC ? 4 * (kh * p.Wp * CI + (k - kh * KW * CI)) : 0;
  }
  f32.set(dy.subarray(0, yLen), DY_AT);
  if (db !== null && yLen > 0) {
    f32.fill(0, SUMS_AT, SUMS_AT + 2 * CO); // the float64 sums start at +0
    const sums = new Float64Array(CO); // (CO)
    channelSumsInHeap(sums, heap, DY_AT, SUMS_AT, N * OH * OW, CO);
    for (let co = 0; co < CO; co++) db[co] += sums[co];
  }
  placePadded(m, f32, X_AT, STAGE_AT, x, N, H, W, CI, s.padTop, s.padLeft, p);
  m.conv_filter_grad(4 * DW_AT, 4 * X_AT, 4 * DY_AT, 4 * OFF_AT, OH, OW, KKC4 / 4, CO / 8,
    4 * strideW * CI, 4 * strideH * p.Wp * CI, 4 * CO, N, 4 * p.Hp * p.Wp * CI);
  if (!allFinite(f32, DW_AT, KKC * CO)) {
    conv2dBackwardFilterDirect(dw, dy, x, s); // a padded 0 may have met a non-finite dy (see the header)
    return;
  }
  for (let i = 0; i < KKC * CO; i++) dw[i] += f32[DW_AT + i];
}
