// The benchmark harness: validate, then time, every version of a kernel on the same shape.
//
// For each case (one kernel family, one shape, one operation) the harness
//   1. runs the reference (tatami's naive kernel) once, its outputs pre-filled with NaN, and keeps
//      those outputs as the truth; that first call is its cold time;
//   2. runs every other version once the same way (cold time), compares its outputs with the
//      truth element by element (|got − want| ≤ atol + rtol·|want|, NaN never passes), and
//      REFUSES to time a version that disagrees, printing where and by how much;
//   3. times the versions that passed with Benchmark.js (warm: after the cold call) and reports the
//      median and spread (min, max, median absolute deviation) of its samples;
//   4. folds what each call returns (and the final outputs) into a checksum, so no work is dead;
//   5. prints a table with throughput (GFLOP/s, images/s, ...) and the ratios against tfjs-cpu and
//      against the naive reference, and writes the rows to bench/results/<family>-<time>.json and
//      bench/results/latest-<family>.json.
//
// A peer that lacks a kernel is a version with `missing` set: it appears in the table as
// "missing" with the reason, it is never silently left out.

import Benchmark from 'benchmark';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Benchmark.js would otherwise re-compile the benchmarked function from its source text, which
// breaks closures (every version here is a closure over its buffers). Calling it by reference
// costs one property load per call.
(Benchmark.support as { decompilation: boolean }).decompilation = false;

/** What a throughput number counts. */
export type Unit = 'GFLOP/s' | 'images/s' | 'Melem/s';

/** One way of computing a case: a tatami kernel, or a peer library's. */
export interface Version {
  /** Short name shown in the table: 'direct', 'im2col', 'tfjs-cpu', ... */
  name: string;
  /** 'tatami' or the peer library: 'tfjs-cpu', 'tfjs-wasm', 'onnxruntime', 'convnetjs'. */
  engine: string;
  /** Set when this engine cannot do this case: reported as "missing" with this reason, never run. */
  missing?: string;
  /** Shown next to the row (e.g. "dx and dw computed together"). */
  note?: string;
  /** Untimed, once: allocate buffers, convert layouts, switch a backend. */
  prepare?: () => void | Promise<void>;
  /** Untimed, before the checked call: pre-fill outputs (NaN, or the known prior of an accumulator). */
  reset?: () => void;
  /** The timed call. A number it returns is folded into the checksum. May be async (onnxruntime). */
  run: () => number | void | Promise<number | void>;
  /** Untimed, after a call: the outputs to compare with the reference's, in the same layout. */
  read: () => ArrayLike<number>[] | Promise<ArrayLike<number>[]>;
  /** Untimed, at the end: release peer memory (tfjs tensors, sessions). */
  dispose?: () => void | Promise<void>;
  /** Work per call if it differs from the case's (training: images per call). */
  work?: number;
}

/** A per-element tolerance: |got − want| ≤ atol + rtol·|want|. */
export interface Tolerance {
  /** Absolute part, as a fraction of the largest |want| in that output (so it scales with the data). */
  atol: number;
  rtol: number;
}

/** One family × shape × operation, e.g. conv / A / forward. */
export interface Case {
  family: string;
  /** The shape, e.g. 'A 64x28x28x1→128 3x3 valid'. */
  shape: string;
  /** The operation, e.g. 'forward', 'dx', 'dw', 'fwd+bwd', 'train b32'. */
  op: string;
  unit: Unit;
  /** Work per call: FLOPs for GFLOP/s, images for images/s, elements for Melem/s. */
  work: number;
  tolerance: Tolerance;
  /** tatami's naive kernel: the truth every version is checked against, and the "× naive" base. */
  reference: Version;
  versions: Version[];
  /**
   * Optional custom check instead of the element-wise one (training compares losses).
   * Returns null when `got` is acceptable, else the reason.
   */
  check?: (got: ArrayLike<number>[], want: ArrayLike<number>[]) => string | null;
}

