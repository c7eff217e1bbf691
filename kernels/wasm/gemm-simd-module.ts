// The WebAssembly SIMD micro-kernel behind gemmSimd (kernels/gemm-simd.ts), written with the
// small assembler in ./assembler.ts. This file only builds the module's bytes; gemm-simd.ts
// places the operands, instantiates the module and calls it.
//
// What the exported function `gemm_block` computes, over float32 data in linear memory:
//
//   for each column strip j < nStrips, each row strip i < mStrips:       (one MR × NR tile of C)
//     C[i·MR + r, j·NR + n] = init[r, n] + Σ_{k<kc} A(i·MR + r, k) · B(k, j·NR + n)    r < MR, n < NR
//     init = C itself when `add` ≠ 0 (accumulate), else the bias row bias[j·NR + n] (zeros for none)
//
// Buffers (byte addresses and byte strides, so one kernel serves every layout and packing):
//   A(i, k)                 at a + i·aRow + k·aK; row strip i starts at a + i·aStrip
//   B(k, j·NR .. j·NR+NR−1) NR consecutive floats at b + j·bStrip + k·bK
//   C tile (i, j)           at c + i·MR·ldc + j·NR·4: MR rows of NR floats, rows ldc bytes apart
//   bias                    NR floats per column strip, at bias + j·NR·4
// Every tile is full: the caller gives C a padded scratch block and memory past the ends of A
// and B (see gemm-simd.ts, "Edges"). mStrips, nStrips and kc must be ≥ 1.
//
// The module also exports `copy_pieces`, which packs B into contiguous [K, NR] strips and moves
// the C block between its padded rows and whole rows of C,
// `dot_rows`, the dot products of one row of A with every row of B ('nt' with a short M),
// `outer_rows`, C = a ⊗ b (K = 1), and `relu_in_place` (wasm/relu-module.ts), the fused ReLU
// applied to a finished C block.
//
// The tile: NR = 4·NV columns are NV f32x4 vectors, so the MR × NR tile of C lives in MR·NV
// v128 locals (the accumulators) that V8 keeps in xmm registers for the whole k loop. Each k
// step loads the NV vectors of B once, broadcasts each of the MR values of A to a vector, and
// does MR·NV multiply-adds, i.e. 4·MR·NV multiply-adds from MR + NV loads. The default tile is
// 4 × 8 (MR = 4, NV = 2: 8 accumulators + 2 B vectors + 1 broadcast A = 11 of x64's 16 xmm
// registers); see gemm-simd.ts for the tiles measured.
//
// Plain WebAssembly SIMD has no fused multiply-add, so each step is an f32x4.mul then an
// f32x4.add, rounded twice. With `fma` the module uses f32x4.relaxed_madd instead (the
// relaxed-SIMD proposal: on by default in Node ≥ 22 and Chrome ≥ 114, behind
// --experimental-wasm-relaxed-simd in Node 20): one instruction per multiply-add, which x64 V8
// emits as vfmadd231ps where the CPU has FMA3 (rounded once), else as mul + add. Such a module
// does not validate where relaxed SIMD is off: gemm-simd.ts probes first (relaxedSimdProbeBytes).

import {
  assembleModule, decrementAndLoop, drop, f32x4, i32, i8x16, if_, ifElse, increment, local, loop, v128, valType,
  type FunctionDef, type Instr, type ValType,
} from './assembler.js';
import { reluInPlaceFunction } from './relu-module.js';
import { HEAP_IMPORT } from './heap.js';


/** The module's exports, as gemm-simd.ts calls them. Addresses and strides in bytes. */
export interface GemmModuleExports {
  gemm_block: GemmBlockFn;
  gemm_block_1: GemmBlockFn;
  copy_pieces(dst: number, dstRow: number, dstPiece: number, src: number, srcRow: number, srcPiece: number, rows: number, pieces: number): void;
  dot_rows(a: number, b: number, c: number, groups: number, rowBytes: number, full: number, mask: number, add: number): void;
  relu_in_place(p: number, nVec: number): void;
  outer_rows(c: number, a: number, b: number, rows: number, rowBytes: number, vectors: number): void;
}
export type GemmBlockFn = (
  a: number, aRow: number, aK: number, aStrip: number, b: number, bK: number, bStrip: number,
  c: number, ldc: number, bias: number, mStrips: number, nStrips: number, kc: number, add: number,
) => void;

