// General matrix multiply on WebAssembly SIMD, with the same contract as gemmBlocked (gemm.ts):
//
//   C [M, N] row-major.  'nn': A [M, K], B [K, N]    'tn': A [K, M], B [K, N]    'nt': A [M, K], B [N, K]
//   C[i, j] = (accumulate ? C[i, j] : bias[j] or 0) + Σ_k A(i, k) · B(k, j)
//
// accumulate = false overwrites C (plus the bias, if any); accumulate = true adds into it.
// Sums are carried in float32, four lanes at a time, where gemmNaive/gemmBlocked use float64, so
// results differ from theirs by float32 rounding (about √K·2⁻²⁴ relative for random data).
//
// What it optimizes: V8 runs the JS GEMMs as one scalar float64 multiply-add per instruction,
// ~1–3 GFLOP/s here. The micro-kernel (wasm/gemm-simd-module.ts) keeps a 4×8 tile of C in
// eight f32x4 registers and does 32 multiply-adds per 6 loads: 10–18 GFLOP/s on this machine.
// Measured tiles (medians, same process): 4×8 best or tied on every shape; 6×8, 8×8 (spills),
// 4×12 and 3×16 were 5–50% slower on the square and conv shapes.
//
// Loop nest (BLIS names; the wasm kernel runs the two innermost loops):
//   copy A and B into wasm memory       one TypedArray.set each (a memcpy); 'nt' B is transposed
//                                       (for M < MR, dot products read it as stored instead;
//                                       for K = 1, the outer product a ⊗ b is written directly)
//   (M ≥ 64) pack B into NR-strips      in wasm, so each B strip is contiguous and stays in L1
//   for jc over N by NC                 C block [MC, NC] is a scratch in wasm memory
//     for ic over M by MC
//       copy the C block in             (accumulate only)
//       for pc over K by KC             A block [MC, KC] in L2, read in place through strides
//         gemm_block (wasm)             every 4×8 tile of the block: KC rank-1 updates, onto C after pc = 0
//       relu_in_place (wasm)            the fused ReLU, when asked (a conv layer's activation)
//       copy the C block out to c       clipped to the valid rows and columns; one memcpy
//                                       when it is whole rows of C (packed by copy_pieces first)
//
// Why operands are copied whole instead of packed block by block as in gemmBlocked: a JS loop
// that moves floats one by one runs here at 3–10 ns per float, TypedArray.set at ~0.4 ns. The
// kernel reads A through (row, k) strides, so one memcpy serves all three layouts, and packs B
// itself with v128 copies when enough row strips reuse it to pay for the extra pass. Measured:
// packing B makes 1024³ 2–2.5× faster (unpacked B rows 4 KB apart fight over a few cache sets)
// but the conv filter gradient (M = 9, B = dY, 22 MB) ~25% slower.
//
// Why C goes through a scratch block: the kernel can only touch wasm memory, and c is a
// Float32Array of its own. The block stays in wasm over the whole K loop (ic outside pc, unlike
// BLIS), so each element of C crosses once each way, by memcpy when the block is whole rows.
//
// Edges: the last row strip computes MR rows and the last column strip NR columns whatever M
// and N are. The extra rows and columns read other elements of A and B (or zeroed slack past
// their ends), and since lanes and rows never mix in a rank-1 update, that only reaches the
// padded rows / columns of the C block, which are never copied out.

import { gemmTrivial, type GemmLayout } from './gemm.js';
import { MEMORY_IMPORT, gemmModuleBytes, simdProbeBytes } from './wasm/gemm-simd-module.js';
import { vec4Ceil } from './wasm/heap.js';

const MR = 4; // rows of the register tile (the module's MR)
const NV = 2; // f32x4 vectors per tile row
const NR = 4 * NV; // columns of the register tile
// Block sizes, in floats (4 bytes):
const KC = 256; // depth of a K block: an A strip [KC, MR] (4 KB) + a B strip [KC, NR] (8 KB) sit in L1 (32 KB)
const MC = 128; // rows of an A block: [MC, KC] = 128 KB, in L2 (512 KB); also the C block's height
const NC = 256; // columns of a C block (a multiple of NR): [MC, NC] = 128 KB stays in L2 beside A
// Block sizes could not be told apart under this machine's load (KC 128/512, MC 64/256 and
// NC 512 all within noise of these), so they are the sizes the cache arithmetic suggests.
const PACK_B_MIN_M = 64; // pack B when at least 16 row strips reuse each B strip

