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
//   bn_affine_relu(y, x, k, a, b, rows, cVec)
//                                          bn_affine, then v & ~(v < 0) (relu-module.ts's relu_in_place:
//                                          negative lanes +0, NaN and ±0 kept) before the store: the
//                                          ReLU fused after a BatchNormalization, in the same pass
//   bn_dsums_masked(u, v, s1, s2, rows, cVec, m)
//                                          u[r,c] ← m[r,c] > 0 ? u[r,c] : +0 (relu-module.ts's relu_mask:
//                                          that ReLU's gradient, m its output), then bn_dsums on it
//   bn_dx_fresh(dx, dy, x, k, a, b, d, rows, cVec)
//                                          bn_dx into a dx of zeros without reading it: the +0 is a
//                                          register (v128.zero), added first as bn_dx adds the loaded
//                                          +0, so the bits are bn_dx's on a zeroed dx (a −0 sum comes
//                                          out +0 there too, since +0 + −0 = +0)
//   bn_affine_pairs, bn_affine_relu_pairs, bn_dx_pairs, bn_dx_fresh_pairs (same arguments, cVec even)
//                                          bn_affine, bn_affine_relu, bn_dx, bn_dx_fresh eight channels
//                                          at a time down the rows, their constants in registers: the same bits
// Buffers: x, y, u, v, dy, dx [rows, C] f32; k, a, b, d [C] f32; s1, s2 [C] f64 (accumulated).
// The sums start from what s1, s2 hold, so rows can come in consecutive calls (batch-norm-simd.ts
// runs them a chunk of rows at a time) and give the bits of one call over all of them.
//
// Why x − k: k is a value near the channel's mean (a value of the data, or the mean itself).
// a·x + b with b ≈ −a·mean would cancel in float32 when the mean is large next to the spread;
// x − k is exact whenever x and k are within a factor of 2 of each other (Sterbenz), so it does not.
//
// The sums widen each f32 lane exactly to f64 (f64x2.promote_low_f32x4, the upper two lanes
// moved down first by a shuffle) and add them in f64x2 registers, a channel's rows in order, into
// the float64 sums in memory. The per-element passes are float32
// arithmetic (one rounding per operation), where batch-norm-fast.ts computes in float64: the two
// agree within float32 tolerances, which is what the tests hold them to.

import {
  assembleModule, decrementAndLoop, f32x4, f64x2, i32, i8x16, increment, local, loop, v128, valType,
  type FunctionDef, type Instr, type ValType,
} from './assembler.js';
import { HEAP_IMPORT } from './heap.js';

const V128 = 16; // bytes per vector
// Bytes 8..15 (lanes 2, 3) moved down to lanes 0, 1, so promote_low can widen them.
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

const set = (to: number, value: Instr): Instr => [...value, ...local.set(to)];
const load = (p: number, offset = 0): Instr => [...local.get(p), ...v128.load(offset)];

/**
 * The two sum passes share their shape: per vector of four channels, down the rows, two widened
 * sums kept in registers (four f64x2 locals) and added to s1, s2 once at the end. A channel's sums
 * still add its rows in order, starting from what s1, s2 hold, so the bits are those of adding
 * into memory row by row; but no sum waits on the store and reload of the row before it.
 */
