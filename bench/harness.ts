// The benchmark harness: validate, then time, every version of a kernel on the same shape.
//
// For each case (one kernel family, one shape, one operation) the harness
//   1. runs the reference (tatami's naive kernel) once, its outputs pre-filled with NaN, and keeps
//      those outputs as the truth; that first call is its cold time;
//   2. runs every other version once the same way (cold time), compares its outputs with the
//      truth element by element (compare.ts: |got − want| ≤ atol + rtol·|want|, NaN never
//      passes), and REFUSES to time a version that disagrees, printing where and by how much;
//   3. times the versions that passed with Benchmark.js (timing.ts; warm: after the cold call) and
//      reports the median and spread (min, max, median absolute deviation) of its samples;
//   4. folds what each call returns (and the final outputs) into a checksum, so no work is dead;
//   5. computes throughput (GFLOP/s, images/s, ...) and the ratios against tfjs-cpu and against
//      the naive reference; report.ts prints the table and writes the rows to
//      bench/results/<family>-<time>.json and bench/results/latest-<family>.json.
//
// A peer that lacks a kernel is a version with `missing` set: it appears in the table as
// "missing" with the reason, it is never silently left out.

import { defaultTiming, type Case, type Result, type TimingOptions } from './case.js';
import { compareOutputs } from './compare.js';
import { consume, summarize, timeWithBenchmark } from './timing.js';

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
      if (typeof value === 'number') consume(value);
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
