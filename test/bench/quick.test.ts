// The benchmark suite in --quick mode, so it cannot rot: every family runs through the harness
// (validation, cold call, Benchmark.js timing, table, JSON) on small shapes with tatami's versions
// (peers skipped to stay fast), and a deliberately wrong version is refused, not timed.

import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runFamily, quickTiming, familyNames, type RunOptions } from '../../bench/run.js';
import { runCase } from '../../bench/harness.js';
import type { Result } from '../../bench/case.js';
import { formatTable } from '../../bench/report.js';
import { gemmCases, gemmQuickShapes, type GemmKernel } from '../../bench/gemm.js';
import { convCases, type ConvForwardKernel } from '../../bench/conv.js';
import { convQuickShapes, parseConvSpec } from '../../bench/conv-shapes.js';
import { conv2dForwardDirect, gemmBlocked } from '../../kernels/index.js';

const timing = { ...quickTiming, minSamples: 2, maxTime: 0.005, verbose: false };

function options(dir: string): RunOptions {
  return { quick: true, peers: false, timing, write: dir, print: () => undefined };
}

function expectTimed(r: Result): void {
  expect(r.status, `${r.shape} ${r.op} ${r.version}: ${r.reason ?? ''}`).toBe('ok');
  for (const k of ['coldMs', 'medianMs', 'minMs', 'maxMs', 'madMs', 'throughput', 'vsNaive', 'checksum'] as const) {
    expect(Number.isFinite(r[k]), `${r.version} ${k} = ${r[k]}`).toBe(true);
  }
  expect(r.samples).toBeGreaterThanOrEqual(1);
  expect(r.minMs as number).toBeLessThanOrEqual(r.medianMs as number);
  expect(r.medianMs as number).toBeLessThanOrEqual(r.maxMs as number);
}

describe('bench --quick', () => {
  for (const family of familyNames) {
    it(`runs the ${family} family: every tatami version checked and timed, JSON written`, { timeout: 60_000 }, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'tatami-bench-'));
      try {
        const { results, file } = await runFamily(family, options(dir));
        expect(results.length).toBeGreaterThan(0);
        for (const r of results) {
          expect(r.family).toBe(family);
          expect(r.engine).toBe('tatami');
          // Winograd F(2×2, 3×3) runs 3×3 kernels at stride 1 only: listed as missing on the others.
          if (r.version === 'winograd' && !/ 3x3 (same|valid)$/.test(r.shape)) expect(r.status, r.shape).toBe('missing');
          else expectTimed(r);
        }
        if (family === 'conv') expect(results.filter((r) => r.version === 'winograd' && r.status === 'ok').length).toBeGreaterThan(0);
        expect(results.filter((r) => r.isReference).length).toBeGreaterThan(0);
        for (const r of results.filter((x) => x.isReference)) expect(r.vsNaive).toBe(1);
        const json = JSON.parse(readFileSync(path.join(dir, `latest-${family}.json`), 'utf8'));
        expect(json.family).toBe(family);
        expect(json.results).toHaveLength(results.length);
        expect(json.machine.node).toBe(process.version);
        expect(file).toMatch(new RegExp(`${family}-.*\\.json$`));
        expect(formatTable(results)).toContain('median ms');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('refuses to time a wrong GEMM and a wrong conv forward, and says why', { timeout: 60_000 }, async () => {
    // Off by one in the last element only: the comparison must still catch it.
    const almostGemm: GemmKernel = (c, a, b, M, N, K, layout, acc) => {
      gemmBlocked(c, a, b, M, N, K, layout, acc);
      c[M * N - 1] += 1;
    };
    const gemmCase = (await gemmCases({ shapes: [gemmQuickShapes[0]], peers: false, versions: [{ name: 'wrong', fn: almostGemm }, { name: 'blocked', fn: gemmBlocked }] }).next()).value;
    if (gemmCase === undefined) throw new Error('no gemm case');
    const rows = await runCase(gemmCase, timing);
    const wrong = rows.find((r) => r.version === 'wrong') as Result;
    expect(wrong.status).toBe('refused');
    expect(wrong.reason).toMatch(/1 of \d+ values differ/);
    expect(wrong.medianMs).toBeUndefined(); // never timed
    expect(wrong.samples).toBeUndefined();
    expectTimed(rows.find((r) => r.version === 'blocked') as Result);

    // A forward that skips the last output row (leaves the NaN pre-fill there).
    const skipsARow: ConvForwardKernel = (y, x, w, b, s) => {
      const tmp = new Float32Array(y.length);
      conv2dForwardDirect(tmp, x, w, b, s);
      y.set(tmp.subarray(0, y.length - s.CO));
    };
    const gen = convCases({ shapes: [convQuickShapes[0]], peers: false, forward: [{ name: 'skips-a-row', fn: skipsARow }] });
    const forward = (await gen.next()).value;
    if (forward === undefined) throw new Error('no conv case');
    const convRows = await runCase(forward, timing);
    const bad = convRows.find((r) => r.version === 'skips-a-row') as Result;
    expect(bad.status).toBe('refused');
    expect(bad.reason).toMatch(/got NaN/);
    expect(bad.medianMs).toBeUndefined();
  });

  it('parses --shape specs and rejects bad ones with the syntax', () => {
    expect(parseConvSpec('8x28x28x16:32:3x3:same')).toMatchObject({ N: 8, H: 28, W: 28, CI: 16, CO: 32, KH: 3, KW: 3, padding: 'same', stride: 1 });
    expect(parseConvSpec('1x32x32x3:16:5x5:valid:2').stride).toBe(2);
    expect(() => parseConvSpec('8x28x28:32:3x3:same')).toThrow(/NxHxWxCI:CO:KHxKW/);
    expect(() => parseConvSpec('1x2x2x1:1:3x3:valid')).toThrow(/larger than input/);
  });
});