const PAGE_BYTES = 65536; // a WebAssembly page

/** True when this engine runs WebAssembly SIMD (WebAssembly.validate of a one-instruction probe module). */
export const simdAvailable: boolean =
  typeof WebAssembly === 'object' && WebAssembly.validate(simdProbeBytes());

// ---------------------------------------------------------------------------------------------
// The module and its memory
//
// One instance and one memory for the whole process, created at the first call and reused:
// compiling costs ~1 ms, and a fresh memory per call would page-fault its megabytes every time
// (the same reason gemmBlocked keeps its packing buffers). The memory only grows, to the
// largest A + B (+ packed B) seen so far. Kernels are synchronous, so no two calls share it.
// Synchronous `new WebAssembly.Module` works in Node and browsers for a module this small
// (< 4 KB, Chrome's limit for synchronous compiles on the main thread).
// ---------------------------------------------------------------------------------------------

/** The wasm exports; see kernels/wasm/gemm-simd-module.ts. Addresses and strides in bytes. */
type GemmBlockFn = (
  a: number, aRow: number, aK: number, aStrip: number, b: number, bK: number, bStrip: number,
  c: number, ldc: number, bias: number, mStrips: number, nStrips: number, kc: number, add: number,
) => void;
type CopyPiecesFn = (dst: number, dstRow: number, dstPiece: number, src: number, srcRow: number, srcPiece: number, rows: number, pieces: number) => void;
type DotRowsFn = (a: number, b: number, c: number, groups: number, rowBytes: number, full: number, mask: number, add: number) => void;
type ReluInPlaceFn = (p: number, nVec: number) => void;
type OuterRowsFn = (c: number, a: number, b: number, rows: number, rowBytes: number, vectors: number) => void;

let memory: WebAssembly.Memory | null = null;
let gemmBlock: GemmBlockFn | null = null;
let gemmBlock1: GemmBlockFn | null = null;
let copyPieces: CopyPiecesFn | null = null;
let dotRows: DotRowsFn | null = null;
let reluInPlace: ReluInPlaceFn | null = null;
let outerRows: OuterRowsFn | null = null;
let heap = new Float32Array(0); // views of all of `memory`; renewed after every grow
let heapI32 = new Int32Array(0);

// Memory layout, as float offsets. The fixed part (multiples of 4 floats, so 16-byte aligned)
// comes first; the operands follow it and are the only part that grows.
const MC_PAD = Math.ceil(MC / MR) * MR;
const BIAS_ROW = 0; // (NC)           the bias of the current NC columns, zeros past nc (all zeros without bias)
const C_BLOCK = BIAS_ROW + NC; // (MC_PAD, NC)   the C block scratch
const C_ROWS = C_BLOCK + MC_PAD * NC; // (MC, nc) + NR  the C block packed to whole rows of C, see moveBlock
const OPERANDS = C_ROWS + MC * NC + NR; // A, B and packed B, see gemmSimdBias

/** Instantiates the module on first use and grows the memory to hold `floats` floats. */
function ensureMemory(floats: number): void {
  const bytes = floats * 4;
  if (memory === null) {
    memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE_BYTES) });
    const module = new WebAssembly.Module(gemmModuleBytes(MR, NV));
    const instance = new WebAssembly.Instance(module, { [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory } });
    gemmBlock = instance.exports.gemm_block as GemmBlockFn;
    gemmBlock1 = instance.exports.gemm_block_1 as GemmBlockFn;
    copyPieces = instance.exports.copy_pieces as CopyPiecesFn;
    dotRows = instance.exports.dot_rows as DotRowsFn;
    reluInPlace = instance.exports.relu_in_place as ReluInPlaceFn;
    outerRows = instance.exports.outer_rows as OuterRowsFn;
  } else if (memory.buffer.byteLength < bytes) {
    memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
  }
  // Growing detaches the old ArrayBuffer, so the view is made again.
  if (heap.buffer !== memory.buffer) {
    heap = new Float32Array(memory.buffer);
    heapI32 = new Int32Array(memory.buffer);
  }
}

