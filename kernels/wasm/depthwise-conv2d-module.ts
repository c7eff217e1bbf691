// The WebAssembly SIMD module behind depthwise-conv2d-simd.ts: a run of output pixels of a
// depthwise convolution with depth multiplier 1, four channels per instruction. This file only
// builds the bytes; depthwise-conv2d-simd.ts places the data and calls it.
//
// Export (addresses and steps in bytes into the shared heap, wasm/heap.ts; counts ≥ 1):
//   dw_run(y, x, w, bias, nPix, xPixStep, cVec, nKh, nKw, xRowStep, xColStep, wRowStep, wColStep)
//     for each of nPix output pixels p (y advances 16·cVec bytes, x by xPixStep):
//       y[p, c] = bias[c] + Σ_{i < nKh, j < nKw} x[i·xRowStep + j·xColStep + 4c] · w[i·wRowStep + j·wColStep + 4c]
//     over C = 4·cVec channels. x and w point at the first tap that lies inside the image; the
//     caller gives the tap rectangle (nKh × nKw) that every pixel of the run has inside it.
//
// Arithmetic: float32 lanes, the sum starting from the bias and adding the taps in (kh, kw) order,
// each product rounded to float32 before it is added (no fused multiply-add in plain SIMD).

import { assembleModule, decrementAndLoop, f32x4, i32, increment, local, loop, v128, valType, type FunctionDef, type Instr, type ValType } from './assembler.js';
import { HEAP_IMPORT } from './heap.js';

const V128 = 16; // bytes per vector

function dwRun(): FunctionDef {
  // Parameters.
  const y = 0, x = 1, w = 2, bias = 3, nPix = 4, xPixStep = 5, cVec = 6, nKh = 7, nKw = 8;
  const xRowStep = 9, xColStep = 10, wRowStep = 11, wColStep = 12;
  // i32 locals: channel byte offset, vectors left, tap-row and tap pointers, taps left.
  const c = 13, k = 14, xr = 15, wr = 16, xp = 17, wp = 18, i = 19, j = 20;
  // v128 local: the four running sums.
  const acc = 21;
  const set = (to: number, value: Instr): Instr => [...value, ...local.set(to)];
  const add = (a: number, b: number): Instr => [...local.get(a), ...local.get(b), ...i32.add()];

  const body: Instr[] = [
    loop(
      set(c, i32.const(0)), set(k, local.get(cVec)),
      loop(
        // acc = bias[c..c+3]; the tap pointers start at this vector of channels.
        set(acc, [...add(bias, c), ...v128.load()]),
        set(xr, add(x, c)), set(wr, add(w, c)), set(i, local.get(nKh)),
        loop(
          set(xp, local.get(xr)), set(wp, local.get(wr)), set(j, local.get(nKw)),
          loop(
            // acc += x[tap] · w[tap], four channels at once.
            set(acc, [...local.get(acc), ...local.get(xp), ...v128.load(), ...local.get(wp), ...v128.load(), ...f32x4.mul(), ...f32x4.add()]),
            increment(xp, local.get(xColStep)), increment(wp, local.get(wColStep)),
            decrementAndLoop(j),
          ),
          increment(xr, local.get(xRowStep)), increment(wr, local.get(wRowStep)),
          decrementAndLoop(i),
        ),
        [...add(y, c), ...local.get(acc), ...v128.store()],
        increment(c, i32.const(V128)),
        decrementAndLoop(k),
      ),
      // Next output pixel: y past this pixel's C channels, x by the stride.
      increment(y, local.get(c)), increment(x, local.get(xPixStep)),
      decrementAndLoop(nPix),
    ),
  ];
  return {
    name: 'dw_run',
    params: new Array<ValType>(13).fill(valType.i32),
    results: [],
    locals: [...new Array<ValType>(8).fill(valType.i32), valType.v128],
    body,
  };
}

/** Bytes of the depthwise module: `dw_run` (see the header). */
export function depthwiseConv2dModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({ memory: { ...HEAP_IMPORT, minPages: 1 }, functions: [dwRun()] });
}
