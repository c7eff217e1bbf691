/**
 * fit with the training-only layers of issue 13 in the model: they act in fit (seeded, so two fits
 * with one seed give the same weights) and stand aside in predict; the loss still falls.
 */
import { describe, it, expect } from 'vitest';
import {
  Sequential, input, Tensor, Conv2D, Dense, ReLU, RandomFlip, RandomRotation, RandomContrast, Rescaling, GaussianNoise,
  SpatialDropout2D, GlobalMaxPooling2D, LayerNormalization, Adam, Softmax,
} from '../../src/index.js';

/** 16 images 8×8 in [0, 255]: class 0 a bright vertical bar, class 1 a bright horizontal bar. */
function bars(): { x: Tensor; y: Tensor } {
  const x = new Float32Array(16 * 64).fill(20);
  const y = new Float32Array(16 * 2);
  for (let n = 0; n < 16; n++) {
    const cls = n % 2;
    const at = 2 + (n % 4);
    for (let k = 0; k < 8; k++) x[n * 64 + (cls === 0 ? k * 8 + at : at * 8 + k)] = 230;
    y[n * 2 + cls] = 1;
  }
  return { x: new Tensor(x, [16, 8, 8, 1]), y: new Tensor(y, [16, 2]) };
}

function model(): Sequential {
  return new Sequential([
    input({ shape: [8, 8, 1] }),
    new RandomFlip({ mode: 'horizontal' }),
    new RandomRotation({ factor: 0.02, fillMode: 'nearest' }),
    new RandomContrast({ factor: 0.2 }),
    new Rescaling({ scale: 1 / 255 }),
    new Conv2D({ filters: 6, kernelSize: [1, 8] }),
    new ReLU({ maxValue: 6 }),
    new GaussianNoise({ stddev: 0.05 }),
    new SpatialDropout2D({ rate: 0.1 }),
    new LayerNormalization(),
    new GlobalMaxPooling2D(),
    new Dense({ units: 2, activation: 'softmax' }),
  ], { seed: 11 });
}

describe('training with augmentation and noise layers', () => {
  it('the loss falls, two seeded fits agree, and predict is deterministic', async () => {
    const { x, y } = bars();
    const runs = [];
    for (let k = 0; k < 2; k++) {
      const m = model();
      m.compile({ optimizer: new Adam({ learningRate: 0.03 }), loss: 'categorical_crossentropy' });
      const h = await m.fit(x, y, { epochs: 25, batchSize: 8, verbose: 0, seed: 4 });
      runs.push({ m, loss: h.loss });
    }
    const [a, b] = runs;
    expect(a.loss[a.loss.length - 1]).toBeLessThan(0.5 * a.loss[0]);
    expect(b.loss).toEqual(a.loss);
    expect(Array.from(b.m.predict(x).data)).toEqual(Array.from(a.m.predict(x).data));
    expect(Array.from(a.m.predict(x).data)).toEqual(Array.from(a.m.predict(x).data));
  });
});

describe('a Softmax layer at the output', () => {
  it('is fused with the cross-entropy as Dense\'s softmax activation is: the same training, bit for bit', async () => {
    const { x, y } = bars();
    const histories: number[][] = [];
    for (const separate of [false, true]) {
      const head = separate ? [new Dense({ units: 2 }), new Softmax()] : [new Dense({ units: 2, activation: 'softmax' })];
      const m = new Sequential([input({ shape: [8, 8, 1] }), new Conv2D({ filters: 3, kernelSize: 3 }), new GlobalMaxPooling2D(), ...head], { seed: 5 });
      m.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'categorical_crossentropy' });
      histories.push((await m.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0, seed: 1 })).loss);
    }
    expect(histories[1]).toEqual(histories[0]);
  });
});
