// General matrix multiply on WebAssembly SIMD (and relaxed SIMD), with the same contract as
// gemmBlocked (gemm.ts):
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
// eight f32x4 registers and does 32 multiply-adds per 6 loads (one v128.load32_splat per A
// value, two v128.loads of B): 50–60 GFLOP/s at 512³ on the AMD EPYC of the README. Under relaxed
// SIMD the same tile uses f32x4.relaxed_madd (one FMA instead of mul + add). Tiles measured
// (bench/gemm.ts, same run, relaxed): 4×8 best on every shape; 6×8 (12 accumulators, which with
// the 2 B vectors and the splat fill x64's 16 xmm registers and spill) 15–25% slower, 3×16 ~50%
// slower. On this Zen machine FMA did not beat mul + add (two FMA pipes against two multiply and
// two add pipes: the same peak), so the relaxed tile is chosen for engines and CPUs where it does.
//
// Loop nest (BLIS names; the wasm kernel runs the two innermost loops):
//   copy B into wasm memory             one TypedArray.set (a memcpy); 'nt' B is transposed
//                                       (for M < MR, dot products read it as stored instead;
//                                       for K = 1, the outer product a ⊗ b is written directly)
//   (M ≥ 64) pack B into NR-strips      in wasm, so each B strip is contiguous and stays in L1
//   for jc over N by NC                 C block [MC, NC] is a scratch in wasm memory
//     for ic over M by MC
//       copy MC rows of A in            one memcpy of contiguous rows ('nn', 'nt'; 'tn' A is
//                                       copied whole first), while they are in cache
//       copy the C block in             (accumulate only)
//       for pc over K by kc ≤ KC        A block [MC, kc] in L2, read in place through strides
//         gemm_block (wasm)             every 4×8 tile of the block: kc rank-1 updates, onto C after pc = 0
//       relu_in_place (wasm)            the fused ReLU, when asked (a conv layer's activation)
//       copy the C block out to c       clipped to the valid rows and columns; one memcpy
//                                       when it is whole rows of C (packed by copy_pieces first)
//
// Why operands are copied instead of packed float by float as in gemmBlocked: a JS loop that
// moves floats one by one runs here at 3–10 ns per float, TypedArray.set at ~0.4 ns. The kernel
// reads A through (row, k) strides, so one memcpy serves all three layouts, and packs B itself
// with v128 copies when enough row strips reuse it to pay for the extra pass. Measured: packing B
// makes 1024³ 2–2.5× faster (unpacked B rows 4 KB apart fight over a few cache sets) but the conv
// filter gradient (M = 9, B = dY, 22 MB) ~25% slower. Copying A one block of MC rows at a time
// (not all of A first) keeps each block in cache between the copy and the kernel: a conv's im2col
// matrix is 7 MB (shape B) to 58 MB (shape C), which a whole copy wrote out to DRAM and read back.
//
// Memory: the engine's heap (wasm/heap.ts), which every SIMD kernel shares; a call may pass its
// own. If the heap cannot grow to a call's operands, that call runs gemmBlockedBias instead.
//
// Why C goes through a scratch block: the kernel can only touch wasm memory, and c is a
// Float32Array of its own. The block stays in wasm over the whole K loop (ic outside pc, unlike
// BLIS), so each element of C crosses once each way, by memcpy when the block is whole rows.
//
// Edges: the last row strip computes MR rows and the last column strip NR columns whatever M
// and N are. The extra rows and columns read other elements of A and B (or zeroed slack past
// their ends), and since lanes and rows never mix in a rank-1 update, that only reaches the
// padded rows / columns of the C block, which are never copied out.

import { gemmBlockedBias, gemmTrivial, type GemmLayout } from './gemm.js';
import { gemmModuleBytes, relaxedSimdProbeBytes, simdProbeBytes, type GemmModuleExports } from './wasm/gemm-simd-module.js';
import { gemmDotRows, gemmOuter } from './gemm-simd-thin.js';
import { engineHeap, vec4Ceil, type WasmHeap } from './wasm/heap.js';

