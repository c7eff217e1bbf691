// The models family: whole-model speed, `npm run bench -- models`. For each model, full training
// steps (forward in training mode, loss, backward, one Adam step) and predict, at batch 32 and 1,
// in images per second, beside PyTorch (one thread, subprocess, bench/peers/pytorch.ts) and
// tfjs-cpu on the same batches, shapes and optimizer, and for predict onnxruntime-node running the
// model as toOnnx exports it (bench/models-onnx.ts).
//
// Models: the classic CNN 3×3 and 4×4, Keras's MNIST convnet with and without BatchNormalization,
// the CLI zoo's resnet and mobilenet, and a learner's own op loop (bench/models-tatami.ts lists them).
// Timing: two warm-up steps, then steps until the budget (default 2 s) is spent, at least 5; the
// median step gives images/s. With PyTorch, each row alternates a tatami step and a PyTorch step
// (for twice the budget), so both see the same load. A step slower than 1 s is timed once after one warm-up; a tfjs-cpu step
// slower than 2 s (it trains at a few images/s) only once, cold. Numbers from one run only compare
// within that run: the machine is shared.

import { uniform, seededRandom } from './data.js';
import { torchAvailable, startTorch, type TorchPeer } from './peers/pytorch.js';
import { tfModelSteps } from './models-tfjs.js';
import { ortModelSteps } from './models-onnx.js';
import { tatamiStep } from './models-tatami.js';

export const modelNames = ['classic3', 'classic4', 'convnet', 'convnet_bn', 'resnet', 'mobilenet', 'ownloop'] as const;
export type ModelName = (typeof modelNames)[number];
export type ModelOp = 'train' | 'predict';

export const modelLabels: Record<ModelName, string> = {
  classic3: 'classic CNN 3×3', classic4: 'classic CNN 4×4', convnet: 'Keras MNIST convnet',
  convnet_bn: 'convnet + BatchNorm', resnet: 'zoo resnet', mobilenet: 'zoo mobilenet', ownloop: 'own op loop (classic 3×3)',
};

/** A step to time: one training step or one predict of the next batch; returns a number to consume. */
export type Step = () => number | Promise<number>;

/** The batches every engine cycles through: images [B, 28, 28, 1] in [0, 1), labels and one-hot rows. */
export interface Batches { batch: number; images: Float32Array[]; labels: Int32Array; oneHot: Float32Array[] }

export function makeBatches(batch: number, count: number): Batches {
  const rand = seededRandom(41);
  const images = Array.from({ length: count }, (_, i) => uniform(batch * 784, 500 + i, 0, 1));
  const labels = new Int32Array(count * batch);
  const oneHot = images.map((_, i) => {
    const y = new Float32Array(batch * 10); // (B, 10)
    for (let b = 0; b < batch; b++) {
      const c = Math.floor(rand() * 10);
      labels[i * batch + b] = c;
      y[b * 10 + c] = 1;
    }
    return y;
  });
  return { batch, images, labels, oneHot };
}

/**
 * Milliseconds per step: warm-up, then steps until `budget` seconds (≥ minSteps). A first call slower
 * than 1 s is followed by one timed call only; slower than `coldOnlyMs`, it is the only sample.
 */
export async function timeSteps(step: Step, budget: number, minSteps = 5, coldOnlyMs = Infinity): Promise<number[]> {
  let t0 = performance.now();
  let sink = await step();
  const cold = performance.now() - t0;
  const ms: number[] = [];
  if (cold > coldOnlyMs) {
    ms.push(cold);
  } else if (cold > 1000) {
    t0 = performance.now();
    sink += await step();
    ms.push(performance.now() - t0);
  } else {
    sink += await step();
    const start = performance.now();
    while (ms.length < minSteps || (performance.now() - start < budget * 1000 && ms.length < 500)) {
      t0 = performance.now();
      sink += await step();
      ms.push(performance.now() - t0);
    }
  }
  if (Number.isNaN(sink)) ms.push(NaN); // consumed, so no step is dead code; a NaN loss shows in the table
  return ms;
}