const F32 = 4; // bytes per float
const V128 = 16; // bytes per vector

/**
 * Bytes of the GEMM module with an MR × (4·NV) register tile, its multiply-adds fused
 * (f32x4.relaxed_madd) when `fma`. Exports
 * `gemm_block(a, aRow, aK, aStrip, b, bK, bStrip, c, ldc, bias, mStrips, nStrips, kc, add)`,
 * all i32 (addresses and strides in bytes), no result; `gemm_block_1`, the same with a
 * 1 × (4·NV) tile, for C of fewer than MR rows (a Dense layer at batch 1), where the full tile
 * would compute MR − M rows for nothing; and the helpers below.
 */
export function gemmModuleBytes(MR = 4, NV = 2, fma = false): Uint8Array<ArrayBuffer> {
  return assembleModule({
    memory: { ...HEAP_IMPORT, minPages: 1 }, // the heap of wasm/heap.ts
    functions: [
      gemmBlock('gemm_block', MR, NV, fma), gemmBlock('gemm_block_1', 1, NV, fma),
      copyPieces(NV), dotRows(), outerRows(), reluInPlaceFunction(),
    ],
  });
}

/** `gemm_block` (see the header) with an MR × (4·NV) tile, exported as `name`. */
function gemmBlock(name: string, MR: number, NV: number, fma: boolean): FunctionDef {
  const NR = 4 * NV;

  // Parameter indices, in call order.
  const a = 0, aRow = 1, aK = 2, aStrip = 3; // A(i, k) at a + i·aRow + k·aK; strips aStrip apart
  const b = 4, bK = 5, bStrip = 6; // B(k, j .. j+NR−1) = NR consecutive floats at b + k·bK; strips bStrip apart
  const c = 7, ldc = 8, bias = 9; // the C block (rows ldc apart) and the bias row
  const mStrips = 10, nStrips = 11, kc = 12, add = 13;
  const paramCount = 14;
  // i32 locals: loop counters and moving pointers.
  let next = paramCount;
  const jr = next++, ir = next++, k = next++; // column strips left, row strips left, k steps left
  const pa = next++, pb = next++; // A row 0 and B row k inside the k loop
  const row = next++; // one row of the C tile, for loads and stores
  const aTile = next++, cTile = next++; // the current A strip and C tile, stepped per row strip
  const bCol = next++, cCol = next++, biasCol = next++; // the current B strip, C columns, bias, per column strip
  const rowOff = [-1]; // rowOff[r] = r·aRow, the byte offset of row r of an A strip (r ≥ 1)
  for (let r = 1; r < MR; r++) rowOff.push(next++);
  const i32Locals = next - paramCount;
  // v128 locals: the broadcast A value, the NV vectors of B row k, the MR·NV accumulators.
  const av = next++;
  const bv = (n: number): number => av + 1 + n;
  const acc = (r: number, n: number): number => av + 1 + NV + r * NV + n;
  const v128Locals = 1 + NV + MR * NV;

  // Small helpers, each a short instruction sequence.
  const set = (x: number, value: Instr): Instr => [...value, ...local.set(x)];
  const copy = (x: number, from: number): Instr => set(x, local.get(from));

  // Row offsets of an A strip, computed once: rowOff[r] = r·aRow.
  const prologue: Instr[] = [];
  for (let r = 1; r < MR; r++) prologue.push(set(rowOff[r], [...local.get(aRow), ...i32.const(r), ...i32.mul()]));

  // Accumulators start from the C tile (accumulate): row r of the tile is at cTile + r·ldc.
  const loadTile: Instr[] = [copy(row, cTile)];
  for (let r = 0; r < MR; r++) {
    for (let n = 0; n < NV; n++) loadTile.push(set(acc(r, n), [...local.get(row), ...v128.load(n * V128)]));
    if (r < MR - 1) loadTile.push(increment(row, local.get(ldc)));
  }
  // ...or from the bias row (overwrite): every row of the tile starts as the same NR values.
  const loadBias: Instr[] = [];
  for (let r = 0; r < MR; r++) {
    for (let n = 0; n < NV; n++) {
      loadBias.push(r === 0 ? set(acc(0, n), [...local.get(biasCol), ...v128.load(n * V128)]) : copy(acc(r, n), acc(0, n)));
    }
  }

  // One k step, a rank-1 update of the tile: acc[r][n] += splat(A(i + r, k)) · B(k, j + 4n .. j + 4n + 3).
  const rank1Update: Instr[] = [];
  for (let n = 0; n < NV; n++) rank1Update.push(set(bv(n), [...local.get(pb), ...v128.load(n * V128)]));
  for (let r = 0; r < MR; r++) {
    // v128.load32_splat broadcasts A(i + r, k) straight from memory: one instruction, no shuffle.
    const address = r === 0 ? local.get(pa) : [...local.get(pa), ...local.get(rowOff[r]), ...i32.add()];
    rank1Update.push(set(av, [...address, ...v128.load32_splat()]));
    for (let n = 0; n < NV; n++) {
      // acc + a·b: relaxed_madd(a, b, acc) in one instruction, or a mul then an add.
      const multiplyAdd = fma
        ? [...local.get(av), ...local.get(bv(n)), ...local.get(acc(r, n)), ...f32x4.relaxed_madd()]
        : [...local.get(acc(r, n)), ...local.get(av), ...local.get(bv(n)), ...f32x4.mul(), ...f32x4.add()];
      rank1Update.push([...multiplyAdd, ...local.set(acc(r, n))]);
    }
  }

  // Stores the finished tile over C.
  const storeTile: Instr[] = [copy(row, cTile)];
  for (let r = 0; r < MR; r++) {
    for (let n = 0; n < NV; n++) storeTile.push([...local.get(row), ...local.get(acc(r, n)), ...v128.store(n * V128)]);
    if (r < MR - 1) storeTile.push(increment(row, local.get(ldc)));
  }

  const body: Instr[] = [
    ...prologue,
    // Column strips outermost: one B strip ([kc, NR], 8 KB at kc = 256; contiguous when
    // packed) stays in L1 while every A strip of the block streams past it (A lives in L2).
    copy(bCol, b), copy(cCol, c), copy(biasCol, bias), copy(jr, nStrips),
    loop(
      copy(aTile, a), copy(cTile, cCol), copy(ir, mStrips),
      loop(
        // Initialize the accumulators: from C when accumulating, else from the bias row.
        local.get(add),
        ifElse(loadTile, loadBias),
        // The k loop: kc rank-1 updates; the accumulators never leave registers.
        copy(pa, aTile), copy(pb, bCol), copy(k, kc),
        loop(
          ...rank1Update,
          increment(pa, local.get(aK)), increment(pb, local.get(bK)),
          decrementAndLoop(k),
        ),
        ...storeTile,
        // Next row strip: the next A strip, and the tile MR rows further down C.
        increment(aTile, local.get(aStrip)),
        [...local.get(cTile), ...local.get(ldc), ...i32.const(MR), ...i32.mul(), ...i32.add(), ...local.set(cTile)],
        decrementAndLoop(ir),
      ),
      // Next column strip: the next B strip, NR columns further right in C and in the bias.
      increment(bCol, local.get(bStrip)), increment(cCol, i32.const(NR * F32)), increment(biasCol, i32.const(NR * F32)),
      decrementAndLoop(jr),
    ),
  ];

  return {
    name,
    params: new Array<ValType>(paramCount).fill(valType.i32),
    results: [],
    locals: [...new Array<ValType>(i32Locals).fill(valType.i32), ...new Array<ValType>(v128Locals).fill(valType.v128)],
    body,
  };
}

