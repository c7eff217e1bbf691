// The WebAssembly SIMD micro-kernel behind gemmSimd (kernels/gemm-simd.ts), written with the
// small assembler in ./assembler.ts. This file only builds the module's bytes; gemm-simd.ts
// packs the operands, instantiates the module and calls it.
//
// What the exported function `gemm_block` computes, over float32 data in linear memory:
//
//   for each column strip j < nStrips, each row strip i < mStrips:       (one MR × NR tile of C)
//     C[i·MR + r, j·NR + n] = init[r, n] + Σ_{k<kc} Ap[i][k, r] · Bp[j][k, n]      r < MR, n < NR
//     init = C itself when `add` ≠ 0 (accumulate), else the bias row bias[j·NR + n] (zeros for none)
//
// Buffers (byte addresses and byte strides; every strip is k-major, so the kernel reads both
// operands front to back):
//   Ap  A strip i   at a + i·aStride:  [kc, MR]   the MR rows of A, one k after another
//   Bp  B strip j   at b + j·bStride:  [kc, NR]   the NR columns of B, one k after another
//   C   tile (i,j)  at c + i·MR·ldc + j·NR·4:  MR rows of NR floats, rows ldc bytes apart
//   bias            at bias + j·NR·4:  NR floats per column strip
// The caller pads strips with zeros to full MR / NR and gives C a padded scratch block, so
// every tile is full: no edge cases in here. mStrips, nStrips and kc must be ≥ 1.
//
// The tile: NR = 4·NV columns are NV f32x4 vectors, so the MR × NR tile of C lives in MR·NV
// v128 locals (the accumulators) that V8 keeps in xmm registers for the whole k loop. Each k
// step loads the NV vectors of B once, broadcasts each of the MR values of A to a vector, and
// does MR·NV multiply-adds, i.e. 4·MR·NV multiply-adds from MR + NV loads. The default tile is
// 4 × 8 (MR = 4, NV = 2: 8 accumulators + 2 B vectors + 1 broadcast A = 11 of x64's 16 xmm
// registers); see gemm-simd.ts for the tiles measured.
//
// WebAssembly SIMD has no fused multiply-add (that is the relaxed-SIMD proposal, not on by
// default in Node 20), so each step is an f32x4.mul then an f32x4.add, rounded twice.

import {
  assembleModule, br_if, drop, f32x4, i32, i8x16, ifElse, local, loop, v128, valType,
  type FunctionDef, type Instr,
} from './assembler.js';

/** Where the kernel module finds its memory: `env.memory`, created and grown by gemm-simd.ts. */
export const MEMORY_IMPORT = { module: 'env', name: 'memory' } as const;

const F32 = 4; // bytes per float
const V128 = 16; // bytes per vector

/**
 * Bytes of the GEMM module with an MR × (4·NV) register tile. Exports
 * `gemm_block(a, b, c, bias, mStrips, nStrips, kc, ldc, aStride, bStride, add)`, all i32, no result.
 */
