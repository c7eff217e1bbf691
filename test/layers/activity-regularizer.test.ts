/**
 * activityRegularizer (Keras's activity_regularizer): a penalty on a layer's output added to fit's and
 * evaluate's loss, divided by the batch size (Keras 2, the default) or not (Keras 3, 'sum'). Every
 * expected number is arithmetic written out here, on one Dense layer with fixed weights:
 *
 *   x = [[1, 2], [3, −1]],  kernel = [[0.5, −1], [0.25, 2]],  bias = [0.1, −0.2]
 *   y = x·kernel + bias = [[1.1, 2.8], [1.35, −5.2]]
 *   Σ|y| = 1.1 + 2.8 + 1.35 + 5.2 = 10.45;  Σy² = 1.21 + 7.84 + 1.8225 + 27.04 = 37.9125
 *   l1l2 { l1: 0.1, l2: 0.05 }: penalty = 0.1·10.45 + 0.05·37.9125 = 1.045 + 1.895625 = 2.940625
 *   mse against zeros = Σy² / 4 = 9.478125
 */
import { describe, test, expect } from 'vitest';
import {
  penalizeInto,
  regularizers, tensor, gradCheck, input, Model, Sequential, Dense, Activation, Flatten, Conv2D, Tensor, SGD, Rng, type ActivityReduction,
} from '../../src/index.js';
import { expectClose } from '../helpers.js';

const X = [[1, 2], [3, -1]];
const KERNEL = [[0.5, -1], [0.25, 2]];
const BIAS = [0.1, -0.2];
const Y = [[1.1, 2.8], [1.35, -5.2]];
const MSE = 9.478125;
const PENALTY = 2.940625;

/** input(2) → Dense(2) with the weights above and an l1l2 { 0.1, 0.05 } activity penalty. */
function denseModel(reduction?: ActivityReduction, activation = 'linear'): Model {
  const x = input({ shape: [2] });
  const dense = new Dense({ units: 2, activation, activityRegularizer: regularizers.l1l2({ l1: 0.1, l2: 0.05 }), activityReduction: reduction });
  const m = new Model({ inputs: x, outputs: dense.apply(x), seed: 1 });
  m.setWeights([tensor(KERNEL), tensor(BIAS)]);
  return m;
}