/**
 * `copy_pieces(dst, dstRow, dstPiece, src, srcRow, srcPiece, rows, pieces)`: for each row r and
 * piece p < pieces, NR = 4·NV floats from src + r·srcRow + p·srcPiece to dst + r·dstRow +
 * p·dstPiece (byte addresses and strides), rows in order, NV vector loads and stores a piece. Two
 * uses (gemm-simd.ts):
 *   - B's packing for gemm_block, into contiguous k-major strips [K, NR]: rows = K, pieces = the
 *     strips (srcPiece = NR floats, dstPiece = one strip, dstRow = NR floats). A strip read with a
 *     stride of N floats maps onto a few cache sets when N is a multiple of a large power of two
 *     (N = 1024 rows sit 4 KB apart), and is evicted before the next row strip of A reuses it.
 *     Rows outermost, so the source is read front to back once; the writes go to `pieces` streams.
 *   - Moving the C block between its rows padded to whole strips (ldc floats) and rows of exactly
 *     nc floats, so it crosses to c by one memcpy: pieces = ⌈nc/NR⌉ back to back. Whole pieces
 *     copy up to NR − 1 floats past a row's end: packing, row r + 1 overwrites them (the last
 *     row's land in slack the caller provides); unpacking, they land in the padding columns.
 */