/** How many samples Benchmark.js takes. */
export interface TimingOptions {
  /** Minimum samples per version (Benchmark.js minSamples). Default 5. */
  minSamples: number;
  /** Seconds after which Benchmark.js stops adding samples (once minSamples are in). Default 2. */
  maxTime: number;
  /** A version whose cold call took longer than this (seconds) gets only `slowSamples` samples. */
  slowSeconds: number;
  slowSamples: number;
  /** …and one warm sample if its cold call took longer than this. */
  verySlowSeconds: number;
  /** …and no warm call at all (the cold call is the only sample) beyond this. */
  coldOnlySeconds: number;
  /** Seconds each Benchmark.js sample runs at least (it repeats fast calls); 0 = its default (0.05). */
  minTime: number;
  /** Print progress lines while running. */
  verbose: boolean;
}

export const defaultTiming: TimingOptions = {
  minSamples: 5, maxTime: 2, minTime: 0, slowSeconds: 2, slowSamples: 2, verySlowSeconds: 12, coldOnlySeconds: 60, verbose: true,
};

/** One row of the results. Times in milliseconds. */
export interface Result {
  family: string;
  shape: string;
  op: string;
  version: string;
  engine: string;
  /** ok: checked and timed. refused: disagreed with the reference. missing: the engine lacks it. error: it threw. */
  status: 'ok' | 'refused' | 'missing' | 'error';
  /** Why it was refused / missing / errored. */
  reason?: string;
  note?: string;
  isReference: boolean;
  unit: Unit;
  work: number;
  coldMs?: number;
  medianMs?: number;
  minMs?: number;
  maxMs?: number;
  /** Median absolute deviation of the samples. */
  madMs?: number;
  samples?: number;
  /** Work per second in `unit` (from the median). */
  throughput?: number;
  /** tfjs-cpu's median / this median, per unit of work: > 1 means faster than tfjs-cpu. */
  vsTfjsCpu?: number;
  /** The naive reference's median / this median, per unit of work. */
  vsNaive?: number;
  /** Largest |got − want| in the check, and the largest |want|. */
  maxAbsErr?: number;
  maxAbsRef?: number;
  checksum?: number;
}

/** A JSON file of results, with the machine they came from. */
export interface ResultFile {
  family: string;
  date: string;
  machine: { cpu: string; cores: number; node: string; v8: string; platform: string };
  argv: string[];
  timing: TimingOptions;
  results: Result[];
}

// Where every call's returned number goes, so the JIT cannot drop the work.
let sink = 0;

/** Everything the timed calls returned, summed: print it so the work is observably used. */
export function consumed(): number {
  return sink;
}

function log(timing: TimingOptions, text: string): void {
  if (timing.verbose) process.stderr.write(`${text}\n`);
}

/** Copies outputs out of buffers the version will keep overwriting. */
function snapshot(outputs: ArrayLike<number>[]): Float64Array[] {
  return outputs.map((o) => Float64Array.from(o));
}

function sumOf(outputs: ArrayLike<number>[]): number {
  let s = 0;
  for (const o of outputs) for (let i = 0; i < o.length; i++) s += o[i];
  return s;
}

/**
 * Element-wise check of `got` against `want`: |g − w| ≤ atol·max|want| + rtol·|w|.
 * Returns the largest error and, on failure, a message naming the first mismatches.
 */