export function gemmModuleBytes(MR = 4, NV = 2): Uint8Array {
  const NR = 4 * NV;

  // Parameter indices, in call order.
  const a = 0, b = 1, c = 2, bias = 3, mStrips = 4, nStrips = 5, kc = 6, ldc = 7, aStride = 8, bStride = 9, add = 10;
  const params = [a, b, c, bias, mStrips, nStrips, kc, ldc, aStride, bStride, add].map(() => valType.i32);
  // i32 locals: loop counters and the moving pointers.
  const jr = 11, ir = 12, k = 13; // column strips left, row strips left, k steps left
  const pa = 14, pb = 15; // A and B pointers inside the k loop
  const row = 16; // one row of the C tile, for loads and stores
  const aStrip = 17, cTile = 18; // the current A strip and C tile, stepped per row strip
  const bStrip = 19, cCol = 20, biasCol = 21; // the current B strip, C column and bias, per column strip
  const i32Locals = 11;
  // v128 locals: the broadcast A value, the NV vectors of B row k, the MR·NV accumulators.
  const av = 22;
  const bv = (n: number): number => 23 + n;
  const acc = (r: number, n: number): number => 23 + NV + r * NV + n;
  const v128Locals = 1 + NV + MR * NV;

  // Small helpers, each a short instruction sequence.
  const set = (x: number, value: Instr): Instr => [...value, ...local.set(x)];
  const copy = (x: number, from: number): Instr => set(x, local.get(from));
  const addConst = (x: number, bytes: number): Instr => [...local.get(x), ...i32.const(bytes), ...i32.add(), ...local.set(x)];
  const addLocal = (x: number, y: number): Instr => [...local.get(x), ...local.get(y), ...i32.add(), ...local.set(x)];
  // `x -= 1`, then branch back to the enclosing loop while x ≠ 0 (a do-while: counts start ≥ 1).
  const decrementAndLoop = (x: number): Instr =>
    [...local.get(x), ...i32.const(1), ...i32.sub(), ...local.tee(x), ...br_if(0)];
  // Repeats one code template over the tile's rows r < MR and vectors n < NV.
  const overTile = (f: (r: number, n: number) => Instr): Instr[] => {
    const out: Instr[] = [];
    for (let r = 0; r < MR; r++) for (let n = 0; n < NV; n++) out.push(f(r, n));
    return out;
  };

  // Accumulators start from the C tile (accumulate): row r of the tile is at cTile + r·ldc.
  const loadTile: Instr[] = [copy(row, cTile)];
  for (let r = 0; r < MR; r++) {
    for (let n = 0; n < NV; n++) loadTile.push(set(acc(r, n), [...local.get(row), ...v128.load(n * V128)]));
    if (r < MR - 1) loadTile.push(addLocal(row, ldc));
  }
  // ...or from the bias row (overwrite): every row of the tile starts as the same NR values.
  const loadBias: Instr[] = overTile((r, n) =>
    r === 0 ? set(acc(0, n), [...local.get(biasCol), ...v128.load(n * V128)]) : copy(acc(r, n), acc(0, n)));

  // One k step, a rank-1 update of the tile: acc[r][n] += splat(Ap[k, r]) · Bp[k, 4n .. 4n+3].
  const rank1Update: Instr[] = [];
  for (let n = 0; n < NV; n++) rank1Update.push(set(bv(n), [...local.get(pb), ...v128.load(n * V128)]));
  for (let r = 0; r < MR; r++) {
    // v128.load32_splat broadcasts A(k, r) straight from memory: one instruction, no shuffle.
    rank1Update.push(set(av, [...local.get(pa), ...v128.load32_splat(r * F32)]));
    for (let n = 0; n < NV; n++) {
      rank1Update.push([
        ...local.get(acc(r, n)), ...local.get(av), ...local.get(bv(n)), ...f32x4.mul(), ...f32x4.add(),
        ...local.set(acc(r, n)),
      ]);
    }
  }

  // Stores the finished tile over C.
  const storeTile: Instr[] = [copy(row, cTile)];
  for (let r = 0; r < MR; r++) {
    for (let n = 0; n < NV; n++) storeTile.push([...local.get(row), ...local.get(acc(r, n)), ...v128.store(n * V128)]);
    if (r < MR - 1) storeTile.push(addLocal(row, ldc));
  }

  const body: Instr[] = [
    // Column strips outermost: one B strip ([kc, NR], 8 KB at kc = 256) stays in L1 while
    // every A strip of the block streams past it (the packed A block lives in L2).
    copy(bStrip, b), copy(cCol, c), copy(biasCol, bias), copy(jr, nStrips),
    loop(
      copy(aStrip, a), copy(cTile, cCol), copy(ir, mStrips),
      loop(
        // Initialize the accumulators: from C when accumulating, else from the bias row.
        local.get(add),
        ifElse(loadTile, loadBias),
        // The k loop: kc rank-1 updates, the accumulators never leave registers.
        copy(pa, aStrip), copy(pb, bStrip), copy(k, kc),
        loop(
          ...rank1Update,
          addConst(pa, MR * F32), addConst(pb, NR * F32),
          decrementAndLoop(k),
        ),
        ...storeTile,
        // Next row strip: the next A strip, and the tile MR rows further down C.
        addLocal(aStrip, aStride),
        [...local.get(cTile), ...local.get(ldc), ...i32.const(MR), ...i32.mul(), ...i32.add(), ...local.set(cTile)],
        decrementAndLoop(ir),
      ),
      // Next column strip: the next B strip, NR columns further right in C and in the bias.
      addLocal(bStrip, bStride), addConst(cCol, NR * F32), addConst(biasCol, NR * F32),
      decrementAndLoop(jr),
    ),
  ];

  const gemmBlock: FunctionDef = {
    name: 'gemm_block',
    params,
    results: [],
    locals: [...new Array<number>(i32Locals).fill(valType.i32), ...new Array<number>(v128Locals).fill(valType.v128)] as FunctionDef['locals'],
    body,
  };
  return assembleModule({ memory: { ...MEMORY_IMPORT, minPages: 1 }, functions: [gemmBlock] });
}

/**
 * The smallest module that uses a SIMD instruction: `(func i32.const 0  i8x16.splat  drop)`.
 * WebAssembly.validate of it is false in engines without SIMD (Safari < 16.4, old Node).
 */
export function simdProbeBytes(): Uint8Array {
  return assembleModule({
    functions: [{ name: 'probe', params: [], results: [], locals: [], body: [i32.const(0), i8x16.splat(), drop()] }],
  });
}
