// The WebAssembly SIMD module behind conv2d-winograd-simd.ts: Winograd F(2×2, 3×3)'s input
// transform V = Bᵀ d B (conv2d-winograd-transforms.ts's inputTransform) on four channels per
// instruction. This file only builds the bytes.
//
// Exports (addresses and strides in bytes into the shared heap, wasm/heap.ts; counts ≥ 1):
//   winograd_input(v, src, count, icVec, rowStride, colStride, plane)
//     for `count` tiles side by side in one tile row: tile k's 4×4 pixels start at
//     src + 2·k·colStride (pixel (r, c) at + r·rowStride + c·colStride, 4·icVec channels each),
//     and its 16 transformed vectors of channels go to v + k·16·icVec + ξ·plane, ξ = 4·i + j.
//   winograd_output(yt, m, count, ocVec, plane, bias, relu, flags, rowBytes, tileBytes)
//     for `count` consecutive tiles: Y = Aᵀ m A (outputTransformTile), m[ξ] of tile k at
//     m + k·16·ocVec + ξ·plane; then + bias [4·ocVec], then, when relu = −1 (0: off), negative
//     lanes cleared (v & ~(v < 0), which keeps NaN, as relu.ts). Tile k's output (dr, dc) goes to
//     yt + k·tileBytes + dr·rowBytes + dc·16·ocVec: tiles side by side in rows of an image when
//     tileBytes is two pixels and rowBytes a row, or [count, 2, 2, 4·ocVec] (rowBytes = 32·ocVec,
//     tileBytes = 64·ocVec). flags [count, 4] gets Σ (y + bias)·0 per tile: 0 when the tile's
//     values are finite, NaN when one is not (the caller's NaN/±Inf test).
//   winograd_output_add(...)  the same, adding each output (after the bias, before the ReLU) onto the
//     value already at its place in yt; flags test the transform's values alone.
//   winograd_grad_output(v, src, count, ocVec, rowStride, colStride, plane)
//     the filter gradient's transform of dy (conv2d-winograd-transforms.ts's gradOutputTransform):
//     for `count` tiles side by side in one tile row, tile k's 2×2 pixels e start at
//     src + 2·k·colStride (as winograd_input's, rows rowStride apart), and the 16 vectors of
//     Ã e Ãᵀ go to v + k·16·ocVec + ξ·plane.
//
// The arithmetic is that of the JS transforms, in float32 (each add rounded to float32 where the JS version
// rounds once at the store), so the two may differ in the last bit of a value; conv2d-winograd's
// tests compare the whole kernel with the direct twin either way.

import {
  assembleModule, decrementAndLoop, f32x4, i32, i32x4, increment, local, loop, v128, valType,
  type FunctionDef, type Instr, type ValType,
} from './assembler.js';
import { HEAP_IMPORT } from './heap.js';

const V128 = 16; // bytes per vector

