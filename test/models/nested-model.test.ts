/**
 * A model used as a layer: gradients through it (gradCheck on its input and on an inner weight), a
 * base shared by two calls in the functional API, errors that name it, and arithmetic written out.
 */
import { describe, it, expect } from 'vitest';
import { Rng, tensor, input, Model, Sequential, Dense, Add, Activation, SGD, type CallContext } from '../../src/index.js';
import { expectClose, expectGradOk, shuffledRamp } from '../helpers.js';

const CTX: CallContext = { training: false, rng: new Rng(0) };

/** input [3] → Dense(2, tanh) → Dense(2): a small base with a smooth activation. */
function base(seed: number): Model {
  const x = input({ shape: [3] });
  const h = new Dense({ units: 2, activation: 'tanh', name: 'inner_a' }).apply(x);
  const model = new Model({ inputs: x, outputs: new Dense({ units: 2, name: 'inner_b' }).apply(h), name: 'base', seed });
  model.ensureInitialized();
  return model;
}

describe('a model used as a layer', () => {
  it('passes gradCheck on its input and on an inner weight', () => {
    const model = base(3);
    const layer = model.asLayer();
    layer.apply(input({ shape: [3] }));
    const x = shuffledRamp([2, 3], new Rng(5));
    const kernel = model.layers[1].weights[0].value;
    expectGradOk((xi) => layer.callInputs([xi], CTX), [x, kernel], {}, 'NestedModel');
  });

  it('computes its model: Dense(2) inside a Sequential, written out', () => {
    const inner = new Sequential([input({ shape: [2] }), new Dense({ units: 2, useBias: false, name: 'd' })], { name: 'inner' });
    inner.setWeights([tensor([[1, 2], [3, 4]])]);
    const outer = new Sequential([inner, new Activation({ activation: 'relu' })]);
    // [1, -1]·[[1, 2], [3, 4]] = [1 − 3, 2 − 4] = [−2, −2] → relu → [0, 0]; [2, 1] → [5, 8].
    expectClose(outer.predict(tensor([[1, -1], [2, 1]])), [0, 0, 5, 8], 0, 0, 'nested Sequential');
    expect(outer.layers.map((l) => `${l.className} ${l.name}`)).toEqual(['Sequential inner', 'Activation activation']);
  });

  it('shared by two calls: one set of weights, both outputs from it', () => {
    const shared = base(7);
    const a = input({ shape: [3], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const sum = new Add().apply([shared.apply(a), shared.apply(b)]);
    const siamese = new Model({ inputs: [a, b], outputs: sum });
    expect(siamese.countParams()).toBe(shared.countParams());
    const xa = tensor([[0.1, 0.2, 0.3]]);
    const xb = tensor([[-0.5, 0.4, 0.9]]);
    const want = shared.predict(xa).data.map((v, i) => v + shared.predict(xb).data[i]);
    expectClose(siamese.predict([xa, xb]), Array.from(want), 1e-6, 1e-6, 'siamese');
  });

  it('a nested Sequential with no input shape takes its caller’s', () => {
    const head = new Sequential([new Dense({ units: 4, name: 'h' })], { name: 'head' });
    const x = input({ shape: [5] });
    const model = new Model({ inputs: x, outputs: head.apply(x) });
    expect(model.outputShape).toEqual([null, 4]);
    expect(model.countParams()).toBe(5 * 4 + 4);
  });

  it('fit through it equals fit of the same layers unnested, weight regularizers included', async () => {
    const make = (): Dense[] => [new Dense({ units: 3, activation: 'tanh', kernelRegularizer: 'l2', name: 'a' }), new Dense({ units: 2, name: 'b' })];
    const [a1, b1] = make();
    const flat = new Sequential([input({ shape: [4] }), a1, b1], { seed: 9 });
    const [a2, b2] = make();
    const nested = new Sequential([new Sequential([input({ shape: [4] }), a2], { name: 'inner' }), b2], { seed: 9 });
    nested.setWeights(flat.getWeights());
    const x = tensor([[0.1, -0.2, 0.3, 0.4], [0.5, 0.6, -0.7, 0.8]]);
    const y = tensor([[1, 0], [0, 1]]);
    for (const m of [flat, nested]) {
      m.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'mse' });
      await m.fit(x, y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0 });
    }
    const before = flat.getWeights();
    nested.getWeights().forEach((w, i) => expectClose(w, Array.from(before[i].data), 0, 0, `weight ${i}`));
    // And training moved them (the check above is not of two untouched models).
    expect(Array.from(before[0].data)).not.toEqual(Array.from(new Sequential([input({ shape: [4] }), ...make()], { seed: 9 }).getWeights()[0].data));
  });

  it('errors name the nested model and the shapes', () => {
    const model = base(1);
    expect(() => model.apply(input({ shape: [4] }))).toThrow("Model 'base': expected input shape (None, 3), got (None, 4)");
    const x = input({ shape: [3] });
    const two = new Model({ inputs: x, outputs: [new Dense({ units: 1 }).apply(x), new Dense({ units: 1 }).apply(x)], name: 'two' });
    expect(() => two.apply(input({ shape: [3] }))).toThrow("Model 'two': a model used as a layer must have one output, this one has 2");
  });
});