// ---------------------------------------------------------------------------------------------
// The GEMM
// ---------------------------------------------------------------------------------------------

/**
 * WebAssembly SIMD GEMM. Same contract as {@link gemmBlocked}: c [M, N] = (accumulate ? c : 0) + op(A)·op(B).
 * Only call it when {@link simdAvailable}; `gemmFast` picks it or gemmBlocked for you.
 */
export function gemmSimd(
  c: Float32Array, a: Float32Array, b: Float32Array,
  M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean,
): void {
  gemmSimdBias(c, a, b, null, M, N, K, layout, accumulate);
}

/**
 * {@link gemmSimd} with an optional bias row and fused ReLU:
 * c[i, j] = (accumulate ? c[i, j] : bias[j]) + Σ_k A(i, k)·B(k, j), then with `relu` clamped
 * (negatives → +0; NaN and ±0 kept). Same contract and ReLU bits as {@link gemmBlockedBias}: with
 * accumulate = true the bias must be null and relu false. The ReLU runs on each C block in wasm
 * memory before it is copied out, so a convolution's output is written once, already clamped.
 */
export function gemmSimdBias(
  c: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null,
  M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean, relu = false,
): void {
  if (gemmTrivial('gemmSimdBias', c, bias, M, N, K, accumulate, relu)) return;
  if (layout === 'nt' && M < MR && bias === null && !relu) {
    gemmDotRows(c, a, b, M, N, K, accumulate);
    return;
  }
  if (K === 1 && !accumulate && bias === null && !relu) {
    gemmOuter(c, a, b, M, N);
    return;
  }
  // A(i, k) = h[A_AT + i·aI + k·aK] in its stored layout. B is placed as [K, N] at B_AT and,
  // when packed, as ⌈N/NR⌉ strips [K, NR] at P_AT.
  const [aI, aK] = layout === 'tn' ? [1, M] : [K, 1];
  const strips = Math.ceil(N / NR);
  const packB = M >= PACK_B_MIN_M;
  // The slack after A covers the MR − 1 rows the last row strip reads past M; after B, the
  // NR − 1 columns the last column strip reads past N (see "Edges" in the header).
  const A_AT = OPERANDS; // (M, K) or (K, M), then (MR − 1)·aI floats of slack
  const B_AT = A_AT + M * K + (MR - 1) * aI + 4; // (K, N), then NR floats of slack
  const P_AT = B_AT + K * N + NR; // (strips, K, NR) when packB
  ensureMemory(packB ? P_AT + strips * K * NR : P_AT);
  // Fewer rows than a tile: the one-row tile, so no row is computed for nothing.
  const mr = M < MR ? 1 : MR;
  const kernel = (mr === 1 ? gemmBlock1 : gemmBlock) as GemmBlockFn;
  const h = heap;
  h.set(a.subarray(0, M * K), A_AT);
  h.fill(0, A_AT + M * K, B_AT);
  // 'nt' stores B as [N, K]: its rows of NR columns are not contiguous, so transpose it in.
  if (layout === 'nt') transposeInto(h, B_AT, b, N, K);
  else h.set(b.subarray(0, K * N), B_AT);
  h.fill(0, B_AT + K * N, P_AT);
  // Packing: K rows of `strips` pieces of NR floats, row k of strip t to P_AT + (t·K + k)·NR.
  if (packB) (copyPieces as CopyPiecesFn)(P_AT * 4, NR * 4, K * NR * 4, B_AT * 4, N * 4, NR * 4, K, strips);
  // B(k, j) in the kernel's terms: row k of the strip holding column j, as byte address and strides.
  const bK = packB ? NR : N; // floats from row k to row k + 1 of a strip
  const bStrip = packB ? K * NR : NR; // floats from one strip to the next
  const bAt = (k: number, j: number): number => (packB ? P_AT + (j / NR) * K * NR + k * NR : B_AT + k * N + j) * 4;

  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    const nStrips = Math.ceil(nc / NR);
    const ldc = nStrips * NR; // C block row length, padded to whole strips
    // The bias of these nc columns, zero-padded; all zeros when there is no bias.
    for (let j = 0; j < ldc; j++) h[BIAS_ROW + j] = bias !== null && j < nc ? bias[jc + j] : 0;

    for (let ic = 0; ic < M; ic += MC) {
      const mc = Math.min(MC, M - ic);
      const mStrips = Math.ceil(mc / mr);
      if (accumulate) moveBlock(c, ic, jc, N, mc, nc, ldc, 'in');
      for (let pc = 0; pc < K; pc += KC) {
        const kc = Math.min(KC, K - pc);
        // Byte addresses and strides for wasm: the A block starts at A(ic, pc), the B block at
        // B(pc, jc). After the first K block the kernel adds onto the C block.
        kernel((A_AT + ic * aI + pc * aK) * 4, aI * 4, aK * 4, mr * aI * 4, bAt(pc, jc), bK * 4, bStrip * 4,
          C_BLOCK * 4, ldc * 4, BIAS_ROW * 4, mStrips, nStrips, kc, accumulate || pc > 0 ? 1 : 0);
      }
      // The fused ReLU over the finished block (its padding rows and columns too: never copied out).
      if (relu) (reluInPlace as ReluInPlaceFn)(C_BLOCK * 4, (mStrips * mr * ldc) / 4);
      moveBlock(c, ic, jc, N, mc, nc, ldc, 'out');
    }
  }
}

