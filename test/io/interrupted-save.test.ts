/**
 * Nothing lost: a save that dies half-way leaves the previous model loadable and unchanged.
 * A child process is killed (SIGKILL) while its new files are written but not yet renamed; an
 * in-process save fails at the same point. The next save removes the stray temporary files.
 */
import { test, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { classicCnn, loadModel, Tensor } from '../../src/index.js';
import { modelToArtifacts } from '../../src/io/model-to-json.js';
import { artifactFiles } from '../../src/io/save.js';
import { writeModelFolder } from '../../src/node/model-files.js';
import { randomInput, maxDiff } from './io-helpers.js';

const x = new Tensor(randomInput([2, 28, 28, 1], 1), [2, 28, 28, 1]);

test('a save killed after writing its temporary files leaves the old model intact', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tatami-kill-'));
  const old = classicCnn({ seed: 1, filters: 4 });
  await old.save(dir);
  const expected = old.predict(x).data;

  const script = fileURLToPath(new URL('./fixtures/stalled-save.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exit = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('stalled') && resolve());
    child.on('exit', () => reject(new Error(`child exited before stalling: ${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exit).toBe('SIGKILL');

  const files = await readdir(dir);
  expect(files.filter((f) => f.endsWith('.tmp')).length).toBe(2); // the dead save's weights and model.json
  const loaded = await loadModel(dir);
  expect(maxDiff(loaded.predict(x).data, expected)).toBe(0);

  // The next complete save replaces the model and clears the leftovers.
  const next = classicCnn({ seed: 2, filters: 4 });
  await next.save(dir);
  expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
  expect(maxDiff((await loadModel(dir)).predict(x).data, next.predict(x).data)).toBe(0);
}, 120_000);

test('a save that fails before renaming leaves the old model intact and no temporary files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tatami-fail-'));
  const old = classicCnn({ seed: 3, filters: 4 });
  await old.save(dir, {});
  const other = classicCnn({ seed: 4, filters: 6 });
  const failing = writeModelFolder(dir, artifactFiles(modelToArtifacts(other)), {
    afterTempFiles: () => {
      throw new Error('disk full (simulated)');
    },
  });
  await expect(failing).rejects.toThrow(/disk full/);
  expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
  expect(maxDiff((await loadModel(dir)).predict(x).data, old.predict(x).data)).toBe(0);
});
