// Elementwise passes on WebAssembly SIMD, for the ops that run them on whole activations.
//
//   reluSimd:   y[i] = x[i] < 0 ? +0 : x[i]      (max(x, 0) with NaN and ±0 kept)   overwrites y
//
// x, y: any length, the same. The naive twin is relu.ts's reluInPlace on a copy of x; this gives the
// same bits (the select is relu-module.ts's `v & ~(v < 0)`, the one the GEMM applies to a conv's
// output: wasm/relu-module.ts reluInPlaceFunction).
//
// What it optimizes: a JS loop branches on the sign of every element, and with signs at random the
// branch is mispredicted half the time (measured here: ~6 ns per float). Here x crosses into wasm
// memory with one TypedArray.set, the pass clears four lanes per instruction, and y comes back with
// one set (~0.5 ns per float in all). The memory is the shared heap of wasm/heap.ts.
//
// Only call this when simdAvailable (gemm-simd.ts).

import { assembleModule } from './wasm/assembler.js';
import { reluInPlaceFunction } from './wasm/relu-module.js';
import { HEAP_IMPORT, heapViews, instantiateOnHeap, vec4Ceil } from './wasm/heap.js';

/** The module's export: relu_in_place(p, nVec) over 4·nVec floats at byte address p. */
interface ElementwiseExports {
  relu_in_place(p: number, nVec: number): void;
}

// Instantiated at the first call, then reused.
let wasm: ElementwiseExports | null = null;
function exports(): ElementwiseExports {
  if (wasm === null) {
    const bytes = assembleModule({ memory: { ...HEAP_IMPORT, minPages: 1 }, functions: [reluInPlaceFunction()] });
    wasm = instantiateOnHeap(bytes) as unknown as ElementwiseExports;
  }
  return wasm;
}

/** y = max(x, 0) with NaN and ±0 kept, as relu.ts's reluInPlace; overwrites y. */
export function reluSimd(y: Float32Array, x: Float32Array): void {
  const n = x.length;
  if (n === 0) return;
  const k = exports();
  // The heap holds x rounded up to whole vectors; the lanes past n are never copied back.
  const { f32 } = heapViews(vec4Ceil(n) * 4);
  f32.set(x, 0);
  k.relu_in_place(0, vec4Ceil(n) / 4);
  y.set(f32.subarray(0, n));
}
