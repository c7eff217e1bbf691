// The WebAssembly SIMD module behind adam-simd.ts: Adam's update (optimizers.ts) two parameters
// per step, in float64 lanes. This file only builds the bytes.
//
// Export (addresses in bytes into the shared heap, wasm/heap.ts; pairs ≥ 1):
//   adam_update(w, g, m, v, pairs, oneMinusB1, oneMinusB2, alpha, epsilon)     the last four f64
//     m ← m + (g − m)(1 − β₁);   v ← v + (g² − v)(1 − β₂);   w ← w − α · m / (√v + ε)
//   over 2·pairs floats of each of w, g, m, v (f32 buffers of equal length), in place.
//
// Why float64 lanes: optimizers.ts computes each line in float64 (JS numbers) from float32
// values and rounds once on the store, re-reading the rounded m and v for w's line. Doing the
// very same operations on f64x2 lanes (promote is exact; add, sub, mul, div, sqrt are IEEE
// correctly rounded) and rounding with f32x4.demote_f64x2_zero (round-to-nearest, as Math.fround)
// gives the same bits as the JS loop, not just "within float32 rounding". An f32x4 version would
// round every intermediate and differ in the last bit or two.
// Each step loads two floats with v128.load64_zero, widens them with f64x2.promote_low_f32x4, and
// stores two rounded floats back with v128.store64_lane.

import {
  assembleModule, br_if, f32x4, f64x2, i32, local, loop, v128, valType,
  type FunctionDef, type Instr,
} from './assembler.js';
import { HEAP_IMPORT } from './heap.js';

const PAIR = 8; // bytes of two floats

function adamUpdate(): FunctionDef {
  // Parameters: four pointers and the pair count (i32), then the constants (f64).
  const w = 0, g = 1, m = 2, v = 3, pairs = 4, oneMinusB1 = 5, oneMinusB2 = 6, alpha = 7, epsilon = 8;
  // v128 locals: the constants splatted to f64x2, then the widened g and the rounded new m and v.
  const o1 = 9, o2 = 10, alphaV = 11, epsV = 12, gd = 13, md = 14, vd = 15;

  const set = (to: number, value: Instr): Instr => [...value, ...local.set(to)];
  const splat = (to: number, from: number): Instr => set(to, [...local.get(from), ...f64x2.splat()]);
  // Two floats at a pointer, widened to f64x2.
  const widened = (p: number): Instr => [...local.get(p), ...v128.load64_zero(), ...f64x2.promote_low_f32x4()];
  // Rounds the f64x2 on the stack to float32, stores the two floats at p, and leaves the rounded
  // values widened again in `keep` (the value JS re-reads from the Float32Array).
  const roundStore = (p: number, keep: number): Instr => [
    ...f32x4.demote_f64x2_zero(), ...local.set(keep),
    ...local.get(p), ...local.get(keep), ...v128.store64_lane(0),
    ...local.get(keep), ...f64x2.promote_low_f32x4(), ...local.set(keep),
  ];
  const advance = (p: number): Instr => [...local.get(p), ...i32.const(PAIR), ...i32.add(), ...local.set(p)];

  return {
    name: 'adam_update',
    params: [valType.i32, valType.i32, valType.i32, valType.i32, valType.i32, valType.f64, valType.f64, valType.f64, valType.f64],
    results: [],
    locals: new Array(7).fill(valType.v128),
    body: [
      // The scalar constants in both lanes, once.
      splat(o1, oneMinusB1), splat(o2, oneMinusB2), splat(alphaV, alpha), splat(epsV, epsilon),
      loop(
        set(gd, widened(g)),
        // m ← m + (g − m)·(1 − β₁), rounded to float32 and stored; md = the rounded m.
        [...widened(m), ...local.get(gd), ...widened(m), ...f64x2.sub(), ...local.get(o1), ...f64x2.mul(), ...f64x2.add()],
        roundStore(m, md),
        // v ← v + (g·g − v)·(1 − β₂), likewise; vd = the rounded v.
        [...widened(v), ...local.get(gd), ...local.get(gd), ...f64x2.mul(), ...widened(v), ...f64x2.sub(),
          ...local.get(o2), ...f64x2.mul(), ...f64x2.add()],
        roundStore(v, vd),
        // w ← w − (α·m) / (√v + ε), in this association, as in optimizers.ts.
        [...widened(w), ...local.get(alphaV), ...local.get(md), ...f64x2.mul(),
          ...local.get(vd), ...f64x2.sqrt(), ...local.get(epsV), ...f64x2.add(), ...f64x2.div(), ...f64x2.sub()],
        roundStore(w, gd), // gd is free again: a scratch for the rounded w
        advance(w), advance(g), advance(m), advance(v),
        // pairs -= 1; loop while pairs ≠ 0.
        [...local.get(pairs), ...i32.const(1), ...i32.sub(), ...local.tee(pairs), ...br_if(0)],
      ),
    ],
  };
}

/** Bytes of the Adam module: `adam_update` (see the header). */
export function adamModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({ memory: { ...HEAP_IMPORT, minPages: 1 }, functions: [adamUpdate()] });
}
