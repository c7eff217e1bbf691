/**
 * What `tatami train --out DIR` leaves beside the model files: `tatami-run.json`, the settings of the
 * data split (so evaluate and predict use the same held-out digits) and the training history (for
 * curves), written atomically like the model itself.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMnist, type MnistData } from '../data/mnist.js';
import { loadModel } from '../io/load.js';
import type { Model } from '../models/model.js';
import { UsageError, type FlagSpec, type FlagValues } from './args.js';

export const RUN_FILE = 'tatami-run.json';

export interface DataSettings {
  train?: number;
  test?: number;
  seed: number;
  dir?: string;
}

export interface RunRecord {
  data: DataSettings;
  /** Which network `train --model` built: classic, convnet, resnet or mobilenet (kernelSize and filters are the classic one's). */
  model?: string;
  kernelSize: number;
  filters: number;
  epochs: number;
  history: Record<string, number[]>;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
  imagesPerSecond: number;
}

export async function writeRun(dir: string, run: RunRecord): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${RUN_FILE}.tmp`);
  await writeFile(tmp, `${JSON.stringify(run, null, 2)}\n`);
  await rename(tmp, join(dir, RUN_FILE));
}

/** The run record of a model folder, or null when the folder has none (a model from elsewhere). */
export async function readRun(dir: string): Promise<RunRecord | null> {
  let text: string;
  try {
    text = await readFile(join(dir, RUN_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as RunRecord;
  } catch {
    throw new Error(`${join(dir, RUN_FILE)} is not valid JSON`);
  }
}

/** Load the digits for a command: explicit flags win, then the model's run record, then the defaults. */
export async function loadData(flags: { data?: string; train?: number; test?: number; seed?: number }, run: RunRecord | null): Promise<{ data: MnistData; settings: DataSettings }> {
  const dir = flags.data ?? run?.data.dir;
  // With a folder of IDX files the default is the whole files; with the package, 8000/2000.
  const sameSource = run !== null && run.data.dir === dir;
  const settings: DataSettings = {
    train: flags.train ?? (sameSource ? run.data.train : undefined),
    test: flags.test ?? (sameSource ? run.data.test : undefined),
    seed: flags.seed ?? run?.data.seed ?? 1,
    dir,
  };
  if (dir === undefined) {
    settings.train ??= 8000;
    settings.test ??= 2000;
  }
  const data = await loadMnist({ train: settings.train, test: settings.test, seed: settings.seed, dir });
  return { data, settings: { ...settings, train: data.train.classes.length, test: data.test.classes.length } };
}

/** The flags of every command that reads a saved model and its held-out digits. */
export const MODEL_DATA_FLAGS: Readonly<Record<string, FlagSpec>> = {
  model: { kind: 'string', help: 'folder with model.json + weights.bin (from tatami train --out)' },
  data: { kind: 'string', help: 'folder with MNIST / Fashion-MNIST IDX files (default: as the model was trained)' },
  test: { kind: 'int', help: 'test digits (default: as the model was trained)' },
  train: { kind: 'int', help: 'training digits of the split (default: as the model was trained)' },
  seed: { kind: 'int', help: 'seed of the split (default: as the model was trained)' },
};

/** `--model DIR` and the digits it was tested on (or those the flags ask for). */
export async function loadModelAndData(command: string, flags: FlagValues): Promise<{ model: Model; data: MnistData }> {
  const dir = flags.model;
  if (typeof dir !== 'string') throw new UsageError(`'${command}' needs --model DIR (a folder saved by tatami train --out)`);
  const model = await loadModel(dir);
  const run = await readRun(dir);
  const { data } = await loadData(
    { data: flags.data as string | undefined, train: flags.train as number | undefined, test: flags.test as number | undefined, seed: flags.seed as number | undefined },
    run,
  );
  return { model, data };
}

/** Check a test-digit index against the split's size. */
export function checkIndex(index: number, data: MnistData): number {
  const n = data.test.classes.length;
  if (index < 0 || index >= n) throw new UsageError(`--index must be in [0, ${n - 1}], got ${index}`);
  return index;
}
