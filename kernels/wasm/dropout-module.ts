// The WebAssembly SIMD module behind dropout-mask-simd.ts: dropout-mask.ts's loop, four words per
// instruction. This file only builds the bytes.
//
// Export (addresses in bytes into the shared heap, wasm/heap.ts; nVec ≥ 1):
//   dropout_mask(p, nVec, threshold, scaleBits)
//     over 4·nVec 32-bit words from p, in place: p[i] ← (p[i] ≥ threshold, unsigned) ? scaleBits : 0,
//     i.e. the float `scale` (its bits) where the word keeps its element, +0 where it drops it.
//
// Why: the JS loop's branch on a random word is mispredicted half the time at rate 0.5 (~6 ns a
// word here); i32x4.ge_u and a v128.and have no branch.

import { assembleModule, decrementAndLoop, i32, i32x4, increment, local, loop, v128, valType, type FunctionDef } from './assembler.js';
import { HEAP_IMPORT } from './heap.js';

function dropoutMask(): FunctionDef {
  const p = 0, nVec = 1, threshold = 2, scaleBits = 3;
  const t = 4, s = 5; // v128: the threshold and the scale's bits in every lane
  return {
    name: 'dropout_mask', params: [valType.i32, valType.i32, valType.i32, valType.i32], results: [], locals: [valType.v128, valType.v128],
    body: [
      [...local.get(threshold), ...i32x4.splat(), ...local.set(t)],
      [...local.get(scaleBits), ...i32x4.splat(), ...local.set(s)],
      loop(
        [...local.get(p), ...local.get(p), ...v128.load(), ...local.get(t), ...i32x4.ge_u(), ...local.get(s), ...v128.and(), ...v128.store()],
        increment(p, i32.const(16)),
        decrementAndLoop(nVec),
      ),
    ],
  };
}

/** The module's bytes, importing the shared heap. */
export function dropoutModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({ memory: { ...HEAP_IMPORT, minPages: 1 }, functions: [dropoutMask()] });
}
