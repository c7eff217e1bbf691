// The WebAssembly SIMD module behind batch-norm-simd.ts: the passes of batch-norm-fast.ts four
// channels per instruction. This file only builds the bytes; batch-norm-simd.ts places the data.
//
// Exports (addresses in bytes into the shared heap, wasm/heap.ts; rows, cVec ≥ 1; C = 4·cVec):
//   bn_sums(x, k, s1, s2, rows, cVec)      d = x[r,c] − k[c] (f32), then in float64:
//                                          s1[c] += d, s2[c] += d²                 row by row
//   bn_dsums(u, v, s1, s2, rows, cVec)     s1[c] += u[r,c], s2[c] += f32(u[r,c]·v[r,c])  (float64 sums)
//   bn_affine(y, x, k, a, b, rows, cVec)   y[r,c] = a[c]·(x[r,c] − k[c]) + b[c]    (f32; y may be x)
//   bn_dx(dx, dy, x, k, a, b, d, rows, cVec)
//                                          dx[r,c] += a[c]·dy[r,c] + b[c]·(x[r,c] − k[c]) + d[c]   (f32)
//   relu_in_place(p, nVec)                 p[i] ← p[i] < 0 ? +0 : p[i]   (relu-module.ts's: the ReLU
//                                          fused after a BatchNormalization, on y still in the heap)
// Buffers: x, y, u, v, dy, dx [rows, C] f32; k, a, b, d [C] f32; s1, s2 [C] f64 (accumulated).
//
// Why x − k: k is a value near the channel's mean (a value of the data, or the mean itself).
// a·x + b with b ≈ −a·mean would cancel in float32 when the mean is large next to the spread;
// x − k is exact whenever x and k are within a factor of 2 of each other (Sterbenz), so it does not.
//
// The sums widen each f32 lane exactly to f64 (f64x2.promote_low_f32x4, the upper two lanes
// moved down first by a shuffle) and add into float64 sums in memory, as relu-module.ts does for
// a bias gradient: a channel's sums add the rows in order. The per-element passes are float32
// arithmetic (one rounding per operation), where batch-norm-fast.ts computes in float64: the two
// agree within float32 tolerances, which is what the tests hold them to.

import {
  assembleModule, decrementAndLoop, f32x4, f64x2, i32, i8x16, increment, local, loop, v128, valType,
  type FunctionDef, type Instr, type ValType,
} from './assembler.js';
import { HEAP_IMPORT } from './heap.js';
import { reluInPlaceFunction } from './relu-module.js';

const V128 = 16; // bytes per vector
// Bytes 8..15 (lanes 2, 3) moved down to lanes 0, 1, so promote_low can widen them.
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

const set = (to: number, value: Instr): Instr => [...value, ...local.set(to)];
const load = (p: number, offset = 0): Instr => [...local.get(p), ...v128.load(offset)];

/** *(f64x2 at p + offset) += the f64x2 `value` leaves on the stack. */
const addTo = (p: number, offset: number, value: Instr): Instr => [...local.get(p), ...load(p, offset), ...value, ...f64x2.add(), ...v128.store(offset)];

/** Adds the four f32 lanes of local `v` into the f64 sums at p (lanes 0, 1 at +0; 2, 3 at +16). */
const widenInto = (v: number, p: number): Instr[] => [
  addTo(p, 0, [...local.get(v), ...f64x2.promote_low_f32x4()]),
  addTo(p, V128, [...local.get(v), ...local.get(v), ...i8x16.shuffle(HIGH_HALF), ...f64x2.promote_low_f32x4()]),
];

