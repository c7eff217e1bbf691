/**
 * Storage reuse: allocFloat32 hands back given-back buffers zeroed; releaseFloat32 ignores views
 * and repeats; recycleGraph gives back a step's op outputs and gradients but never a leaf's storage;
 * and fit, which recycles every step, trains to the very same bits as a loop that never does.
 */
import { describe, it, expect } from 'vitest';
import {
  Tensor, Sequential, Model, input, Conv2D, MaxPool2D, Flatten, Dense, Dropout, Reshape, BatchNormalization, Activation, Adam, SGD,
  randomNormal, Rng,
  conv2d, maxPool2d, flatten, matmul, relu, sum,
} from '../../src/index.js';
import { allocFloat32, releaseFloat32 } from '../../src/storage.js';
import { accumulateFreshGrad } from '../../src/tensor.js';
import { recycleGraph } from '../../src/recycle.js';
import { KERNEL_SETTINGS, useKernels } from '../kernel-settings.js';

// Lengths no other test here allocates, so the shared free lists start empty for each case.
describe('allocFloat32 and releaseFloat32', () => {
  it('reuses a given-back buffer of the same length, zero-filled; other lengths get a new one', () => {
    const a = allocFloat32(1001).fill(7);
    releaseFloat32([a]);
    const b = allocFloat32(1001);
    expect(b).toBe(a);
    expect(b.every((x) => x === 0)).toBe(true);
    expect(allocFloat32(1001)).not.toBe(a); // taken once only
    releaseFloat32([allocFloat32(1002)]);
    expect(allocFloat32(1003).length).toBe(1003);
  });

  it('accumulateFreshGrad keeps a first gradient as the storage, gives a summed-in one back', () => {
    const t = new Tensor(new Float32Array(1013), [1013], true);
    const first = allocFloat32(1013).fill(1);
    accumulateFreshGrad(t, first);
    expect(t.grad!.data).toBe(first);
    const second = allocFloat32(1013).fill(2);
    accumulateFreshGrad(t, second); // a second consumer's share: added in, its buffer given back
    expect(t.grad!.data).toBe(first);
    expect(Array.from(new Set(first))).toEqual([3]);
    expect(allocFloat32(1013)).toBe(second);
  });

  it('ignores subarrays, empty arrays and a buffer given back twice', () => {
    const whole = new Float32Array(2010);
    releaseFloat32([whole.subarray(0, 1005), whole.subarray(1005)]);
    expect(allocFloat32(1005).buffer).not.toBe(whole.buffer);
    const c = new Float32Array(1007);
    releaseFloat32([c, c]);
    releaseFloat32([c]);
    expect(allocFloat32(1007)).toBe(c);
    expect(allocFloat32(1007)).not.toBe(c);
  });
});

describe('recycleGraph', () => {
  it('gives back op outputs and gradients, keeps leaves and views of them', () => {
    const rng = new Rng(3);
    const x = randomNormal([1, 5, 5, 1], rng); // a leaf input, no grad
    const w = randomNormal([3, 3, 1, 2], rng, 0, 1, { requiresGrad: true });
    const k = randomNormal([18, 2], rng, 0, 1, { requiresGrad: true });
    const flatX = flatten(x); // a view of a leaf: must be kept
    const h = relu(conv2d(x, w)); // [1, 3, 3, 2]
    const p = maxPool2d(h, { poolSize: 1 });
    const loss = sum(matmul(flatten(p), k)); // flatten(p) shares p's storage: given back once
    loss.backward();
    const keep = [x.data, w.data, k.data, flatX.data];
    const given = [h.data, p.data, (w.grad as Tensor).data, (k.grad as Tensor).data];
    const keptCopies = keep.map((d) => Float32Array.from(d));
    recycleGraph(loss);
    recycleGraph(flatX);
    // Every given-back buffer is handed out again by allocFloat32 (zeroed); the kept ones never.
    // (Other op outputs and gradients of these lengths were given back too: take them all.)
    const handedOut = new Set<Float32Array>();
    for (const length of new Set(given.map((d) => d.length))) for (let i = 0; i < 8; i++) handedOut.add(allocFloat32(length));
    for (const d of given) expect(handedOut.has(d), `length ${d.length}`).toBe(true);
    for (const d of keep) expect(handedOut.has(d)).toBe(false);
    keep.forEach((d, i) => expect(Array.from(d)).toEqual(Array.from(keptCopies[i])));
  });
});

