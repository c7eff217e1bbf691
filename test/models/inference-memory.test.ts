/**
 * Inference memory is O(batch): under noGrad no op output keeps its inputs or its backward closure,
 * so predict and evaluate over 10,000 images of the classic CNN leave nothing of a batch reachable.
 * Before, predict kept every batch's whole graph alive (4.1 GB of RSS for 10,000 digits). Memory is
 * measured as the growth of the process's resident set (RSS), not as a duration.
 */
import { describe, it, expect } from 'vitest';
import { classicCnn, randomNormal, noGrad, Rng, Tensor, Sequential, input, Dense, Activation } from '../../src/index.js';

const MB = 2 ** 20;
const N = 10_000;

describe('inference memory', () => {
  it('predict and evaluate over 10,000 images grow RSS by less than 300 MB beyond input and output', () => {
    const model = classicCnn({ seed: 1 });
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const x = randomNormal([N, 28, 28, 1], new Rng(1)); // 31 MB, allocated before the baseline
    const labels = new Float32Array(N * 10);
    for (let i = 0; i < N; i++) labels[i * 10 + (i % 10)] = 1;
    const y = new Tensor(labels, [N, 10]);
    // Warm up on one batch (wasm heaps, scratch buffers) before the baseline.
    model.predict(randomNormal([32, 28, 28, 1], new Rng(2)));
    const before = process.memoryUsage().rss;

    const out = model.predict(x, { batchSize: 32 });
    expect(out.shape).toEqual([N, 10]);
    expect(out.inputs).toEqual([]); // predict's result holds nothing of the batches
    const afterPredict = process.memoryUsage().rss;
    const logs = model.evaluate(x, y, { batchSize: 32 });
    expect(Number.isFinite(logs.loss)).toBe(true);
    const afterEvaluate = process.memoryUsage().rss;

    const outputBytes = out.size * 4;
    const grown = (rss: number): number => (rss - before - outputBytes) / MB;
    expect(grown(afterPredict), `predict grew RSS by ${grown(afterPredict).toFixed(0)} MB`).toBeLessThan(300);
    expect(grown(afterEvaluate), `evaluate grew RSS by ${grown(afterEvaluate).toFixed(0)} MB`).toBeLessThan(300);
  }, 600_000); // ~10 s alone; generous for a busy machine (no duration is asserted)

  it('under noGrad a model output keeps no inputs, even with weights that require gradients', () => {
    const model = classicCnn({ seed: 2 });
    for (const w of model.trainableWeights()) w.requiresGrad = true;
    const x = randomNormal([2, 28, 28, 1], new Rng(3));
    const y = noGrad(() => model.call(x, { training: false, rng: new Rng(0) }));
    expect(y.inputs).toEqual([]);
    expect(y.requiresGrad).toBe(false);
    // With gradients on, the same call records its graph (backward needs it).
    expect(model.call(x, { training: false, rng: new Rng(0) }).inputs.length).toBeGreaterThan(0);
  });
});

describe('from_logits is decided by compile from the output layer', () => {
  it('a softmax output (Dense or Activation, built or not yet) trains from the logits; mse does not', () => {
    const dense = classicCnn({ seed: 3 });
    dense.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    expect(dense.compiled?.fromLogits).toBe(true);
    const unbuilt = new Sequential([new Dense({ units: 4 }), new Activation({ activation: 'softmax' })]);
    unbuilt.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    expect(unbuilt.compiled?.fromLogits).toBe(true);
    const sigmoid = new Sequential([input({ shape: [3] }), new Dense({ units: 1, activation: 'sigmoid' })]);
    sigmoid.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
    expect(sigmoid.compiled?.fromLogits).toBe(true);
    sigmoid.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(sigmoid.compiled?.fromLogits).toBe(false);
  });

  it('with logits the output layer skips only its own activation, and the fused loss equals −log p of the label', () => {
    const model = new Sequential([input({ shape: [2] }), new Dense({ units: 3, activation: 'relu' }), new Dense({ units: 3, activation: 'softmax' })], { seed: 4 });
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const x = new Tensor(Float32Array.of(1, -2, 0.5, 3), [2, 2]);
    const ctx = { training: false, rng: new Rng(0) };
    const p = model.call(x, ctx);
    const z = model.call(x, { ...ctx, logits: true });
    // softmax(z) is the prediction, so the hidden relu ran and only the last softmax was skipped.
    const compiled = model.compiled as NonNullable<typeof model.compiled>;
    Array.from(compiled.predictions(z).data).forEach((v, i) => expect(v).toBeCloseTo(p.data[i], 6));
    const y = new Tensor(Float32Array.of(0, 1, 0, 0, 0, 1), [2, 3]);
    const want = -(Math.log(p.data[1]) + Math.log(p.data[5])) / 2;
    expect(model.evaluate(x, y).loss).toBeCloseTo(want, 5);
  });
});
