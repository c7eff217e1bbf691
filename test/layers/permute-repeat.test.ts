/** Permute and RepeatVector: shapes, errors, tfjs live (values and gradients), gradCheck, tfjs interop. */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { Rng, tensor, randomNormal, Permute, RepeatVector, Dense, Flatten, input, Model } from '../../src/index.js';
import { expectClose } from '../helpers.js';
import { loadTf } from '../tf-peer.js';
import { checkLayerGrad, compareLayerWithTf } from './layer-peer.js';
import { loadIntoTfjs, randomInput, predictionDiff } from '../io/io-helpers.js';

let tf: typeof TF;
beforeAll(async () => {
  tf = await loadTf();
});

describe('Permute and RepeatVector', () => {
  it('by hand, shapes and errors naming the layer', () => {
    expectClose(new Permute({ dims: [2, 1] }).call(tensor([[[1, 2, 3], [4, 5, 6]]])), [[[1, 4], [2, 5], [3, 6]]], 0, 0);
    expect(new Permute({ dims: [3, 1, 2] }).computeOutputShape([null, 4, 5, 6])).toEqual([null, 6, 4, 5]);
    expectClose(new RepeatVector({ n: 3 }).call(tensor([[1, 2], [3, 4]])), [[[1, 2], [1, 2], [1, 2]], [[3, 4], [3, 4], [3, 4]]], 0, 0);
    expect(new RepeatVector({ n: 3 }).computeOutputShape([null, 7])).toEqual([null, 3, 7]);
    expect(() => new Permute({ dims: [0, 1] })).toThrow(/Permute: dims must be a permutation of 1 … n/);
    expect(() => new Permute({ dims: [2, 1] }).computeOutputShape([null, 4, 5, 6])).toThrow(/Permute: expected rank 3 \(dims \[2,1\]\), got input shape \(None, 4, 5, 6\)/);
    expect(() => new RepeatVector({ n: 0 })).toThrow(/RepeatVector: n must be a positive integer/);
    expect(() => new RepeatVector({ n: 2 }).computeOutputShape([null, 3, 4])).toThrow(/RepeatVector: expected 2-D input/);
  });

  it('match tfjs (values and gradients) and pass gradCheck', () => {
    const rng = new Rng(1);
    compareLayerWithTf(tf, new Permute({ dims: [3, 1, 2] }), tf.layers.permute({ dims: [3, 1, 2] }), randomNormal([2, 3, 4, 5], rng), 'Permute');
    compareLayerWithTf(tf, new RepeatVector({ n: 4 }), tf.layers.repeatVector({ n: 4 }), randomNormal([3, 5], rng), 'RepeatVector');
    checkLayerGrad(new Permute({ dims: [2, 3, 1] }), randomNormal([2, 2, 3, 4], rng));
    checkLayerGrad(new RepeatVector({ n: 3 }), randomNormal([2, 4], rng));
  });

  it('a model with both predicts the same in tfjs', async () => {
    const x = input({ shape: [6] });
    let h = new RepeatVector({ n: 3 }).apply(new Dense({ units: 4 }).apply(x));
    h = new Dense({ units: 2 }).apply(new Flatten().apply(new Permute({ dims: [2, 1] }).apply(h)));
    const model = new Model({ inputs: x, outputs: h, seed: 5 });
    const theirs = await loadIntoTfjs(await model.save());
    expect(predictionDiff(model, theirs, randomInput([3, 6], 6), [3, 6])).toBeLessThanOrEqual(1e-5);
  });
});