function copyPieces(NV: number): FunctionDef {
  const dst = 0, dstRow = 1, dstPiece = 2, src = 3, srcRow = 4, srcPiece = 5, rows = 6, pieces = 7;
  const n = 8, s = 9, d = 10; // pieces left in this row, source and destination pointers
  const copyPiece: Instr[] = [];
  for (let v = 0; v < NV; v++) {
    copyPiece.push([...local.get(d), ...local.get(s), ...v128.load(v * V128), ...v128.store(v * V128)]);
  }
  return {
    name: 'copy_pieces',
    params: new Array<ValType>(8).fill(valType.i32),
    results: [],
    locals: new Array<ValType>(3).fill(valType.i32),
    body: [
      loop(
        [...local.get(src), ...local.set(s)], [...local.get(dst), ...local.set(d)], [...local.get(pieces), ...local.set(n)],
        loop(
          ...copyPiece,
          increment(s, local.get(srcPiece)), increment(d, local.get(dstPiece)),
          decrementAndLoop(n),
        ),
        increment(src, local.get(srcRow)), increment(dst, local.get(dstRow)),
        decrementAndLoop(rows),
      ),
    ],
  };
}

/**
 * `dot_rows(a, b, c, groups, rowBytes, full, mask, add)`: c[j] (+)= Σ_k a[k]·b[j·K + k] for
 * j < 4·groups, where a is one row of K floats and b is rows of K floats (rowBytes = 4·K apart):
 * C = A · Bᵀ for one row of A, with B read as it is stored ('nt'), no transposing.
 *
 * Four rows of B at a time: each row's products go into its own f32x4 accumulator, k running
 * along the lanes, 4 floats per step: `full` whole vectors, then one last vector whose lanes past
 * K are zeroed by the 16-byte `mask` (all-ones lanes for k < K). The mask is applied to the
 * products, so whatever follows a row (the next row, slack) cannot leak in, not even as
 * 0 · ∞ = NaN. The four accumulators are then summed across their lanes together (two rounds of
 * shuffles and adds) into one vector of four dot products, stored at c (added onto c when add ≠ 0).
 * The caller provides rows of slack after b up to 4·groups rows; their sums are never read.
 */
function dotRows(): FunctionDef {
  const a = 0, b = 1, c = 2, groups = 3, rowBytes = 4, full = 5, mask = 6, add = 7;
  let next = 8;
  const pa = next++, pr = next++, q = next++; // A and row-0 pointers in the k loop, vectors left
  const rowOff = [-1, next++, next++, next++]; // byte offsets of rows 1..3 of the group
  const i32Locals = next - 8;
  const accs = [next++, next++, next++, next++];
  const av = next++, mv = next++, t0 = next++, t1 = next++;
  const set = (x: number, value: Instr): Instr => [...value, ...local.set(x)];
  // Lanes of a 4-float shuffle as the 16 byte indices i8x16.shuffle takes (lanes 4..7 = second operand).
  const lanes = (...ls: number[]): number[] => ls.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
  const rowAt = (r: number): Instr => (r === 0 ? local.get(pr) : [...local.get(pr), ...local.get(rowOff[r]), ...i32.add()]);
  // acc[r] += B(row r, 4 k's) · A(4 k's), masked or not.
  const products = (masked: boolean): Instr[] => [
    set(av, [...local.get(pa), ...v128.load()]),
    ...accs.map((acc, r) => set(acc, [...local.get(acc), ...rowAt(r), ...v128.load(), ...local.get(av), ...f32x4.mul(),
      ...(masked ? [...local.get(mv), ...v128.and()] : []), ...f32x4.add()])),
  ];
  // Interleave two accumulators and add: (x0 + x2, y0 + y2, x1 + x3, y1 + y3).
  const halfSum = (x: number, y: number): Instr => [
    ...local.get(x), ...local.get(y), ...i8x16.shuffle(lanes(0, 4, 1, 5)),
    ...local.get(x), ...local.get(y), ...i8x16.shuffle(lanes(2, 6, 3, 7)), ...f32x4.add(),
  ];
  return {
    name: 'dot_rows',
    params: new Array<ValType>(8).fill(valType.i32),
    results: [],
    locals: [...new Array<ValType>(i32Locals).fill(valType.i32), ...new Array<ValType>(8).fill(valType.v128)],
    body: [
      set(mv, [...local.get(mask), ...v128.load()]),
      ...[1, 2, 3].map((r) => set(rowOff[r], [...local.get(rowBytes), ...i32.const(r), ...i32.mul()])),
      loop(
        ...accs.map((acc) => set(acc, v128.zero())),
        set(pa, local.get(a)), set(pr, local.get(b)),
        local.get(full),
        if_(
          set(q, local.get(full)),
          loop(...products(false), increment(pa, i32.const(V128)), increment(pr, i32.const(V128)), decrementAndLoop(q)),
        ),
        ...products(true),
        // (Σ acc0, Σ acc1, Σ acc2, Σ acc3): t0 = (a0+a2, b0+b2, a1+a3, b1+b3), t1 likewise for c, d.
        set(t0, halfSum(accs[0], accs[1])), set(t1, halfSum(accs[2], accs[3])),
        set(t0, [...local.get(t0), ...local.get(t1), ...i8x16.shuffle(lanes(0, 1, 4, 5)),
          ...local.get(t0), ...local.get(t1), ...i8x16.shuffle(lanes(2, 3, 6, 7)), ...f32x4.add()]),
        local.get(add),
        if_(set(t0, [...local.get(t0), ...local.get(c), ...v128.load(), ...f32x4.add()])),
        [...local.get(c), ...local.get(t0), ...v128.store()],
        increment(c, i32.const(V128)),
        increment(b, [...local.get(rowOff[3]), ...local.get(rowBytes), ...i32.add()]),
        decrementAndLoop(groups),
      ),
    ],
  };
}

