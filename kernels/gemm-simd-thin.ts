// The thin GEMMs of a Dense layer at batch 1, which gemmSimdTiled (gemm-simd.ts) hands to their
// own wasm functions instead of its register tiles: dot products of one row of A with the rows of
// B ('nt' with M < MR) and the outer product a ⊗ b (K = 1). Same contract as gemmNaive for those
// shapes; they run on the module and heap gemm-simd.ts gives them, from float offset `at` of the
// heap on, and return false (writing nothing) when the heap cannot grow.

import type { GemmModuleExports } from './wasm/gemm-simd-module.js';
import { vec4Ceil, type WasmHeap } from './wasm/heap.js';

/**
 * 'nt' with fewer rows than a tile (M < MR; a Dense layer's input gradient at batch 1, K = units):
 * each row of C is the dot products of one row of A with the rows of B, which dot_rows computes
 * reading B as stored. The tiled path would first transpose B float by float in JS (~5 ns a float
 * here, several times the arithmetic) and then waste MR − M of its MR rows. False when the heap
 * cannot grow (nothing written).
 */
export function gemmDotRows(x: GemmModuleExports, heap: WasmHeap, at: number, c: Float32Array, a: Float32Array, b: Float32Array,
  M: number, N: number, K: number, accumulate: boolean): boolean {
  const groups = Math.ceil(N / 4);
  const vectors = Math.ceil(K / 4);
  // A [M, K], then B [N, K] with room for the rows and floats the last group and vector read past
  // their ends (see dot_rows), the mask of the last vector, and one row of C.
  const A_AT = at;
  const B_AT = A_AT + vec4Ceil(M * K + 4);
  const MASK_AT = B_AT + vec4Ceil((N + 3) * K + 4);
  const OUT_AT = MASK_AT + 4;
  const views = heap.views((OUT_AT + groups * 4) * 4);
  if (views === null) return false;
  const h = views.f32;
  h.set(a.subarray(0, M * K), A_AT);
  h.set(b.subarray(0, N * K), B_AT);
  const tail = K - 4 * (vectors - 1); // 1..4 valid lanes in the last vector
  for (let l = 0; l < 4; l++) views.i32[MASK_AT + l] = l < tail ? -1 : 0;
  for (let i = 0; i < M; i++) {
    const row = c.subarray(i * N, (i + 1) * N);
    if (accumulate) h.set(row, OUT_AT);
    x.dot_rows((A_AT + i * K) * 4, B_AT * 4, OUT_AT * 4, groups, K * 4, vectors - 1, MASK_AT * 4, accumulate ? 1 : 0);
    row.set(h.subarray(OUT_AT, OUT_AT + N));
  }
  return true;
}

/**
 * K = 1, overwriting (a Dense layer's kernel gradient at batch 1, xᵀ · dy): C = a ⊗ b. With one k
 * every layout stores A and B the same way. outer_rows writes C as whole rows, so it leaves wasm
 * by one memcpy; the tiled path would compute 4×8 tiles of a single rank-1 update each, on a C
 * block padded to whole strips (16 columns for 10) and packed back by copy_pieces. False when the
 * heap cannot grow (nothing written).
 */
export function gemmOuter(x: GemmModuleExports, heap: WasmHeap, at: number, c: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number): boolean {
  // a [M], b [N] and the slack its last vector reads, then C [M, N] and the slack its last row writes.
  const A_AT = at;
  const B_AT = A_AT + vec4Ceil(M);
  const C_AT = B_AT + vec4Ceil(N + 4);
  const views = heap.views((C_AT + M * N + 4) * 4);
  if (views === null) return false;
  const h = views.f32;
  h.set(a.subarray(0, M), A_AT);
  h.set(b.subarray(0, N), B_AT);
  x.outer_rows(C_AT * 4, A_AT * 4, B_AT * 4, M, N * 4, Math.ceil(N / 4));
  c.set(h.subarray(C_AT, C_AT + M * N));
  return true;
}