/** The same epochs as fit (no shuffling, fit's seed), written by hand: no buffer is ever given back. */
function trainByHand(m: Model, x: Tensor, y: Tensor, epochs: number, batch: number, seed: number): void {
  const compiled = m.compiled as NonNullable<Model['compiled']>;
  m.ensureInitialized(seed);
  const rng = m.trainingRng(seed);
  const params = m.trainableWeights();
  for (const p of params) p.requiresGrad = true;
  const rows = (t: Tensor, from: number, to: number): Tensor => {
    const per = t.size / t.shape[0];
    return new Tensor(t.data.slice(from * per, to * per), [to - from, ...t.shape.slice(1)]);
  };
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let s = 0; s < x.shape[0]; s += batch) {
      const end = Math.min(s + batch, x.shape[0]);
      const loss = compiled.loss(rows(y, s, end), m.call(rows(x, s, end), { training: true, rng, logits: compiled.fromLogits }));
      loss.backward();
      compiled.optimizer.step(params);
      for (const p of params) p.grad = null;
    }
  }
  for (const p of params) p.requiresGrad = false;
}

function expectSameWeights(a: Model, b: Model): void {
  const wb = b.getWeights();
  a.getWeights().forEach((w, i) => expect(Array.from(w.data), `weight ${i}`).toEqual(Array.from(wb[i].data)));
}

describe.each(KERNEL_SETTINGS)('fit with recycling (%s kernels)', (kernels) => {
  useKernels(kernels);

  function model(): Sequential {
    return new Sequential([
      input({ shape: [8, 8, 1] }), new Conv2D({ filters: 6, kernelSize: 3, activation: 'relu' }), new MaxPool2D(),
      new Flatten(), new Dropout({ rate: 0.25 }), new Dense({ units: 4, activation: 'softmax' }),
    ], { seed: 5 });
  }

  it('gives the same weights, bit for bit, as the same steps written without recycling', async () => {
    const rng = new Rng(8);
    const x = randomNormal([12, 8, 8, 1], rng);
    const yData = new Float32Array(12 * 4);
    for (let i = 0; i < 12; i++) yData[i * 4 + (i % 4)] = 1;
    const y = new Tensor(yData, [12, 4]);

    const a = model();
    a.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    await a.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0, seed: 11 });

    const b = model();
    b.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    trainByHand(b, x, y, 3, 4, 11);
    expectSameWeights(a, b);
  });

  it('does the same for a functional model whose first layer is a view of the input (Reshape) and with BatchNormalization', async () => {
    const build = (): Model => {
      const inp = input({ shape: [4, 4, 1] });
      let h = new Reshape({ targetShape: [16] }).apply(inp); // shares the input batch's storage
      h = new Dense({ units: 8 }).apply(h);
      h = new BatchNormalization().apply(h);
      h = new Activation({ activation: 'relu' }).apply(h);
      const out = new Dense({ units: 3, activation: 'softmax' }).apply(h);
      const m = new Model({ inputs: [inp], outputs: [out] });
      m.compile({ optimizer: new SGD({ learningRate: 0.1, momentum: 0.9 }), loss: 'categorical_crossentropy' });
      return m;
    };
    const rng = new Rng(9);
    const x = randomNormal([10, 4, 4, 1], rng);
    const yData = new Float32Array(10 * 3);
    for (let i = 0; i < 10; i++) yData[i * 3 + (i % 3)] = 1;
    const y = new Tensor(yData, [10, 3]);
    const xBefore = Array.from(x.data);
    const a = build();
    await a.fit(x, y, { epochs: 4, batchSize: 3, shuffle: false, verbose: 0, seed: 2 });
    expect(Array.from(x.data)).toEqual(xBefore); // the user's data is untouched
    const b = build();
    trainByHand(b, x, y, 4, 3, 2);
    expectSameWeights(a, b); // BatchNormalization's moving statistics included
  });
});
