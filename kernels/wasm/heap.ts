// The one owner of the engine's WebAssembly memory: a heap that every SIMD kernel (GEMM, ReLU,
// max-pool, batch norm, depthwise conv, elementwise, Adam) copies its operands into, runs on, and
// copies its results out of; and synchronous instantiation of their modules against it.
//
// Why one memory and copies, not tensors living in wasm memory:
//   - kernels are synchronous and never call each other, so one call's operands are the only
//     thing the heap has to hold; the biggest (a conv's im2col matrix and output, tens of MB) are
//     paid for once, not once per kernel family;
//   - the memory only grows (to the largest call seen); a fresh memory per call would page-fault
//     its megabytes every time;
//   - growing a WebAssembly.Memory detaches its ArrayBuffer: every Float32Array view of the old
//     buffer becomes length 0. A user's tensor data must never change under them, so tensors stay
//     ordinary Float32Arrays of their own, and only this module holds views of the heap, renewed
//     after each grow. (The README's benchmark section measures what the copies cost.)
//
// When the memory cannot grow (the engine refuses: address space, a `maximum`), `views` returns
// null instead of throwing, and the kernel runs its plain-JS twin for that call.
//
// No module-level state but the engine's heap itself, created at its first use: tests and callers
// that want a limit make their own with `createHeap({ maximumPages })` and pass it in.

/**
 * Floats rounded up to whole 4-float vectors: operands placed at such float offsets all start
 * 16-byte aligned (every SIMD kernel lays out its wasm memory this way).
 */
export const vec4Ceil = (floats: number): number => Math.ceil(floats / 4) * 4;

/** Where every module built for a heap imports its memory from. */
export const HEAP_IMPORT = { module: 'env', name: 'memory' } as const;

export const PAGE_BYTES = 65536; // a WebAssembly page

/**
 * Floats a streaming pass moves through the heap at a time (64 KB): the ReLU mask, the channel sums
 * and batch norm's passes copy their operands in and out in chunks of this size, so that what a pass
 * reads in the heap is still in cache from the copy in (a chunk of each operand and of the result
 * fit in L2 together), and each operand crosses main memory once.
 */
export const STREAM_CHUNK_FLOATS = 16384;

/** Views of a heap's memory, at least the asked-for length. Float32 and Int32 views share the bytes. */
export interface HeapViews {
  readonly f32: Float32Array;
  readonly i32: Int32Array;
}

/** One WebAssembly memory and the module instances that run on it. */
export interface WasmHeap {
  /**
   * The exports of the module `build()` assembles, instantiated against this heap's memory: built
   * and compiled at the first request for `name`, then the same instance every time.
   */
  instance(name: string, build: () => Uint8Array<ArrayBuffer>): WebAssembly.Exports;
  /** Compiles and instantiates module bytes against this heap's memory, every call anew. */
  instantiate(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Exports;
  /**
   * Grows the memory to at least `bytes` bytes and returns current views of all of it, or null
   * when the memory cannot grow that far (the caller then runs its JS kernel).
   */
  views(bytes: number): HeapViews | null;
}

/** Options of {@link createHeap}. */
export interface HeapOptions {
  /** The memory's `maximum` in 64 KiB pages (default: none, the engine's own limit). */
  readonly maximumPages?: number;
}

/** A heap of its own: one page at first, growing on demand, never shrinking. */
export function createHeap(options: HeapOptions = {}): WasmHeap {
  const { maximumPages } = options;
  const memory = new WebAssembly.Memory(maximumPages === undefined ? { initial: 1 } : { initial: 1, maximum: maximumPages });
  const instances = new Map<string, WebAssembly.Exports>();
  let f32 = new Float32Array(memory.buffer); // views of all of `memory`, renewed after every grow
  let i32 = new Int32Array(memory.buffer);
  // Synchronous compile: the modules are a few hundred bytes to a few KB.
  const instantiate = (bytes: Uint8Array<ArrayBuffer>): WebAssembly.Exports =>
    new WebAssembly.Instance(new WebAssembly.Module(bytes), { [HEAP_IMPORT.module]: { [HEAP_IMPORT.name]: memory } }).exports;
  return {
    instantiate,
    instance(name, build) {
      let exports = instances.get(name);
      if (exports === undefined) {
        exports = instantiate(build());
        instances.set(name, exports);
      }
      return exports;
    },
    views(bytes) {
      const have = memory.buffer.byteLength;
      if (have < bytes) {
        try {
          memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
        } catch (e) {
          // grow throws a RangeError past `maximum` or when the engine cannot reserve the pages.
          if (e instanceof RangeError) return null;
          throw e;
        }
      }
      // Growing detaches the old ArrayBuffer, so the views are made again.
      if (f32.buffer !== memory.buffer) {
        f32 = new Float32Array(memory.buffer);
        i32 = new Int32Array(memory.buffer);
      }
      return { f32, i32 };
    },
  };
}

let theEngineHeap: WasmHeap | null = null;

/** The engine's heap, shared by every SIMD kernel: created at its first use, then the same one. */
export function engineHeap(): WasmHeap {
  if (theEngineHeap === null) theEngineHeap = createHeap();
  return theEngineHeap;
}
