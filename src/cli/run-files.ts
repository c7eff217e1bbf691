/**
 * What `tatami train --out DIR` leaves beside the model files: `tatami-run.json`, the settings of the
 * data split (so evaluate and predict use the same held-out digits) and the training history (for
 * curves), written atomically like the model itself.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMnist, type MnistData } from '../data/mnist.js';

export const RUN_FILE = 'tatami-run.json';

export interface DataSettings {
  train?: number;
  test?: number;
  seed: number;
  dir?: string;
}

export interface RunRecord {
  data: DataSettings;
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