function winogradInput(): FunctionDef {
  const v = 0, src = 1, count = 2, icVec = 3, rowStride = 4, colStride = 5, plane = 6;
  const p = 7, q = 8, k = 9; // the current pixel-vector pointer, the current output pointer, vectors left
  const at = (n: number): number => 10 + n; // at(4·r + c): byte offset of pixel (r, c) from the tile corner, n = 1..15
  const pl = (n: number): number => 25 + n; // pl(ξ): ξ·plane, ξ = 1..15
  const d = (r: number, c: number): number => 41 + 4 * r + c; // v128 locals: the 16 pixels
  const t = (j: number): number => 57 + j; // v128 locals: one row of Bᵀ d
  const i32Locals = 41 - 7; // p, q, k, at(1..15), pl(1..15)
  // Pushes address `base` + the i32 local `off` (or base alone for offset 0).
  const addr = (base: number, off: number | null): Instr => (off === null ? local.get(base) : [...local.get(base), ...local.get(off), ...i32.add()]);
  const setup: Instr[] = [];
  for (let n = 1; n < 16; n++) {
    // at(n) = r·rowStride + c·colStride;  pl(n) = n·plane.
    const r = n >> 2, c = n & 3;
    setup.push([...local.get(rowStride), ...i32.const(r), ...i32.mul(), ...local.get(colStride), ...i32.const(c), ...i32.mul(), ...i32.add(), ...local.set(at(n))]);
    setup.push([...local.get(plane), ...i32.const(n), ...i32.mul(), ...local.set(pl(n))]);
  }
  const loads: Instr[] = [];
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const n = 4 * r + c;
      loads.push([...addr(p, n === 0 ? null : at(n)), ...v128.load(), ...local.set(d(r, c))]);
    }
  }
  // Row i of Bᵀ: (a, b, op) = t_j = d[a][j] op d[b][j].
  const bt: [number, number, 'add' | 'sub'][] = [[0, 2, 'sub'], [1, 2, 'add'], [2, 1, 'sub'], [1, 3, 'sub']];
  const combine = (x: Instr, y: Instr, op: 'add' | 'sub'): Instr => [...x, ...y, ...(op === 'add' ? f32x4.add() : f32x4.sub())];
  const rows: Instr[] = [];
  for (let i = 0; i < 4; i++) {
    const [a, b, op] = bt[i];
    for (let j = 0; j < 4; j++) rows.push([...combine(local.get(d(a, j)), local.get(d(b, j)), op), ...local.set(t(j))]);
    // The same combination along the row: V[i][0..3] = t0 − t2, t1 + t2, t2 − t1, t1 − t3.
    for (let j = 0; j < 4; j++) {
      const [x, y, o] = bt[j];
      const xi = 4 * i + j;
      rows.push([...addr(q, xi === 0 ? null : pl(xi)), ...combine(local.get(t(x)), local.get(t(y)), o), ...v128.store()]);
    }
  }
  const locals: ValType[] = [...new Array<ValType>(i32Locals).fill(valType.i32), ...new Array<ValType>(20).fill(valType.v128)];
  return {
    name: 'winograd_input', params: new Array<ValType>(7).fill(valType.i32), results: [], locals,
    body: [
      ...setup,
      loop(
        // One tile: walk its channels four at a time.
        [...local.get(src), ...local.set(p)],
        [...local.get(v), ...local.set(q)],
        [...local.get(icVec), ...local.set(k)],
        loop(
          ...loads,
          ...rows,
          increment(p, i32.const(V128)),
          increment(q, i32.const(V128)),
          decrementAndLoop(k),
        ),
        // The next tile: two pixels to the right; its vectors go IC floats (16·icVec bytes) on in every plane.
        increment(src, [...local.get(colStride), ...i32.const(2), ...i32.mul()]),
        increment(v, [...local.get(icVec), ...i32.const(V128), ...i32.mul()]),
        decrementAndLoop(count),
      ),
    ],
  };
}

