// The benchmark CLI.
//
//   npm run bench                       every family: conv, pool, gemm, train
//   npm run bench -- conv               one family (or several: -- conv gemm)
//   npm run bench -- --shape 8x28x28x16:32:3x3:same
//                                       a custom conv shape: NxHxWxCI:CO:KHxKW:valid|same[:stride]
//                                       (repeatable; implies the conv family)
//   npm run bench -- conv --kinds depthwise,transposed
//   npm run bench -- conv --ops forward,dx    only those operations of the conv2d shapes
//                                       only those kinds of convolution (conv2d, depthwise, transposed)
//   npm run bench -- --quick            small shapes, few samples (seconds, not minutes)
//   npm run bench -- models             whole models: training steps and predict at batch 32 and 1,
//                                       beside PyTorch and tfjs-cpu (bench/models.ts; not in the default run)
//   npm run bench -- ceiling            the 128-bit WebAssembly SIMD ceiling: a loop of multiply-adds (bench/simd-ceiling.ts)
//   npm run bench -- infer              predict under tatami/infer's kernel choices beside 'tatami's (bench/infer-kernels.ts)
//   npm run bench -- models --models classic3,ownloop
//                                       only those models' rows (the target ratios are still measured)
//   options: --no-peers (tatami only), --samples N (Benchmark.js minSamples, default 5),
//            --max-time S (seconds per version, default 2), --no-write (no JSON files)
//
// Results: a table on stdout, progress on stderr, and bench/results/<family>-<time>.json plus
// bench/results/latest-<family>.json.

import { runFamily, familyNames, convKindNames, defaultRunOptions, quickTiming, type FamilyName, type RunOptions } from './run.js';
import { convOpNames } from './conv.js';
import { parseConvSpec } from './conv-shapes.js';
import { runModels, modelNames, type ModelName } from './models.js';
import { formatModels, formatTargets, writeModels } from './models-report.js';
import { machineInfo } from './report.js';
import { measureCeiling, formatCeiling } from './simd-ceiling.js';
import { measureInferKernels, formatInferKernels } from './infer-kernels.js';

const usage = `usage: npm run bench -- [conv|pool|gemm|train|models|ceiling|infer ...] [--quick] [--shape NxHxWxCI:CO:KHxKW:valid|same[:stride]]
                       [--kinds conv2d,depthwise,transposed] [--ops forward,dx,dw] [--models ${modelNames.join(',')}]
                       [--no-peers] [--samples N] [--max-time SECONDS] [--no-write]`;

/** A comma-separated list of names, each one of `allowed` (--kinds, --ops, --models). */
function parseNames<T extends string>(flag: string, allowed: readonly T[], text: string): T[] {
  const names = text.split(',');
  const bad = names.find((n) => !(allowed as readonly string[]).includes(n));
  if (bad !== undefined) throw new Error(`${flag} takes ${allowed.join(', ')} (comma-separated), got '${bad}'\n${usage}`);
  return names as T[];
}

function parseArgs(argv: string[]): { families: FamilyName[]; options: RunOptions; models: boolean; ceiling: boolean; infer: boolean; modelRows: readonly ModelName[]; maxTime?: number } {
  const options = defaultRunOptions();
  const families: FamilyName[] = [];
  let models = false;
  let ceiling = false;
  let infer = false;
  let modelRows: readonly ModelName[] = modelNames;
  const shapes: string[] = [];
  let samples: number | undefined;
  let maxTime: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${usage}`);
      return v;
    };
    if ((familyNames as readonly string[]).includes(a)) families.push(a as FamilyName);
    else if (a === 'models') models = true;
    else if (a === 'ceiling') ceiling = true;
    else if (a === 'infer') infer = true;
    else if (a === '--quick') options.quick = true;
    else if (a === '--no-peers') options.peers = false;
    else if (a === '--no-write') options.write = false;
    else if (a === '--shape') shapes.push(value());
    else if (a === '--kinds') options.convKinds = parseNames('--kinds', convKindNames, value());
    else if (a === '--ops') options.convOps = parseNames('--ops', convOpNames, value());
    else if (a === '--models') { modelRows = parseNames('--models', modelNames, value()); models = true; }
    else if (a.startsWith('--shape=')) shapes.push(a.slice('--shape='.length));
    else if (a === '--samples') samples = Number(value());
    else if (a === '--max-time') maxTime = Number(value());
    else if (a === '--help' || a === '-h') { process.stdout.write(`${usage}\n`); process.exit(0); }
    else throw new Error(`unknown argument '${a}'\n${usage}`);
  }
  if (options.quick) options.timing = quickTiming;
  if (samples !== undefined) {
    if (!Number.isInteger(samples) || samples < 1) throw new Error(`--samples wants a positive integer, got ${samples}`);
    options.timing = { ...options.timing, minSamples: samples };
  }
  if (maxTime !== undefined) {
    if (!(maxTime >= 0)) throw new Error(`--max-time wants seconds ≥ 0, got ${maxTime}`);
    options.timing = { ...options.timing, maxTime };
  }
  if (shapes.length > 0) {
    options.convShapes = shapes.map((s, i) => parseConvSpec(s, shapes.length === 1 ? 'custom' : `custom${i + 1}`));
    if (families.length === 0) families.push('conv');
  }
  if (options.convKinds !== undefined && families.length === 0) families.push('conv');
  return { families: families.length > 0 || models || ceiling || infer ? families : [...familyNames], options, models, ceiling, infer, modelRows, maxTime };
}

/** The models family: its own runner (whole models and a Python peer do not fit the kernel harness). */
async function runModelsFamily(options: RunOptions, models: readonly ModelName[], maxTime: number | undefined): Promise<void> {
  const m = machineInfo();
  const quick = options.quick;
  options.print(`\n## models${quick ? ' (quick)' : ''} — ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${new Date().toISOString()}`);
  const { rows, targets } = await runModels({
    models, ops: ['train', 'predict'], batches: quick ? [2] : [32, 1],
    budget: maxTime ?? (quick ? 0 : 2), peers: options.peers && !quick, targets: !quick,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  options.print(formatModels(rows));
  options.print(`\n${formatTargets(targets)}`);
  options.print('(median step after two warm-up steps; training = forward, loss, backward, Adam; one thread; `npm run bench -- models`)');
  if (options.write !== false) options.print(`results: ${writeModels(rows, targets, process.argv.slice(2))}`);
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
  for (const family of parsed.families) await runFamily(family, parsed.options);
  if (parsed.ceiling) {
    const m = machineInfo();
    parsed.options.print(`\n## ceiling — ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${new Date().toISOString()}`);
    parsed.options.print(formatCeiling(measureCeiling()));
  }
  if (parsed.infer) {
    const m = machineInfo();
    parsed.options.print(`\n## infer — ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${new Date().toISOString()}`);
    parsed.options.print(formatInferKernels(await measureInferKernels([32, 1], 30, 5, (line) => process.stderr.write(`${line}\n`))));
    parsed.options.print('(ms per predict call, median of 30 rotated rounds after 5 warm-up ones; one thread; `npm run bench -- infer`)');
  }
  if (parsed.models) await runModelsFamily(parsed.options, parsed.modelRows, parsed.maxTime);
}

await main();