/**
 * 'nt' with fewer rows than a tile (M < MR; a Dense layer's input gradient at batch 1, K = units):
 * each row of C is the dot products of one row of A with the rows of B, which dot_rows computes
 * reading B as stored. The tiled path would first transpose B float by float in JS (~5 ns a float
 * here, several times the arithmetic) and then waste MR − M of its MR rows.
 */
function gemmDotRows(c: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number, accumulate: boolean): void {
  const groups = Math.ceil(N / 4);
  const vectors = Math.ceil(K / 4);
  // A [M, K], then B [N, K] with room for the rows and floats the last group and vector read past
  // their ends (see dot_rows), the mask of the last vector, and one row of C.
  const A_AT = OPERANDS;
  const B_AT = A_AT + vec4Ceil(M * K + 4);
  const MASK_AT = B_AT + vec4Ceil((N + 3) * K + 4);
  const OUT_AT = MASK_AT + 4;
  ensureMemory(OUT_AT + groups * 4);
  const h = heap;
  h.set(a.subarray(0, M * K), A_AT);
  h.set(b.subarray(0, N * K), B_AT);
  const tail = K - 4 * (vectors - 1); // 1..4 valid lanes in the last vector
  for (let l = 0; l < 4; l++) heapI32[MASK_AT + l] = l < tail ? -1 : 0;
  for (let i = 0; i < M; i++) {
    const row = c.subarray(i * N, (i + 1) * N);
    if (accumulate) h.set(row, OUT_AT);
    (dotRows as DotRowsFn)((A_AT + i * K) * 4, B_AT * 4, OUT_AT * 4, groups, K * 4, vectors - 1, MASK_AT * 4, accumulate ? 1 : 0);
    row.set(h.subarray(OUT_AT, OUT_AT + N));
  }
}

/**
 * K = 1, overwriting (a Dense layer's kernel gradient at batch 1, xᵀ · dy): C = a ⊗ b. With one k
 * every layout stores A and B the same way. outer_rows writes C as whole rows, so it leaves wasm
 * by one memcpy; the tiled path would compute 4×8 tiles of a single rank-1 update each, on a C
 * block padded to whole strips (16 columns for 10) and packed back by copy_pieces.
 */
