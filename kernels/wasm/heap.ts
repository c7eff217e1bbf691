// The one WebAssembly memory shared by the streaming SIMD kernels (ReLU, max-pool, Adam), and
// synchronous instantiation of their modules against it.
//
// Each of those kernels copies its operands into this memory with TypedArray.set, runs, and copies
// its outputs back, so the memory only has to hold one call's operands at a time. Sharing it:
//   - the biggest operands (a conv output of 32×26×26×128 floats, 11 MB, two or three of them) are
//     paid for once, not once per kernel;
//   - kernels are synchronous and never call each other, so no two calls use it at the same time.
// It is created at the first use and only grows (to the largest call seen): a fresh memory per
// call would page-fault its megabytes every time, as gemm-simd.ts explains for its own memory.
// (GEMM keeps its own memory: it also holds scratch blocks laid out for its loop nest.)

/**
 * Floats rounded up to whole 4-float vectors: operands placed at such float offsets all start
 * 16-byte aligned (every SIMD kernel lays out its wasm memory this way).
 */
export const vec4Ceil = (floats: number): number => Math.ceil(floats / 4) * 4;

/** Where every module built for this heap imports its memory from. */
export const HEAP_IMPORT = { module: 'env', name: 'memory' } as const;

const PAGE_BYTES = 65536; // a WebAssembly page

let memory: WebAssembly.Memory | null = null;
let f32 = new Float32Array(0); // views of all of `memory`, renewed after every grow
let i32 = new Int32Array(0);

function theMemory(): WebAssembly.Memory {
  if (memory === null) memory = new WebAssembly.Memory({ initial: 1 });
  return memory;
}

/**
 * Compiles and instantiates module bytes against the shared memory and returns its exports.
 * Synchronous: the modules are a few hundred bytes, far under Chrome's 4 KB main-thread limit.
 */
export function instantiateOnHeap(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Exports {
  const module = new WebAssembly.Module(bytes);
  return new WebAssembly.Instance(module, { [HEAP_IMPORT.module]: { [HEAP_IMPORT.name]: theMemory() } }).exports;
}

/** Views of the shared memory, at least `bytes` long. Float32 and Int32 views share the bytes. */
export interface HeapViews {
  readonly f32: Float32Array;
  readonly i32: Int32Array;
}

/** Grows the shared memory to at least `bytes` bytes and returns current views of it. */
export function heapViews(bytes: number): HeapViews {
  const mem = theMemory();
  if (mem.buffer.byteLength < bytes) mem.grow(Math.ceil((bytes - mem.buffer.byteLength) / PAGE_BYTES));
  // Growing detaches the old ArrayBuffer, so the views are made again.
  if (f32.buffer !== mem.buffer) {
    f32 = new Float32Array(mem.buffer);
    i32 = new Int32Array(mem.buffer);
  }
  return { f32, i32 };
}
