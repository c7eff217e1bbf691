/**
 * The one place tatami allocates tensor storage.
 *
 * Every op, layer and optimizer asks here instead of calling `new Float32Array(n)` itself, so a
 * later backend (WebAssembly memory for SIMD kernels) can hand out views of its own memory without
 * touching any op. Storage is always zero-filled.
 */
export function allocFloat32(length: number): Float32Array {
  return new Float32Array(length);
}
