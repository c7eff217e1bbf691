// The WebAssembly SIMD module behind conv2d-direct-simd.ts: a 2-D convolution computed straight
// from a zero-padded copy of the input, 4 output pixels × 8 output channels per register tile, and
// its filter gradient. This file only builds the bytes; conv2d-direct-simd.ts pads, places and calls.
//
// Layout in the shared heap (wasm/heap.ts; addresses and steps in bytes): xp is the padded input of
// one image, so every window lies inside it and no tap needs a bounds test. The window of output
// pixel (oh, ow) starts at x + oh·xRow + ow·xCol; its kernel row kh is KW·CI consecutive floats
// starting kh·xKh further (dilation 1). w is [KH·KW·CI, CO] row-major (HWIO), CO = 8·nCo.
//
// Exports (counts ≥ 1):
//   conv_bias(y, x, w, bias, nRows, nTiles, nCo, KH, kwci, xCol, xKh, xRow, coBytes, nImages, xImg, yCol, yRow)
//       y[r, p, co] = bias[co] + Σ_{kh, t < kwci} x[window(r, p) + kh·xKh + 4t] · w[kh·kwci + t, co]
//       for nImages images (xImg bytes apart in x) of nRows output rows r of 4·nTiles pixels p each;
//       output pixel (r, p) starts at y + r·yRow + p·yCol, counting r on from one image to the next
//       (packed rows: yCol = coBytes, yRow = 4·nTiles·coBytes; the strided input gradient of
//       conv2d-direct-simd.ts writes every sH-th row and sW-th pixel of a wider dx). w's rows are
//       coBytes apart. Overwrites y.
//   conv_add(y, x, w, _, …)   the same sum added to what y holds (starts from y instead of bias).
//   conv_bias_2, conv_add_2   the same with tiles of 2 pixels (nTiles of them per row): the last
//                             one or two pixels of rows whose width leaves 1 or 2 over 4.
//   conv_filter_grad(dw, x, dy, off, nRows, OW, nK4, nCo, xCol, xRow, coBytes, nImages, xImg)
//       dw[k, co] += Σ_{images, r, p < OW} x[window(r, p) + off[k]] · dy[r, p, co]   for k < 4·nK4;
//       off [4·nK4] holds each tap row's byte offset within a window; dy rows are OW·CO packed.
//       Accumulates.
//   pad_rows(dst, src, nImages, nRows, rowBytes, srcRow, dstRow, srcImage, dstImage)
//       copies nRows rows of rowBytes bytes per image (memory.copy), rows srcRow / dstRow bytes apart,
//       images srcImage / dstImage bytes apart: x into the interior of its zeroed padded copy.
//
// Arithmetic: float32 lanes, no fused multiply-add (each product is rounded, then added). The
// forward adds the taps in (kh, kw, ci) order, as the naive kernel does, but in float32 where the
// naive kernel sums in float64; the filter gradient sums pixels in row order in float32, as the
// GEMM of the im2col path does.

import { assembleModule, decrementAndLoop, f32x4, i32, increment, local, loop, memory, v128, valType, type FunctionDef, type Instr, type ValType } from './assembler.js';
import { HEAP_IMPORT } from './heap.js';
import { reluInPlaceFunction } from './relu-module.js';

const V128 = 16; // bytes per vector
const TILE_PIXELS = 4; // output pixels per register tile (rows of the tile)
const TILE_BYTES = 2 * V128; // 8 output channels per register tile (two vectors)

const set = (to: number, value: Instr): Instr => [...value, ...local.set(to)];
const add = (a: number, b: number): Instr => [...local.get(a), ...local.get(b), ...i32.add()];

/** acc ← acc + s · v, with s and v locals (v128). */
const madd = (acc: number, s: number, v: number): Instr =>
  [...local.get(acc), ...local.get(s), ...local.get(v), ...f32x4.mul(), ...f32x4.add(), ...local.set(acc)];

