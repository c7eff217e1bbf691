// The ceiling of 128-bit WebAssembly SIMD on this machine: `npm run bench -- ceiling`.
//
// What the convolutions' GEMMs could reach at best: a loop of nothing but vector multiply-adds on
// values already in registers, `ACCUMULATORS` independent chains of f32x4 so that neither the
// latency of one operation nor memory limits it (the GEMM's 4×8 tile keeps 8 such chains and
// also loads its operands). Two versions, each a module built with tatami's assembler:
//
//   relaxed_madd   acc_j = relaxed_madd(x, y, acc_j)        (f32x4.relaxed_madd: one FMA where the CPU has it)
//   mul + add      acc_j = f32x4.add(acc_j, f32x4.mul(x, y))
//
// Each counts 8 FLOP per instruction pair or FMA (4 lanes × multiply and add). The result is the
// median of several calls of `ITERATIONS` loop turns, in GFLOP/s. The accumulators are summed
// and stored at the end, so the work is not dead code.

import {
  assembleModule, decrementAndLoop, f32x4, local, loop, v128, valType, i32, type FunctionDef, type Instr, type ValType,
} from '../kernels/wasm/assembler.js';
import { createHeap, HEAP_IMPORT } from '../kernels/wasm/heap.js';
import { relaxedSimdAvailable, simdAvailable } from '../kernels/gemm-simd.js';

const ACCUMULATORS = 12;
const ITERATIONS = 2_000_000;
const CALLS = 15;

/** fma_loop(n): n turns of ACCUMULATORS multiply-adds, then Σ acc stored at address 0. */
function loopFunction(fused: boolean): FunctionDef {
  const n = 0, x = 1, y = 2; // the turn count; two constant vectors
  const acc = (j: number): number => 3 + j;
  // x = 1, y = 1 − 2⁻²⁴: the sums grow by about 1 a turn, far from overflow and never denormal.
  const init: Instr[] = [
    [...v128.const_i32x4(0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000), ...local.set(x)],
    [...v128.const_i32x4(0x3f7fffff, 0x3f7fffff, 0x3f7fffff, 0x3f7fffff), ...local.set(y)],
  ];
  const body: Instr[] = [];
  for (let j = 0; j < ACCUMULATORS; j++) {
    body.push(fused
      ? [...local.get(x), ...local.get(y), ...local.get(acc(j)), ...f32x4.relaxed_madd(), ...local.set(acc(j))]
      : [...local.get(acc(j)), ...local.get(x), ...local.get(y), ...f32x4.mul(), ...f32x4.add(), ...local.set(acc(j))]);
  }
  const sum: Instr[] = [[...i32.const(0), ...local.get(acc(0))]];
  for (let j = 1; j < ACCUMULATORS; j++) sum.push([...local.get(acc(j)), ...f32x4.add()]);
  sum.push(v128.store());
  const locals: ValType[] = new Array<ValType>(2 + ACCUMULATORS).fill(valType.v128);
  return {
    name: 'fma_loop', params: [valType.i32], results: [], locals,
    body: [...init, loop(...body, decrementAndLoop(n)), ...sum],
  };
}

export interface CeilingRow { version: string; gflops: number; ms: number }

/** Runs both loops (the fused one only where relaxed SIMD validates) and returns GFLOP/s medians. */
export function measureCeiling(): CeilingRow[] {
  if (!simdAvailable) return [];
  const rows: CeilingRow[] = [];
  for (const fused of relaxedSimdAvailable ? [true, false] : [false]) {
    const heap = createHeap({ maximumPages: 1 });
    const bytes = assembleModule({ memory: { ...HEAP_IMPORT, minPages: 1 }, functions: [loopFunction(fused)] });
    const run = heap.instantiate(bytes).fma_loop as (n: number) => void;
    run(ITERATIONS); // compile and warm
    const ms: number[] = [];
    for (let c = 0; c < CALLS; c++) {
      const t0 = performance.now();
      run(ITERATIONS);
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    const median = ms[ms.length >> 1];
    rows.push({ version: fused ? 'relaxed_madd' : 'mul + add', ms: median, gflops: (ITERATIONS * ACCUMULATORS * 8) / (median * 1e6) });
  }
  return rows;
}

/** The table the bench prints. */
export function formatCeiling(rows: readonly CeilingRow[]): string {
  const lines = ['| 128-bit WebAssembly SIMD loop | accumulators | ms per call | GFLOP/s |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.version} | ${ACCUMULATORS} | ${r.ms.toFixed(2)} | ${r.gflops.toFixed(1)} |`);
  if (rows.length === 0) lines.push('| (no WebAssembly SIMD in this engine) | | | |');
  return lines.join('\n');
}
