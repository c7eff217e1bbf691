/**
 * The inference-only model (InferenceModel, tatami/infer's) initializes nothing and draws nothing:
 * its weights come from a file or setWeights, and a weight without values is an error naming the
 * layer and the weight. The training Model built on the same layers initializes them from its seed.
 */
import { describe, test, expect } from 'vitest';
import { InferenceModel, Model, input, Dense, Dropout, tensor, type SymbolicTensor } from '../../src/index.js';

/** input(3) → Dense(2, 'dense_a') → Dropout (pinned to training mode when `mcDropout`). */
function graph(mcDropout = false): { inputs: SymbolicTensor; outputs: SymbolicTensor } {
  const x = input({ shape: [3] });
  const h = new Dense({ units: 2, name: 'dense_a', kernelInitializer: 'he_normal' }).apply(x);
  return { inputs: x, outputs: new Dropout({ rate: 0.5, name: 'drop' }).apply(h, mcDropout ? { training: true } : {}) };
}

const X = tensor([[1, 2, 3], [-1, 0.5, 2]]);

describe('InferenceModel', () => {
  test('a weight without values fails predict and getWeights, naming the model, the layer and the weight', () => {
    const model = new InferenceModel({ ...graph(), name: 'm' });
    const message = "m: layer 'dense_a': weight 'kernel' has no values (weights not set); load them or use tatami's Model, which initializes them";
    expect(() => model.predict(X)).toThrow(message);
    expect(() => model.getWeights()).toThrow(message);
  });

  test('given its weights, it predicts as the training Model it got them from', () => {
    const trained = new Model({ ...graph(), seed: 4 });
    const model = new InferenceModel(graph());
    model.setWeights(trained.getWeights());
    expect(Array.from(model.predict(X).data)).toEqual(Array.from(trained.predict(X).data));
    expect(model.getWeights().map((w) => Array.from(w.data))).toEqual(trained.getWeights().map((w) => Array.from(w.data)));
  });

  test('a call pinned to training mode has no generator to draw from, and says so naming the layer', () => {
    const trained = new Model({ ...graph(true), seed: 4 });
    const model = new InferenceModel(graph(true));
    model.setWeights(trained.getWeights());
    // The training Model draws the dropout mask from its Rng; the inference model has none.
    expect(trained.predict(X).shape).toEqual([2, 2]);
    expect(() => model.predict(X)).toThrow("Dropout 'drop': a call in training mode draws random numbers and needs ctx.rng: tatami's Model gives its Rng (fit, and predict through a layer pinned to training); tatami/infer's models have none, so load the model with tatami's loadModel to run it in training mode");
  });
});