export function compareOutputs(
  got: ArrayLike<number>[], want: ArrayLike<number>[], tol: Tolerance,
): { ok: boolean; maxAbsErr: number; maxAbsRef: number; message: string } {
  if (got.length !== want.length) {
    return { ok: false, maxAbsErr: NaN, maxAbsRef: NaN, message: `returned ${got.length} outputs, expected ${want.length}` };
  }
  let maxAbsErr = 0;
  let maxAbsRef = 0;
  const problems: string[] = [];
  let bad = 0;
  for (let o = 0; o < want.length; o++) {
    const g = got[o];
    const w = want[o];
    if (g.length !== w.length) {
      return { ok: false, maxAbsErr: NaN, maxAbsRef: NaN, message: `output ${o} has ${g.length} values, expected ${w.length}` };
    }
    let scale = 0;
    for (let i = 0; i < w.length; i++) scale = Math.max(scale, Math.abs(w[i]));
    maxAbsRef = Math.max(maxAbsRef, scale);
    const atol = tol.atol * Math.max(scale, 1e-30);
    for (let i = 0; i < w.length; i++) {
      const err = Math.abs(g[i] - w[i]);
      if (err > maxAbsErr || Number.isNaN(err)) maxAbsErr = Number.isNaN(err) ? Infinity : err;
      if (!(err <= atol + tol.rtol * Math.abs(w[i]))) {
        bad++;
        if (problems.length < 3) problems.push(`[${o}][${i}] got ${g[i]}, want ${w[i]}`);
      }
    }
  }
  const total = want.reduce((n, w) => n + w.length, 0);
  const message = bad === 0 ? '' : `${bad} of ${total} values differ beyond atol ${tol.atol}·max|ref| + rtol ${tol.rtol}·|ref|: ${problems.join('; ')}`;
  return { ok: bad === 0, maxAbsErr, maxAbsRef, message };
}

/** Median, min, max and median absolute deviation of a sample (seconds in, ms out). */
export function summarize(sample: readonly number[]): { medianMs: number; minMs: number; maxMs: number; madMs: number } {
  const ms = sample.map((s) => s * 1e3).sort((a, b) => a - b);
  const median = (xs: number[]): number => {
    const m = xs.length >> 1;
    return xs.length % 2 === 1 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
  };
  const med = median(ms);
  const mad = median(ms.map((x) => Math.abs(x - med)).sort((a, b) => a - b));
  return { medianMs: med, minMs: ms[0], maxMs: ms[ms.length - 1], madMs: mad };
}

/**
 * Warm timings with Benchmark.js; returns its sample (seconds per call, one entry per sample).
 * Async versions, and slow ones, run in Benchmark.js's deferred mode: its synchronous mode
 * "pretests" the function once more per sample, which would double the cost of a 14 s call.
 */