export const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One row of the table: images/s per engine (null: not run, with the reason in `missing`). */
export interface ModelRow {
  model: ModelName; op: ModelOp; batch: number;
  imagesPerSecond: Record<string, number | null>;
  steps: Record<string, number>;
  missing: Record<string, string>;
}

export interface ModelsOptions {
  models: readonly ModelName[];
  batches: readonly number[];
  ops: readonly ModelOp[];
  /** Seconds of timed steps per row and engine. */
  budget: number;
  peers: boolean;
  /** Also measure the target ratios (alternated steps, batch 32). */
  targets: boolean;
  log: (line: string) => void;
}

/** One of the issues' targets: speed of `a` ÷ speed of `b` per image, at batch 32, steps alternated. */
export interface TargetRatio { what: string; ratio: number; target: number; rounds: number }

/**
 * Alternates one step of `a` and one of `b`: `warmUp` untimed rounds (V8 optimizes the JS and tiers
 * the wasm up meanwhile), then rounds until `budget` seconds have passed and at least `minRounds`
 * were timed (at most 200). Returns each side's milliseconds; both sides see the same load of the
 * shared machine.
 */
export async function alternate(
  a: () => Promise<number[]>, b: () => Promise<number[]>, budget: number, minRounds: number, warmUp = 2,
): Promise<[number[], number[]]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let r = 0; r < warmUp; r++) {
    await a();
    await b();
  }
  const start = performance.now();
  for (let r = 0; r < 200 && (r < minRounds || performance.now() - start < budget * 1000); r++) {
    // Every other round b goes first, so whatever one side leaves behind (garbage to collect, a
    // cooler cache) falls on both sides alike.
    if (r % 2 === 0) {
      ta.push(...await a());
      tb.push(...await b());
    } else {
      tb.push(...await b());
      ta.push(...await a());
    }
  }
  return [ta, tb];
}

/** The speed of `a` over `b` (median ms of b ÷ median ms of a) from `rounds` alternated steps after `warmUp` untimed ones. */
export async function pairedRatio(a: () => Promise<number[]>, b: () => Promise<number[]>, rounds: number, warmUp: number): Promise<number> {
  const [ta, tb] = await alternate(a, b, 0, rounds, warmUp);
  return median(tb) / median(ta);
}

/** A tatami step as a source of one timing per call, for pairedRatio. */
function oneStep(step: Step): () => Promise<number[]> {
  return async () => {
    const t0 = performance.now();
    await step();
    return [performance.now() - t0];
  };
}

/** The targets, each from its own alternated run at batch 32 (PyTorch's only when it runs). */
async function measureTargets(o: ModelsOptions, data: Batches, peer: TorchPeer | null): Promise<TargetRatio[]> {
  // 60 timed rounds after 10 untimed ones: with 25 after 2 (until 2026-11-29) a ratio read from one
  // run to the next swung by ±0.05, the first steps of a model new to the process among them.
  const rounds = 60;
  const warmUp = 10;
  const out: TargetRatio[] = [];
  const pair = async (what: string, target: number, a: () => Promise<number[]>, b: () => Promise<number[]>): Promise<void> => {
    o.log(`models: target ${what}`);
    out.push({ what, ratio: await pairedRatio(a, b, rounds, warmUp), target, rounds });
  };
  await pair('own op loop ÷ fit step, classic 3×3', 0.7, oneStep(tatamiStep('ownloop', 'train', data)), oneStep(tatamiStep('classic3', 'train', data)));
  await pair('convnet + BatchNorm ÷ convnet', 0.8, oneStep(tatamiStep('convnet_bn', 'train', data)), oneStep(tatamiStep('convnet', 'train', data)));
  // Issue #17: a forward pass alone should be several times faster than forward + backward + Adam.
  await pair('predict ÷ training step, classic 3×3', 2.5, oneStep(tatamiStep('classic3', 'predict', data)), oneStep(tatamiStep('classic3', 'train', data)));
  if (peer !== null) {
    await pair('classic 3×3 ÷ PyTorch', 1.9, oneStep(tatamiStep('classic3', 'train', data)), () => peer.steps('classic3', 'train', 1));
    await pair('zoo resnet ÷ PyTorch', 1.0, oneStep(tatamiStep('resnet', 'train', data)), () => peer.steps('resnet', 'train', 1));
  }
  return out;
}