/** winograd_output, or with `onto` winograd_output_add, which adds each output onto the value already at its place. */
function winogradOutput(onto: boolean): FunctionDef {
  const yt = 0, m = 1, count = 2, ocVec = 3, plane = 4, bias = 5, relu = 6, flags = 7, rowBytes = 8, tileBytes = 9;
  const p = 10, q = 11, k = 12, b = 13; // the m, yt and bias pointers of the channel vector, vectors left
  const pl = (n: number): number => 13 + n; // pl(ξ): ξ·plane, ξ = 1..15
  const ys = (n: number): number => 28 + n; // ys(1..3): bytes from output (0, 0) to (0, 1), (1, 0), (1, 1)
  const mv = (n: number): number => 32 + n; // v128 locals: the 16 products of one tile and channel vector
  const r = (j: number): number => 48 + j; // v128 locals: r = Aᵀ m, row 0 (j = 0..3) and row 1 (4..7)
  const bv = 56, acc = 57, reluMask = 58, yv = 59; // v128: the bias vector, the tile's NaN test, relu's lanes, one output
  const setup: Instr[] = [];
  for (let n = 1; n < 16; n++) setup.push([...local.get(plane), ...i32.const(n), ...i32.mul(), ...local.set(pl(n))]);
  // (0, 1) is the next pixel, OC floats on; row 1 is rowBytes on.
  setup.push([...local.get(ocVec), ...i32.const(V128), ...i32.mul(), ...local.set(ys(1))]);
  setup.push([...local.get(rowBytes), ...local.set(ys(2))]);
  setup.push([...local.get(rowBytes), ...local.get(ys(1)), ...i32.add(), ...local.set(ys(3))]);
  setup.push([...local.get(relu), ...i32x4.splat(), ...local.set(reluMask)]);
  const get = (x: number): Instr => local.get(x);
  const add = f32x4.add(), sub = f32x4.sub();
  const body: Instr[] = [];
  for (let n = 0; n < 16; n++) body.push([...(n === 0 ? get(p) : [...get(p), ...get(pl(n)), ...i32.add()]), ...v128.load(), ...local.set(mv(n))]);
  body.push([...get(b), ...v128.load(), ...local.set(bv)]);
  // r0j = m0j + m1j + m2j;  r1j = m1j − m2j − m3j.
  for (let j = 0; j < 4; j++) {
    body.push([...get(mv(j)), ...get(mv(4 + j)), ...add, ...get(mv(8 + j)), ...add, ...local.set(r(j))]);
    body.push([...get(mv(4 + j)), ...get(mv(8 + j)), ...sub, ...get(mv(12 + j)), ...sub, ...local.set(r(4 + j))]);
  }
  // y(i, 0) = ri0 + ri1 + ri2;  y(i, 1) = ri1 − ri2 − ri3, plus the bias; acc += y·0; stored at yt
  // plane 2·i + dc after the optional ReLU.
  const at = (n: number): Instr => (n === 0 ? get(q) : [...get(q), ...get(ys(n)), ...i32.add()]);
  const finish = (n: number): Instr => [
    ...get(bv), ...add, ...local.set(yv),
    ...get(acc), ...get(yv), ...v128.zero(), ...f32x4.mul(), ...add, ...local.set(acc),
    // winograd_output_add: the value already there + y (the test above saw y alone).
    ...(onto ? [...at(n), ...v128.load(), ...get(yv), ...add, ...local.set(yv)] : []),
    ...at(n),
    ...get(yv), ...get(yv), ...v128.zero(), ...f32x4.lt(), ...get(reluMask), ...v128.and(), ...v128.andnot(),
    ...v128.store(),
  ];
  for (let i = 0; i < 2; i++) {
    const a = (j: number): Instr => get(r(4 * i + j));
    body.push([...a(0), ...a(1), ...add, ...a(2), ...add, ...finish(2 * i)]);
    body.push([...a(1), ...a(2), ...sub, ...a(3), ...sub, ...finish(2 * i + 1)]);
  }
  const locals: ValType[] = [...new Array<ValType>(32 - 10).fill(valType.i32), ...new Array<ValType>(28).fill(valType.v128)];
  return {
    name: onto ? 'winograd_output_add' : 'winograd_output', params: new Array<ValType>(10).fill(valType.i32), results: [], locals,
    body: [
      ...setup,
      loop(
        [...get(m), ...local.set(p)],
        [...get(yt), ...local.set(q)],
        [...get(bias), ...local.set(b)],
        [...get(ocVec), ...local.set(k)],
        [...v128.zero(), ...local.set(acc)],
        loop(
          ...body,
          increment(p, i32.const(V128)),
          increment(q, i32.const(V128)),
          increment(b, i32.const(V128)),
          decrementAndLoop(k),
        ),
        // The tile's test, then the next tile: OC floats on in every plane of m, tileBytes on in yt.
        [...get(flags), ...get(acc), ...v128.store()],
        increment(flags, i32.const(V128)),
        increment(m, [...get(ocVec), ...i32.const(V128), ...i32.mul()]),
        increment(yt, get(tileBytes)),
        decrementAndLoop(count),
      ),
    ],
  };
}

