/**
 * `tatami evaluate` on full-size IDX files (60,000 training and 10,000 test digits, synthetic, written
 * here: nothing can be downloaded) with the default classic CNN (128 filters), as issue 17 asks. All
 * 70,000 images are loaded as float32 (219 MB); evaluation holds one batch at a time, so the child's
 * peak RSS stays under 1.5 GB (measured: 659 MB). Memory per batch is tested in-process by
 * test/models/inference-memory.test.ts.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { classicCnn } from '../../src/index.js';
import { writeMnistFolder } from '../data/idx-fixtures.js';

describe('tatami evaluate on the full 60,000/10,000 IDX files', { timeout: 600_000 }, () => {
  let data: string;
  let modelDir: string;
  beforeAll(async () => {
    data = await writeMnistFolder({ train: 60_000, test: 10_000 });
    modelDir = join(data, 'model');
    await classicCnn({ seed: 1 }).save(modelDir);
  }, 600_000);
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('evaluates all 10,000 test digits with a peak RSS under 1.5 GB', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/cli/max-rss.ts', 'src/cli/main.ts', 'evaluate', '--model', modelDir, '--data', data, '--json'], {
      cwd: join(import.meta.dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 600_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim());
    expect(result.digits).toBe(10_000);
    expect(Number.isFinite(result.testLoss)).toBe(true);
    const peakKb = Number(/maxRSS (\d+) kB/.exec(r.stderr)?.[1]);
    expect(peakKb / 2 ** 20, `peak RSS ${(peakKb / 1024).toFixed(0)} MB`).toBeLessThan(1.5);
  });
});