// Block sizes, in floats (4 bytes):
export const KC = 320; // most depth of a K block: an A strip [KC, MR] (5 KB) + a B strip [KC, NR] (10 KB) sit in L1 (32 KB)
export const MC = 128; // rows of an A block: [MC, KC] ≤ 160 KB, in L2 (512 KB+); also the C block's height
const NC_FLOATS = 256; // columns of a C block, rounded to whole strips: [MC, NC] = 128 KB stays in L2 beside A
// Block sizes could not be told apart under this machine's load (KC 128/512, MC 64/256 and
// NC 512 all within noise of these), so they are the sizes the cache arithmetic suggests.
// K is cut into equal blocks of at most KC: a conv's K = 9·32 = 288 runs as one block and 576 as
// two of 288, where fixed blocks of 256 left a tail of 32 (or 64) that reloads and stores every
// C tile once more for a few rank-1 updates; 512 and 1024 still run in blocks of 256. (Chosen by
// that arithmetic: a gain of a few percent is below this shared machine's noise.)
const PACK_B_MIN_M = 64; // pack B when at least 16 row strips reuse each B strip

/** True when this engine runs WebAssembly SIMD (WebAssembly.validate of a one-instruction probe module). */
export const simdAvailable: boolean =
  typeof WebAssembly === 'object' && WebAssembly.validate(simdProbeBytes());

/**
 * True when this engine also runs relaxed SIMD (f32x4.relaxed_madd): Node ≥ 22, Chrome ≥ 114,
 * Node 20 with --experimental-wasm-relaxed-simd. Probed the same way, with a one-instruction module.
 */
export const relaxedSimdAvailable: boolean = simdAvailable && WebAssembly.validate(relaxedSimdProbeBytes());

/** A register tile of MR × 4·NV floats of C, its multiply-adds fused (relaxed SIMD) when `fma`. */
export interface GemmTile {
  readonly mr: number;
  readonly nv: number;
  readonly fma: boolean;
}

/** The plain-SIMD tile: 4 × 8, mul + add. See the header for the tiles measured. */
export const SIMD_TILE: GemmTile = { mr: 4, nv: 2, fma: false };
/** The relaxed-SIMD tile: 4 × 8 with relaxed_madd, XNNPACK's x86 choice; measured best in bench/gemm.ts. */
export const RELAXED_TILE: GemmTile = { mr: 4, nv: 2, fma: true };

// ---------------------------------------------------------------------------------------------
// The module and its place in the heap
//
// One instance per tile and heap (heap.instance caches it by name): compiling costs ~1 ms. The
// heap is the engine's (wasm/heap.ts) unless a caller passes its own; it only grows, to the
// largest call seen, and when it cannot grow the call runs gemmBlockedBias instead.
// ---------------------------------------------------------------------------------------------

export function gemmExports(heap: WasmHeap, t: GemmTile): GemmModuleExports {
  const name = `gemm ${t.mr}x${4 * t.nv}${t.fma ? ' fma' : ''}`;
  return heap.instance(name, () => gemmModuleBytes(t.mr, t.nv, t.fma)) as unknown as GemmModuleExports;
}

/**
 * Heap layout of one tile, as float offsets from 0 (every SIMD kernel's call owns the whole heap
 * while it runs). The fixed part (multiples of 4 floats, so 16-byte aligned) comes first; the
 * operands follow it and are the only part that grows.
 */
interface HeapLayout {
  readonly nc: number; // NC: columns of a C block, a multiple of NR
  readonly biasRow: number; // (NC)             the bias of the current NC columns, zeros past nc (all zeros without bias)
  readonly cBlock: number; // (MC_PAD, NC)      the C block scratch
  readonly cRows: number; // (MC, nc) + NR     the C block packed to whole rows of C, see moveBlock
  readonly operands: number; // A, B and packed B, see gemmSimdTiled
}

function heapLayout(t: GemmTile): HeapLayout {
  const NR = 4 * t.nv;
  const nc = Math.ceil(NC_FLOATS / NR) * NR;
  const mcPad = Math.ceil(MC / t.mr) * t.mr;
  const biasRow = 0;
  const cBlock = biasRow + nc;
  const cRows = cBlock + mcPad * nc;
  return { nc, biasRow, cBlock, cRows, operands: vec4Ceil(cRows + MC * nc + NR) };
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
  gemmSimdTiled(SIMD_TILE, c, a, b, null, M, N, K, layout, accumulate);
}

/**
 * {@link gemmSimd} with an optional bias row and fused ReLU:
 * c[i, j] = (accumulate ? c[i, j] : bias[j]) + Σ_k A(i, k)·B(k, j), then with `relu` clamped
 * (negatives → +0; NaN and ±0 kept). Same contract and ReLU bits as {@link gemmBlockedBias}: with
 * accumulate = true the bias must be null and relu false. The ReLU runs on each C block in wasm
 * memory before it is copied out, so a convolution's output is written once, already clamped.
 * `heap` defaults to the engine's; if it cannot grow, the call runs gemmBlockedBias.
 */