/**
 * Runs every model × op × batch: tatami alternated step by step with PyTorch, then tfjs-cpu on the
 * same row (when `peers`), so the load of a shared machine drifts as little as possible between
 * them. With `targets` and batch 32, first measures the target ratios with alternated steps.
 */
export async function runModels(o: ModelsOptions): Promise<{ rows: ModelRow[]; targets: TargetRatio[] }> {
  const rows: ModelRow[] = [];
  const targets: TargetRatio[] = [];
  const torch = o.peers ? torchAvailable() : { missing: 'peers off (--no-peers or --quick)' };
  for (const batch of o.batches) {
    const data = makeBatches(batch, 4);
    const peer: TorchPeer | null = 'version' in torch ? await startTorch(batch, data.images, data.labels) : null;
    try {
      // The targets first, while the process holds nothing else: tfjs's heap, once loaded, makes
      // every garbage collection dearer, and the own loop, which cannot recycle, pays for that most.
      if (o.targets && batch === 32) targets.push(...await measureTargets(o, data, peer));
      for (const model of o.models) {
        for (const op of o.ops) {
          const row: ModelRow = { model, op, batch, imagesPerSecond: {}, steps: {}, missing: {} };
          const record = (engine: string, ms: number[]): void => {
            row.imagesPerSecond[engine] = (batch * 1000) / median(ms);
            row.steps[engine] = ms.length;
          };
          if (peer !== null) {
            // tatami and PyTorch step by step in turn, for twice the budget.
            o.log(`models: ${model} ${op} b${batch}: tatami and PyTorch, alternated`);
            const [mine, theirs] = await alternate(oneStep(tatamiStep(model, op, data)), () => peer.steps(model, op, 1), 2 * o.budget, 5);
            record('tatami', mine);
            record('pytorch', theirs);
          } else {
            o.log(`models: ${model} ${op} b${batch}: tatami`);
            record('tatami', await timeSteps(tatamiStep(model, op, data), o.budget));
            row.imagesPerSecond.pytorch = null;
            row.missing.pytorch = 'missing' in torch ? torch.missing : '';
          }
          const tf = o.peers ? await tfModelSteps(model, op, data) : { missing: 'peers off (--no-peers or --quick)' };
          if ('step' in tf) {
            o.log(`models: ${model} ${op} b${batch}: tfjs-cpu`);
            // tfjs-cpu trains at a few images/s: a step over 2 s is timed once, cold (its first call).
            record('tfjs-cpu', await timeSteps(tf.step, o.budget, 3, 2000));
            tf.dispose();
          } else {
            row.imagesPerSecond['tfjs-cpu'] = null;
            row.missing['tfjs-cpu'] = tf.missing;
          }
          const ort = o.peers ? await ortModelSteps(model, op, data) : { missing: 'peers off (--no-peers or --quick)' };
          if ('step' in ort) {
            o.log(`models: ${model} ${op} b${batch}: onnxruntime`);
            record('onnxruntime', await timeSteps(ort.step, o.budget));
            await ort.dispose();
          } else {
            row.imagesPerSecond.onnxruntime = null;
            row.missing.onnxruntime = ort.missing;
          }
          rows.push(row);
        }
      }
    } finally {
      peer?.close();
    }
  }
  return { rows, targets };
}
