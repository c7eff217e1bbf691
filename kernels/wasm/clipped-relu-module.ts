// The WebAssembly SIMD module behind clipped-relu-simd.ts: the clipped ReLU of clipped-relu.ts, four
// floats per instruction. This file only builds the bytes; clipped-relu-simd.ts places and calls.
//
// Exports (addresses in bytes into the shared heap, wasm/heap.ts; nVec ≥ 1 vectors of 4 floats; top f32):
//   clipped_relu(y, x, nVec, top)             y = (x > top ? top : x) & ~(x ≤ 0)
//   clipped_relu_grad(dx, dout, x, nVec, top) dx += dout · ((0 < x < top) & 1.0)
//
// The masks: f32x4.gt / le / lt are all-ones where JS's `>`, `<=`, `<` are true and all-zeros where
// they are false, NaN on either side included. So a NaN x fails every test and is copied through
// with its bits; x ≤ 0 (−0 too) is cleared to +0 by andnot. In the gradient the mask, ANDed with
// 1.0, is the float 1 or +0 that the naive loop multiplies dout by, so the product and the sum are
// the same IEEE operations: the results are bit-identical to clipped-relu.ts.

import { assembleModule, decrementAndLoop, f32, f32x4, i32, increment, local, loop, v128, valType, type FunctionDef } from './assembler.js';
import { HEAP_IMPORT } from './heap.js';

const V128 = 16; // bytes per vector

function clippedRelu(): FunctionDef {
  const y = 0, x = 1, nVec = 2, top = 3; // params: three i32, one f32
  const t = 4, v = 5; // v128 locals: top in every lane, the x vector
  return {
    name: 'clipped_relu', params: [valType.i32, valType.i32, valType.i32, valType.f32], results: [], locals: [valType.v128, valType.v128],
    body: [
      [...local.get(top), ...f32x4.splat(), ...local.set(t)],
      loop(
        [...local.get(x), ...v128.load(), ...local.set(v)],
        [
          ...local.get(y),
          // bitselect(top, x, x > top): top where x > top, x elsewhere (NaN included) …
          ...local.get(t), ...local.get(v), ...local.get(v), ...local.get(t), ...f32x4.gt(), ...v128.bitselect(),
          // … & ~(x ≤ 0): +0 where x ≤ 0.
          ...local.get(v), ...v128.zero(), ...f32x4.le(), ...v128.andnot(),
          ...v128.store(),
        ],
        increment(y, i32.const(V128)), increment(x, i32.const(V128)),
        decrementAndLoop(nVec),
      ),
    ],
  };
}

function clippedReluGrad(): FunctionDef {
  const dx = 0, dout = 1, x = 2, nVec = 3, top = 4; // params: four i32, one f32
  const t = 5, v = 6, one = 7; // v128 locals: top in every lane, the x vector, 1.0 in every lane
  return {
    name: 'clipped_relu_grad', params: [valType.i32, valType.i32, valType.i32, valType.i32, valType.f32], results: [],
    locals: [valType.v128, valType.v128, valType.v128],
    body: [
      [...local.get(top), ...f32x4.splat(), ...local.set(t)],
      [...f32.const(1), ...f32x4.splat(), ...local.set(one)],
      loop(
        [...local.get(x), ...v128.load(), ...local.set(v)],
        [
          ...local.get(dx),
          ...local.get(dx), ...v128.load(),
          // dout · ((x > 0) & (x < top) & 1.0)
          ...local.get(dout), ...v128.load(),
          ...local.get(v), ...v128.zero(), ...f32x4.gt(), ...local.get(v), ...local.get(t), ...f32x4.lt(), ...v128.and(),
          ...local.get(one), ...v128.and(),
          ...f32x4.mul(), ...f32x4.add(),
          ...v128.store(),
        ],
        increment(dx, i32.const(V128)), increment(dout, i32.const(V128)), increment(x, i32.const(V128)),
        decrementAndLoop(nVec),
      ),
    ],
  };
}

/** Bytes of the module: `clipped_relu`, `clipped_relu_grad` (see the header). */
export function clippedReluModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({ memory: { ...HEAP_IMPORT, minPages: 1 }, functions: [clippedRelu(), clippedReluGrad()] });
}
