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
//   wino_bias_G(y, x, u, bias, v, m, flags, nImages, TH, nGroups, xRow, xImg, yRow)   G = 4, 2, 1
//       For nImages images (xImg bytes apart in x) of TH tile rows, and nGroups groups of G tiles
//       along each tile row: tile (th, k) reads the padded input's pixels (2·th + r, 2·k + c),
//       r, c < 4, at x + (2·th + r)·xRow + (2·k + c)·IC·4, and writes output pixels
//       (2·th + dr, 2·k + dc) at y + (2·th + dr)·yRow + (2·k + dc)·OC·4, y's rows following on
//       from one image to the next (2·TH of them per image). y = Aᵀ M A + bias. u: U [16, IC, OC]
//       (filterTransform's); v, m: scratch of 16·4·IC and 16·4·OC floats. flags [4] += the sum of
//       each tile's 4 outputs (per channel vector) times 0: 0 while all are finite, NaN once one is
//       not. Overwrites y.
//   wino_relu_G(...)  the same, then negative lanes cleared (v & ~(v < 0), which keeps NaN, as relu.ts).
//   wino_add_G(...)   the same without the bias, adding each output onto the value at its place in
//       y; flags test the transform's values alone. Accumulates.
//
// Arithmetic: float32 lanes. The products M[ξ] sum IC terms in channel order, fused (one rounding
// each) when the module is built with `fma` (relaxed SIMD), else a mul then an add; the transforms
// round each add as the JS twins of conv2d-winograd-transforms.ts do at their stores.

import { assembleModule, decrementAndLoop, f32x4, i32, increment, local, loop, v128, valType, type FunctionDef, type Instr, type ValType } from './assembler.js';
import { HEAP_IMPORT } from './heap.js';