function sumsFunction(name: string, squared: boolean, masked = false): FunctionDef {
  // params: the row stream u, the second operand v (k for bn_sums: per channel; a stream for
  // bn_dsums), and for bn_dsums_masked the stream m whose lanes > 0 keep u's
  const u = 0, v = 1, s1 = 2, s2 = 3, rows = 4, cVec = 5, m = 6;
  const params = masked ? 7 : 6;
  // i32 locals: the row pointers, the rows left, the vectors left, the bytes from one row to the next
  const pu = params, pv = params + 1, r = params + 2, j = params + 3, rowBytes = params + 4, pm = params + 5;
  // v128 locals: what goes into s1 and into s2, then the sums (lanes 0, 1 and 2, 3 of s1 and of s2)
  const first = params + 6, second = first + 1, s1lo = first + 2, s1hi = first + 3, s2lo = first + 4, s2hi = first + 5;
  const high = (x: number): Instr => [...local.get(x), ...local.get(x), ...i8x16.shuffle(HIGH_HALF), ...f64x2.promote_low_f32x4()];
  const low = (x: number): Instr => [...local.get(x), ...f64x2.promote_low_f32x4()];
  const addInto = (acc: number, value: Instr): Instr => set(acc, [...local.get(acc), ...value, ...f64x2.add()]);
  return {
    name, params: new Array<ValType>(params).fill(valType.i32), results: [],
    locals: [...new Array<ValType>(6).fill(valType.i32), ...new Array<ValType>(6).fill(valType.v128)],
    body: [
      set(rowBytes, [...local.get(cVec), ...i32.const(4), ...i32.shl()]), set(j, local.get(cVec)),
      loop( // vectors of four channels
        set(s1lo, load(s1)), set(s1hi, load(s1, V128)), set(s2lo, load(s2)), set(s2hi, load(s2, V128)),
        set(pu, local.get(u)), set(pv, local.get(v)), set(r, local.get(rows)), masked ? set(pm, local.get(m)) : [],
        // bn_sums: second = k, the channels' shift, for every row.
        squared ? set(second, load(v)) : [],
        loop( // rows
          squared
            // bn_sums: first = u − k, squared in f64 below.
            ? set(first, [...load(pu), ...local.get(second), ...f32x4.sub()])
            // bn_dsums: first = u, second = u·v (f32); masked: u & (m > 0) first, written back to u.
            : [
              ...set(first, masked ? [...load(pu), ...load(pm), ...v128.zero(), ...f32x4.gt(), ...v128.and()] : load(pu)),
              ...(masked ? [...local.get(pu), ...local.get(first), ...v128.store()] : []),
              ...set(second, [...local.get(first), ...load(pv), ...f32x4.mul()]),
            ],
          addInto(s1lo, low(first)), addInto(s1hi, high(first)),
          ...(squared
            ? [addInto(s2lo, [...low(first), ...low(first), ...f64x2.mul()]), addInto(s2hi, [...high(first), ...high(first), ...f64x2.mul()])]
            : [addInto(s2lo, low(second)), addInto(s2hi, high(second))]),
          increment(pu, local.get(rowBytes)), squared ? [] : increment(pv, local.get(rowBytes)), masked ? increment(pm, local.get(rowBytes)) : [],
          decrementAndLoop(r),
        ),
        [...local.get(s1), ...local.get(s1lo), ...v128.store()], [...local.get(s1), ...local.get(s1hi), ...v128.store(V128)],
        [...local.get(s2), ...local.get(s2lo), ...v128.store()], [...local.get(s2), ...local.get(s2hi), ...v128.store(V128)],
        increment(u, i32.const(V128)), increment(v, i32.const(V128)), masked ? increment(m, i32.const(V128)) : [],
        increment(s1, i32.const(2 * V128)), increment(s2, i32.const(2 * V128)),
        decrementAndLoop(j),
      ),
    ],
  };
}