function winogradGradOutput(): FunctionDef {
  const v = 0, src = 1, count = 2, ocVec = 3, rowStride = 4, colStride = 5, plane = 6;
  const p = 7, q = 8, k = 9, diag = 10; // the pixel-vector and output pointers, vectors left, rowStride + colStride
  const pl = (n: number): number => 10 + n; // pl(ξ): ξ·plane, ξ = 1..15
  const e = (r: number, c: number): number => 26 + 2 * r + c; // v128 locals: the tile's 2×2 pixels
  const sum = (c: number): number => 30 + c; // v128: e0c + e1c (row 1 of Ã e)
  const dif = (c: number): number => 32 + c; // v128: e0c − e1c (row 2 of Ã e)
  const get = (x: number): Instr => local.get(x);
  const setup: Instr[] = [[...get(rowStride), ...get(colStride), ...i32.add(), ...local.set(diag)]];
  for (let n = 1; n < 16; n++) setup.push([...get(plane), ...i32.const(n), ...i32.mul(), ...local.set(pl(n))]);
  const body: Instr[] = [
    [...get(p), ...v128.load(), ...local.set(e(0, 0))],
    [...get(p), ...get(colStride), ...i32.add(), ...v128.load(), ...local.set(e(0, 1))],
    [...get(p), ...get(rowStride), ...i32.add(), ...v128.load(), ...local.set(e(1, 0))],
    [...get(p), ...get(diag), ...i32.add(), ...v128.load(), ...local.set(e(1, 1))],
  ];
  for (let c = 0; c < 2; c++) {
    body.push([...get(e(0, c)), ...get(e(1, c)), ...f32x4.add(), ...local.set(sum(c))]);
    body.push([...get(e(0, c)), ...get(e(1, c)), ...f32x4.sub(), ...local.set(dif(c))]);
  }
  // Row i of r = Ã e is (a, b); the tile's row i of r Ãᵀ is a, a + b, a − b, b.
  const rows: [number, number][] = [[e(0, 0), e(0, 1)], [sum(0), sum(1)], [dif(0), dif(1)], [e(1, 0), e(1, 1)]];
  rows.forEach(([a, b], i) => {
    const store = (j: number, value: Instr): Instr => {
      const xi = 4 * i + j;
      return [...(xi === 0 ? get(q) : [...get(q), ...get(pl(xi)), ...i32.add()]), ...value, ...v128.store()];
    };
    body.push(store(0, get(a)));
    body.push(store(1, [...get(a), ...get(b), ...f32x4.add()]));
    body.push(store(2, [...get(a), ...get(b), ...f32x4.sub()]));
    body.push(store(3, get(b)));
  });
  const locals: ValType[] = [...new Array<ValType>(26 - 7).fill(valType.i32), ...new Array<ValType>(8).fill(valType.v128)];
  return {
    name: 'winograd_grad_output', params: new Array<ValType>(7).fill(valType.i32), results: [], locals,
    body: [
      ...setup,
      loop(
        [...get(src), ...local.set(p)],
        [...get(v), ...local.set(q)],
        [...get(ocVec), ...local.set(k)],
        loop(
          ...body,
          increment(p, i32.const(V128)),
          increment(q, i32.const(V128)),
          decrementAndLoop(k),
        ),
        // The next tile: two pixels to the right; its vectors go OC floats (16·ocVec bytes) on in every plane.
        increment(src, [...get(colStride), ...i32.const(2), ...i32.mul()]),
        increment(v, [...get(ocVec), ...i32.const(V128), ...i32.mul()]),
        decrementAndLoop(count),
      ),
    ],
  };
}

/** The module's bytes: the four functions, importing the shared heap. */
export function winogradModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({ memory: { ...HEAP_IMPORT, minPages: 1 }, functions: [winogradInput(), winogradOutput(false), winogradOutput(true), winogradGradOutput()] });
}