function gemmOuter(c: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number): void {
  // a [M], b [N] and the slack its last vector reads, then C [M, N] and the slack its last row writes.
  const A_AT = OPERANDS;
  const B_AT = A_AT + vec4Ceil(M);
  const C_AT = B_AT + vec4Ceil(N + 4);
  ensureMemory(C_AT + M * N + 4);
  const h = heap;
  h.set(a.subarray(0, M), A_AT);
  h.set(b.subarray(0, N), B_AT);
  (outerRows as OuterRowsFn)(C_AT * 4, A_AT * 4, B_AT * 4, M, N * 4, Math.ceil(N / 4));
  c.set(h.subarray(C_AT, C_AT + M * N));
}

// ---------------------------------------------------------------------------------------------
// Moving data between the caller's arrays and wasm memory
// ---------------------------------------------------------------------------------------------

/** h[dst + k·N + j] = b[j·K + k]: B stored [N, K] ('nt') placed as [K, N]. */
function transposeInto(h: Float32Array, dst: number, b: Float32Array, N: number, K: number): void {
  // Reads b front to back; the K write streams (one per row of the result) stay in cache
  // for the small K of the 'nt' GEMMs here (conv input gradient: K = CO; Dense dX: K = units).
  for (let j = 0; j < N; j++) {
    const src = j * K;
    for (let k = 0; k < K; k++) h[dst + k * N + j] = b[src + k];
  }
}

/**
 * Moves the C block (rows ic .. ic+mc, columns jc .. jc+nc of c) into wasm memory ('in') or out
 * of it ('out'). In wasm its rows are ldc floats apart (padded to whole strips). When the block is
 * whole rows of c (nc = N) it crosses as one memcpy of contiguous floats, through C_ROWS where
 * copy_pieces packs it to nc floats per row: a C of 10 columns (a Dense layer with 10 units) would
 * otherwise go float by float. Narrower blocks of a wider C go row by row (copyBlock).
 */
function moveBlock(c: Float32Array, ic: number, jc: number, N: number, mc: number, nc: number, ldc: number, way: 'in' | 'out'): void {
  const h = heap;
  if (nc !== N || nc === ldc) {
    if (way === 'in') copyBlock(h, C_BLOCK, ldc, c, ic * N + jc, N, mc, nc);
    else copyBlock(c, ic * N + jc, N, h, C_BLOCK, ldc, mc, nc);
    return;
  }
  const rows = c.subarray(ic * N, (ic + mc) * N);
  const copy = copyPieces as CopyPiecesFn;
  const pieces = Math.ceil(nc / NR); // whole pieces of NR floats: at most ldc, the padded row
  if (way === 'in') {
    h.set(rows, C_ROWS);
    copy(C_BLOCK * 4, ldc * 4, NR * 4, C_ROWS * 4, nc * 4, NR * 4, mc, pieces);
  } else {
    copy(C_ROWS * 4, nc * 4, NR * 4, C_BLOCK * 4, ldc * 4, NR * 4, mc, pieces);
    rows.set(h.subarray(C_ROWS, C_ROWS + mc * nc));
  }
}

/**
 * Copies a rows × cols block between two row-major buffers with row strides dStride, sStride.
 * One TypedArray.set (a memcpy) when both blocks are contiguous — the common conv case, where
 * the C block is whole rows of C — else one set per row, or a plain loop for short rows,
 * where creating a subarray costs more than copying.
 */
function copyBlock(dst: Float32Array, dOff: number, dStride: number,
  src: Float32Array, sOff: number, sStride: number, rows: number, cols: number): void {
  if (cols === dStride && cols === sStride) {
    dst.set(src.subarray(sOff, sOff + rows * cols), dOff);
  } else if (cols >= 64) {
    for (let r = 0; r < rows; r++) dst.set(src.subarray(sOff + r * sStride, sOff + r * sStride + cols), dOff + r * dStride);
  } else {
    for (let r = 0; r < rows; r++) {
      const d = dOff + r * dStride;
      const s = sOff + r * sStride;
      for (let q = 0; q < cols; q++) dst[d + q] = src[s + q];
    }
  }
}