export function gemmSimdBias(
  c: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null,
  M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean, relu = false, heap: WasmHeap = engineHeap(),
): void {
  gemmSimdTiled(SIMD_TILE, c, a, b, bias, M, N, K, layout, accumulate, relu, heap);
}

/** {@link gemmSimd} with relaxed SIMD's fused multiply-add. Only call it when {@link relaxedSimdAvailable}. */
export function gemmRelaxedSimd(
  c: Float32Array, a: Float32Array, b: Float32Array,
  M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean,
): void {
  gemmSimdTiled(RELAXED_TILE, c, a, b, null, M, N, K, layout, accumulate);
}

/** {@link gemmSimdBias} with relaxed SIMD's fused multiply-add. Only call it when {@link relaxedSimdAvailable}. */
export function gemmRelaxedSimdBias(
  c: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null,
  M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean, relu = false, heap: WasmHeap = engineHeap(),
): void {
  gemmSimdTiled(RELAXED_TILE, c, a, b, bias, M, N, K, layout, accumulate, relu, heap);
}

/**
 * The GEMM with any register tile (bench/gemm.ts races tiles through it): the contract of
 * {@link gemmSimdBias}, the tile's module from `heap`.
 */
export function gemmSimdTiled(
  t: GemmTile, c: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null,
  M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean, relu = false, heap: WasmHeap = engineHeap(),
): void {
  if (gemmTrivial('gemmSimdBias', c, bias, M, N, K, accumulate, relu)) return;
  const MR = t.mr;
  const NR = 4 * t.nv;
  const x = gemmExports(heap, t);
  const L = heapLayout(t);
  if (layout === 'nt' && M < MR && bias === null && !relu) {
    if (!gemmDotRows(x, heap, L.operands, c, a, b, M, N, K, accumulate)) gemmBlockedBias(c, a, b, null, M, N, K, layout, accumulate);
    return;
  }
  if (K === 1 && !accumulate && bias === null && !relu) {
    if (!gemmOuter(x, heap, L.operands, c, a, b, M, N)) gemmBlockedBias(c, a, b, null, M, N, K, layout, accumulate);
    return;
  }
  // A(i, k) = h[aAt + i·aI + k·aK] in its stored layout. When its rows are contiguous ('nn', 'nt')
  // A crosses into wasm one block of MC rows at a time, just before the kernel reads it: the block
  // is still in cache, where copying all of A first (a conv's im2col matrix: 7–58 MB on the bench
  // shapes) wrote it out to DRAM and read it back. 'tn' (A stored [K, M]) is copied whole.
  // B is placed as [K, N] at B_AT and, when packed, as ⌈N/NR⌉ strips [K, NR] at P_AT.
  const [aI, aK] = layout === 'tn' ? [1, M] : [K, 1];
  const blockA = layout !== 'tn';
  const strips = Math.ceil(N / NR);
  const packB = M >= PACK_B_MIN_M;
  // The slack after A covers the MR − 1 rows the last row strip reads past M (or past the block);
  // after B, the NR − 1 columns the last column strip reads past N (see "Edges" in the header).
  const A_AT = L.operands; // (MC + MR, K) per block, or (M, K) / (K, M) whole, then slack
  const B_AT = A_AT + vec4Ceil(blockA ? (Math.min(MC, M) + MR) * K : M * K + (MR - 1) * aI + 4); // (K, N), then NR floats of slack
  const P_AT = B_AT + vec4Ceil(K * N + NR); // (strips, K, NR) when packB
  const views = heap.views((packB ? P_AT + strips * K * NR : P_AT) * 4);
  if (views === null) {
    gemmBlockedBias(c, a, b, bias, M, N, K, layout, accumulate, relu);
    return;
  }
  const h = views.f32;
  // Fewer rows than a tile: the one-row tile, so no row is computed for nothing.
  const mr = M < MR ? 1 : MR;
  const kernel = mr === 1 ? x.gemm_block_1 : x.gemm_block;
  if (!blockA) {
    h.set(a.subarray(0, M * K), A_AT);
    h.fill(0, A_AT + M * K, B_AT);
  } else {
    // Rows past a short last block read zeros or earlier rows of this A, not another kernel's
    // leftovers (which could be denormals, slow on some CPUs); either way only padded C rows see them.
    h.fill(0, A_AT, B_AT);
  }
  // 'nt' stores B as [N, K]: its rows of NR columns are not contiguous, so transpose it in.
  if (layout === 'nt') transposeInto(h, B_AT, b, N, K);
  else h.set(b.subarray(0, K * N), B_AT);
  h.fill(0, B_AT + K * N, P_AT);
  // Packing: K rows of `strips` pieces of NR floats, row k of strip t to P_AT + (t·K + k)·NR.
  if (packB) x.copy_pieces(P_AT * 4, NR * 4, K * NR * 4, B_AT * 4, N * 4, NR * 4, K, strips);
  // B(k, j) in the kernel's terms: row k of the strip holding column j, as byte address and strides.
  const bK = packB ? NR : N; // floats from row k to row k + 1 of a strip
  const bStrip = packB ? K * NR : NR; // floats from one strip to the next
  const kBlock = Math.ceil(K / Math.ceil(K / KC)); // equal K blocks of at most KC
  const bAt = (k: number, j: number): number => (packB ? P_AT + (j / NR) * K * NR + k * NR : B_AT + k * N + j) * 4;

  for (let jc = 0; jc < N; jc += L.nc) {
    const nc = Math.min(L.nc, N - jc);
    const nStrips = Math.ceil(nc / NR);
    const ldc = nStrips * NR; // C block row length, padded to whole strips
    // The bias of these nc columns, zero-padded; all zeros when there is no bias.
    for (let j = 0; j < ldc; j++) h[L.biasRow + j] = bias !== null && j < nc ? bias[jc + j] : 0;

    for (let ic = 0; ic < M; ic += MC) {
      const mc = Math.min(MC, M - ic);
      const mStrips = Math.ceil(mc / mr);
      // Row ic of A: in the block just copied, or in place in the whole copy.
      let aRow0 = A_AT + ic * aI;
      if (blockA) {
        h.set(a.subarray(ic * K, (ic + mc) * K), A_AT);
        aRow0 = A_AT;
      }
      if (accumulate) moveBlock(h, L, c, ic, jc, N, mc, nc, ldc, NR, x, 'in');
      for (let pc = 0; pc < K; pc += kBlock) {
        const kc = Math.min(kBlock, K - pc);
        // Byte addresses and strides for wasm: the A block starts at A(ic, pc), the B block at
        // B(pc, jc). After the first K block the kernel adds onto the C block.
        kernel((aRow0 + pc * aK) * 4, aI * 4, aK * 4, mr * aI * 4, bAt(pc, jc), bK * 4, bStrip * 4,
          L.cBlock * 4, ldc * 4, L.biasRow * 4, mStrips, nStrips, kc, accumulate || pc > 0 ? 1 : 0);
      }
      // The fused ReLU over the finished block (its padding rows and columns too: never copied out).
      if (relu) x.relu_in_place(L.cBlock * 4, (mStrips * mr * ldc) / 4);
      moveBlock(h, L, c, ic, jc, N, mc, nc, ldc, NR, x, 'out');
    }
  }
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
 * whole rows of c (nc = N) it crosses as one memcpy of contiguous floats, through cRows where
 * copy_pieces packs it to nc floats per row: a C of 10 columns (a Dense layer with 10 units) would
 * otherwise go float by float. Narrower blocks of a wider C go row by row (copyBlock).
 */
function moveBlock(h: Float32Array, L: HeapLayout, c: Float32Array, ic: number, jc: number, N: number,
  mc: number, nc: number, ldc: number, NR: number, x: GemmModuleExports, way: 'in' | 'out'): void {
  if (nc !== N || nc === ldc) {
    if (way === 'in') copyBlock(h, L.cBlock, ldc, c, ic * N + jc, N, mc, nc);
    else copyBlock(c, ic * N + jc, N, h, L.cBlock, ldc, mc, nc);
    return;
  }
  const rows = c.subarray(ic * N, (ic + mc) * N);
  const pieces = Math.ceil(nc / NR); // whole pieces of NR floats: at most ldc, the padded row
  if (way === 'in') {
    h.set(rows, L.cRows);
    x.copy_pieces(L.cBlock * 4, ldc * 4, NR * 4, L.cRows * 4, nc * 4, NR * 4, mc, pieces);
  } else {
    x.copy_pieces(L.cRows * 4, nc * 4, NR * 4, L.cBlock * 4, ldc * 4, NR * 4, mc, pieces);
    rows.set(h.subarray(L.cRows, L.cRows + mc * nc));
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
