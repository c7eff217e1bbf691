// The WebAssembly SIMD module behind conv2d-winograd-small-dw.ts: the filter gradient's sums of
// Winograd F(2×2, 3×3) for layers with few channels, a tile row at a time,
//
//   S[ξ] += V[ξ]ᵀ · E[ξ]    V = Bᵀ d B of each tile's 4×4 input pixels, E = Ã e Ãᵀ of its 2×2 pixels of dy
//
// (matrices and the derivation in conv2d-winograd-transforms.ts), beside the forward's module
// (winograd-small-module.ts, whose input transform and multiply-add it shares). This file only builds
// the bytes, one module per channel pair (IC, OC), the channel loops unrolled as there.
//
// Export (addresses and steps in bytes into the shared heap, wasm/heap.ts; counts ≥ 1):
//   wino_filter_grad(sums, x, dy, v, e, nImages, TH, TW, xRow, xImg, dyRow)
//       S[ξ] [IC, OC] += Σ_tiles V[ξ]ᵀ · E[ξ] (the filter gradient's sums, conv2d-winograd-small-dw.ts)
//       over nImages images of TH × TW tiles: V = Bᵀ d B of tile (th, tw)'s 4×4 pixels of the padded
//       x at x + (2·th + r)·xRow + (2·tw + c)·IC·4 (images xImg apart), E = Ã e Ãᵀ of its 2×2
//       pixels of dy at dy + (2·th + r)·dyRow + (2·tw + c)·OC·4 (dy's rows following on, 2·TH per image).
//       v, e: scratch of 16·TW·IC and 16·TW·OC floats. Accumulates.
//
// Arithmetic: float32 lanes; each S[ξ] entry adds the row's TW tiles in order onto its sum, fused
// (one rounding) when built with `fma` (relaxed SIMD), else a mul then an add.

import { assembleModule, decrementAndLoop, f32x4, i32, increment, local, loop, v128, valType, type FunctionDef, type Instr, type ValType } from './assembler.js';
import { HEAP_IMPORT } from './heap.js';
import { CO_BLOCK, V128, inputTransform, madd, type WinogradSmallSpec } from './winograd-small-module.js';

const get = local.get;
const set = (to: number, value: Instr): Instr => [...value, ...local.set(to)];
const add = f32x4.add(), sub = f32x4.sub();

/**
 * wino_filter_grad (see the header): per tile row, V and E of its tiles into scratch (tile-major, so
 * every offset within a tile is a constant), then S[ξ] += V[ξ]ᵀ · E[ξ] over the row's tiles, in
 * register blocks of 4 input × 8 output channels loaded from S and stored back once per row.
 */