function timeWithBenchmark(v: Version, isAsync: boolean, coldSeconds: number, timing: TimingOptions): Promise<{ sample: number[]; fewer: boolean }> {
  let minSamples = timing.minSamples;
  let maxTime = timing.maxTime;
  let fewer = false;
  if (coldSeconds > timing.verySlowSeconds) {
    minSamples = 1; maxTime = 0; fewer = true;
  } else if (coldSeconds > timing.slowSeconds) {
    minSamples = Math.min(minSamples, timing.slowSamples); maxTime = 0; fewer = true;
  }
  const deferred = isAsync || coldSeconds > 0.02;
  return new Promise((resolve, reject) => {
    const options: Benchmark.Options = {
      minSamples,
      maxTime,
      initCount: 1,
      ...(timing.minTime > 0 ? { minTime: timing.minTime } : {}),
      onComplete(this: Benchmark) {
        if (this.error !== undefined && this.error !== null) reject(this.error);
        else resolve({ sample: this.stats.sample.slice(), fewer });
      },
      onError(this: Benchmark) {
        reject(this.error);
      },
    };
    const bench = deferred
      ? new Benchmark(v.name, {
        ...options,
        defer: true,
        fn(d: Benchmark.Deferred) {
          const r = v.run();
          if (r instanceof Promise) {
            r.then((x) => { if (typeof x === 'number') sink += x; d.resolve(); }, reject);
          } else {
            if (typeof r === 'number') sink += r;
            d.resolve();
          }
        },
      })
      : new Benchmark(v.name, {
        ...options,
        fn() {
          const r = v.run();
          if (typeof r === 'number') sink += r;
        },
      });
    bench.run({ async: false });
  });
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs one case: checks every version against the reference, then times those that pass. */
export async function runCase(c: Case, timing: TimingOptions = defaultTiming): Promise<Result[]> {
  const base = { family: c.family, shape: c.shape, op: c.op, unit: c.unit };
  const results: Result[] = [];
  let truth: Float64Array[] | null = null;

  for (const v of [c.reference, ...c.versions]) {
    const isReference = v === c.reference;
    const row: Result = { ...base, version: v.name, engine: v.engine, status: 'ok', isReference, work: v.work ?? c.work };
    if (v.note !== undefined) row.note = v.note;
    results.push(row);
    if (v.missing !== undefined) {
      row.status = 'missing';
      row.reason = v.missing;
      log(timing, `  ${c.shape} ${c.op} ${v.name}: missing (${v.missing})`);
      continue;
    }
    if (!isReference && truth === null) {
      row.status = 'error';
      row.reason = 'the reference failed, nothing to check against';
      continue;
    }
    try {
      await v.prepare?.();
      // 1. The checked call, which is also the cold call.
      v.reset?.();
      const t0 = performance.now();
      const first = v.run();
      const isAsync = first instanceof Promise;
      const value = isAsync ? await first : first;
      row.coldMs = performance.now() - t0;
      if (typeof value === 'number') sink += value;
      const outputs = await v.read();
      if (isReference) {
        truth = snapshot(outputs);
        let m = 0;
        for (const t of truth) for (let i = 0; i < t.length; i++) m = Math.max(m, Math.abs(t[i]));
        row.maxAbsErr = 0;
        row.maxAbsRef = m;
        if (truth.some((t) => t.some((x) => Number.isNaN(x)))) throw new Error('the reference left NaN in its outputs');
      } else {
        // 2. Refuse to time a version that disagrees with the reference.
        const want = truth as Float64Array[];
        if (c.check !== undefined) {
          const problem = c.check(outputs, want);
          if (problem !== null) {
            row.status = 'refused';
            row.reason = problem;
          }
        } else {
          const cmp = compareOutputs(outputs, want, c.tolerance);
          row.maxAbsErr = cmp.maxAbsErr;
          row.maxAbsRef = cmp.maxAbsRef;
          if (!cmp.ok) {
            row.status = 'refused';
            row.reason = cmp.message;
          }
        }
        if (row.status === 'refused') {
          log(timing, `  ${c.shape} ${c.op} ${v.name}: REFUSED, not timed: ${row.reason}`);
          await v.dispose?.();
          continue;
        }
      }
      // 3. Warm timings.
      log(timing, `  ${c.shape} ${c.op} ${v.name}: checked (cold ${row.coldMs.toFixed(1)} ms), timing…`);
      const coldOnly = row.coldMs / 1e3 > timing.coldOnlySeconds;
      const { sample, fewer } = coldOnly
        ? { sample: [row.coldMs / 1e3], fewer: false }
        : await timeWithBenchmark(v, isAsync, row.coldMs / 1e3, timing);
      Object.assign(row, summarize(sample));
      row.samples = sample.length;
      if (coldOnly) row.note = [row.note, `very slow: the cold call is the only sample`].filter(Boolean).join('; ');
      if (fewer) row.note = [row.note, `slow: ${sample.length} warm sample${sample.length === 1 ? '' : 's'} only`].filter(Boolean).join('; ');
      // 4. Consume the final outputs too.
      row.checksum = sumOf(await v.read());
      await v.dispose?.();
    } catch (e) {
      row.status = 'error';
      row.reason = errorText(e);
      log(timing, `  ${c.shape} ${c.op} ${v.name}: ERROR ${row.reason}`);
      try { await v.dispose?.(); } catch { /* already failing; keep the first error */ }
    }
  }
  fillRatios(results);
  return results;
}

/** Throughput and the two ratios, per unit of work (versions may do different work per call). */
function fillRatios(rows: Result[]): void {
  const perWork = (r: Result | undefined): number | undefined =>
    r !== undefined && r.status === 'ok' && r.medianMs !== undefined ? r.medianMs / r.work : undefined;
  const tfjs = perWork(rows.find((r) => r.version === 'tfjs-cpu'));
  const naive = perWork(rows.find((r) => r.isReference));
  for (const r of rows) {
    const t = perWork(r);
    if (t === undefined) continue;
    const perSecond = r.work / ((r.medianMs as number) / 1e3);
    r.throughput = r.unit === 'GFLOP/s' ? perSecond / 1e9 : r.unit === 'Melem/s' ? perSecond / 1e6 : perSecond;
    if (tfjs !== undefined) r.vsTfjsCpu = tfjs / t;
    if (naive !== undefined) r.vsNaive = naive / t;
  }
}

// ---------------------------------------------------------------------------------------------
// Printing and saving
// ---------------------------------------------------------------------------------------------

function fmt(x: number | undefined, digits = 1): string {
  if (x === undefined || !Number.isFinite(x)) return '';
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  if (Math.abs(x) >= 100) return x.toFixed(Math.max(0, digits - 1));
  if (Math.abs(x) >= 1) return x.toFixed(digits);
  return x.toPrecision(2);
}

function ratio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '';
  return x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`;
}

/** The results as a fixed-width table (one row per version; missing/refused rows say why). */
export function formatTable(rows: readonly Result[]): string {
  const header = ['shape', 'op', 'version', 'cold ms', 'median ms', 'min–max ms', 'MAD', 'n', 'throughput', '× tfjs-cpu', '× naive', 'note'];
  const lines: string[][] = [header];
  for (const r of rows) {
    const status = r.status === 'ok' ? '' : r.status === 'missing' ? `missing: ${r.reason}` : `${r.status.toUpperCase()}: ${r.reason}`;
    lines.push([
      r.shape, r.op, r.isReference ? `${r.version} (ref)` : r.version,
      fmt(r.coldMs), fmt(r.medianMs), r.minMs === undefined ? '' : `${fmt(r.minMs)}–${fmt(r.maxMs)}`, fmt(r.madMs),
      r.samples === undefined ? '' : String(r.samples),
      r.throughput === undefined ? '' : `${fmt(r.throughput, 2)} ${r.unit}`,
      ratio(r.vsTfjsCpu), ratio(r.vsNaive),
      [status, r.status === 'missing' ? undefined : r.note].filter((s) => s !== undefined && s !== '').join('; '),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (i === header.length - 1 ? 0 : l[i].length))));
  const numeric = new Set([3, 4, 5, 6, 7, 8, 9, 10]);
  return lines.map((l, li) => l.map((cell, i) => {
    if (i === header.length - 1) return cell;
    return numeric.has(i) && li > 0 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]);
  }).join('  ').trimEnd()).join('\n');
}

export function machineInfo(): ResultFile['machine'] {
  const cpu = cpus();
  return { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, node: process.version, v8: process.versions.v8, platform: `${process.platform}-${process.arch}` };
}

/** bench/results, next to this file. */
export const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

/**
 * Writes bench/results/<family>-<timestamp>.json and bench/results/latest-<family>.json
 * (or into `dir`). Returns the timestamped path.
 */
export function writeResults(family: string, rows: Result[], timing: TimingOptions, dir = resultsDir): string {
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString();
  const file: ResultFile = { family, date, machine: machineInfo(), argv: process.argv.slice(2), timing, results: rows };
  const json = `${JSON.stringify(file, null, 2)}\n`;
  const stamped = path.join(dir, `${family}-${date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(stamped, json);
  writeFileSync(path.join(dir, `latest-${family}.json`), json);
  return stamped;
}
