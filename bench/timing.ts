// Warm timings with Benchmark.js, their summary (median and spread), and the sink that keeps
// every timed call's work observable.

import Benchmark from 'benchmark';
import type { TimingOptions, Version } from './case.js';

// Benchmark.js would otherwise re-compile the benchmarked function from its source text, which
// breaks closures (every version here is a closure over its buffers). Calling it by reference
// costs one property load per call.
(Benchmark.support as { decompilation: boolean }).decompilation = false;

// Where every call's returned number goes, so the JIT cannot drop the work.
let sink = 0;

/** Folds a value a timed call returned into the sink. */
export function consume(x: number): void {
  sink += x;
}

/** Everything the timed calls returned, summed: print it so the work is observably used. */
export function consumed(): number {
  return sink;
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
export function timeWithBenchmark(v: Version, isAsync: boolean, coldSeconds: number, timing: TimingOptions): Promise<{ sample: number[]; fewer: boolean }> {
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
            r.then((x) => { if (typeof x === 'number') consume(x); d.resolve(); }, reject);
          } else {
            if (typeof r === 'number') consume(r);
            d.resolve();
          }
        },
      })
      : new Benchmark(v.name, {
        ...options,
        fn() {
          const r = v.run();
          if (typeof r === 'number') consume(r);
        },
      });
    bench.run({ async: false });
  });
}