/** conv_bias or conv_add (see the header), `pixels` (4 or 2) output pixels per tile; `fromY` chooses where the sums start. */
function convRows(name: string, fromY: boolean, pixels: number): FunctionDef {
  // Parameters.
  const y = 0, x = 1, w = 2, bias = 3, nRows = 4, nTiles = 5, nCo = 6, KH = 7, kwci = 8, xCol = 9, xKh = 10, xRow = 11, coBytes = 12;
  const nImages = 13, xImg = 14, yCol = 15, yRow = 16;
  // i32 locals: image and row bases of the windows, tile base, y of the tile, channel byte offset,
  // counters, the weight pointer, the kernel-row base and the tap pointer; the steps 2·xCol, 3·xCol;
  // y's pixel pointer and row base.
  const xi = 17, rows = 18, xr = 19, xt = 20, yt = 21, cb = 22, tiles = 23, cos = 24, kh = 25, t = 26, wp = 27, xk = 28, p = 29, xCol2 = 30, xCol3 = 31, yp = 32, yr = 33;
  // v128 locals: the 4 × 2 sums, the two weight vectors of a tap row, the splatted input.
  const acc = 34; // acc + 2·j + h: pixel j, channel half h
  const w0 = 42, w1 = 43, s = 44;
  const pixelStep = [null, xCol, xCol2, xCol3];
  // The tap of pixel j: p (+ j·xCol) as a splat.
  const tap = (j: number): Instr => [...(j === 0 ? local.get(p) : add(p, pixelStep[j] as number)), ...v128.load32_splat(), ...local.set(s)];
  // yp ← the y address of pixel j of the tile at channel offset cb.
  const yAt = (j: number): Instr => {
    const base = add(yt, cb);
    const steps: Instr[] = new Array<Instr>(j).fill([...local.get(yCol), ...i32.add()]);
    return set(yp, [...base, ...steps.flat()]);
  };
  const init: Instr[] = [];
  const store: Instr[] = [];
  for (let j = 0; j < pixels; j++) {
    init.push(fromY ? yAt(j) : []);
    for (let h = 0; h < 2; h++) {
      init.push(set(acc + 2 * j + h, fromY ? [...local.get(yp), ...v128.load(h * V128)] : [...add(bias, cb), ...v128.load(h * V128)]));
    }
    store.push(yAt(j));
    for (let h = 0; h < 2; h++) store.push([...local.get(yp), ...local.get(acc + 2 * j + h), ...v128.store(h * V128)]);
  }
  const taps: Instr[] = [set(w0, [...local.get(wp), ...v128.load()]), set(w1, [...local.get(wp), ...v128.load(V128)])];
  for (let j = 0; j < pixels; j++) taps.push(tap(j), madd(acc + 2 * j, s, w0), madd(acc + 2 * j + 1, s, w1));
  const body: Instr[] = [
    set(xCol2, add(xCol, xCol)), set(xCol3, [...add(xCol2, xCol)]),
    set(xi, local.get(x)), set(yr, local.get(y)),
    loop( // images (y's rows follow on from one image to the next)
    set(xr, local.get(xi)), set(rows, local.get(nRows)),
    loop( // output rows
      set(xt, local.get(xr)), set(yt, local.get(yr)), set(tiles, local.get(nTiles)),
      loop( // tiles of 4 pixels along the row
        set(cb, i32.const(0)), set(cos, local.get(nCo)),
        loop( // tiles of 8 output channels
          ...init,
          set(wp, add(w, cb)), set(xk, local.get(xt)), set(kh, local.get(KH)),
          loop( // kernel rows
            set(p, local.get(xk)), set(t, local.get(kwci)),
            loop( // the KW·CI taps of a kernel row, consecutive in x and in w's rows
              ...taps,
              increment(p, i32.const(4)), increment(wp, local.get(coBytes)),
              decrementAndLoop(t),
            ),
            increment(xk, local.get(xKh)),
            decrementAndLoop(kh),
          ),
          ...store,
          increment(cb, i32.const(TILE_BYTES)),
          decrementAndLoop(cos),
        ),
        // Next tile: 4 (or 2) pixels on in x and in y.
        increment(xt, pixels === 4 ? [...local.get(xCol2), ...local.get(xCol2), ...i32.add()] : local.get(xCol2)),
        increment(yt, [...local.get(yCol), ...i32.const(Math.log2(pixels)), ...i32.shl()]),
        decrementAndLoop(tiles),
      ),
      increment(xr, local.get(xRow)), increment(yr, local.get(yRow)),
      decrementAndLoop(rows),
    ),
    increment(xi, local.get(xImg)),
    decrementAndLoop(nImages),
    ),
  ];
  return {
    name, params: new Array<ValType>(17).fill(valType.i32), results: [],
    locals: [...new Array<ValType>(17).fill(valType.i32), ...new Array<ValType>(11).fill(valType.v128)], body,
  };
}

