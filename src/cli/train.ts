import { classicCnn } from '../models/classic-cnn.js';
import { convnet } from '../models/convnet.js';
import { resnet } from '../models/resnet.js';
import { mobilenet } from '../models/mobilenet.js';
import { Adam } from '../optimizers/adam.js';
import { loadModel } from '../io/load.js';
import { readTrainingInfo } from '../io/training-info.js';
import type { Model } from '../models/model.js';
import type { ProgressOutput } from '../models/progbar.js';
import { parseFlags, helpText, UsageError, type FlagSpec, type FlagValues } from './args.js';
import { loadData, readRun, writeRun, type RunRecord } from './run-files.js';

const FLAGS: Record<string, FlagSpec> = {
  model: { kind: 'string', help: "which network: 'classic' (default), 'convnet' (Keras's MNIST example), 'resnet' (two residual blocks), 'mobilenet' (depthwise-separable blocks)", choices: ['classic', 'convnet', 'resnet', 'mobilenet'] },
  epochs: { kind: 'int', help: 'passes over the training digits (default 5)' },
  'batch-size': { kind: 'int', help: 'digits per gradient step (default 32)' },
  'kernel-size': { kind: 'int', help: 'side of the square conv kernel (default 3; classic only)' },
  filters: { kind: 'int', help: 'conv filters (default 128; classic only)' },
  lr: { kind: 'number', help: 'Adam learning rate (default 0.001)' },
  train: { kind: 'int', help: 'training digits (default 8000; with --data, the whole file)' },
  test: { kind: 'int', help: 'held-out test digits (default 2000; with --data, the whole file)' },
  seed: { kind: 'int', help: 'seed of the split, the initial weights, shuffling (default 1)' },
  data: { kind: 'string', help: 'folder with MNIST / Fashion-MNIST IDX files (default: the mnist package)' },
  out: { kind: 'string', help: 'folder to save the model in (default tatami-model)' },
  resume: { kind: 'string', help: 'continue training the model saved in this folder' },
  shuffle: { kind: 'boolean', help: 'reshuffle every epoch (default; --no-shuffle to keep the order)' },
  verbose: { kind: 'int', help: '0 silent, 1 progress bar (default), 2 one line per epoch', choices: [0, 1, 2] },
  json: { kind: 'boolean', help: 'print one final JSON line on stdout (everything else goes to stderr)' },
  recipe: { kind: 'string', help: "'keras-blog': the tutorial's settings (4x4 kernel, batch 1, 10 epochs, no shuffle)", choices: ['keras-blog'] },
};

export const TRAIN_HELP = helpText('Usage: tatami train [flags]\n\nTrain an MNIST CNN (the classic one unless --model says otherwise) and report its test accuracy.', FLAGS);

/** The networks `--model` chooses from; the classic CNN takes --kernel-size and --filters. */
const MODELS: Record<string, (o: { kernelSize: number; filters: number; seed: number }) => Model> = {
  classic: ({ kernelSize, filters, seed }) => classicCnn({ kernelSize, filters, seed }),
  convnet: ({ seed }) => convnet({ seed }),
  resnet: ({ seed }) => resnet({ seed }),
  mobilenet: ({ seed }) => mobilenet({ seed }),
};

/** The tutorial's exact settings; explicit flags still win. */
const RECIPES: Record<string, FlagValues> = {
  'keras-blog': { 'kernel-size': 4, 'batch-size': 1, epochs: 10, shuffle: false },
};

function positive(flags: FlagValues, name: string, fallback: number): number {
  const v = (flags[name] as number | undefined) ?? fallback;
  if (!(v > 0)) throw new UsageError(`flag --${name} must be positive, got ${v}`);
  return v;
}

