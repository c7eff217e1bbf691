// The WebAssembly SIMD module behind conv2d-winograd-small.ts: Winograd F(2×2, 3×3) for layers with
// few channels, fused so that a group of tiles goes through all three steps while it sits in L1:
//
//   V[ξ] = (Bᵀ d B)[ξ]       the group's 4×4 input tiles, IC channels     → v [16, g, IC]
//   M[ξ] = V[ξ] · U[ξ]       16 products [g, IC] · [IC, OC], U in the heap  → m [16, g, OC]
//   Y    = Aᵀ M A (+ bias, ReLU)   written straight into two rows of y
//
// (matrices and the derivation in conv2d-winograd-transforms.ts). This file only builds the bytes,
// one module per channel pair (IC, OC): the channel loops are unrolled, so every offset within a
// tile, a group and U is a constant of the load or store instruction (memarg offset).
//
// Exports (addresses and steps in bytes into the shared heap, wasm/heap.ts; counts ≥ 1):
//   wino_bias_G(y, x, u, bias, v, m, flags, nImages, TH, nGroups, xRow, xImg, yRow, relu)   G = 4, 2, 1
//       For nImages images (xImg bytes apart in x) of TH tile rows, and nGroups groups of G tiles
//       along each tile row: tile (th, k) reads the padded input's pixels (2·th + r, 2·k + c),
//       r, c < 4, at x + (2·th + r)·xRow + (2·k + c)·IC·4, and writes output pixels
//       (2·th + dr, 2·k + dc) at y + (2·th + dr)·yRow + (2·k + dc)·OC·4, y's rows following on
//       from one image to the next (2·TH of them per image). y = Aᵀ M A + bias, then, when
//       relu = −1 (0: off), negative lanes cleared (v & ~(v < 0), which keeps NaN, as relu.ts).
//       u: U [16, IC, OC] (filterTransform's); v, m: scratch of 16·4·IC and 16·4·OC floats.
//       flags [4] += y·0 over every output (0 while all are finite, NaN once one is not).
//       Overwrites y.
//   wino_add_G(...)  the same without bias and ReLU, adding each output onto the value at its
//       place in y; flags test the transform's values alone. Accumulates.
//
// Arithmetic: float32 lanes. The products M[ξ] sum IC terms in channel order, fused (one rounding
// each) when the module is built with `fma` (relaxed SIMD), else a mul then an add; the transforms
// round each add as the JS twins of conv2d-winograd-transforms.ts do at their stores.

import { assembleModule, decrementAndLoop, f32x4, i32, i32x4, increment, local, loop, v128, valType, type FunctionDef, type Instr, type ValType } from './assembler.js';
import { HEAP_IMPORT } from './heap.js';

const V128 = 16; // bytes per vector
const CO_BLOCK = 8; // output channels per register tile of the products (two vectors)

const get = local.get;
const set = (to: number, value: Instr): Instr => [...value, ...local.set(to)];

const add = f32x4.add(), sub = f32x4.sub();
// Bᵀ's rows as (a, b, op): row i of Bᵀ d is d[a] op d[b].
const BT: [number, number, 'add' | 'sub'][] = [[0, 2, 'sub'], [1, 2, 'add'], [2, 1, 'sub'], [1, 3, 'sub']];
const op = (o: 'add' | 'sub'): Instr => (o === 'add' ? add : sub);

/**
 * (Bᵀ d B)[ξ] of one tile's 4 channels: pixel (r, col) loaded from rows[r] + colAt(col), V[ξ] stored
 * at dst + dstAt(ξ) (byte offsets, constants of the instructions). Uses the v128 locals d(0 .. 15)
 * and t(0 .. 3).
 */
function inputTransform(
  rows: readonly number[], colAt: (col: number) => number, dst: number, dstAt: (xi: number) => number,
  d: (n: number) => number, t: (n: number) => number,
): Instr[] {
  const code: Instr[] = [];
  for (let r = 0; r < 4; r++) {
    for (let col = 0; col < 4; col++) code.push(set(d(4 * r + col), [...get(rows[r]), ...v128.load(colAt(col))]));
  }
  for (let i = 0; i < 4; i++) {
    const [a, b, o] = BT[i];
    for (let j = 0; j < 4; j++) code.push(set(t(j), [...get(d(4 * a + j)), ...get(d(4 * b + j)), ...op(o)]));
    for (let j = 0; j < 4; j++) {
      const [a2, b2, o2] = BT[j];
      code.push([...get(dst), ...get(t(a2)), ...get(t(b2)), ...op(o2), ...v128.store(dstAt(4 * i + j))]);
    }
  }
  return code;
}

