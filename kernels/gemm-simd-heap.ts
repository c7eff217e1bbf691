// The SIMD GEMM (gemm-simd.ts) on operands that already sit in WebAssembly memory, for a kernel
// that builds them there itself (Winograd's transforms, conv2d-winograd-simd.ts) and would
// otherwise copy them out only for the GEMM to copy them back in:
//
//   C [M, N] = (accumulate ? C : 0) + op(A) · B        every operand in `heap`, at float offsets
//
//   A(i, k) = f32[aAt + i·aI + k·aK]   any layout by its strides ('nn': aI = K, aK = 1; 'tn': aI = 1, aK = M);
//                                      rows up to ⌈M/MR⌉·MR are read, so the caller keeps them finite
//   B(k, j) = f32[bAt + ⌊j/NR⌋·bStrip + k·bK + j mod NR]: packed by packStripsInHeap (bK = NR,
//           bStrip = K·NR), or a plain [K, N] matrix (bK = N, bStrip = NR)
//   C       [⌈M/MR⌉·MR, N] rows N floats apart from cAt, N a multiple of NR: the rows past M are
//           written too (padding the caller leaves room for and ignores)
//   zeros   N floats of 0 at zerosAt (the kernel's bias row when it does not accumulate)
//
// Same kernel, tile, blocking (MC rows, K blocks of at most KC) and order of additions as
// gemmSimd / gemmRelaxedSimd, so the same bits: only the copies are gone.

import { gemmExports, KC, MC, RELAXED_TILE, SIMD_TILE, relaxedSimdAvailable, type GemmTile } from './gemm-simd.js';
import type { WasmHeap } from './wasm/heap.js';

/** The tile gemmFast runs on this engine (relaxed SIMD's FMA where it validates), so the heap GEMM gives its bits. Needs SIMD. */
const HEAP_GEMM_TILE: GemmTile = relaxedSimdAvailable ? RELAXED_TILE : SIMD_TILE;

/** Columns of a strip of packed B: N must be a multiple of it. */
export const HEAP_GEMM_NR = 4 * HEAP_GEMM_TILE.nv;

/**
 * f32[at ..] ← b [K, N] (row-major, from offset bOff) packed as ⌈N/NR⌉ strips [K, NR]: strip t's
 * row k at at + (t·K + k)·NR. N a multiple of NR. Overwrites K·N floats.
 */
export function packStripsInHeap(f32: Float32Array, at: number, b: Float32Array, bOff: number, K: number, N: number): void {
  const NR = HEAP_GEMM_NR;
  for (let t = 0; t < N / NR; t++) {
    for (let k = 0; k < K; k++) {
      const dst = at + (t * K + k) * NR;
      const src = bOff + k * N + t * NR;
      for (let j = 0; j < NR; j++) f32[dst + j] = b[src + j];
    }
  }
}

/** C = (accumulate ? C : 0) + op(A)·B on the heap's operands (see the header). Needs SIMD and N % NR = 0. */
export function gemmInHeap(
  heap: WasmHeap, M: number, N: number, K: number, aAt: number, aI: number, aK: number, bAt: number, bK: number, bStrip: number,
  cAt: number, zerosAt: number, accumulate: boolean,
): void {
  const t = HEAP_GEMM_TILE;
  const NR = HEAP_GEMM_NR;
  if (N % NR !== 0) throw new Error(`gemmInHeap: N must be a multiple of ${NR}, got ${N}`);
  const x = gemmExports(heap, t);
  // Fewer rows than a tile: the one-row tile, so no row is computed for nothing (as gemmSimdTiled).
  const mr = M < t.mr ? 1 : t.mr;
  const kernel = mr === 1 ? x.gemm_block_1 : x.gemm_block;
  const kBlock = Math.ceil(K / Math.ceil(K / KC)); // equal K blocks of at most KC
  for (let ic = 0; ic < M; ic += MC) {
    const mStrips = Math.ceil(Math.min(MC, M - ic) / mr);
    for (let pc = 0; pc < K; pc += kBlock) {
      const kc = Math.min(kBlock, K - pc);
      kernel((aAt + ic * aI + pc * aK) * 4, aI * 4, aK * 4, mr * aI * 4, (bAt + pc * bK) * 4, bK * 4, bStrip * 4,
        (cAt + ic * N) * 4, N * 4, zerosAt * 4, mStrips, N / NR, kc, accumulate || pc > 0 ? 1 : 0);
    }
  }
}
