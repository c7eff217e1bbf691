// What the harness (harness.ts) takes and gives: a Case (one kernel family × shape × operation,
// with its reference and the versions to race), the timing options, and the result rows that
// report.ts prints and saves.

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