function winoFilterGrad(spec: WinogradSmallSpec): FunctionDef {
  const { IC, OC, fma } = spec;
  const icVec = IC / 4, ocVec = OC / 4;
  // Parameters.
  const sums = 0, x = 1, dy = 2, v = 3, e = 4, nImages = 5, TH = 6, TW = 7, xRow = 8, xImg = 9, dyRow = 10;
  // i32 locals: image base of x, tile-row bases of x and dy, tile rows left, the tile's 4 row pointers
  // of x and 2 of dy, its V and E pointers, tiles left; the ξ loop's S, V and E pointers and counter;
  // the tile loop's V and E pointers.
  const xi = 11, xr = 12, dr = 13, rows = 14, p = [15, 16, 17, 18], q = [19, 20], vt = 21, et = 22, tiles = 23;
  const sp = 24, vp = 25, ep = 26, xiLeft = 27, pv = 28, pe = 29;
  const nI32 = 30 - 11;
  // v128 locals: the tile's 16 pixels, a row pass (or e0 + e1, e0 − e1), the 4 × 2 sums, E's two vectors, a splat.
  const d = (n: number): number => 30 + n; // n < 16
  const t = (n: number): number => 46 + n; // n < 4
  const acc = (n: number): number => 50 + n; // n < 8
  const e0 = 58, e1 = 59, sv = 60;
  const nV128 = 61 - 30;

  // 1. One tile's V [16, IC] and E = Ã e Ãᵀ [16, OC] (e: its 2×2 pixels of dy).
  const transforms: Instr[] = [];
  for (let c = 0; c < icVec; c++) {
    transforms.push(...inputTransform(p, (col) => (col * IC + 4 * c) * 4, vt, (xiIndex) => (xiIndex * IC + 4 * c) * 4, d, t));
  }
  for (let c = 0; c < ocVec; c++) {
    const px = (r: number, col: number): number => d(2 * r + col); // e[r][col]
    for (let r = 0; r < 2; r++) for (let col = 0; col < 2; col++) transforms.push(set(px(r, col), [...get(q[r]), ...v128.load((col * OC + 4 * c) * 4)]));
    // Rows of r = Ã e: e0, e0 + e1, e0 − e1, e1 (t holds the middle two, per column).
    for (let col = 0; col < 2; col++) {
      transforms.push(set(t(col), [...get(px(0, col)), ...get(px(1, col)), ...add]), set(t(2 + col), [...get(px(0, col)), ...get(px(1, col)), ...sub]));
    }
    const rowsOfR: [number, number][] = [[px(0, 0), px(0, 1)], [t(0), t(1)], [t(2), t(3)], [px(1, 0), px(1, 1)]];
    rowsOfR.forEach(([a, b], i) => {
      // Row i of r Ãᵀ: a, a + b, a − b, b.
      const values: Instr[] = [get(a), [...get(a), ...get(b), ...add], [...get(a), ...get(b), ...sub], get(b)];
      values.forEach((value, j) => transforms.push([...get(et), ...value, ...v128.store(((4 * i + j) * OC + 4 * c) * 4)]));
    });
  }

  // 2. S[ξ] += V[ξ]ᵀ · E[ξ] over the row's TW tiles, ξ = 0 .. 15 (a loop: sp, vp, ep step one plane).
  const products: Instr[] = [];
  for (let cb = 0; cb < icVec; cb++) {
    for (let ob = 0; ob < OC / CO_BLOCK; ob++) {
      const sAt = (c: number, h: number): number => ((4 * cb + c) * OC + ob * CO_BLOCK + 4 * h) * 4;
      const step: Instr[] = [set(e0, [...get(pe), ...v128.load(ob * CO_BLOCK * 4)]), set(e1, [...get(pe), ...v128.load(ob * CO_BLOCK * 4 + V128)])];
      for (let c = 0; c < 4; c++) {
        step.push(set(sv, [...get(pv), ...v128.load32_splat((4 * cb + c) * 4)]), madd(fma, acc(2 * c), sv, e0), madd(fma, acc(2 * c + 1), sv, e1));
      }
      for (let c = 0; c < 4; c++) for (let h = 0; h < 2; h++) products.push(set(acc(2 * c + h), [...get(sp), ...v128.load(sAt(c, h))]));
      products.push(
        set(pv, get(vp)), set(pe, get(ep)), set(tiles, get(TW)),
        loop( // the row's tiles
          ...step,
          increment(pv, i32.const(16 * IC * 4)), increment(pe, i32.const(16 * OC * 4)),
          decrementAndLoop(tiles),
        ),
      );
      for (let c = 0; c < 4; c++) for (let h = 0; h < 2; h++) products.push([...get(sp), ...get(acc(2 * c + h)), ...v128.store(sAt(c, h))]);
    }
  }

  const body: Instr[] = [
    set(xi, get(x)), set(dr, get(dy)),
    loop( // images (dy's rows follow on from one image to the next)
      set(xr, get(xi)), set(rows, get(TH)),
      loop( // tile rows: x rows 2·th .. 2·th + 3, dy rows 2·th, 2·th + 1
        set(p[0], get(xr)),
        set(p[1], [...get(p[0]), ...get(xRow), ...i32.add()]),
        set(p[2], [...get(p[1]), ...get(xRow), ...i32.add()]),
        set(p[3], [...get(p[2]), ...get(xRow), ...i32.add()]),
        set(q[0], get(dr)), set(q[1], [...get(dr), ...get(dyRow), ...i32.add()]),
        set(vt, get(v)), set(et, get(e)), set(tiles, get(TW)),
        loop( // the row's tiles: V and E into scratch
          ...transforms,
          ...p.map((pr) => increment(pr, i32.const(2 * IC * 4))),
          ...q.map((qr) => increment(qr, i32.const(2 * OC * 4))),
          increment(vt, i32.const(16 * IC * 4)), increment(et, i32.const(16 * OC * 4)),
          decrementAndLoop(tiles),
        ),
        set(sp, get(sums)), set(vp, get(v)), set(ep, get(e)), set(xiLeft, i32.const(16)),
        loop( // ξ
          ...products,
          increment(sp, i32.const(IC * OC * 4)), increment(vp, i32.const(IC * 4)), increment(ep, i32.const(OC * 4)),
          decrementAndLoop(xiLeft),
        ),
        increment(xr, [...get(xRow), ...get(xRow), ...i32.add()]),
        increment(dr, [...get(dyRow), ...get(dyRow), ...i32.add()]),
        decrementAndLoop(rows),
      ),
      increment(xi, get(xImg)),
      decrementAndLoop(nImages),
    ),
  ];
  return {
    name: 'wino_filter_grad', params: new Array<ValType>(11).fill(valType.i32), results: [],
    locals: [...new Array<ValType>(nI32).fill(valType.i32), ...new Array<ValType>(nV128).fill(valType.v128)], body,
  };
}

/** Bytes of the module for one (IC, OC): wino_filter_grad (see the header). IC % 4 = 0, OC % 8 = 0. */
export function winogradSmallDwModuleBytes(spec: WinogradSmallSpec): Uint8Array<ArrayBuffer> {
  if (spec.IC % 4 !== 0 || spec.OC % CO_BLOCK !== 0) {
    throw new Error(`winogradSmallDwModuleBytes: IC must be a multiple of 4 and OC of ${CO_BLOCK}, got IC ${spec.IC}, OC ${spec.OC}`);
  }
  return assembleModule({ memory: { ...HEAP_IMPORT, minPages: 1 }, functions: [winoFilterGrad(spec)] });
}
