// The models benchmark in quick mode, so it cannot rot: every model trains and predicts through
// tatami's steps at a tiny batch, the rows come out with finite images/s, and the target summary
// reads them. The own loop's loss must fall over a few steps on one batch (it really trains).

import { describe, it, expect } from 'vitest';
import { runModels, modelNames, makeBatches, pairedRatio } from '../../bench/models.js';
import { tatamiStep } from '../../bench/models-tatami.js';
import { formatModels, formatTargets } from '../../bench/models-report.js';
import { ortModelSteps } from '../../bench/models-onnx.js';

describe('bench models --quick', () => {
  it('times every model × op on tatami and formats the table', { timeout: 120_000 }, async () => {
    const { rows, targets } = await runModels({ models: modelNames, ops: ['train', 'predict'], batches: [2], budget: 0, peers: false, targets: true, log: () => undefined });
    expect(rows.length).toBe(modelNames.length * 2);
    for (const r of rows) {
      expect(Number.isFinite(r.imagesPerSecond.tatami), `${r.model} ${r.op}`).toBe(true);
      expect(r.missing.pytorch).toMatch(/peers off/);
    }
    const table = formatModels(rows);
    expect(table.split('\n').filter((l) => l.startsWith('| ')).length).toBe(rows.length + 1);
    expect(targets).toEqual([]); // measured at batch 32 only
    expect(formatTargets(targets)).toMatch(/not measured/);
  });

  it('the onnxruntime peer runs the exported model: its first output is tatami\'s (classic CNN, zoo resnet and mobilenet)', async () => {
    const data = makeBatches(2, 1);
    for (const name of ['classic3', 'resnet', 'mobilenet'] as const) {
      const ort = await ortModelSteps(name, 'predict', data);
      if (!('step' in ort)) throw new Error(ort.missing);
      const theirs = await ort.step();
      await ort.dispose();
      const ours = await tatamiStep(name, 'predict', data)();
      expect(Math.abs(theirs - ours), name).toBeLessThanOrEqual(1e-5);
    }
    expect(await ortModelSteps('classic3', 'train', data)).toEqual({ missing: expect.stringMatching(/forward only/) });
  });

  it('pairedRatio is the speed of a over b from alternated steps, warm-up rounds left out', async () => {
    // a takes 2 ms a step, b 6 ms: a runs 3× as fast. The four warm-up rounds (100 ms each) are dropped.
    let calls = 0;
    const a = async (): Promise<number[]> => (calls++ < 4 ? [100] : [2]);
    const b = async (): Promise<number[]> => [6];
    expect(await pairedRatio(a, b, 5, 4)).toBe(3);
    expect(calls).toBe(9);
  });

  it('the own op loop, the convnet + BatchNorm and the zoo resnet and mobilenet train: the loss falls on a repeated batch', () => {
    const data = makeBatches(4, 1);
    for (const name of ['ownloop', 'convnet_bn', 'resnet', 'mobilenet'] as const) {
      const step = tatamiStep(name, 'train', data);
      const first = step() as number;
      let last = first;
      for (let i = 0; i < 15; i++) last = step() as number;
      expect(last, name).toBeLessThan(first);
    }
  });
});