/** bn_affine (then the ReLU, with `relu`) and bn_dx: per row, per vector of four channels, a multiply-add with per-channel k, a, b (, d). */
function affineFunction(name: string, accumulate: boolean, relu = false, fresh = false): FunctionDef {
  // bn_affine(y, x, k, a, b, rows, cVec); bn_dx(dx, dy, x, k, a, b, d, rows, cVec)
  const out = 0, u = 1;
  const w = accumulate ? 2 : 1; // the stream k is subtracted from: bn_dx's x, bn_affine's x
  const k = accumulate ? 3 : 2, a = k + 1, b = k + 2, d = accumulate ? 6 : -1;
  const rows = accumulate ? 7 : 5, cVec = rows + 1;
  const params = cVec + 1;
  const pk = params, pa = params + 1, pb = params + 2, pd = params + 3, j = params + 4;
  const out4 = params + 5; // v128: the four values, before the ReLU clears their negative lanes
  // b·(w − k)
  const shifted: Instr = [...load(pb), ...load(w), ...load(pk), ...f32x4.sub(), ...f32x4.mul()];
  const value: Instr = accumulate
    // dx + ((a·dy + b·(x − k)) + d); fresh: +0 in place of dx, not read from memory
    ? [...(fresh ? v128.zero() : load(out)), ...load(pa), ...load(u), ...f32x4.mul(), ...shifted, ...f32x4.add(), ...load(pd), ...f32x4.add(), ...f32x4.add()]
    // a·(x − k) + b
    : [...load(pa), ...load(u), ...load(pk), ...f32x4.sub(), ...f32x4.mul(), ...load(pb), ...f32x4.add()];
  const perChannel = accumulate ? [pk, pa, pb, pd] : [pk, pa, pb];
  const firstOf = accumulate ? [k, a, b, d] : [k, a, b];
  return {
    name, params: new Array<ValType>(params).fill(valType.i32), results: [],
    locals: [...new Array<ValType>(5).fill(valType.i32), valType.v128],
    body: [
      loop(
        // A row: the per-channel pointers restart.
        ...perChannel.map((p, i) => set(p, local.get(firstOf[i]))), set(j, local.get(cVec)),
        loop(
          relu
            // v & ~(v < 0), relu_in_place's bits (see relu-module.ts).
            ? [...set(out4, value), ...local.get(out), ...local.get(out4), ...local.get(out4), ...v128.zero(), ...f32x4.lt(), ...v128.andnot(), ...v128.store()]
            : [...local.get(out), ...value, ...v128.store()],
          increment(out, i32.const(V128)), increment(u, i32.const(V128)), accumulate ? increment(w, i32.const(V128)) : [],
          ...perChannel.map((p) => increment(p, i32.const(V128))),
          decrementAndLoop(j),
        ),
        decrementAndLoop(rows),
      ),
    ],
  };
}

/**
 * bn_affine, bn_affine_relu and bn_dx over pairs of channel vectors: the same per-element
 * arithmetic as affineFunction's, in another order (elements are independent, so the bits are the
 * same). Per pair of vectors (8 channels, cVec even), the pair's k, a, b (, d) are loaded once into
 * registers and the loop runs down the rows, two vectors a row step. Why: with the ResNet's 8 or 16
 * channels a row of affineFunction's inner loop is 2–4 steps long, and each step reloads three or
 * four per-channel vectors and advances as many pointers beside its one store; here a row step
 * is the arithmetic, its loads and stores, and two or three pointer increments. Measured
 * (2026-11-29, medians of 280 calls, one process, 25088 rows × 8 channels, the ResNet's first batch
 * norm): bn_affine_relu 0.042 → 0.020 ms, bn_dx 0.061 → 0.031 ms. (Two vectors a row step in the sum
 * passes did not pay: they stayed at 0.042–0.049 ms, bound by the widening, not by the adds' latency.)
 */
