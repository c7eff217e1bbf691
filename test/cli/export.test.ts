/**
 * `tatami export --model DIR --onnx FILE`, run as a user would (through tsx): the file it writes
 * runs in onnxruntime-node with the saved model's predictions, for the classic CNN and for a
 * Teachable Machine export (nested models) trained in tfjs; wrong command lines exit 2.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { classicCnn, loadModel, randomNormal, Rng, Tensor } from '../../src/index.js';
import { expectClose } from '../helpers.js';
import { tfjsArtifacts, asModelJson, randomInput } from '../io/io-helpers.js';
import { SHAPE, trainedTfTeachable } from '../io/teachable-model.js';

function tatami(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: join(import.meta.dirname, '..', '..'),
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tatami export', { timeout: 240_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tatami-export-'));
    await classicCnn({ filters: 8, seed: 4 }).save(join(dir, 'model'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes an ONNX file that onnxruntime runs with the saved model\'s predictions', async () => {
    const file = join(dir, 'model.onnx');
    const r = tatami(['export', '--model', join(dir, 'model'), '--onnx', file, '--opset', '17']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Wrote .*model\.onnx \(\d+ bytes\): input \(None, 28, 28, 1\) → output \(None, 10\), NHWC\n$/);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(readFileSync(file));
    const x = randomNormal([3, 28, 28, 1], new Rng(5));
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(x.data), [3, 28, 28, 1]) });
    await session.release();
    const model = await loadModel(join(dir, 'model'));
    expectClose(out[session.outputNames[0]].data as Float32Array, model.predict(x).data, 1e-5, 1e-5, 'export');
  });

  it('exports a Teachable Machine folder (a base and a head nested in a Sequential) that onnxruntime runs with tfjs\'s predictions', async () => {
    const theirs = await trainedTfTeachable();
    const { modelJson, weights } = asModelJson(await tfjsArtifacts(theirs));
    const folder = join(dir, 'teachable');
    mkdirSync(folder);
    writeFileSync(join(folder, 'model.json'), JSON.stringify(modelJson));
    writeFileSync(join(folder, 'weights.bin'), new Uint8Array(weights));
    const file = join(dir, 'teachable.onnx');
    const r = tatami(['export', '--model', folder, '--onnx', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Wrote .*teachable\.onnx \(\d+ bytes\): input \(None, 12, 12, 3\) → output \(None, 3\), NHWC\n$/);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(readFileSync(file));
    const x = randomInput([3, ...SHAPE], 6);
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, [3, ...SHAPE]) });
    await session.release();
    const got = out[session.outputNames[0]].data as Float32Array;
    expectClose(got, (theirs.predict(tf.tensor(x, [3, ...SHAPE])) as tf.Tensor).dataSync() as Float32Array, 1e-5, 1e-5, 'export vs tfjs');
    expectClose(got, (await loadModel(folder)).predict(new Tensor(x, [3, ...SHAPE])).data, 1e-5, 1e-5, 'export vs tatami');
  });

  it('refuses a missing flag or a bad opset with one line and exit code 2 or 1', () => {
    const missing = tatami(['export', '--model', join(dir, 'model')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('tatami export: export needs --onnx FILE (see tatami export --help)\n');
    const bad = tatami(['export', '--model', join(dir, 'model'), '--onnx', join(dir, 'x.onnx'), '--opset', '9']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('tatami export: toOnnx: opset must be an integer from 13 to 21, got 9\n');
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
  });
});
