// The WebAssembly SIMD module behind adam-simd.ts: Adam's update (optimizers.ts) four parameters
// per step, in f32x4 lanes. This file only builds the bytes.
//
// Export (addresses in bytes into the shared heap, wasm/heap.ts; quads ≥ 1):
//   adam_update(w, g, m, v, quads, oneMinusB1, oneMinusB2, alpha, epsilon)     the last four f32
//     m ← m + (g − m)(1 − β₁);   v ← v + (g² − v)(1 − β₂);   w ← w − (α · m) / (√v + ε)
//   over 4·quads floats of each of w, g, m, v (f32 buffers of equal length), in place.
//
// m and v are flushed to zero when they fall below the smallest normal float32 (2⁻¹²⁶): see
// optimizers.ts for why.
//
// Every operation is one float32 operation, rounded as IEEE says (sub, mul, add, div and sqrt
// are correctly rounded in WebAssembly), in the order written above: the same float32 arithmetic
// Keras's Adam does on float32 variables, and the same bits as optimizers.ts's adamUpdate, which
// rounds each JS operation with Math.fround. Each step loads four floats of g, m, v and w with
// v128.load and stores four of m, v and w with v128.store.

import {
  assembleModule, decrementAndLoop, f32, f32x4, i32, increment, local, loop, v128, valType, type FunctionDef, type Instr,
} from './assembler.js';
import { HEAP_IMPORT } from './heap.js';

const QUAD = 16; // bytes of four floats
const SMALLEST_NORMAL = 2 ** -126; // the smallest normal float32

function adamUpdate(): FunctionDef {
  // Parameters: four pointers and the quad count (i32), then the constants (f32).
  const w = 0, g = 1, m = 2, v = 3, quads = 4, oneMinusB1 = 5, oneMinusB2 = 6, alpha = 7, epsilon = 8;
  // v128 locals: the constants splatted to f32x4, then g and the new m and v.
  const o1 = 9, o2 = 10, alphaV = 11, epsV = 12, gv = 13, mv = 14, vv = 15, tinyV = 16;

  const set = (to: number, value: Instr): Instr => [...value, ...local.set(to)];
  const splat = (to: number, from: number): Instr => set(to, [...local.get(from), ...f32x4.splat()]);
  const load = (p: number): Instr => [...local.get(p), ...v128.load()];
  const store = (p: number, value: number): Instr => [...local.get(p), ...local.get(value), ...v128.store()];
  // x ← 0 in the lanes where |x| < 2⁻¹²⁶ (a NaN compares false and stays).
  const flush = (x: number): Instr => set(x, [...local.get(x), ...local.get(x), ...f32x4.abs(), ...local.get(tinyV), ...f32x4.lt(), ...v128.andnot()]);

  return {
    name: 'adam_update',
    params: [valType.i32, valType.i32, valType.i32, valType.i32, valType.i32, valType.f32, valType.f32, valType.f32, valType.f32],
    results: [],
    locals: new Array(8).fill(valType.v128),
    body: [
      // The scalar constants in all four lanes, once.
      splat(o1, oneMinusB1), splat(o2, oneMinusB2), splat(alphaV, alpha), splat(epsV, epsilon),
      set(tinyV, [...f32.const(SMALLEST_NORMAL), ...f32x4.splat()]),
      loop(
        set(gv, load(g)),
        // m ← m + (g − m)·(1 − β₁)
        set(mv, [...load(m), ...local.get(gv), ...load(m), ...f32x4.sub(), ...local.get(o1), ...f32x4.mul(), ...f32x4.add()]),
        flush(mv), store(m, mv),
        // v ← v + (g·g − v)·(1 − β₂)
        set(vv, [...load(v), ...local.get(gv), ...local.get(gv), ...f32x4.mul(), ...load(v), ...f32x4.sub(),
          ...local.get(o2), ...f32x4.mul(), ...f32x4.add()]),
        flush(vv), store(v, vv),
        // w ← w − (α·m) / (√v + ε), with the new m and v
        [...local.get(w), ...load(w), ...local.get(alphaV), ...local.get(mv), ...f32x4.mul(),
          ...local.get(vv), ...f32x4.sqrt(), ...local.get(epsV), ...f32x4.add(), ...f32x4.div(), ...f32x4.sub(), ...v128.store()],
        increment(w, i32.const(QUAD)), increment(g, i32.const(QUAD)), increment(m, i32.const(QUAD)), increment(v, i32.const(QUAD)),
        decrementAndLoop(quads),
      ),
    ],
  };
}

/** Bytes of the Adam module: `adam_update` (see the header). */
export function adamModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({ memory: { ...HEAP_IMPORT, minPages: 1 }, functions: [adamUpdate()] });
}
