/**
 * predict reuses its storage between batches: an activation dropped after its last consumer goes
 * back to storage.ts, and the next batch's op of the same size gets it. Never given back: what a
 * value still held views (Flatten, Reshape, an identity layer), the caller's inputs, the weights, and
 * anything in training or with gradients on. What predict returns never changes afterwards.
 */
import { describe, it, expect } from 'vitest';
import {
  Layer, Model, Conv2D, Flatten, Dropout, Dense, Reshape, input, relu, randomNormal, noGrad, Rng, Tensor, type SymbolicShape,
} from '../../src/index.js';

/** ReLU that records the storage (ArrayBuffer) of every input it sees and every output it makes. */
class Spy extends Layer {
  readonly className = 'Spy';
  readonly seen: ArrayBufferLike[] = [];
  readonly made: ArrayBufferLike[] = [];
  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }
  call(x: Tensor): Tensor {
    this.seen.push(x.data.buffer);
    const y = relu(x);
    this.made.push(y.data.buffer);
    return y;
  }
}

function spyModel(): { model: Model; spy: Spy } {
  const x = input({ shape: [6, 6, 2] });
  const spy = new Spy({ name: 'spy' });
  let h = spy.apply(new Conv2D({ filters: 3, kernelSize: 3 }).apply(x)); // the conv output is dropped after the spy
  h = new Dropout({ rate: 0.5 }).apply(new Flatten().apply(h)); // views and an identity of the spy's output
  h = new Reshape({ targetShape: [4, 12] }).apply(h);
  const model = new Model({ inputs: x, outputs: new Flatten().apply(new Dense({ units: 2 }).apply(h)), seed: 1 });
  return { model, spy };
}

describe('predict reuses storage between batches', () => {
  it('the next batch\'s conv output lands in storage the previous batch gave back', () => {
    const { model, spy } = spyModel();
    model.predict(randomNormal([6, 6, 6, 2], new Rng(1)), { batchSize: 2 });
    expect(spy.seen).toHaveLength(3);
    // Given back after batch k: its conv output and its ReLU output (once the views of it are dropped).
    for (const k of [0, 1]) expect([spy.seen[k], spy.made[k]]).toContain(spy.seen[k + 1]);
  });

  it('not in training, nor with gradients on', () => {
    const { model, spy } = spyModel();
    const x = randomNormal([2, 6, 6, 2], new Rng(2));
    const rng = new Rng(3);
    model.callAll([x], { training: true, rng });
    model.callAll([x], { training: true, rng });
    model.callAll([x], { training: false, rng }); // gradients on
    model.callAll([x], { training: false, rng });
    expect(new Set(spy.seen).size).toBe(4);
    noGrad(() => model.callAll([x], { training: true, rng }));
    noGrad(() => model.callAll([x], { training: true, rng }));
    expect(new Set(spy.seen).size).toBe(6);
  });

  it('what predict returned, the inputs and the weights never change under later predicts', () => {
    const { model } = spyModel();
    const a = randomNormal([4, 6, 6, 2], new Rng(4));
    const aCopy = Float32Array.from(a.data);
    const weights = model.getWeights();
    const first = model.predict(a, { batchSize: 2 });
    const held = Float32Array.from(first.data);
    const one = model.predict(a, { batchSize: 4 }); // a single batch: the output itself comes back
    const heldOne = Float32Array.from(one.data);
    for (let k = 0; k < 3; k++) model.predict(randomNormal([4, 6, 6, 2], new Rng(10 + k)), { batchSize: k + 1 });
    expect(first.data).toEqual(held);
    expect(one.data).toEqual(heldOne);
    expect(a.data).toEqual(aCopy);
    model.getWeights().forEach((w, i) => expect(w.data).toEqual(weights[i].data));
    expect(model.predict(a, { batchSize: 2 }).data).toEqual(held);
  });
});