/** conv_filter_grad (see the header): per row, every (4 taps × 8 channels) tile of dw over the row's pixels. */
function filterGrad(): FunctionDef {
  const dw = 0, x = 1, dy = 2, off = 3, nRows = 4, OW = 5, nK4 = 6, nCo = 7, xCol = 8, xRow = 9, coBytes = 10, nImages = 11, xImg = 12;
  // i32 locals: image and row bases of x, row base of dy, the tap tile's offsets, the dw and dy
  // pointers, counters.
  const xi = 13, rows = 14, xr = 15, dr = 16, o0 = 17, o1 = 18, o2 = 19, o3 = 20, op = 21, dwt = 22, cb = 23, ks = 24, cos = 25, px = 26, pd = 27, pix = 28, dwp = 29;
  const acc = 30; // acc + 2·j + h: tap j of the tile, channel half h
  const d0 = 38, d1 = 39, s = 40;
  const offs = [o0, o1, o2, o3];
  // dwp ← the dw row of the tile's tap j, at channel offset cb.
  const dwRow = (j: number): Instr => set(dwp, [...add(dwt, cb), ...new Array<Instr>(j).fill([...local.get(coBytes), ...i32.add()]).flat()]);
  const load: Instr[] = [];
  const store: Instr[] = [];
  for (let j = 0; j < TILE_PIXELS; j++) {
    load.push(dwRow(j));
    store.push(dwRow(j));
    for (let h = 0; h < 2; h++) {
      load.push(set(acc + 2 * j + h, [...local.get(dwp), ...v128.load(h * V128)]));
      store.push([...local.get(dwp), ...local.get(acc + 2 * j + h), ...v128.store(h * V128)]);
    }
  }
  const pixel: Instr[] = [set(d0, [...local.get(pd), ...v128.load()]), set(d1, [...local.get(pd), ...v128.load(V128)])];
  for (let j = 0; j < TILE_PIXELS; j++) {
    pixel.push(set(s, [...add(px, offs[j]), ...v128.load32_splat()]), madd(acc + 2 * j, s, d0), madd(acc + 2 * j + 1, s, d1));
  }
  const body: Instr[] = [
    set(xi, local.get(x)), set(dr, local.get(dy)),
    loop( // images (dy's rows follow on from one image to the next)
    set(xr, local.get(xi)), set(rows, local.get(nRows)),
    loop( // output rows
      set(op, local.get(off)), set(dwt, local.get(dw)), set(ks, local.get(nK4)),
      loop( // tiles of 4 taps
        ...offs.map((o, j) => set(o, [...local.get(op), ...i32.load(4 * j)])),
        set(cb, i32.const(0)), set(cos, local.get(nCo)),
        loop( // tiles of 8 output channels
          ...load,
          set(px, local.get(xr)), set(pd, add(dr, cb)), set(pix, local.get(OW)),
          loop( // the row's pixels
            ...pixel,
            increment(px, local.get(xCol)), increment(pd, local.get(coBytes)),
            decrementAndLoop(pix),
          ),
          ...store,
          increment(cb, i32.const(TILE_BYTES)),
          decrementAndLoop(cos),
        ),
        increment(op, i32.const(4 * TILE_PIXELS)),
        increment(dwt, [...local.get(coBytes), ...i32.const(2), ...i32.shl()]),
        decrementAndLoop(ks),
      ),
      increment(xr, local.get(xRow)),
      increment(dr, [...local.get(OW), ...local.get(coBytes), ...i32.mul()]),
      decrementAndLoop(rows),
    ),
    increment(xi, local.get(xImg)),
    decrementAndLoop(nImages),
    ),
  ];
  return {
    name: 'conv_filter_grad', params: new Array<ValType>(13).fill(valType.i32), results: [],
    locals: [...new Array<ValType>(17).fill(valType.i32), ...new Array<ValType>(11).fill(valType.v128)], body,
  };
}

/** pad_rows (see the header): one memory.copy per row, so padding a batch costs no call per row from JS. */
function padRows(): FunctionDef {
  const dst = 0, src = 1, nImages = 2, nRows = 3, rowBytes = 4, srcRow = 5, dstRow = 6, srcImage = 7, dstImage = 8;
  const d = 9, s = 10, r = 11; // the row pointers and the rows left in this image
  return {
    name: 'pad_rows', params: new Array<ValType>(9).fill(valType.i32), results: [], locals: [valType.i32, valType.i32, valType.i32],
    body: [
      loop( // images
        set(d, local.get(dst)), set(s, local.get(src)), set(r, local.get(nRows)),
        loop( // rows
          [...local.get(d), ...local.get(s), ...local.get(rowBytes), ...memory.copy()],
          increment(d, local.get(dstRow)), increment(s, local.get(srcRow)),
          decrementAndLoop(r),
        ),
        increment(dst, local.get(dstImage)), increment(src, local.get(srcImage)),
        decrementAndLoop(nImages),
      ),
    ],
  };
}

/** Bytes of the module: `conv_bias`, `conv_add` (and their 2-pixel forms), `conv_filter_grad` and `pad_rows` (see the header), and relu-module.ts's `relu_in_place` for a fused ReLU. */
export function conv2dDirectModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({
    memory: { ...HEAP_IMPORT, minPages: 1 },
    functions: [
      convRows('conv_bias', false, 4), convRows('conv_add', true, 4), convRows('conv_bias_2', false, 2), convRows('conv_add_2', true, 2),
      filterGrad(), reluInPlaceFunction(), padRows(),
    ],
  });
}