/** The two sum passes share their shape: per row, per vector of four channels, two widened sums. */
function sumsFunction(name: string, squared: boolean): FunctionDef {
  // params: the row stream u, the second operand v (k for bn_sums: per channel; a stream for bn_dsums)
  const u = 0, v = 1, s1 = 2, s2 = 3, rows = 4, cVec = 5;
  const pv = 6, p1 = 7, p2 = 8, j = 9; // i32 locals: per-row pointers and the vectors left
  const first = 10, second = 11; // v128 locals: what goes into s1 and into s2
  return {
    name, params: new Array<ValType>(6).fill(valType.i32), results: [],
    locals: [valType.i32, valType.i32, valType.i32, valType.i32, valType.v128, valType.v128],
    body: [
      loop(
        // A row: the per-channel pointers restart (v restarts only for bn_sums, where it is k).
        set(p1, local.get(s1)), set(p2, local.get(s2)), set(j, local.get(cVec)),
        squared ? set(pv, local.get(v)) : [],
        loop(
          squared
            // bn_sums: first = u − k, second = first² (widened, then squared in f64 below).
            ? set(first, [...load(u), ...load(pv), ...f32x4.sub()])
            // bn_dsums: first = u, second = u·v (f32).
            : set(first, load(u)),
          squared ? [] : set(second, [...local.get(first), ...load(v), ...f32x4.mul()]),
          ...widenInto(first, p1),
          ...(squared
            ? [
              addTo(p2, 0, [...local.get(first), ...f64x2.promote_low_f32x4(), ...local.get(first), ...f64x2.promote_low_f32x4(), ...f64x2.mul()]),
              addTo(p2, V128, [
                ...local.get(first), ...local.get(first), ...i8x16.shuffle(HIGH_HALF), ...f64x2.promote_low_f32x4(),
                ...local.get(first), ...local.get(first), ...i8x16.shuffle(HIGH_HALF), ...f64x2.promote_low_f32x4(), ...f64x2.mul(),
              ]),
            ]
            : widenInto(second, p2)),
          increment(u, i32.const(V128)), increment(squared ? pv : v, i32.const(V128)),
          increment(p1, i32.const(2 * V128)), increment(p2, i32.const(2 * V128)),
          decrementAndLoop(j),
        ),
        decrementAndLoop(rows),
      ),
    ],
  };
}

/** bn_affine and bn_dx: per row, per vector of four channels, a multiply-add with per-channel k, a, b (, d). */
function affineFunction(name: string, accumulate: boolean): FunctionDef {
  // bn_affine(y, x, k, a, b, rows, cVec); bn_dx(dx, dy, x, k, a, b, d, rows, cVec)
  const out = 0, u = 1;
  const w = accumulate ? 2 : 1; // the stream k is subtracted from: bn_dx's x, bn_affine's x
  const k = accumulate ? 3 : 2, a = k + 1, b = k + 2, d = accumulate ? 6 : -1;
  const rows = accumulate ? 7 : 5, cVec = rows + 1;
  const params = cVec + 1;
  const pk = params, pa = params + 1, pb = params + 2, pd = params + 3, j = params + 4;
  // b·(w − k)
  const shifted: Instr = [...load(pb), ...load(w), ...load(pk), ...f32x4.sub(), ...f32x4.mul()];
  const value: Instr = accumulate
    // dx + ((a·dy + b·(x − k)) + d)
    ? [...load(out), ...load(pa), ...load(u), ...f32x4.mul(), ...shifted, ...f32x4.add(), ...load(pd), ...f32x4.add(), ...f32x4.add()]
    // a·(x − k) + b
    : [...load(pa), ...load(u), ...load(pk), ...f32x4.sub(), ...f32x4.mul(), ...load(pb), ...f32x4.add()];
  const perChannel = accumulate ? [pk, pa, pb, pd] : [pk, pa, pb];
  const firstOf = accumulate ? [k, a, b, d] : [k, a, b];
  return {
    name, params: new Array<ValType>(params).fill(valType.i32), results: [],
    locals: new Array<ValType>(5).fill(valType.i32),
    body: [
      loop(
        // A row: the per-channel pointers restart.
        ...perChannel.map((p, i) => set(p, local.get(firstOf[i]))), set(j, local.get(cVec)),
        loop(
          [...local.get(out), ...value, ...v128.store()],
          increment(out, i32.const(V128)), increment(u, i32.const(V128)), accumulate ? increment(w, i32.const(V128)) : [],
          ...perChannel.map((p) => increment(p, i32.const(V128))),
          decrementAndLoop(j),
        ),
        decrementAndLoop(rows),
      ),
    ],
  };
}

/** Bytes of the batch-norm module: bn_sums, bn_dsums, bn_affine, bn_dx, relu_in_place (see the header). */
export function batchNormModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({
    memory: { ...HEAP_IMPORT, minPages: 1 },
    functions: [sumsFunction('bn_sums', true), sumsFunction('bn_dsums', false), affineFunction('bn_affine', false), affineFunction('bn_dx', true),
      reluInPlaceFunction()],
  });
}
