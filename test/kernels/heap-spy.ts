// A heap that records what the SIMD kernels ask of it, for the tests of their fallbacks when the
// heap cannot grow (kernels/wasm/heap.ts).
import type { WasmHeap } from '../../kernels/wasm/heap.js';

/** A heap that records what it was asked: sizes, whether it answered views, and module names instantiated on it. */
export function spyHeap(inner: WasmHeap): { heap: WasmHeap; asked: number[]; answered: boolean[]; instances: string[] } {
  const asked: number[] = [], answered: boolean[] = [], instances: string[] = [];
  const heap: WasmHeap = {
    instance: (name, build) => { instances.push(name); return inner.instance(name, build); },
    instantiate: (bytes) => inner.instantiate(bytes),
    views: (bytes) => { asked.push(bytes); const v = inner.views(bytes); answered.push(v !== null); return v; },
  };
  return { heap, asked, answered, instances };
}
