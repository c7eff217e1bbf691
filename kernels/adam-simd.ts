// Adam's update (Keras form, see optimizers.ts) on WebAssembly SIMD, bit-for-bit the same w, m, v
// as adamUpdate:
//
//   m ← m + (g − m)(1 − β₁);   v ← v + (g² − v)(1 − β₂);   w ← w − α · m / (√v + ε)
//
// w, g, m, v: [P] float32, one parameter tensor and its state; w, m, v updated in place.
//
// What it optimizes: the JS loop costs ~20 ns per parameter here (scalar math, a Math.fround
// after every operation, a sqrt and a divide per element): 217,610 parameters of the classic CNN
// take ~5 ms per step. The module (wasm/adam-module.ts) does four parameters per instruction in
// f32x4 lanes, ~1.6 ns per parameter. w, g, m, v cross into wasm memory with one TypedArray.set
// each and w, m, v come back with one each (7 copies of P floats, ~0.35 ns per float each here),
// which was most of the remaining cost. So a big parameter's m and v can live in wasm memory:
// adamSlotsSimd gives each such parameter a WebAssembly memory of its own, holding m and v
// between steps and room for w and g, and hands m and v out as Float32Array views of it (the
// optimizer, the serializer and tests read and write them like any other array). That memory
// never grows (growing would detach the views), so a step there copies w and g in and w out:
// 3 copies instead of 7. These fixed memories are the one exception to the engine's single heap
// (wasm/heap.ts): that one grows, and its views with it. Other parameters cross the heap, or run
// adamUpdate when it cannot grow.
//
// Only call it when simdAvailable (gemm-simd.ts); optimizers-fast.ts picks for you.

import { adamModuleBytes } from './wasm/adam-module.js';
import { HEAP_IMPORT, PAGE_BYTES, engineHeap, vec4Ceil, type WasmHeap } from './wasm/heap.js';
import { adamUpdate } from './optimizers.js';

/** The module's export: four byte addresses, the quad count, then the float32 constants. */
type AdamUpdateFn = (w: number, g: number, m: number, v: number, quads: number,
  oneMinusB1: number, oneMinusB2: number, alpha: number, epsilon: number) => void;


/**
 * One Adam step of one parameter tensor, in place; the same bits as {@link adamUpdate}. Crosses
 * `heap` (default: the engine's) unless m and v are resident; when it cannot grow, adamUpdate itself.
 */
export function adamUpdateSimd(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
  alpha: number, beta1: number, beta2: number, epsilon: number, heap: WasmHeap = engineHeap(),
): void {
  const P = w.length;
  if (P === 0) return;
  // Memory, in floats: [w | g | m | v], `stride` floats each. A P that is not a multiple of 4
  // computes up to 3 pad floats per operand (on whatever they hold; float math cannot trap) that
  // are never copied back. m and v made by adamSlotsSimd already live in their own such memory;
  // any others cross the shared heap, in and out.
  const own = resident.get(m);
  const inPlace = own !== undefined && own.v === v && m.length === P;
  const stride = vec4Ceil(P);
  let f32: Float32Array;
  let update: AdamUpdateFn;
  if (inPlace) {
    ({ f32, update } = own);
  } else {
    const views = heap.views(4 * stride * 4);
    if (views === null) {
      adamUpdate(w, g, m, v, alpha, beta1, beta2, epsilon); // the heap cannot grow: the JS twin, the same bits
      return;
    }
    update = heap.instance('adam', adamModuleBytes).adam_update as AdamUpdateFn;
    f32 = views.f32;
    f32.set(m.subarray(0, P), 2 * stride);
    f32.set(v.subarray(0, P), 3 * stride);
  }
  f32.set(w, 0);
  f32.set(g.subarray(0, P), stride);
  // 1 − β is computed in float64 and then rounded to float32 (the f32 parameters round), exactly
  // as optimizers.ts does.
  update(0, stride * 4, 2 * stride * 4, 3 * stride * 4, stride / 4, 1 - beta1, 1 - beta2, alpha, epsilon);
  w.set(f32.subarray(0, P));
  if (!inPlace) {
    m.set(f32.subarray(2 * stride, 2 * stride + P));
    v.set(f32.subarray(3 * stride, 3 * stride + P));
  }
}

// ---------------------------------------------------------------------------------------------
// Resident state
// ---------------------------------------------------------------------------------------------

/** One parameter's own memory, laid out [w | g | m | v] as above, and its module instance. */
interface ResidentState {
  readonly f32: Float32Array;
  readonly v: Float32Array;
  readonly update: AdamUpdateFn;
}

const resident = new WeakMap<Float32Array, ResidentState>(); // keyed by the m view
let residentModule: WebAssembly.Module | null = null; // compiled once, instantiated per memory

/**
 * Zeroed m and v for a parameter of P floats, as views of a WebAssembly memory of their own with
 * room for w and g beside them; {@link adamUpdateSimd} given these very views copies only w and g
 * in and w out. Returns null if the engine refuses another memory (each one reserves address
 * space; a caller then falls back to plain arrays).
 */
export function adamSlotsSimd(P: number): [Float32Array, Float32Array] | null {
  const stride = vec4Ceil(P);
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((4 * stride * 4) / PAGE_BYTES)) });
  } catch {
    return null;
  }
  if (residentModule === null) residentModule = new WebAssembly.Module(adamModuleBytes());
  const instance = new WebAssembly.Instance(residentModule, { [HEAP_IMPORT.module]: { [HEAP_IMPORT.name]: memory } });
  const f32 = new Float32Array(memory.buffer);
  const m = f32.subarray(2 * stride, 2 * stride + P);
  const v = f32.subarray(3 * stride, 3 * stride + P);
  resident.set(m, { f32, v, update: instance.exports.adam_update as AdamUpdateFn });
  return [m, v];
}
