import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, loadMnist, takeRows } from '../../src/index.js';
import { loadTf } from '../tf-peer.js';
import { expectClose } from '../helpers.js';

/**
 * The environment of the CLI runs. Node's own warnings (a deprecation in a dependency, a warning a
 * loaded machine brings out) go to the same stderr as the CLI's one-line errors; the tests count the
 * CLI's lines, so they run without Node's warnings, as NODE_NO_WARNINGS does for a user.
 */
const QUIET_ENV = { ...process.env, NODE_NO_WARNINGS: '1' };

/** Run the CLI as a user would (through tsx, from the repository root). */
function tatami(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: join(import.meta.dirname, '..', '..'),
    encoding: 'utf8',
    timeout: 240_000,
    env: QUIET_ENV,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tatami CLI', { timeout: 120_000 }, () => {
  let dir: string;
  let out: string;
  let trained: ReturnType<typeof tatami>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tatami-cli-'));
    out = join(dir, 'model');
    trained = tatami(['train', '--train', '500', '--test', '200', '--epochs', '1', '--filters', '16', '--json', '--out', out]);
  }, 240_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('train --json prints one final JSON line on stdout and exits 0', () => {
    expect(trained.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(trained.code).toBe(0);
    const lines = trained.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]);
    expect(Object.keys(result)).toEqual(expect.arrayContaining(['testAccuracy', 'testLoss', 'epochs', 'imagesPerSecond', 'seconds']));
    expect(result.epochs).toBe(1);
    // 500 digits, one epoch, 16 filters: far better than chance (10%) already.
    expect(result.testAccuracy).toBeGreaterThan(0.5);
    expect(result.testLoss).toBeGreaterThan(0);
    expect(result.imagesPerSecond).toBeGreaterThan(0);
    // The progress and summary went to stderr.
    expect(trained.stderr).toMatch(/Total params: /);
    expect(trained.stderr).toMatch(/Epoch 1\/1/);
  });

  it('two runs with the same seed print the same accuracy and loss', () => {
    const again = tatami(['train', '--train', '500', '--test', '200', '--epochs', '1', '--filters', '16', '--json', '--out', join(dir, 'again')]);
    expect(again.code).toBe(0);
    const [a, b] = [JSON.parse(trained.stdout.trim()), JSON.parse(again.stdout.trim())];
    expect(b.testAccuracy).toBe(a.testAccuracy);
    expect(b.testLoss).toBe(a.testLoss);
    // A different seed changes the split and the initial weights, so the loss moves.
    const other = tatami(['train', '--train', '500', '--test', '200', '--epochs', '1', '--filters', '16', '--json', '--seed', '2', '--out', join(dir, 'other')]);
    expect(JSON.parse(other.stdout.trim()).testLoss).not.toBe(a.testLoss);
  });

  it('train saves model.json + weights.bin and the run record', () => {
    expect(existsSync(join(out, 'model.json'))).toBe(true);
    expect(existsSync(join(out, 'weights.bin'))).toBe(true);
    const run = JSON.parse(readFileSync(join(out, 'tatami-run.json'), 'utf8'));
    expect(run.data).toMatchObject({ train: 500, test: 200, seed: 1 });
    expect(run.history.loss).toHaveLength(1);
  });

  it('the saved files load in TensorFlow.js, which predicts what tatami predicts', async () => {
    const tf = await loadTf();
    const modelJson = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    const weights = readFileSync(join(out, 'weights.bin'));
    const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights), weightData }));
    const ours = await loadModel(out);
    const { test } = await loadMnist({ train: 500, test: 200, seed: 1 });
    const x = takeRows(test.images, Int32Array.from({ length: 16 }, (_, i) => i), 0, 16);
    const theirs = (tfModel.predict(tf.tensor(Float32Array.from(x.data), [16, 28, 28, 1])) as { dataSync(): Float32Array }).dataSync();
    expectClose(ours.predict(x).data, theirs, 1e-5, 1e-4, 'tfjs vs tatami on the CLI model');
  });

  it('train --resume continues from the saved epoch and optimizer state', () => {
    const r = tatami(['train', '--resume', out, '--epochs', '2', '--json', '--out', join(dir, 'resumed')]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim());
    expect(result.epochs).toBe(2);
    expect(r.stderr).toMatch(/Epoch 2\/2/);
    expect(r.stderr).not.toMatch(/Epoch 1\/2/);
    const run = JSON.parse(readFileSync(join(dir, 'resumed', 'tatami-run.json'), 'utf8'));
    expect(run.history.loss).toHaveLength(2); // the first run's epoch, then this one
    expect(run.data).toMatchObject({ train: 500, test: 200, seed: 1 });
  });

  it('evaluate --model reproduces the test accuracy train reported', () => {
    const r = tatami(['evaluate', '--model', out, '--json']);
    expect(r.code).toBe(0);
    const ev = JSON.parse(r.stdout.trim());
    const trainedResult = JSON.parse(trained.stdout.trim());
    expect(ev.digits).toBe(200);
    expect(ev.testAccuracy).toBeCloseTo(trainedResult.testAccuracy, 10);
  });

  it('predict --index shows the digit as ASCII art and ten probabilities', () => {
    const r = tatami(['predict', '--model', out, '--index', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Test digit 3 \(label \d\), predicted \d with probability \d\.\d{3}/);
    const bars = r.stdout.split('\n').filter((l) => /\d [█░]{30} \d\.\d{3}/.test(l));
    expect(bars).toHaveLength(10);
    const total = bars.reduce((s, l) => s + Number(/(\d\.\d{3})( ◀)?$/.exec(l)?.[1]), 0);
    expect(total).toBeCloseTo(1, 1);
    // 28 rows of art, each framed by |...|.
    expect(r.stdout.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(28);
  });

  it('summary prints the Keras table with the seed model totals', () => {
    expect(tatami(['summary']).stdout).toMatch(/Total params: 217,610/);
    expect(tatami(['summary', '--kernel-size', '4']).stdout).toMatch(/Total params: 186,506/);
  });

  it('wrong flags: one line on stderr, exit code 2, no stack trace', () => {
    for (const args of [['train', '--epochz', '3'], ['train', '--epochs', 'three'], ['train', '--verbose', '5'], ['frobnicate'], ['predict', '--index', '1']]) {
      const r = tatami(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^tatami/);
    }
  });

  it('a missing data folder or a bad IDX file: one line, exit code 1', () => {
    const missing = tatami(['train', '--data', join(dir, 'nope'), '--epochs', '1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/nope/);
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      writeFileSync(join(bad, f), Buffer.from([0, 0, 8, 3, 0, 0, 0, 5]));
    }
    const r = tatami(['train', '--data', bad, '--epochs', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/train-images-idx3-ubyte/);
  });

  it('Ctrl-C stops after the current batch, then still reports and saves what was trained', async () => {
    // 50 epochs: far more than can pass before the signal lands, so the run is always interrupted.
    const stopped = join(dir, 'stopped');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'train', '--train', '2000', '--test', '100', '--epochs', '50', '--filters', '8', '--batch-size', '8', '--json', '--out', stopped], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: QUIET_ENV,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    // Interrupt as soon as the first epoch has started.
    child.stderr.on('data', (d) => {
      const before = stderr;
      stderr += d;
      if (!/Epoch 1\/50/.test(before) && /Epoch 1\/50/.test(stderr)) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/Stopping after this batch/);
    const result = JSON.parse(stdout.trim());
    expect(result.interrupted).toBe(true);
    // The epochs reported are the ones the progress bar started, the interrupted one included.
    const started = [...stderr.matchAll(/Epoch (\d+)\/50/g)].map((m) => Number(m[1]));
    expect(result.epochs).toBe(Math.max(...started));
    expect(result.epochs).toBeLessThan(50);
    expect(existsSync(join(stopped, 'model.json'))).toBe(true);
    expect(existsSync(join(stopped, 'weights.bin'))).toBe(true);
  });
});
