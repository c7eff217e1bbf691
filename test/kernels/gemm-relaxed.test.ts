// The relaxed-SIMD GEMM (f32x4.relaxed_madd) against a float64 reference, and the probe that
// chooses it. Node 20 runs relaxed SIMD only behind --experimental-wasm-relaxed-simd, a V8 flag
// vitest cannot give its workers and NODE_OPTIONS refuses, so the checks run in child processes
// (gemm-relaxed-child.ts, which also writes out the error bound it uses) with the flag on and off.

import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildReport } from './gemm-relaxed-child.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** Runs the child under Node with `flag` and parses its report. */
function runChild(flag: string): ChildReport {
  const r = spawnSync(process.execPath, [flag, '--import', 'tsx', join(here, 'gemm-relaxed-child.ts')],
    { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`child with ${flag} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as ChildReport;
}

describe('relaxed-SIMD GEMM', () => {
  it('with --experimental-wasm-relaxed-simd: the probe is true, every output is within the written-out bound of the float64 reference, NaN and ±∞ included, and gemmFast runs it', () => {
    const r = runChild('--experimental-wasm-relaxed-simd');
    expect(r.simd).toBe(true);
    expect(r.relaxed).toBe(true);
    expect(r.failures).toEqual([]);
    // The awkward pairs, block edges and 50 seeded shapes: hundreds of thousands of outputs, some
    // thousands of them NaN or ±∞ from the spiked inputs.
    expect(r.checked).toBeGreaterThan(100_000);
    expect(r.nonFinite).toBeGreaterThan(1_000);
    // The same bound rejects a GEMM that skips its last k.
    expect(r.brokenCaught).toBe(true);
    expect(r.fastIsRelaxed).toBe(true);
  });

  it('with relaxed SIMD switched off: the probe is false and gemmFast runs the plain SIMD GEMM', () => {
    const r = runChild('--no-experimental-wasm-relaxed-simd');
    expect(r.simd).toBe(true);
    expect(r.relaxed).toBe(false);
    expect(r.fastIsSimd).toBe(true);
    expect(r.fastIsRelaxed).toBe(false);
  });
});