/**
 * `outer_rows(c, a, b, rows, rowBytes, vectors)`: the outer product, row i of C = a[i] · b, for
 * i < rows: C rows rowBytes apart (4·N, so whole rows of C back to back), b = N floats in
 * `vectors` = ⌈N/4⌉ vectors. Each row is stored as whole vectors, so up to 3 floats past its end
 * are written too: row i + 1 overwrites them (rows go in order), and after the last row they land
 * in slack the caller provides. One multiply per element, as float32: exactly the rounded product
 * gemmNaive stores when K = 1.
 */
function outerRows(): FunctionDef {
  const c = 0, a = 1, b = 2, rows = 3, rowBytes = 4, vectors = 5;
  const n = 6, pb = 7, pc = 8; // vectors left in this row, b and C pointers
  const s = 9; // v128: a[i] in all four lanes
  return {
    name: 'outer_rows',
    params: new Array<ValType>(6).fill(valType.i32),
    results: [],
    locals: [...new Array<ValType>(3).fill(valType.i32), valType.v128],
    body: [
      loop(
        [...local.get(a), ...v128.load32_splat(), ...local.set(s)],
        [...local.get(b), ...local.set(pb)], [...local.get(c), ...local.set(pc)], [...local.get(vectors), ...local.set(n)],
        loop(
          [...local.get(pc), ...local.get(pb), ...v128.load(), ...local.get(s), ...f32x4.mul(), ...v128.store()],
          increment(pb, i32.const(V128)), increment(pc, i32.const(V128)),
          decrementAndLoop(n),
        ),
        increment(a, i32.const(F32)), increment(c, local.get(rowBytes)),
        decrementAndLoop(rows),
      ),
    ],
  };
}

/**
 * The smallest module that uses a SIMD instruction: `(func i32.const 0  i8x16.splat  drop)`.
 * WebAssembly.validate of it is false in engines without SIMD (Safari < 16.4, old Node).
 */
export function simdProbeBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({
    functions: [{ name: 'probe', params: [], results: [], locals: [], body: [i32.const(0), i8x16.splat(), drop()] }],
  });
}

/**
 * The smallest module that uses a relaxed-SIMD instruction:
 * `(func v128.const 0  v128.const 0  v128.const 0  f32x4.relaxed_madd  drop)`. WebAssembly.validate
 * of it is false where relaxed SIMD is off (Node 20 without --experimental-wasm-relaxed-simd).
 */
export function relaxedSimdProbeBytes(): Uint8Array<ArrayBuffer> {
  const body = [v128.zero(), v128.zero(), v128.zero(), f32x4.relaxed_madd(), drop()];
  return assembleModule({ functions: [{ name: 'probe', params: [], results: [], locals: [], body }] });
}
