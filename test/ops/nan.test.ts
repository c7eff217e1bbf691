/**
 * NaN is never hidden at op level: NaN in gives NaN out through every activation, both pools and
 * the convolution with its fused ReLU (the kernels' own NaN rules are tested in test/kernels/).
 * ReLU is also checked against TensorFlow.js run live.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import {
  Tensor, Rng, tensor, randomNormal, relu, leakyRelu, elu, sigmoid, tanh, clip, softmax, logSoftmax,
  conv2d, maxPool2d, avgPool2d, sum, mul, maximum, minimum,
} from '../../src/index.js';
import { loadTf, toTf } from '../tf-peer.js';

const isNaNAt = (t: Tensor): boolean[] => Array.from(t.data, (v) => Number.isNaN(v));

describe('NaN propagates through the ops', () => {
  let tf: typeof TF;
  beforeAll(async () => {
    tf = await loadTf();
  });

  it('relu keeps NaN and ±∞ as tf.relu does (live), and clamps negatives', () => {
    const x = tensor([NaN, -1, 0, 2, Infinity, -Infinity]);
    const want = Array.from(tf.relu(toTf(tf, x)).dataSync());
    expect(want).toEqual([NaN, 0, 0, 2, Infinity, 0]); // the peer's behaviour, spelled out
    expect(Array.from(relu(x).data)).toEqual(want);
  });

  it('every elementwise activation gives NaN for NaN', () => {
    const x = tensor([NaN, -1, 1]);
    for (const f of [relu, leakyRelu, elu, sigmoid, tanh, (t: Tensor) => clip(t, -0.5, 0.5)]) {
      expect(isNaNAt(f(x)), f.name).toEqual([true, false, false]);
    }
  });

  it('maximum and minimum give NaN when either side is NaN, as tf.maximum / tf.minimum do (live)', () => {
    const a = tensor([NaN, 1, NaN, 2]);
    const b = tensor([1, NaN, NaN, 3]);
    for (const [ours, theirs] of [[maximum, tf.maximum], [minimum, tf.minimum]] as const) {
      const want = Array.from(theirs(toTf(tf, a), toTf(tf, b)).dataSync());
      expect(want.slice(0, 3)).toEqual([NaN, NaN, NaN]); // the peer's behaviour, spelled out
      expect(Array.from(ours(a, b).data), ours.name).toEqual(want);
    }
  });

  it('softmax and logSoftmax give NaN over the whole row of a NaN, and only that row', () => {
    const x = tensor([[1, NaN, 2], [1, 2, 3]]);
    for (const f of [softmax, logSoftmax]) expect(isNaNAt(f(x)), f.name).toEqual([true, true, true, false, false, false]);
  });

  it('maxPool2d: NaN in any cell of a window, on the SIMD path (2×2/2, C = 4) and the JS path (3×3), and the gradient goes to it', () => {
    for (const [C, pool] of [[4, 2], [3, 3]]) {
      for (let cell = 0; cell < pool * pool; cell++) {
        const x = randomNormal([1, pool, pool, C], new Rng(cell));
        const at = cell * C + 1; // channel 1 of that cell
        x.data[at] = NaN;
        x.requiresGrad = true;
        const y = maxPool2d(x, { poolSize: pool });
        expect(isNaNAt(y), `C ${C} cell ${cell}`).toEqual(Array.from({ length: C }, (_, c) => c === 1));
        sum(mul(y, tensor([[[[1, 2, 3, 4].slice(0, C)]]]))).backward();
        expect((x.grad as Tensor).data[at], `gradient to the NaN cell ${cell}`).toBe(2);
      }
    }
  });

  it('avgPool2d and conv2d (with and without the fused ReLU) spread a NaN pixel to the windows that see it', () => {
    const x = randomNormal([1, 4, 4, 2], new Rng(1));
    x.data[(1 * 4 + 1) * 2] = NaN; // pixel (1, 1), channel 0
    const pooled = avgPool2d(x, { poolSize: 2 });
    expect(isNaNAt(pooled)).toEqual([true, false, false, false, false, false, false, false]);
    const w = randomNormal([3, 3, 2, 4], new Rng(2));
    for (const fused of [false, true]) {
      const y = conv2d(x, w, { relu: fused }); // [1, 2, 2, 4]: every 3×3 window covers (1, 1)
      expect(isNaNAt(y).every((v) => v), `relu ${fused}`).toBe(true);
    }
  });
});