/** acc ← acc + s·w (v128 locals): fused when `fma` (relaxed SIMD), else a mul then an add. */
const madd = (fma: boolean, acc: number, s: number, w: number): Instr =>
  set(acc, fma ? [...get(s), ...get(w), ...get(acc), ...f32x4.relaxed_madd()] : [...get(acc), ...get(s), ...get(w), ...f32x4.mul(), ...add]);

/** What one module computes: its channel counts and whether the products fuse. */
export interface WinogradSmallSpec { readonly IC: number; readonly OC: number; readonly fma: boolean }

/** wino_bias_G or wino_add_G (see the header). */
function winoRows(spec: WinogradSmallSpec, G: number, onto: boolean): FunctionDef {
  const { IC, OC, fma } = spec;
  const icVec = IC / 4, ocVec = OC / 4;
  // Parameters.
  const y = 0, x = 1, u = 2, bias = 3, v = 4, m = 5, flags = 6, nImages = 7, TH = 8, nGroups = 9, xRow = 10, xImg = 11, yRow = 12, relu = 13;
  // i32 locals: image base of x, row base of y, tile rows left, the group's 4 row pointers of x and
  // 2 of y, groups left; the ξ loop's U, V and M pointers and counter; the tile row's base in x; the
  // channel loop's U and V pointers and counter.
  const xi = 14, yr = 15, rows = 16, p = [17, 18, 19, 20], q = [21, 22], groups = 23, up = 24, vp = 25, mp = 26, xiLeft = 27, xr = 28;
  const pu = 29, pv = 30, ci = 31;
  const nI32 = 32 - 14;
  // v128 locals: 16 for a tile's pixels (or products), 8 for a row pass, the product tile's 8 sums,
  // two weight vectors, one splat, the flags, relu's lanes, one output.
  const d = (n: number): number => 32 + n; // n < 16
  const t = (n: number): number => 48 + n; // n < 8
  const acc = (n: number): number => 56 + n; // n < 2·G
  const w0 = 64, w1 = 65, s = 66, fl = 67, reluMask = 68, yv = 69;
  const nV128 = 70 - 32;

  // 1. V = Bᵀ d B for the group's G tiles, a vector of 4 channels at a time:
  //    v[(ξ·G + k)·IC + 4·c] ← (Bᵀ d B)[ξ] of tile k's channels 4c .. 4c + 3.
  const input: Instr[] = [];
  for (let k = 0; k < G; k++) {
    for (let c = 0; c < icVec; c++) {
      input.push(...inputTransform(p, (col) => ((2 * k + col) * IC + 4 * c) * 4, v, (xiIndex) => ((xiIndex * G + k) * IC + 4 * c) * 4, d, t));
    }
  }

  // 2. M[ξ] = V[ξ] · U[ξ] for ξ = 0 .. 15 (a loop: vp, up, mp step one plane): per block of 8
  //    output channels, G × 8 sums over the IC channels (a loop: pu, pv step one channel), U's two
  //    vectors loaded once for G splats. Why loops and not unrolled code: TurboFan schedules every
  //    load of a long straight-line body first and then spills the registers they take.
  const product: Instr[] = [];
  for (let cb = 0; cb < OC / CO_BLOCK; cb++) {
    const madds: Instr[] = [set(w0, [...get(pu), ...v128.load()]), set(w1, [...get(pu), ...v128.load(V128)])];
    for (let k = 0; k < G; k++) {
      madds.push(set(s, [...get(pv), ...v128.load32_splat(k * IC * 4)]));
      for (let h = 0; h < 2; h++) madds.push(madd(fma, acc(2 * k + h), s, h === 0 ? w0 : w1));
    }
    product.push(
      ...Array.from({ length: 2 * G }, (_, n) => set(acc(n), v128.zero())),
      set(pu, [...get(up), ...i32.const(cb * CO_BLOCK * 4), ...i32.add()]), set(pv, get(vp)), set(ci, i32.const(IC)),
      loop( // input channels
        ...madds,
        increment(pu, i32.const(OC * 4)), increment(pv, i32.const(4)),
        decrementAndLoop(ci),
      ),
    );
    for (let k = 0; k < G; k++) {
      for (let h = 0; h < 2; h++) product.push([...get(mp), ...get(acc(2 * k + h)), ...v128.store((k * OC + cb * CO_BLOCK) * 4 + h * V128)]);
    }
  }

  // 3. Y = Aᵀ M A for the group's tiles, a vector of 4 channels at a time, into y's two rows.
  //    The flags and relu's lanes are taken into registers here only, so they leave the products'
  //    registers free.
  const output: Instr[] = [set(reluMask, [...get(relu), ...i32x4.splat()]), set(fl, [...get(flags), ...v128.load()])];
  for (let k = 0; k < G; k++) {
    for (let c = 0; c < ocVec; c++) {
      for (let n = 0; n < 16; n++) output.push(set(d(n), [...get(m), ...v128.load(((n * G + k) * OC + 4 * c) * 4)]));
      // r = Aᵀ m: row 0 = m0 + m1 + m2, row 1 = m1 − m2 − m3 (per column j).
      for (let j = 0; j < 4; j++) {
        output.push(set(t(j), [...get(d(j)), ...get(d(4 + j)), ...add, ...get(d(8 + j)), ...add]));
        output.push(set(t(4 + j), [...get(d(4 + j)), ...get(d(8 + j)), ...sub, ...get(d(12 + j)), ...sub]));
      }
      for (let dr = 0; dr < 2; dr++) {
        const rr = (j: number): Instr => get(t(4 * dr + j));
        const values: Instr[] = [[...rr(0), ...rr(1), ...add, ...rr(2), ...add], [...rr(1), ...rr(2), ...sub, ...rr(3), ...sub]];
        for (let dc = 0; dc < 2; dc++) {
          const yAt = ((2 * k + dc) * OC + 4 * c) * 4;
          output.push(set(yv, onto ? values[dc] : [...values[dc], ...get(bias), ...v128.load(4 * c * 4), ...add]));
          output.push(set(fl, [...get(fl), ...get(yv), ...v128.zero(), ...f32x4.mul(), ...add]));
          if (onto) {
            output.push([...get(q[dr]), ...get(q[dr]), ...v128.load(yAt), ...get(yv), ...add, ...v128.store(yAt)]);
          } else {
            output.push([...get(q[dr]), ...get(yv), ...get(yv), ...v128.zero(), ...f32x4.lt(), ...get(reluMask), ...v128.and(), ...v128.andnot(), ...v128.store(yAt)]);
          }
        }
      }
    }
  }

  output.push([...get(flags), ...get(fl), ...v128.store()]);

  const body: Instr[] = [
    set(xi, get(x)), set(yr, get(y)),
    loop( // images
      set(xr, get(xi)), set(rows, get(TH)),
      loop( // tile rows: x rows 2·th .. 2·th + 3, y rows 2·th, 2·th + 1
        set(p[0], get(xr)),
        set(p[1], [...get(p[0]), ...get(xRow), ...i32.add()]),
        set(p[2], [...get(p[1]), ...get(xRow), ...i32.add()]),
        set(p[3], [...get(p[2]), ...get(xRow), ...i32.add()]),
        set(q[0], get(yr)), set(q[1], [...get(yr), ...get(yRow), ...i32.add()]),
        set(groups, get(nGroups)),
        loop( // groups of G tiles
          ...input,
          set(up, get(u)), set(vp, get(v)), set(mp, get(m)), set(xiLeft, i32.const(16)),
          loop( // ξ
            ...product,
            increment(up, i32.const(IC * OC * 4)), increment(vp, i32.const(G * IC * 4)), increment(mp, i32.const(G * OC * 4)),
            decrementAndLoop(xiLeft),
          ),
          ...output,
          ...p.map((pr) => increment(pr, i32.const(2 * G * IC * 4))),
          ...q.map((qr) => increment(qr, i32.const(2 * G * OC * 4))),
          decrementAndLoop(groups),
        ),
        // The next tile row: two rows on in x and in y.
        increment(xr, [...get(xRow), ...get(xRow), ...i32.add()]),
        increment(yr, [...get(yRow), ...get(yRow), ...i32.add()]),
        decrementAndLoop(rows),
      ),
      increment(xi, get(xImg)),
      decrementAndLoop(nImages),
    ),
  ];
  return {
    name: `${onto ? 'wino_add' : 'wino_bias'}_${G}`, params: new Array<ValType>(14).fill(valType.i32), results: [],
    locals: [...new Array<ValType>(nI32).fill(valType.i32), ...new Array<ValType>(nV128).fill(valType.v128)], body,
  };
}

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

/** The group sizes the module exports: groups of 4 tiles along a row, then 2 and 1 for the rest. */
export const WINOGRAD_SMALL_GROUPS = [4, 2, 1] as const;

/** Bytes of the module for one (IC, OC): wino_bias_G and wino_add_G for every G, and wino_filter_grad (see the header). IC % 4 = 0, OC % 8 = 0. */
export function winogradSmallModuleBytes(spec: WinogradSmallSpec): Uint8Array<ArrayBuffer> {
  if (spec.IC % 4 !== 0 || spec.OC % CO_BLOCK !== 0) {
    throw new Error(`winogradSmallModuleBytes: IC must be a multiple of 4 and OC of ${CO_BLOCK}, got IC ${spec.IC}, OC ${spec.OC}`);
  }
  return assembleModule({
    memory: { ...HEAP_IMPORT, minPages: 1 },
    functions: [...WINOGRAD_SMALL_GROUPS.flatMap((G) => [winoRows(spec, G, false), winoRows(spec, G, true)]), winoFilterGrad(spec)],
  });
}
