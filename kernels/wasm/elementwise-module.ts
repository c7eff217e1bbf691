// The WebAssembly SIMD module behind elementwise-simd.ts: the passes over a whole activation that
// the ops run most, four floats per instruction. This file only builds the bytes.
//
// Exports (addresses in bytes into the shared heap, wasm/heap.ts; counts ≥ 1; C = 4·cVec):
//   relu_in_place(p, nVec)              p[i] ← p[i] < 0 ? +0 : p[i]   (relu-module.ts's function)
//   add_rows(y, x, b, rows, cVec)       y[r,c] = x[r,c] + b[c]         (f32, correctly rounded; y may be x)
//   channel_sums(x, s, rows, cVec)      s[c] += x[r,c] for r = 0, 1, … (float64 sums, each f32 widened
//                                       exactly; lanes 2, 3 moved down by a shuffle first)
//   channel_sums_pairs(x, s, rows, cVec)  channel_sums for cVec even, eight channels a row step: the same bits
// Buffers: x, y [rows, C] f32; b [C] f32; s [C] f64 (accumulated).

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

function addRows(): FunctionDef {
  const y = 0, x = 1, b = 2, rows = 3, cVec = 4;
  const pb = 5, j = 6; // the bias pointer (restarts each row) and the vectors left in the row
  return {
    name: 'add_rows', params: new Array<ValType>(5).fill(valType.i32), results: [], locals: [valType.i32, valType.i32],
    body: [
      loop(
        set(pb, local.get(b)), set(j, local.get(cVec)),
        loop(
          // *y = *x + *pb
          [...local.get(y), ...load(x), ...load(pb), ...f32x4.add(), ...v128.store()],
          increment(y, i32.const(V128)), increment(x, i32.const(V128)), increment(pb, i32.const(V128)),
          decrementAndLoop(j),
        ),
        decrementAndLoop(rows),
      ),
    ],
  };
}

/**
 * channel_sums: per vector of four channels, down the rows, the two f64x2 sums kept in registers and
 * added to s once at the end. A channel still adds its rows in order, starting from what s holds,
 * so the bits are those of adding into memory row by row; but no sum waits on the store and reload
 * of the row before it (measured: 0.087 ms for the conv bias gradient of 25,088 × 8 before).
 *
 * channel_sums_pairs (`pairs`, cVec even): two vectors (eight channels) a row step, four sums in
 * registers. Each channel's sum is the same chain of adds, so the same bits. Why: at the ResNet's 8
 * and 16 channels a row of one vector is a load, two widening adds and the loop's pointer step and
 * branch; with two vectors the step and branch are paid once for twice the adds, and the two
 * vectors' chains of adds overlap.
 */
function channelSums(pairs: boolean): FunctionDef {
  const x = 0, s = 1, rows = 2, cVec = 3;
  const px = 4, r = 5, rowBytes = 6; // the row pointer, the rows left, the bytes from one row to the next
  // v128: four channels of the row; the sums of lanes 0, 1 and 2, 3 (then, with pairs, those of the second vector)
  const v = 7, lo = 8, hi = 9, lo2 = 10, hi2 = 11;
  const width = pairs ? 2 : 1; // vectors a row step
  const addInto = (acc: number, widen: Instr): Instr => set(acc, [...local.get(acc), ...widen, ...f64x2.promote_low_f32x4(), ...f64x2.add()]);
  const sumsOf = (h: number): [number, number] => (h === 0 ? [lo, hi] : [lo2, hi2]);
  const halves = Array.from({ length: width }, (_, h) => h);
  return {
    name: pairs ? 'channel_sums_pairs' : 'channel_sums', params: new Array<ValType>(4).fill(valType.i32), results: [],
    locals: [valType.i32, valType.i32, valType.i32, ...new Array<ValType>(1 + 2 * width).fill(valType.v128)],
    body: [
      set(rowBytes, [...local.get(cVec), ...i32.const(4), ...i32.shl()]),
      pairs ? set(cVec, [...local.get(cVec), ...i32.const(1), ...i32.shr_u()]) : [], // cVec now counts pairs
      loop( // vectors (pairs of vectors) of four channels
        ...halves.map((h) => [...set(sumsOf(h)[0], load(s, 2 * V128 * h)), ...set(sumsOf(h)[1], load(s, 2 * V128 * h + V128))]),
        set(px, local.get(x)), set(r, local.get(rows)),
        loop( // rows
          ...halves.map((h) => [
            ...set(v, load(px, V128 * h)),
            ...addInto(sumsOf(h)[0], local.get(v)),
            ...addInto(sumsOf(h)[1], [...local.get(v), ...local.get(v), ...i8x16.shuffle(HIGH_HALF)]),
          ]),
          increment(px, local.get(rowBytes)),
          decrementAndLoop(r),
        ),
        ...halves.map((h) => [
          ...local.get(s), ...local.get(sumsOf(h)[0]), ...v128.store(2 * V128 * h),
          ...local.get(s), ...local.get(sumsOf(h)[1]), ...v128.store(2 * V128 * h + V128),
        ]),
        increment(x, i32.const(V128 * width)), increment(s, i32.const(2 * V128 * width)),
        decrementAndLoop(cVec),
      ),
    ],
  };
}

/** Bytes of the elementwise module: relu_in_place, add_rows, channel_sums, channel_sums_pairs (see the header). */
export function elementwiseModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({ memory: { ...HEAP_IMPORT, minPages: 1 }, functions: [reluInPlaceFunction(), addRows(), channelSums(false), channelSums(true)] });
}
