/** `tatami train --model classic|convnet|resnet|mobilenet`: the zoo from the command line. */
import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, convnet, resnet, mobilenet, classicCnn } from '../../src/index.js';

function tatami(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: join(import.meta.dirname, '..', '..'), encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('train --model', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tatami-zoo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the zoo: parameter counts (Keras\'s MNIST convnet has 34,826)', () => {
    expect(classicCnn().countParams()).toBe(217_610);
    expect(convnet().countParams()).toBe(34_826);
    expect(resnet().countParams()).toBe(5_338);
    expect(mobilenet().countParams()).toBe(4_426);
  });

  it('resnet trains, reports, and saves a graph model that loads back', async () => {
    const out = join(dir, 'resnet');
    const r = tatami(['train', '--model', 'resnet', '--train', '200', '--test', '100', '--epochs', '1', '--json', '--out', out]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout.trim());
    expect(result.epochs).toBe(1);
    expect(result.testLoss).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/Model: "resnet"/);
    expect(r.stderr).toMatch(/Connected to/);
    expect(JSON.parse(readFileSync(join(out, 'tatami-run.json'), 'utf8')).model).toBe('resnet');
    const model = await loadModel(out);
    expect(model.layers.filter((l) => l.className === 'Add')).toHaveLength(2);
    expect(model.countParams()).toBe(5_338);
  });

  it('mobilenet trains, reports, and saves a model that loads back', async () => {
    const out = join(dir, 'mobilenet');
    const r = tatami(['train', '--model', 'mobilenet', '--train', '200', '--test', '100', '--epochs', '1', '--json', '--out', out]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim()).epochs).toBe(1);
    expect(r.stderr).toMatch(/Model: "mobilenet"/);
    expect(r.stderr).toMatch(/depthwise_conv2d_1 \(Depthwis/);
    const model = await loadModel(out);
    expect(model.layers.filter((l) => l.className === 'DepthwiseConv2D')).toHaveLength(2);
    expect(model.countParams()).toBe(4_426);
  });

  it('classic-only flags with another model, or an unknown model, are usage errors', () => {
    const bad = tatami(['train', '--model', 'convnet', '--filters', '8']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/flags --kernel-size and --filters are for --model classic, not convnet/);
    const unknown = tatami(['train', '--model', 'vgg']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/flag --model must be one of classic, convnet, resnet, mobilenet, got 'vgg'/);
  });
});
