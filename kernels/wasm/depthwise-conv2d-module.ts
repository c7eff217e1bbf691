// The WebAssembly SIMD module behind depthwise-conv2d-simd.ts: a run of output pixels of a
// depthwise convolution with depth multiplier 1, four channels per instruction, forward and both
// gradients. This file only builds the bytes; depthwise-conv2d-simd.ts places the data and calls it.
//
// Exports (addresses and steps in bytes into the shared heap, wasm/heap.ts; counts ≥ 1). Each walks
// nPix output pixels p of a run; the pixel's C = 4·cVec channels of y / dy are contiguous and the
// next pixel's follow; x (or dx) advances by xPixStep per pixel. x and w point at the first tap
// that lies inside the image; every pixel of the run has the same nKh × nKw rectangle of taps
// inside, tap (i, j) at x + i·xRowStep + j·xColStep and w + i·wRowStep + j·wColStep:
//   dw_forward(y, x, w, bias, …)      y[p, c]   = bias[c] + Σ_{i,j} x[tap, c] · w[tap, c]     (overwrites y)
//   dw_input_grad(dx, dy, w, …)       dx[tap, c] += dy[p, c] · w[tap, c]                     (accumulates)
//   dw_filter_grad(dw, dy, x, …)      dw[tap, c] += dy[p, c] · x[tap, c]                     (accumulates)
// with … = nPix, xPixStep, cVec, nKh, nKw, xRowStep, xColStep, wRowStep, wColStep.
//
// Arithmetic: float32 lanes; the forward sum starts from the bias and adds the taps in (kh, kw)
// order; each product is rounded to float32 before it is added (no fused multiply-add in plain SIMD).

import { assembleModule, decrementAndLoop, f32x4, i32, increment, local, loop, v128, valType, type FunctionDef, type Instr, type ValType } from './assembler.js';
import { HEAP_IMPORT } from './heap.js';

const V128 = 16; // bytes per vector

// Parameters shared by the three functions: the first three are buffers, then the run's sizes.
const A = 0, B = 1, W = 2, nPix = 4, xPixStep = 5, cVec = 6, nKh = 7, nKw = 8;
const xRowStep = 9, xColStep = 10, wRowStep = 11, wColStep = 12;
// i32 locals: channel byte offset, vectors left, tap-row and tap pointers, taps left.
const c = 13, k = 14, xr = 15, wr = 16, xp = 17, wp = 18, i = 19, j = 20;
// v128 local: the running sums (forward) or the four dy values (gradients).
const v = 21;
const set = (to: number, value: Instr): Instr => [...value, ...local.set(to)];
const add = (a: number, b: number): Instr => [...local.get(a), ...local.get(b), ...i32.add()];

/**
 * The loop nest every function shares: pixels, then vectors of channels (`atVector`, which may
 * load v), then the tap rectangle (`atTap`, with xp and wp at the tap's x and w for these
 * channels), then `afterTaps`. `xBase` is the parameter that walks the image side, `wBase` the
 * one that walks the kernel side, `pixBase` the per-pixel side (y or dy).
 */
function runNest(pixBase: number, xBase: number, wBase: number, atVector: Instr, atTap: Instr, afterTaps: Instr): Instr[] {
  return [
    loop(
      set(c, i32.const(0)), set(k, local.get(cVec)),
      loop(
        atVector,
        set(xr, add(xBase, c)), set(wr, add(wBase, c)), set(i, local.get(nKh)),
        loop(
          set(xp, local.get(xr)), set(wp, local.get(wr)), set(j, local.get(nKw)),
          loop(
            atTap,
            increment(xp, local.get(xColStep)), increment(wp, local.get(wColStep)),
            decrementAndLoop(j),
          ),
          increment(xr, local.get(xRowStep)), increment(wr, local.get(wRowStep)),
          decrementAndLoop(i),
        ),
        afterTaps,
        increment(c, i32.const(V128)),
        decrementAndLoop(k),
      ),
      // Next output pixel: its C channels follow (c has walked them); the image side by the stride.
      increment(pixBase, local.get(c)), increment(xBase, local.get(xPixStep)),
      decrementAndLoop(nPix),
    ),
  ];
}

function fn(name: string, body: Instr[]): FunctionDef {
  return { name, params: new Array<ValType>(13).fill(valType.i32), results: [], locals: [...new Array<ValType>(8).fill(valType.i32), valType.v128], body };
}

// `*p += v · *q` for the v128s at addresses p and q.
const addProduct = (p: number, q: number): Instr =>
  [...local.get(p), ...local.get(p), ...v128.load(), ...local.get(v), ...local.get(q), ...v128.load(), ...f32x4.mul(), ...f32x4.add(), ...v128.store()];

/** dw_forward(y = A, x = B, w = W, bias = 3, …): v = bias, v += x·w per tap, store to y. */
function dwForward(): FunctionDef {
  const y = A, x = B, bias = 3;
  return fn('dw_forward', runNest(
    y, x, W,
    set(v, [...add(bias, c), ...v128.load()]),
    set(v, [...local.get(v), ...local.get(xp), ...v128.load(), ...local.get(wp), ...v128.load(), ...f32x4.mul(), ...f32x4.add()]),
    [...add(y, c), ...local.get(v), ...v128.store()],
  ));
}

/** dw_input_grad(dx = A, dy = B, w = W, _, …): v = dy, dx[tap] += v·w[tap]. */
function dwInputGrad(): FunctionDef {
  const dx = A, dy = B;
  return fn('dw_input_grad', runNest(dy, dx, W, set(v, [...add(dy, c), ...v128.load()]), addProduct(xp, wp), []));
}

/** dw_filter_grad(dw = A, dy = B, x = W, _, …): v = dy, dw[tap] += v·x[tap]. */
function dwFilterGrad(): FunctionDef {
  const dw = A, dy = B, x = W;
  // Here the image side is x (third parameter) and the kernel side dw (first): swap their roles.
  return fn('dw_filter_grad', runNest(dy, x, dw, set(v, [...add(dy, c), ...v128.load()]), addProduct(wp, xp), []));
}

/** Bytes of the depthwise module: `dw_forward`, `dw_input_grad`, `dw_filter_grad` (see the header). */
export function depthwiseConv2dModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({ memory: { ...HEAP_IMPORT, minPages: 1 }, functions: [dwForward(), dwInputGrad(), dwFilterGrad()] });
}
