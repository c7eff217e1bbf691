// The WebAssembly SIMD module behind relu-simd.ts: the fused-ReLU passes of relu.ts, four floats
// per instruction. This file only builds the bytes; relu-simd.ts places the data and calls it.
//
// Exports (addresses in bytes into the shared heap, wasm/heap.ts; counts ≥ 1):
//   relu_mask(dz, dout, y, nVec)                 dz[i] = y[i] > 0 ? dout[i] : +0        4·nVec floats
//   relu_mask_bias(dz, dout, y, sums, rows, cVec) relu_mask over rows × C (C = 4·cVec), and
//                                                sums[c] += dz[r, c] in float64, row by row
// dz may be the same address as dout (each element is read before it is written).
// The forward ReLU, relu_in_place(p, nVec): p[i] ← p[i] < 0 ? +0 : p[i] over 4·nVec floats, is
// built here too but lives in the GEMM module (reluInPlaceFunction), which applies it to each
// block of a convolution's output before the block leaves wasm memory. NaN passes through it.
//
// The masks: f32x4.gt / f32x4.lt give all-ones lanes where JS's `>` / `<` is true and all-zeros
// where it is false (NaN on either side included). The backward keeps `dout & (y > 0)`; the
// forward clears the negative lanes, `v & ~(v < 0)` (v128.andnot), which leaves NaN and ±0 with
// their own bits. Both are bit-identical to relu.ts. (f32x4.max(v, 0) is not: a NaN it returns
// may lose its payload, and it turns −0 into +0.)
//
// The bias sums: relu.ts adds each row into float64 sums in row order. relu_mask_bias does the
// same additions in the same order, on f64x2 lanes (sums[c], sums[c+1]) widened exactly from
// the masked f32 values, so the sums are bit-identical too.

import {
  assembleModule, decrementAndLoop, f32x4, f64x2, i32, i8x16, increment, local, loop, v128, valType,
  type FunctionDef, type Instr, type ValType,
} from './assembler.js';
import { HEAP_IMPORT } from './heap.js';

const V128 = 16; // bytes per vector

// `dout & (y > 0)` for the vectors at two addresses: the masked gradient of the backward passes.
const masked = (dout: number, y: number): Instr =>
  [...local.get(dout), ...v128.load(), ...local.get(y), ...v128.load(), ...v128.zero(), ...f32x4.gt(), ...v128.and()];

/** `relu_in_place(p, nVec)` (see the header), for a module to include. */
export function reluInPlaceFunction(): FunctionDef {
  const p = 0, nVec = 1;
  return {
    name: 'relu_in_place', params: [valType.i32, valType.i32], results: [], locals: [],
    body: [
      loop(
        // *p = *p & ~(*p < 0): the negative lanes become +0, NaN and the rest keep their bits.
        [
          ...local.get(p),
          ...local.get(p), ...v128.load(), ...local.get(p), ...v128.load(), ...v128.zero(), ...f32x4.lt(), ...v128.andnot(),
          ...v128.store(),
        ],
        increment(p, i32.const(V128)),
        decrementAndLoop(nVec),
      ),
    ],
  };
}

function reluMask(): FunctionDef {
  const dz = 0, dout = 1, y = 2, nVec = 3;
  return {
    name: 'relu_mask', params: new Array<ValType>(4).fill(valType.i32), results: [], locals: [],
    body: [
      loop(
        // *dz = *dout & (*y > 0); the three streams advance together.
        [...local.get(dz), ...masked(dout, y), ...v128.store()],
        increment(dz, i32.const(V128)), increment(dout, i32.const(V128)), increment(y, i32.const(V128)),
        decrementAndLoop(nVec),
      ),
    ],
  };
}

function reluMaskBias(): FunctionDef {
  const dz = 0, dout = 1, y = 2, sums = 3, rows = 4, cVec = 5;
  const s = 6, k = 7; // the sums pointer and the vectors left in the current row
  const g = 8; // v128: the masked gradient of 4 channels
  // Bytes 8..15 (lanes 2, 3) moved down to lanes 0, 1, so promote_low can widen them.
  const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
  // sums[pair at offset] += widen(the two f32 lanes on the stack's low half).
  const addPair = (widen: Instr, offset: number): Instr => [
    ...local.get(s),
    ...local.get(s), ...v128.load(offset), ...widen, ...f64x2.promote_low_f32x4(), ...f64x2.add(),
    ...v128.store(offset),
  ];
  return {
    name: 'relu_mask_bias', params: new Array<ValType>(6).fill(valType.i32), results: [],
    locals: [valType.i32, valType.i32, valType.v128],
    body: [
      loop(
        // One row of C channels: the sums restart at channel 0.
        [...local.get(sums), ...local.set(s)], [...local.get(cVec), ...local.set(k)],
        loop(
          // g = dout & (y > 0), stored to dz.
          [...masked(dout, y), ...local.set(g)],
          [...local.get(dz), ...local.get(g), ...v128.store()],
          // Channels c, c+1 into sums[c..c+1]; channels c+2, c+3 into sums[c+2..c+3] (16 bytes on).
          addPair(local.get(g), 0),
          addPair([...local.get(g), ...local.get(g), ...i8x16.shuffle(HIGH_HALF)], V128),
          increment(dz, i32.const(V128)), increment(dout, i32.const(V128)), increment(y, i32.const(V128)), increment(s, i32.const(2 * V128)),
          decrementAndLoop(k),
        ),
        decrementAndLoop(rows),
      ),
    ],
  };
}

/** Bytes of the ReLU module: `relu_mask`, `relu_mask_bias` (see the header). */
export function reluModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({ memory: { ...HEAP_IMPORT, minPages: 1 }, functions: [reluMask(), reluMaskBias()] });
}
