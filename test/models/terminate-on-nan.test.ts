/**
 * terminateOnNaN on a real diverging run: SGD with learning rate 1000 on a small conv net (conv +
 * fused ReLU, max-pool, dense softmax) blows the weights up until the loss is NaN. NaN must reach
 * the loss through the ReLU and the max-pool (they used to turn it into numbers), so the callback
 * sees it and stops the fit.
 */
import { describe, it, expect } from 'vitest';
import { Tensor, Rng, Sequential, input, Dense, Conv2D, MaxPool2D, Flatten, SGD, randomNormal, terminateOnNaN } from '../../src/index.js';

const SAMPLES = 64, BATCH = 8, EPOCHS = 3;
const TOTAL_BATCHES = (SAMPLES / BATCH) * EPOCHS;

const x = randomNormal([SAMPLES, 8, 8, 1], new Rng(5));
// One-hot labels cycling through 3 classes.
const y = new Tensor(new Float32Array(SAMPLES * 3).map((_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [SAMPLES, 3]);

function smallConvNet(learningRate: number): Sequential {
  const model = new Sequential([
    input({ shape: [8, 8, 1] }), new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }), new MaxPool2D(),
    new Flatten(), new Dense({ units: 3, activation: 'softmax' }),
  ], { seed: 3 });
  model.compile({ optimizer: new SGD({ learningRate }), loss: 'categorical_crossentropy' });
  return model;
}

/** Fits the model; returns the running loss logged after every batch. */
async function lossesOfFit(model: Sequential, withTerminate: boolean): Promise<number[]> {
  const losses: number[] = [];
  const record = { onBatchEnd: (_batch: number, logs: Record<string, number>) => void losses.push(logs.loss) };
  const warn = console.warn;
  console.warn = () => undefined; // terminateOnNaN's message
  try {
    await model.fit(x, y, { epochs: EPOCHS, batchSize: BATCH, verbose: 0, shuffle: false, callbacks: withTerminate ? [terminateOnNaN(), record] : [record] });
  } finally {
    console.warn = warn;
  }
  return losses;
}

describe('terminateOnNaN with a learning rate that diverges', () => {
  it('without it the run diverges: the loss explodes, then is NaN, and so are the predictions', async () => {
    const model = smallConvNet(1000);
    const losses = await lossesOfFit(model, false);
    expect(losses).toHaveLength(TOTAL_BATCHES);
    expect(losses[0]).toBeLessThan(10); // starts near ln 3 ≈ 1.1
    expect(Math.max(...losses.filter(Number.isFinite))).toBeGreaterThan(1e6);
    expect(losses[TOTAL_BATCHES - 1]).toBeNaN();
    // The weights went NaN; the prediction says so instead of showing plausible probabilities.
    expect(model.getWeights().some((w) => w.data.some(Number.isNaN))).toBe(true);
    expect(Array.from(model.predict(x).data).every(Number.isNaN)).toBe(true);
  });

  it('with it the fit stops at the first batch whose loss is not finite', async () => {
    const losses = await lossesOfFit(smallConvNet(1000), true);
    const last = losses.length - 1;
    expect(losses.length).toBeLessThan(TOTAL_BATCHES);
    expect(Number.isFinite(losses[last])).toBe(false);
    expect(losses.slice(0, last).every(Number.isFinite)).toBe(true);
  });

  it('one NaN in a conv filter (the dense layer finite) makes the loss NaN, and stops the fit at batch 0', async () => {
    // The case ReLU and max-pool used to hide: the NaN channel became 0 before the dense layer.
    const model = smallConvNet(0.01);
    const weights = model.getWeights(); // copies; weights[0] is the Conv2D kernel [3, 3, 1, 4]
    weights[0].data[0] = NaN;
    model.setWeights(weights);
    expect(model.evaluate(x, y).loss).toBeNaN();
    const losses = await lossesOfFit(model, true);
    expect(losses).toHaveLength(1);
    expect(losses[0]).toBeNaN();
  });
});