export async function train(argv: readonly string[], stdout: ProgressOutput, log: (line: string) => void): Promise<void> {
  const given = parseFlags('train', argv, FLAGS);
  const flags: FlagValues = { ...(typeof given.recipe === 'string' ? RECIPES[given.recipe] : {}), ...given };
  const epochs = positive(flags, 'epochs', 5);
  const batchSize = positive(flags, 'batch-size', 32);
  const kernelSize = positive(flags, 'kernel-size', 3);
  const filters = positive(flags, 'filters', 128);
  const lr = positive(flags, 'lr', 0.001);
  const seed = (flags.seed as number | undefined) ?? 1;
  const verbose = (flags.verbose as 0 | 1 | 2 | undefined) ?? 1;
  const out = (flags.out as string | undefined) ?? 'tatami-model';
  const resume = flags.resume as string | undefined;
  const json = flags.json === true;
  const modelName = (flags.model as string | undefined) ?? 'classic';
  if (modelName !== 'classic' && (given['kernel-size'] !== undefined || given.filters !== undefined)) {
    throw new UsageError(`flags --kernel-size and --filters are for --model classic, not ${modelName}`);
  }
  // With --json, stdout carries only the final JSON line: progress goes to stderr.
  const progress: ProgressOutput = json ? { write: (s) => void process.stderr.write(s), isTTY: process.stderr.isTTY === true } : stdout;
  const say = json ? (line: string) => void process.stderr.write(`${line}\n`) : log;

  const previous = resume === undefined ? null : await readRun(resume);
  const { data, settings } = await loadData(
    { data: flags.data as string | undefined, train: flags.train as number | undefined, test: flags.test as number | undefined, seed: flags.seed as number | undefined },
    previous,
  );
  let model: Model;
  let initialEpoch = 0;
  if (resume !== undefined) {
    // The saved optimizer state comes back too, so training continues where it stopped.
    model = await loadModel(resume, { includeOptimizer: true });
    if (model.compiled === null) model.compile({ optimizer: new Adam({ learningRate: lr }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    initialEpoch = (await readTrainingInfo(resume))?.epoch ?? 0;
    if (initialEpoch >= epochs) throw new UsageError(`the model in ${resume} has already trained ${initialEpoch} epochs; ask for more with --epochs`);
  } else {
    model = MODELS[modelName]({ kernelSize, filters, seed });
    model.compile({ optimizer: new Adam({ learningRate: lr }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  }
  if (verbose > 0) {
    say(model.summary({ print: false }));
    say(`Training on ${data.train.classes.length} digits, testing on ${data.test.classes.length} (${data.source}), seed ${seed}`);
  }

  // Ctrl-C: stop after the current batch, then report and save what was trained. Twice: quit now.
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    model.stopTraining = true;
    say('\nStopping after this batch (Ctrl-C again to quit now)...');
  };
  process.on('SIGINT', onSigint);
  const start = performance.now();
  let imagesSeen = 0;
  let history;
  try {
    history = await model.fit(data.train.images, data.train.labels, {
      epochs,
      initialEpoch,
      batchSize,
      shuffle: flags.shuffle !== false,
      verbose,
      seed,
      output: progress,
      callbacks: [{ onBatchEnd: (_b, logs) => void (imagesSeen += logs.size) }],
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  const seconds = (performance.now() - start) / 1000;
  const evaluation = model.evaluate(data.test.images, data.test.labels, { batchSize: 256 });
  const run: RunRecord = {
    data: settings,
    model: resume === undefined ? modelName : (previous?.model ?? 'classic'),
    kernelSize,
    filters,
    epochs: initialEpoch + history.epoch.length,
    // A resumed run's curves continue the earlier ones.
    history: Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, [...(previous?.history[k] ?? []), ...v]])),
    testLoss: evaluation.loss,
    testAccuracy: evaluation.accuracy,
    seconds,
    imagesPerSecond: imagesSeen / seconds,
  };
  await model.save(out, { includeOptimizer: true, epoch: run.epochs });
  await writeRun(out, run);
  if (verbose > 0 || !json) {
    say(`Test loss: ${run.testLoss.toFixed(4)} - test accuracy: ${run.testAccuracy.toFixed(4)}`);
    say(`${interrupted ? 'Interrupted after' : 'Trained'} ${run.epochs} epoch${run.epochs === 1 ? '' : 's'} in ${seconds.toFixed(1)} s (${Math.round(run.imagesPerSecond)} images/s); model saved to ${out}/`);
  }
  if (json) {
    const line = { testAccuracy: run.testAccuracy, testLoss: run.testLoss, epochs: run.epochs, imagesPerSecond: run.imagesPerSecond, seconds, interrupted, out };
    stdout.write(`${JSON.stringify(line)}\n`);
  }
}
