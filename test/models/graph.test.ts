/**
 * Functional models as graphs: fan-out, shared layers and merges (gradient-checked through the whole
 * model), construction errors naming the layer, Keras's layer order, when values are dropped, and
 * several inputs and outputs in predict, fit and evaluate with Keras's log names.
 */
import { describe, it, expect } from 'vitest';
import { Tensor, Rng, input, Model, Dense, Add, Concatenate, Multiply, Subtract, Maximum, Flatten, Conv2D, Sequential, randomNormal, SGD, loadModel, type Layer, type CallContext } from '../../src/index.js';
import { buildGraph } from '../../src/models/graph.js';
import { expectClose, expectGradOk, shuffledRamp } from '../helpers.js';

const CTX: CallContext = { training: true, rng: new Rng(0) };

/** Gradient check of the model's forward with respect to its inputs and every weight. */
function checkModelGrad(model: Model, xs: Tensor[], label: string): void {
  model.ensureInitialized();
  const weights = model.trainableWeights();
  expectGradOk((...ts) => {
    const outs = model.callAll(ts.slice(0, xs.length), CTX);
    return outs.length === 1 ? outs[0] : new Concatenate().callInputs(outs, CTX);
  }, [...xs, ...weights], {}, label);
}

describe('gradients through the graph', () => {
  it('fan-out: a tensor used by two layers gets both gradients', () => {
    const x = input({ shape: [3] });
    const left = new Dense({ units: 2, activation: 'tanh' }).apply(x);
    const right = new Dense({ units: 2 }).apply(x);
    const model = new Model({ inputs: x, outputs: new Add().apply([left, right, new Dense({ units: 2 }).apply(left)]), seed: 1 });
    checkModelGrad(model, [shuffledRamp([2, 3], new Rng(1))], 'fan-out');
  });

  it('a shared layer: one Dense called on two inputs, its weights get both calls\' gradients', () => {
    const a = input({ shape: [3], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const shared = new Dense({ units: 2, activation: 'tanh', name: 'shared' });
    const model = new Model({ inputs: [a, b], outputs: new Subtract().apply([shared.apply(a), shared.apply(b)]), seed: 2 });
    expect(model.layers.map((l) => l.name)).toEqual(['a', 'b', 'shared', 'subtract']);
    expect(model.countParams()).toBe(8);
    const rng = new Rng(3);
    checkModelGrad(model, [shuffledRamp([2, 3], rng), shuffledRamp([2, 3], rng)], 'shared');
    // Against the hand-made sum: the kernel's gradient is the sum of the two calls' gradients.
    const kernel = model.trainableWeights()[0];
    const xa = randomNormal([2, 3], rng);
    const xb = randomNormal([2, 3], rng);
    const gradOf = (f: () => Tensor): Float32Array => {
      kernel.requiresGrad = true;
      kernel.grad = null;
      f().backward();
      const g = Float32Array.from((kernel.grad as Tensor | null)?.data ?? []);
      kernel.requiresGrad = false;
      return g;
    };
    const both = gradOf(() => model.callAll([xa, xb], CTX)[0]);
    const onlyA = gradOf(() => shared.call(xa, CTX));
    const onlyB = gradOf(() => shared.call(xb, CTX));
    expectClose(both, onlyA.map((v, i) => v - onlyB[i]), 1e-6, 1e-5);
  });

  it('two outputs, merges and a skip', () => {
    const a = input({ shape: [4] });
    const b = input({ shape: [2] });
    const h = new Dense({ units: 2, activation: 'tanh' }).apply(a);
    const m = new Multiply().apply([h, b]);
    const out1 = new Dense({ units: 3 }).apply(new Concatenate().apply([m, h, b]));
    const out2 = new Maximum().apply([m, new Dense({ units: 2 }).apply(b)]);
    const model = new Model({ inputs: [a, b], outputs: [out1, out2], seed: 3 });
    const rng = new Rng(4);
    checkModelGrad(model, [shuffledRamp([2, 4], rng, 0.1), shuffledRamp([2, 2], rng, 0.37)], 'two outputs');
  });
});

describe('construction errors', () => {
  it('an output not computed from the inputs, an unused input, a name used twice, a non-input as input', () => {
    const a = input({ shape: [2] });
    const b = input({ shape: [2] });
    const out = new Dense({ units: 1, name: 'head' }).apply(a);
    expect(() => new Model({ inputs: b, outputs: out })).toThrow(/output Dense 'head' \(None, 1\) is not computed from the given inputs: it needs InputLayer \(None, 2\)/);
    expect(() => new Model({ inputs: [a, b], outputs: out })).toThrow(/input InputLayer \(None, 2\) is not used by any output/);
    const twin = new Dense({ units: 1, name: 'head' }).apply(out);
    expect(() => new Model({ inputs: a, outputs: twin })).toThrow(/Model 'model': the name 'head' is used by two layers, Dense and Dense/);
    expect(() => new Model({ inputs: out, outputs: twin })).toThrow(/inputs\[0\] must come from input\(\{ shape \}\), got the output of Dense 'head' \(None, 1\)/);
  });

  it('a shared layer called on a shape its weights do not fit', () => {
    const d = new Dense({ units: 2, name: 'd' });
    d.apply(input({ shape: [3] }));
    expect(() => d.apply(input({ shape: [4] }))).toThrow(/Dense 'd': a shared layer built for input shape \(None, 3\) cannot take \(None, 4\)/);
    const conv = new Conv2D({ filters: 2, kernelSize: 1, name: 'c' });
    conv.apply(input({ shape: [4, 4, 3] }));
    expect(() => conv.apply(input({ shape: [4, 4, 2] }))).toThrow(/Conv2D 'c': a shared layer built for input shape \(None, 4, 4, 3\) cannot take \(None, 4, 4, 2\)/);
  });
});

describe('the graph', () => {
  it("lists layers in Keras's order and drops each value after its last consumer", () => {
    // Keras: depth 0 = outputs; a layer's depth is its deepest node's; deepest first, then first met from the outputs.
    const x = input({ shape: [2], name: 'x' });
    const l1 = new Dense({ units: 2, name: 'l1' }).apply(x);
    const r1 = new Dense({ units: 2, name: 'r1' }).apply(x);
    const l2 = new Dense({ units: 2, name: 'l2' }).apply(l1);
    const sum = new Add({ name: 'sum' }).apply([l2, r1]);
    const model = new Model({ inputs: x, outputs: sum });
    // Depths: sum 0; l2 1, r1 1; l1 2; x 3. From the output, l2 is met before r1.
    expect(model.layers.map((l) => l.name)).toEqual(['x', 'l1', 'l2', 'r1', 'sum']);
    const g = buildGraph([x], [sum], 'test');
    const at = (t: typeof x): string => g.order[g.lastUse.get(t) as number].layer.name;
    expect(g.order.map((n) => n.layer.name)).toEqual(['l1', 'l2', 'r1', 'sum']);
    expect([at(x), at(l1), at(l2), at(r1)]).toEqual(['r1', 'l2', 'sum', 'sum']);
    expect(g.lastUse.get(sum)).toBe(Infinity);
  });

  it("a model built from another model's layers (a feature extractor) shares their weights, trained or set", () => {
    const x = input({ shape: [3] });
    const hidden = new Dense({ units: 4, activation: 'tanh' }).apply(x);
    const full = new Model({ inputs: x, outputs: new Dense({ units: 2 }).apply(hidden), seed: 1 });
    full.setWeights(full.getWeights().map((w) => randomNormal(w.shape, new Rng(7))));
    const features = new Model({ inputs: x, outputs: hidden, seed: 99 });
    const xs = randomNormal([2, 3], new Rng(8));
    expectClose(features.predict(xs), full.layers[1].call(xs, CTX), 0, 0);
    expectClose(features.getWeights()[0], full.getWeights()[0], 0, 0);
  });

  it('Sequential is a graph too: a chain, with the same summary as before', () => {
    const s = new Sequential([new Flatten({ inputShape: [2, 2] }), new Dense({ units: 1 })]);
    expect(s.layers.map((l: Layer) => l.className)).toEqual(['Flatten', 'Dense']);
    expect(s.inputs.length).toBe(1);
    expect(s.outputs[0].shape).toEqual([null, 1]);
  });
});

/** Two inputs ('img' 4 values, 'meta' 2), two outputs ('cls' softmax 3, 'reg' 1) with a shared Dense. */
function twoByTwo(seed = 1): Model {
  const img = input({ shape: [4], name: 'img' });
  const meta = input({ shape: [2], name: 'meta' });
  const shared = new Dense({ units: 2, activation: 'tanh', name: 'shared' });
  const h = new Concatenate({ name: 'join' }).apply([new Dense({ units: 3, activation: 'relu', name: 'trunk' }).apply(img), shared.apply(meta)]);
  const cls = new Dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(h);
  const reg = new Dense({ units: 1, name: 'reg' }).apply(new Add({ name: 'skip' }).apply([shared.apply(new Dense({ units: 2, name: 'proj' }).apply(img)), shared.apply(meta)]));
  return new Model({ inputs: [img, meta], outputs: [cls, reg], seed });
}

function data(n: number, seed: number): { x: Tensor[]; y: Tensor[] } {
  const rng = new Rng(seed);
  const labels = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) labels[i * 3 + (i % 3)] = 1;
  return { x: [randomNormal([n, 4], rng), randomNormal([n, 2], rng)], y: [new Tensor(labels, [n, 3]), randomNormal([n, 1], rng)] };
}

describe('several inputs and outputs', () => {
  it('predict takes a list or an object by input name and gives a list', () => {
    const model = twoByTwo();
    const { x } = data(5, 1);
    const list = model.predict<Tensor[]>(x, { batchSize: 2 });
    expect(list.map((t) => t.shape)).toEqual([[5, 3], [5, 1]]);
    const byName = model.predict<Tensor[]>({ meta: x[1], img: x[0] });
    list.forEach((t, i) => expectClose(byName[i], t, 0, 0));
    expect(() => model.predict(x[0])).toThrow(/predict x is one tensor but the model has 2 \(img, meta\)/);
    expect(() => model.predict({ img: x[0] })).toThrow(/predict x has no tensor for 'meta'/);
    expect(() => model.predict({ img: x[0], meta: x[1], extra: x[1] })).toThrow(/predict x has 'extra', which the model does not have/);
    expect(() => model.predict([x[1], x[0]])).toThrow(/predict x 'img' has shape \[5, 2\], expected \(None, 4\)/);
  });

  it("compile per output; evaluate's loss is the weighted sum; Keras's log names", () => {
    const model = twoByTwo();
    model.compile({ optimizer: 'sgd', loss: { cls: 'categorical_crossentropy', reg: 'mse' }, lossWeights: [1, 0.5], metrics: { cls: ['accuracy'] } });
    const { x, y } = data(6, 2);
    const logs = model.evaluate(x, { cls: y[0], reg: y[1] }, { batchSize: 4 });
    expect(Object.keys(logs)).toEqual(['loss', 'cls_loss', 'reg_loss', 'cls_accuracy']);
    expectClose([logs.loss], [logs.cls_loss + 0.5 * logs.reg_loss], 1e-6, 1e-6);
    // Each output's loss alone, by hand from predict.
    const [p, r] = model.predict<Tensor[]>(x);
    let ce = 0;
    let se = 0;
    for (let i = 0; i < 6; i++) {
      ce -= Math.log(p.data[i * 3 + (i % 3)]);
      se += (r.data[i] - y[1].data[i]) ** 2;
    }
    expectClose([logs.cls_loss, logs.reg_loss], [ce / 6, se / 6], 1e-5, 1e-5);
    model.compile({ optimizer: 'sgd', loss: ['categorical_crossentropy', 'mse'], metrics: ['accuracy'] });
    expect(Object.keys(model.evaluate(x, y))).toEqual(['loss', 'cls_loss', 'reg_loss', 'cls_accuracy', 'reg_accuracy']);
    expect(() => model.compile({ optimizer: 'sgd', loss: { cls: 'mse' } })).toThrow(/compile: no loss for output 'reg'/);
    expect(() => model.compile({ optimizer: 'sgd', loss: ['mse'] })).toThrow(/compile: loss lists 1 entries for 2 outputs \(cls, reg\)/);
    expect(() => model.compile({ optimizer: 'sgd', loss: { clss: 'mse', reg: 'mse' } })).toThrow(/compile: loss names 'clss', not an output of the model/);
  });

  it('fit: the History keys, validationSplit and validationData, one step equal to the hand-made one', async () => {
    const model = twoByTwo(5);
    const compile = (): void => model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: ['categorical_crossentropy', 'mse'], lossWeights: { reg: 2 }, metrics: ['accuracy'] });
    compile();
    const { x, y } = data(10, 3);
    const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, validationSplit: 0.2, seed: 1 });
    expect(Object.keys(history.history)).toEqual([
      'loss', 'cls_loss', 'reg_loss', 'cls_accuracy', 'reg_accuracy',
      'val_loss', 'val_cls_loss', 'val_reg_loss', 'val_cls_accuracy', 'val_reg_accuracy',
    ]);
    const v = data(3, 4);
    const h2 = await model.fit({ img: x[0], meta: x[1] }, { cls: y[0], reg: y[1] }, { epochs: 1, verbose: 0, validationData: [v.x, v.y] });
    expectClose([h2.history.val_loss[0]], [model.evaluate(v.x, v.y).loss], 1e-6, 1e-6);
    // One full-batch step of SGD equals w − 0.1·∂(L_cls + 2·L_reg)/∂w computed by hand with backward.
    const before = model.getWeights();
    const params = model.trainableWeights();
    for (const p of params) {
      p.requiresGrad = true;
      p.grad = null;
    }
    // The classification loss is computed from the logits (compile's from_logits for a softmax output).
    const heads = (model.compiled as NonNullable<Model['compiled']>).outputs;
    expect(heads.map((h) => h.fromLogits)).toEqual([true, false]);
    const [p, r] = model.callAll(x, CTX, heads.map((h) => h.fromLogits));
    const total = (compiledLoss(model, 0, y[0], p).item() + 2 * compiledLoss(model, 1, y[1], r).item());
    compiledLoss(model, 0, y[0], p).backward();
    const gradOrZero = (q: Tensor): Float32Array => q.grad?.data ?? new Float32Array(q.size);
    const g1 = params.map((q) => Float32Array.from(gradOrZero(q)));
    for (const q of params) q.grad = null;
    compiledLoss(model, 1, y[1], r).backward();
    const want = params.map((q, i) => q.data.map((w, k) => w - 0.1 * (g1[i][k] + 2 * gradOrZero(q)[k])));
    for (const q of params) {
      q.requiresGrad = false;
      q.grad = null;
    }
    const h3 = await model.fit(x, y, { epochs: 1, batchSize: 10, verbose: 0, shuffle: false });
    expectClose([h3.history.loss[0]], [total], 1e-5, 1e-5);
    model.trainableWeights().forEach((q, i) => expectClose(q, want[i], 1e-6, 1e-5, `weight ${i}`));
    expect(before.length).toBe(model.getWeights().length);
  });
});

