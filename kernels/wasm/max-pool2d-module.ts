// The WebAssembly SIMD module behind max-pool2d-simd.ts: 2×2 max-pooling with stride 2 and no
// padding over NHWC, four channels per instruction. This file only builds the bytes.
//
// Export (addresses in bytes into the shared heap, wasm/heap.ts; sizes in elements, all ≥ 1):
//   max_pool_2x2(x, y, argmax, N, H, W, C, OH, OW)       C a multiple of 4, 2·OH ≤ H, 2·OW ≤ W
//     y[n,oh,ow,c]      = max of the cells x[n, 2oh + ph, 2ow + pw, c], ph, pw ∈ {0, 1}
//     argmax[n,oh,ow,c] = the winner's flat index ((n·H + ih)·W + iw)·C + c, counted from x
// Buffers: x [N, H, W, C] f32, y [N, OH, OW, C] f32, argmax [N, OH, OW, C] i32 (overwritten).
//
// Same rule as max-pool2d.ts: the cells are visited in the order (0,0), (0,1), (1,0), (1,1),
// the first one is taken whatever its value, and a later one replaces the best when it `beats`
// it: v > best, or v NaN while best is not. In lanes that is
//   beats = (best == best) & ~(v <= best)
// since ~(v <= best) is true for v > best and whenever either side is NaN, and (best == best)
// drops the case where best is already NaN. So the first of equal maxima wins, the first NaN of
// a window wins and stays: the same y and argmax bits as the JS kernels.
// The select is v128.bitselect with the mask's all-ones lanes, on values and indices alike.

import {
  assembleModule, decrementAndLoop, f32x4, i32, i32x4, increment, local, loop, v128, valType,
  type FunctionDef, type Instr, type ValType,
} from './assembler.js';
import { HEAP_IMPORT } from './heap.js';

const F32 = 4; // bytes per float (and per i32 index)
const V128 = 16; // bytes per vector

function maxPool2x2(): FunctionDef {
  // Parameters.
  const x = 0, y = 1, argmax = 2, N = 3, H = 4, W = 5, C = 6, OH = 7, OW = 8;
  // i32 locals: counters, pointers and byte strides.
  const n = 9, oh = 10, ow = 11, k = 12; // images, output rows, output columns, channel vectors left
  const xImage = 13, xRow = 14, p = 15; // x[n, 0, 0, 0], x[n, 2oh, 0, 0], x[n, 2oh, 2ow, c]
  const cBytes = 16, rowBytes = 17; // C·4 (one cell to the next), W·C·4 (one input row to the next)
  const cVec = 18; // C / 4
  // v128 locals.
  const best = 19, bestIndex = 20, v = 21, index0 = 22, beats = 23;
  const cellStep = [-1, 24, 25, 26]; // flat-index offsets of cells 1..3: C, W·C, W·C + C (splats)
  const i32Locals = 10, v128Locals = 8;

  const set = (to: number, value: Instr): Instr => [...value, ...local.set(to)];

  // The address of window cell `cell` (row-major in the 2×2 window) for the current channels.
  const cellAddress = (cell: number): Instr => {
    const parts: Instr[] = [local.get(p)];
    if (cell >= 2) parts.push(local.get(rowBytes), i32.add());
    if (cell % 2 === 1) parts.push(local.get(cBytes), i32.add());
    return parts.flat();
  };
  // One later cell: beats = (best == best) & ~(v <= best); best, bestIndex ← v, its index where beats.
  const visitCell = (cell: number): Instr[] => [
    set(v, [...cellAddress(cell), ...v128.load()]),
    set(beats, [
      ...local.get(best), ...local.get(best), ...f32x4.eq(),
      ...local.get(v), ...local.get(best), ...f32x4.le(), ...v128.andnot(),
    ]),
    set(best, [...local.get(v), ...local.get(best), ...local.get(beats), ...v128.bitselect()]),
    set(bestIndex, [
      ...local.get(index0), ...local.get(cellStep[cell]), ...i32x4.add(),
      ...local.get(bestIndex), ...local.get(beats), ...v128.bitselect(),
    ]),
  ];

  const body: Instr[] = [
    // Byte strides and the per-cell index offsets, once.
    set(cBytes, [...local.get(C), ...i32.const(F32), ...i32.mul()]),
    set(rowBytes, [...local.get(W), ...local.get(cBytes), ...i32.mul()]),
    set(cVec, [...local.get(C), ...i32.const(4), ...i32.div_u()]),
    set(cellStep[1], [...local.get(C), ...i32x4.splat()]),
    set(cellStep[2], [...local.get(W), ...local.get(C), ...i32.mul(), ...i32x4.splat()]),
    set(cellStep[3], [...local.get(W), ...local.get(C), ...i32.mul(), ...local.get(C), ...i32.add(), ...i32x4.splat()]),
    [...local.get(x), ...local.set(xImage)], [...local.get(N), ...local.set(n)],
    loop(
      [...local.get(xImage), ...local.set(xRow)], [...local.get(OH), ...local.set(oh)],
      loop(
        [...local.get(xRow), ...local.set(p)], [...local.get(OW), ...local.set(ow)],
        loop(
          [...local.get(cVec), ...local.set(k)],
          loop(
            // Cell (0,0) starts the running max; its indices are (p − x)/4 + [0, 1, 2, 3].
            set(best, [...local.get(p), ...v128.load()]),
            set(index0, [
              ...local.get(p), ...local.get(x), ...i32.sub(), ...i32.const(2), ...i32.shr_u(), ...i32x4.splat(),
              ...v128.const_i32x4(0, 1, 2, 3), ...i32x4.add(),
            ]),
            [...local.get(index0), ...local.set(bestIndex)],
            // Cells (0,1), (1,0), (1,1), in the JS kernel's order.
            ...visitCell(1), ...visitCell(2), ...visitCell(3),
            // Store 4 channels of y and argmax; y and argmax advance in step with the channels.
            [...local.get(y), ...local.get(best), ...v128.store()],
            [...local.get(argmax), ...local.get(bestIndex), ...v128.store()],
            increment(y, i32.const(V128)), increment(argmax, i32.const(V128)), increment(p, i32.const(V128)),
            decrementAndLoop(k),
          ),
          // p has walked cell (0,0)'s C channels; skip cell (0,1) to the next window.
          increment(p, local.get(cBytes)),
          decrementAndLoop(ow),
        ),
        // Two input rows per output row (an odd last column of W is skipped with them).
        increment(xRow, local.get(rowBytes)), increment(xRow, local.get(rowBytes)),
        decrementAndLoop(oh),
      ),
      // Next image: H rows on (an odd last row of H is skipped).
      [...local.get(xImage), ...local.get(H), ...local.get(rowBytes), ...i32.mul(), ...i32.add(), ...local.set(xImage)],
      decrementAndLoop(n),
    ),
  ];
  return {
    name: 'max_pool_2x2',
    params: new Array<ValType>(9).fill(valType.i32),
    results: [],
    locals: [...new Array<ValType>(i32Locals).fill(valType.i32), ...new Array<ValType>(v128Locals).fill(valType.v128)],
    body,
  };
}

/** Bytes of the max-pool module: `max_pool_2x2` (see the header). */
export function maxPool2dModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({ memory: { ...HEAP_IMPORT, minPages: 1 }, functions: [maxPool2x2()] });
}
