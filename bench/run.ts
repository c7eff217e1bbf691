// Runs benchmark families: builds each family's cases, runs them through the harness, prints the
// table and writes the JSON. Used by the CLI (bench/index.ts) and by test/bench/quick.test.ts.

import { runCase } from './harness.js';
import { defaultTiming, type Case, type Result, type TimingOptions } from './case.js';
import { formatTable, machineInfo, writeResults } from './report.js';
import { consumed } from './timing.js';
import { type ConvOp, convCases, convQuickExtras } from './conv.js';
import { convQuickShapes, type ConvSpec } from './conv-shapes.js';
import type { DepthwiseSpec } from './depthwise-conv.js';
import type { TransposeSpec } from './conv-transpose.js';
import { poolCases } from './pool.js';
import { gemmCases } from './gemm.js';
import { trainCases } from './train.js';

export const familyNames = ['conv', 'pool', 'gemm', 'train'] as const;
export const convKindNames = ['conv2d', 'depthwise', 'transposed'] as const;
export type ConvKind = (typeof convKindNames)[number];
export type FamilyName = (typeof familyNames)[number];

export interface RunOptions {
  /** Small shapes and few samples (what `npm test` runs). */
  quick: boolean;
  /** Run the peers (tfjs-cpu, tfjs-wasm, onnxruntime, ConvNetJS). */
  peers: boolean;
  /** Custom conv shapes (--shape); replaces the family's defaults. */
  convShapes?: ConvSpec[];
  /** Which kinds of convolution the conv family runs (--kinds; default all). */
  convKinds?: readonly ConvKind[];
  /** Which operations the conv2d shapes run (--ops; default all). */
  convOps?: readonly ConvOp[];
  timing: TimingOptions;
  /** Write bench/results/*.json (default true); a directory overrides bench/results. */
  write: boolean | string;
  /** Where the table goes (default: stdout). */
  print: (text: string) => void;
}

/** Timing settings of --quick: enough to exercise the path, not to measure. */
export const quickTiming: TimingOptions = { ...defaultTiming, minSamples: 2, maxTime: 0.02, minTime: 0.005 };

export function defaultRunOptions(): RunOptions {
  return { quick: false, peers: true, timing: defaultTiming, write: true, print: (t) => process.stdout.write(`${t}\n`) };
}

/** The cases of one family under these options. */
export function familyCases(name: FamilyName, o: RunOptions): AsyncIterable<Case> {
  switch (name) {
    case 'conv': {
      // --shape asks for those conv shapes only; --quick takes the small shapes of every kind.
      const kinds = o.convKinds ?? (o.convShapes !== undefined ? ['conv2d'] : convKindNames);
      const extras: { depthwise?: DepthwiseSpec[]; transpose?: TransposeSpec[] } = o.quick ? convQuickExtras : {};
      return convCases({
        shapes: kinds.includes('conv2d') ? o.convShapes ?? (o.quick ? convQuickShapes : undefined) : [],
        depthwise: kinds.includes('depthwise') ? extras.depthwise : [],
        transpose: kinds.includes('transposed') ? extras.transpose : [],
        peers: o.peers,
        ops: o.convOps,
      });
    }
    case 'pool': return poolCases({ quick: o.quick, peers: o.peers });
    case 'gemm': return gemmCases({ quick: o.quick, peers: o.peers });
    case 'train': return trainCases({ quick: o.quick, peers: o.peers });
  }
}

/** Runs one family end to end; returns its rows (and the JSON path if written). */
export async function runFamily(name: FamilyName, o: RunOptions): Promise<{ results: Result[]; file?: string }> {
  const m = machineInfo();
  o.print(`\n## ${name}${o.quick ? ' (quick)' : ''} — ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${new Date().toISOString()}`);
  const results: Result[] = [];
  for await (const c of familyCases(name, o)) {
    const rows = await runCase(c, o.timing);
    results.push(...rows);
  }
  o.print(formatTable(results));
  o.print(`(median of Benchmark.js samples after a separate cold call; × = speed-up per unit of work over tfjs-cpu / over tatami's naive reference; checksum ${consumed().toPrecision(6)})`);
  let file: string | undefined;
  if (o.write !== false) {
    file = writeResults(name, results, o.timing, typeof o.write === 'string' ? o.write : undefined);
    o.print(`results: ${file}`);
  }
  return { results, file };
}