describe('progress and files with several outputs', () => {
  it('the progress line shows every logged value', async () => {
    const model = twoByTwo(6);
    model.compile({ optimizer: 'sgd', loss: ['categorical_crossentropy', 'mse'], metrics: { cls: 'accuracy' } });
    const { x, y } = data(4, 7);
    let text = '';
    await model.fit(x, y, { epochs: 1, verbose: 2, output: { isTTY: false, write: (t) => void (text += t) } });
    expect(text).toMatch(/^Epoch 1\/1\n1\/1 - \d+s - loss: \S+ - cls_loss: \S+ - reg_loss: \S+ - cls_accuracy: \S+ - /);
  });

  it('saved with its optimizer, a two-output model comes back compiled per output and resumes identically', async () => {
    const model = twoByTwo(9);
    model.compile({ optimizer: 'adam', loss: { cls: 'categorical_crossentropy', reg: 'mse' }, lossWeights: { cls: 1, reg: 0.25 }, metrics: { cls: ['accuracy'] } });
    const { x, y } = data(8, 10);
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, seed: 3 });
    const back = await loadModel(await model.save(undefined, { includeOptimizer: true }), { includeOptimizer: true });
    const heads = (back.compiled as NonNullable<Model['compiled']>).outputs.map((h) => [h.output, h.lossName, h.weight, h.metrics.map((m) => m.name)]);
    expect(heads).toEqual([['cls', 'categorical_crossentropy', 1, ['accuracy']], ['reg', 'mean_squared_error', 0.25, []]]);
    const h1 = await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, seed: 4 });
    const h2 = await back.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, seed: 4 });
    expect(h2.history).toEqual(h1.history);
  });

  it("a file numbers a layer's calls within the model, though the layer was also called outside it", async () => {
    const d = new Dense({ units: 2, name: 'd' });
    d.apply(input({ shape: [3] })); // a call outside the model: node 0 of d
    const a = input({ shape: [3], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const model = new Model({ inputs: [a, b], outputs: new Add({ name: 'sum' }).apply([d.apply(a), d.apply(b)]), seed: 1 });
    const saved = await model.save();
    const layers = (saved.modelJson.modelTopology as { config: { layers: { name: string; inbound_nodes: unknown }[] } }).config.layers;
    expect(layers.find((l) => l.name === 'd')?.inbound_nodes).toEqual([[['a', 0, 0, {}]], [['b', 0, 0, {}]]]);
    expect(layers.find((l) => l.name === 'sum')?.inbound_nodes).toEqual([[['d', 0, 0, {}], ['d', 1, 0, {}]]]);
    const back = await loadModel(saved);
    const rng = new Rng(8);
    const xs = [randomNormal([2, 3], rng), randomNormal([2, 3], rng)];
    expectClose(back.predict(xs), model.predict(xs), 0, 0);
  });
});

function compiledLoss(model: Model, o: number, y: Tensor, p: Tensor): Tensor {
  return (model.compiled as NonNullable<Model['compiled']>).outputs[o].loss(y, p);
}