describe('activityRegularizer: the loss with the penalty', () => {
  test("evaluate: Keras 2's penalty / batch size (the default), Keras 3's whole", () => {
    const k2 = denseModel();
    const k3 = denseModel('sum');
    expect(k2.layers[1].activityReduction).toBe('sum_over_batch_size');
    for (const m of [k2, k3]) m.compile({ optimizer: 'sgd', loss: 'mse' });
    // Keras 2: 9.478125 + 2.940625 / 2 = 10.9484375; Keras 3: 9.478125 + 2.940625 = 12.41875.
    expect(k2.evaluate(tensor(X), tensor([[0, 0], [0, 0]]), { batchSize: 2 }).loss).toBeCloseTo(MSE + PENALTY / 2, 5);
    expect(k3.evaluate(tensor(X), tensor([[0, 0], [0, 0]]), { batchSize: 2 }).loss).toBeCloseTo(MSE + PENALTY, 5);
  });

  test("Keras 2's is the same for any batch size, Keras 3's grows with it", () => {
    // Batches of one: row 0 has mse (1.21 + 7.84)/2 = 4.525 and penalty 0.1·3.9 + 0.05·9.05 = 0.8425;
    // row 1 has mse 28.8625/2 = 14.43125 and penalty 0.1·6.55 + 0.05·28.8625 = 2.098125. Both
    // versions then report (4.525 + 0.8425 + 14.43125 + 2.098125) / 2 = 10.9484375.
    for (const reduction of ['sum_over_batch_size', 'sum'] as const) {
      const m = denseModel(reduction);
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      expect(m.evaluate(tensor(X), tensor([[0, 0], [0, 0]]), { batchSize: 1 }).loss).toBeCloseTo(10.9484375, 5);
    }
  });

  test("fit's reported loss includes it, and one SGD step follows the penalty's gradient", async () => {
    const m = denseModel();
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    const h = await m.fit(tensor(X), tensor([[0, 0], [0, 0]]), { batchSize: 2, epochs: 1, shuffle: false, verbose: 0 });
    expect(h.history.loss[0]).toBeCloseTo(MSE + PENALTY / 2, 5);
    // dL/dy = 2y/4 (mse) + (0.1·sign(y) + 2·0.05·y) / 2 (the penalty over the batch of 2);
    // kernel −= 0.1·xᵀ·dL/dy, bias −= 0.1·Σ_rows dL/dy.
    const dy = Y.map((row) => row.map((y) => y / 2 + (0.1 * Math.sign(y) + 0.1 * y) / 2));
    const kernel = KERNEL.map((row, i) => row.map((w, j) => w - 0.1 * (X[0][i] * dy[0][j] + X[1][i] * dy[1][j])));
    const bias = BIAS.map((b, j) => b - 0.1 * (dy[0][j] + dy[1][j]));
    const [k, b] = m.getWeights();
    expectClose(k, kernel, 1e-6, 1e-5);
    expectClose(b, bias, 1e-6, 1e-5);
  });

  test('predict is unaffected; a forward pass records the penalty only where the caller collects it', () => {
    const m = denseModel();
    expectClose(m.predict(tensor(X)), Y, 1e-6, 1e-6);
    expectClose(m.callAll([tensor(X)], { training: true, rng: new Rng(0) })[0], Y, 1e-6, 1e-6);
    const penalties: Tensor[] = [];
    m.callAll([tensor(X)], { training: false, penalize: penalizeInto(penalties) });
    expect(penalties.map((p) => p.item())).toEqual([expect.closeTo(PENALTY / 2, 5)]);
  });

  test('on the activated output: an output softmax with a penalty is not fused with the loss', () => {
    const m = denseModel('sum_over_batch_size', 'softmax');
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    expect(m.compiled?.fromLogits).toBe(false);
    const labels = [[0, 1], [1, 0]];
    const p = Y.map((row) => row.map((v) => Math.exp(v) / row.reduce((s, u) => s + Math.exp(u), 0)));
    const ce = -(Math.log(p[0][1]) + Math.log(p[1][0])) / 2;
    // Σ|p| = 2 (each row sums to 1); the penalty is on the probabilities.
    const penalty = (0.1 * 2 + 0.05 * p.flat().reduce((s, v) => s + v * v, 0)) / 2;
    expect(m.evaluate(tensor(X), tensor(labels), { batchSize: 2 }).loss).toBeCloseTo(ce + penalty, 5);
  });

  test('any layer takes it, and a nested model adds its layers’ penalties to the outer loss', () => {
    const inner = denseModel('sum');
    const x = input({ shape: [2] });
    const outer = new Model({ inputs: x, outputs: new Activation({ activation: 'linear', activityRegularizer: regularizers.l1(0.5) }).apply(inner.apply(x)) });
    outer.compile({ optimizer: 'sgd', loss: 'mse' });
    // The inner Dense adds 2.940625 (Keras 3), the outer Activation 0.5·10.45 / 2 = 2.6125 (Keras 2).
    expect(outer.evaluate(tensor(X), tensor([[0, 0], [0, 0]]), { batchSize: 2 }).loss).toBeCloseTo(MSE + PENALTY + 2.6125, 5);
  });

  test('bad options name the layer', () => {
    expect(() => new Dense({ units: 2, name: 'd', activityRegularizer: 'l3' as 'l2' })).toThrow(/Dense 'd': unknown regularizer "l3"/);
    expect(() => new Flatten({ activityReduction: 'mean' as 'sum' })).toThrow(/Flatten: activityReduction must be 'sum_over_batch_size' \(Keras 2\) or 'sum' \(Keras 3\), got "mean"/);
  });
});

describe('activityRegularizer: gradients', () => {
  for (const reduction of ['sum_over_batch_size', 'sum'] as const) {
    test(`gradCheck of a Conv2D's penalty with respect to its input and kernel (${reduction})`, () => {
      const rng = new Rng(7);
      const conv = new Conv2D({ filters: 3, kernelSize: 2, activation: 'tanh', activityRegularizer: regularizers.l1l2({ l1: 0.3, l2: 0.2 }), activityReduction: reduction, inputShape: [4, 4, 2] });
      const m = new Sequential([conv], { seed: 3 });
      m.ensureInitialized();
      // Biases of both signs keep the outputs away from the kink of |y| at 0, on both of its sides.
      conv.weights[1].value.data.set([1, -1, 0.8]);
      const x = new Tensor(Float32Array.from({ length: 3 * 4 * 4 * 2 }, () => rng.uniform(-0.3, 0.3)), [3, 4, 4, 2]);
      const penalty = (xx: Tensor): Tensor => {
        const penalties: Tensor[] = [];
        m.callAll([xx], { training: true, rng, penalize: penalizeInto(penalties) });
        return penalties[0];
      };
      const y = Array.from(m.predict(x).data);
      expect(Math.min(...y.map(Math.abs))).toBeGreaterThan(0.1);
      expect(y.some((v) => v < 0) && y.some((v) => v > 0)).toBe(true);
      const r = gradCheck(penalty, [x, conv.weights[0].value]);
      expect(r.maxError).toBeLessThan(1e-2);
      expect(r.passed).toBe(true);
    });
  }
});