function affinePairsFunction(name: string, accumulate: boolean, relu = false, fresh = false): FunctionDef {
  // the same parameters as affineFunction's
  const out = 0, u = 1;
  const w = accumulate ? 2 : 1;
  const k = accumulate ? 3 : 2, a = k + 1, b = k + 2, d = accumulate ? 6 : -1;
  const rows = accumulate ? 7 : 5, cVec = rows + 1;
  const params = cVec + 1;
  // i32 locals: the row pointers (out, u and, for bn_dx, x), the rows left, the pairs left, the bytes of a row
  const po = params, pu = params + 1, pw = params + 2, r = params + 3, j = params + 4, rowBytes = params + 5;
  const perChannel = accumulate ? [k, a, b, d] : [k, a, b];
  // v128 locals: the per-channel vectors of both halves of the pair, then one value before its ReLU
  const reg = (p: number, half: number): number => params + 6 + 2 * perChannel.indexOf(p) + half;
  const out4 = params + 6 + 2 * perChannel.length;
  const value = (half: number): Instr => {
    const at = V128 * half;
    // b·(w − k)
    const shifted: Instr = [...local.get(reg(b, half)), ...load(pw, at), ...local.get(reg(k, half)), ...f32x4.sub(), ...f32x4.mul()];
    return accumulate
      // dx + ((a·dy + b·(x − k)) + d); fresh: +0 in place of dx, not read from memory
      ? [...(fresh ? v128.zero() : load(po, at)), ...local.get(reg(a, half)), ...load(pu, at), ...f32x4.mul(), ...shifted, ...f32x4.add(), ...local.get(reg(d, half)), ...f32x4.add(), ...f32x4.add()]
      // a·(x − k) + b
      : [...local.get(reg(a, half)), ...load(pu, at), ...local.get(reg(k, half)), ...f32x4.sub(), ...f32x4.mul(), ...local.get(reg(b, half)), ...f32x4.add()];
  };
  const store = (half: number): Instr => relu
    // v & ~(v < 0), relu_in_place's bits (see relu-module.ts).
    ? [...set(out4, value(half)), ...local.get(po), ...local.get(out4), ...local.get(out4), ...v128.zero(), ...f32x4.lt(), ...v128.andnot(), ...v128.store(V128 * half)]
    : [...local.get(po), ...value(half), ...v128.store(V128 * half)];
  return {
    name, params: new Array<ValType>(params).fill(valType.i32), results: [],
    locals: [...new Array<ValType>(6).fill(valType.i32), ...new Array<ValType>(2 * perChannel.length + 1).fill(valType.v128)],
    body: [
      set(rowBytes, [...local.get(cVec), ...i32.const(4), ...i32.shl()]), set(j, [...local.get(cVec), ...i32.const(1), ...i32.shr_u()]),
      loop( // pairs of vectors of four channels
        ...perChannel.map((p) => [...set(reg(p, 0), load(p)), ...set(reg(p, 1), load(p, V128))]),
        set(po, local.get(out)), set(pu, local.get(u)), accumulate ? set(pw, local.get(w)) : [], set(r, local.get(rows)),
        loop( // rows
          store(0), store(1),
          increment(po, local.get(rowBytes)), increment(pu, local.get(rowBytes)), accumulate ? increment(pw, local.get(rowBytes)) : [],
          decrementAndLoop(r),
        ),
        increment(out, i32.const(2 * V128)), increment(u, i32.const(2 * V128)), accumulate ? increment(w, i32.const(2 * V128)) : [],
        ...perChannel.map((p) => increment(p, i32.const(2 * V128))),
        decrementAndLoop(j),
      ),
    ],
  };
}

/** Bytes of the batch-norm module: bn_sums, bn_dsums, bn_affine, bn_dx, bn_affine_relu, bn_dsums_masked, bn_dx_fresh and the pairs (see the header). */
export function batchNormModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({
    memory: { ...HEAP_IMPORT, minPages: 1 },
    functions: [sumsFunction('bn_sums', true), sumsFunction('bn_dsums', false), affineFunction('bn_affine', false), affineFunction('bn_dx', true),
      affineFunction('bn_affine_relu', false, true), sumsFunction('bn_dsums_masked', false, true),
      affinePairsFunction('bn_affine_pairs', false), affinePairsFunction('bn_dx_pairs', true), affinePairsFunction('bn_affine_relu_pairs', false, true),
      affineFunction('bn_dx_fresh', true, false, true), affinePairsFunction('bn_dx_fresh_pairs', true, false, true)],
  });
}