export const V128 = 16; // bytes per vector
export const CO_BLOCK = 8; // output channels per register tile of the products (two vectors)

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
export function inputTransform(
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
export const madd = (fma: boolean, acc: number, s: number, w: number): Instr =>
  set(acc, fma ? [...get(s), ...get(w), ...get(acc), ...f32x4.relaxed_madd()] : [...get(acc), ...get(s), ...get(w), ...f32x4.mul(), ...add]);

/** What one module computes: its channel counts and whether the products fuse. */
export interface WinogradSmallSpec { readonly IC: number; readonly OC: number; readonly fma: boolean }

/** What the output transform does with a value: + bias, + bias then ReLU, or added onto y. */
type OutputMode = 'bias' | 'relu' | 'add';

/** wino_bias_G, wino_relu_G or wino_add_G (see the header). */
function winoRows(spec: WinogradSmallSpec, G: number, mode: OutputMode): FunctionDef {
  const { IC, OC, fma } = spec;
  const icVec = IC / 4, ocVec = OC / 4;
  // Parameters.
  const y = 0, x = 1, u = 2, bias = 3, v = 4, m = 5, flags = 6, nImages = 7, TH = 8, nGroups = 9, xRow = 10, xImg = 11, yRow = 12;
  // i32 locals: image base of x, row base of y, tile rows left, the group's 4 row pointers of x and
  // 2 of y, groups left; the ξ loop's U, V and M pointers and counter; the tile row's base in x; the
  // channel loop's U and V pointers and counter.
  const xi = 13, yr = 14, rows = 15, p = [16, 17, 18, 19], q = [20, 21], groups = 22, up = 23, vp = 24, mp = 25, xiLeft = 26, xr = 27;
  const pu = 28, pv = 29, ci = 30;
  const nI32 = 31 - 13;
  // v128 locals: 16 for a tile's pixels (or products), 8 for a row pass, the product tile's 8 sums,
  // two weight vectors, one splat, the flags, one output, the sum of a tile's 4 outputs.
  const d = (n: number): number => 31 + n; // n < 16
  const t = (n: number): number => 47 + n; // n < 8
  const acc = (n: number): number => 55 + n; // n < 2·G
  const w0 = 63, w1 = 64, s = 65, fl = 66, yv = 67, ys = 68;
  const nV128 = 69 - 31;

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
  //    The first channel's products start the sums (a mul, no zeroing), the loop adds the rest.
  const product: Instr[] = [];
  for (let cb = 0; cb < OC / CO_BLOCK; cb++) {
    const channel = (first: boolean): Instr[] => {
      const code: Instr[] = [set(w0, [...get(pu), ...v128.load()]), set(w1, [...get(pu), ...v128.load(V128)])];
      for (let k = 0; k < G; k++) {
        code.push(set(s, [...get(pv), ...v128.load32_splat(k * IC * 4)]));
        for (let h = 0; h < 2; h++) {
          const a = acc(2 * k + h), w = h === 0 ? w0 : w1;
          code.push(first ? set(a, [...get(s), ...get(w), ...f32x4.mul()]) : madd(fma, a, s, w));
        }
      }
      code.push(increment(pu, i32.const(OC * 4)), increment(pv, i32.const(4)));
      return code;
    };
    product.push(
      set(pu, [...get(up), ...i32.const(cb * CO_BLOCK * 4), ...i32.add()]), set(pv, get(vp)), set(ci, i32.const(IC - 1)),
      ...channel(true),
      loop( // input channels 1 .. IC − 1
        ...channel(false),
        decrementAndLoop(ci),
      ),
    );
    for (let k = 0; k < G; k++) {
      for (let h = 0; h < 2; h++) product.push([...get(mp), ...get(acc(2 * k + h)), ...v128.store((k * OC + cb * CO_BLOCK) * 4 + h * V128)]);
    }
  }

  // 3. Y = Aᵀ M A for the group's tiles, a vector of 4 channels at a time, into y's two rows.
  //    The flags are taken into a register here only, so they leave the products' registers free;
  //    they add (Σ of a tile's 4 outputs)·0, one test per tile and channel vector (a sum that
  //    overflows only costs a recompute).
  const output: Instr[] = [set(fl, [...get(flags), ...v128.load()])];
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
          output.push(set(yv, mode === 'add' ? values[dc] : [...values[dc], ...get(bias), ...v128.load(4 * c * 4), ...add]));
          output.push(set(ys, dr + dc === 0 ? get(yv) : [...get(ys), ...get(yv), ...add]));
          if (mode === 'add') {
            output.push([...get(q[dr]), ...get(q[dr]), ...v128.load(yAt), ...get(yv), ...add, ...v128.store(yAt)]);
          } else if (mode === 'relu') {
            output.push([...get(q[dr]), ...get(yv), ...get(yv), ...v128.zero(), ...f32x4.lt(), ...v128.andnot(), ...v128.store(yAt)]);
          } else {
            output.push([...get(q[dr]), ...get(yv), ...v128.store(yAt)]);
          }
        }
      }
      output.push(set(fl, [...get(fl), ...get(ys), ...v128.zero(), ...f32x4.mul(), ...add]));
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
    name: `wino_${mode}_${G}`, params: new Array<ValType>(13).fill(valType.i32), results: [],
    locals: [...new Array<ValType>(nI32).fill(valType.i32), ...new Array<ValType>(nV128).fill(valType.v128)], body,
  };
}

/** The group sizes the module exports: groups of 4 tiles along a row, then 2 and 1 for the rest. */
export const WINOGRAD_SMALL_GROUPS = [4, 2, 1] as const;

/** Bytes of the module for one (IC, OC): wino_bias_G, wino_relu_G and wino_add_G for every G (see the header). IC % 4 = 0, OC % 8 = 0. */
export function winogradSmallModuleBytes(spec: WinogradSmallSpec): Uint8Array<ArrayBuffer> {
  if (spec.IC % 4 !== 0 || spec.OC % CO_BLOCK !== 0) {
    throw new Error(`winogradSmallModuleBytes: IC must be a multiple of 4 and OC of ${CO_BLOCK}, got IC ${spec.IC}, OC ${spec.OC}`);
  }
  return assembleModule({
    memory: { ...HEAP_IMPORT, minPages: 1 },
    functions: WINOGRAD_SMALL_GROUPS.flatMap((G) => (['bias', 'relu', 'add'] as const).map((mode) => winoRows(spec, G, mode))),
  });
}
