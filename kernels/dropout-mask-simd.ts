// dropout-mask.ts's mask on WebAssembly SIMD (module wasm/dropout-module.ts), the same bits:
//
//   mask[i] = scale  if words[i] ≥ rate·2^32, else 0      words drawn by `draw`, straight into wasm memory
//
// What it optimizes: the JS loop branches on a random word, mispredicted half the time at rate 0.5
// (measured ~6 ns a word here: 0.3 ms of a Keras convnet step's 51,200 words); here four words
// go through one unsigned compare and one and, with no branch. The words are drawn into the heap
// (so they cross no copy on the way in) and the finished mask is copied out with one
// TypedArray.set. Falls back to the JS loop without SIMD, when the heap cannot grow, and when no
// word can reach the threshold (rate·2^32 rounded up is 2^32, past a u32).

import { dropoutMask } from './dropout-mask.js';
import { simdAvailable } from './gemm-simd.js';
import { dropoutModuleBytes } from './wasm/dropout-module.js';
import { engineHeap, type WasmHeap } from './wasm/heap.js';

interface DropoutExports { dropout_mask(p: number, nVec: number, threshold: number, scaleBits: number): void }

/**
 * mask ← scale where the word `draw` put at i is ≥ rate·2^32, else 0 (dropout-mask.ts's rule).
 * `draw(words)` must fill all of words (n = mask.length of them, e.g. Rng.fillUint32). Overwrites mask.
 * `words` may view `heap`'s memory, so `draw` must not run a kernel on that heap: one that grows
 * it detaches the view (the words then land nowhere), and any would overwrite them.
 */
export function dropoutMaskSimd(
  mask: Float32Array, rate: number, scale: number, draw: (words: Uint32Array) => void, heap: WasmHeap = engineHeap(),
): void {
  const n = mask.length;
  const threshold = Math.ceil(rate * 4294967296); // words[i] ≥ rate·2^32 ⟺ words[i] ≥ ⌈rate·2^32⌉ for integers
  const nVec = Math.ceil(n / 4);
  const views = simdAvailable && threshold < 4294967296 && n > 0 ? heap.views(nVec * 16) : null;
  if (views === null) {
    dropoutMask(mask, rate, scale, draw);
    return;
  }
  const k = heap.instance('dropout', dropoutModuleBytes) as unknown as DropoutExports;
  draw(new Uint32Array(views.f32.buffer, 0, n));
  k.dropout_mask(0, nVec, threshold | 0, new Int32Array(Float32Array.of(scale).buffer)[0]);
  mask.set(views.f32.subarray(0, n));
}
