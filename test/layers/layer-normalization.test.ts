/** LayerNormalization: by hand, against tfjs (values, input/gamma/beta gradients), gradCheck, shapes. */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { Rng, Tensor, tensor, randomNormal, LayerNormalization, layerNorm } from '../../src/index.js';
import { expectClose, expectGradOk } from '../helpers.js';
import { loadTf, toTf } from '../tf-peer.js';
import { built, checkLayerGrad, compareLayerWithTf, INFER } from './layer-peer.js';

let tf: typeof TF;
beforeAll(async () => {
  tf = await loadTf();
});

describe('LayerNormalization', () => {
  it('by hand: each row to mean 0, variance 1 (biased, ε = 1e-3), then γ·x̂ + β', () => {
    const layer = built(new LayerNormalization(), [null, 4]);
    expect(layer.weights.map((w) => [w.name, w.value.shape])).toEqual([['gamma', [4]], ['beta', [4]]]);
    expect(Array.from(layer.weights[0].value.data)).toEqual([1, 1, 1, 1]);
    layer.weights[0].value.data.set([1, 2, 1, 1]);
    layer.weights[1].value.data.set([0, 0, 0.5, 0]);
    // Row [1, 2, 3, 6]: μ = 3, σ² = (4 + 1 + 0 + 9)/4 = 3.5, x̂ = [−2, −1, 0, 3]/√3.501.
    // Row [5, 5, 5, 5]: σ² = 0, x̂ = 0 (ε keeps it finite): y = β.
    const s = Math.sqrt(3.501);
    expectClose(layer.call(tensor([[1, 2, 3, 6], [5, 5, 5, 5]]), INFER), [[-2 / s, -2 / s, 0.5, 3 / s], [0, 0, 0.5, 0]], 1e-6, 1e-6);
  });

  it('shapes and parameters: axis −1 on images gives [C]; [1, 2, 3] gives [H, W, C]; errors name the layer', () => {
    expect(built(new LayerNormalization(), [null, 5, 5, 3]).countParams()).toBe(6);
    expect(built(new LayerNormalization({ axis: [1, 2, 3] }), [null, 5, 5, 3]).weights[0].value.shape).toEqual([5, 5, 3]);
    expect(built(new LayerNormalization({ axis: [-2, -1], center: false }), [null, 5, 5, 3]).countParams()).toBe(15);
    expect(built(new LayerNormalization({ axis: [3, 1] }), [null, 5, 4, 3]).weights[0].value.shape).toEqual([3, 5]);
    expect(() => new LayerNormalization({ axis: 0 }).computeOutputShape([null, 5])).toThrow(/LayerNormalization: expected an input with axis 0 \(not the batch axis\)/);
    expect(() => new LayerNormalization({ epsilon: 0 })).toThrow(/LayerNormalization: epsilon must be a positive number/);
    const layer = built(new LayerNormalization(), [null, 4]);
    expect(() => layer.computeOutputShape([null, 5])).toThrow(/LayerNormalization: expected normalized axes of shape \[4\]/);
    expect(() => layerNorm(tensor([[1, 2]]), 1, tensor([1, 2, 3]), null, 1e-3)).toThrow(/layerNorm: gamma has shape \[3\], expected 2 values/);
  });

  it('matches tfjs: the layer\'s values; gradients of input, gamma and beta against tfjs ops (trailing and other axes)', () => {
    const rng = new Rng(3);
    const x = randomNormal([2, 3, 4, 5], rng, 1, 2);
    for (const axis of [-1, [1, 2, 3], 1, [1, 2], [3, 1]]) {
      const ours = built(new LayerNormalization({ axis }), [null, 3, 4, 5]);
      for (const w of ours.weights) w.value.data.set(randomNormal(w.value.shape, rng, 1, 0.5).data);
      // tfjs 4.22's LayerNormalization layer fails inside tf.grad, so its values are compared here
      // and the gradients against the same formula written with tfjs ops below.
      compareLayerWithTf(tf, ours, tf.layers.layerNormalization({ axis }), x, `axis ${JSON.stringify(axis)}`, 1e-5, 1e-4, false);
      const axes = axis === -1 ? [3] : typeof axis === 'number' ? [axis] : axis;
      const [g, b] = ours.weights.map((w) => w.value);
      // gamma and beta broadcast over the normalized axes, laid over them in increasing axis order.
      const bshape = [0, 1, 2, 3].map((a) => (axes.includes(a) ? x.shape[a] : 1));
      const theirs = (xt: TF.Tensor, gt: TF.Tensor, bt: TF.Tensor): TF.Tensor => {
        const { mean, variance } = tf.moments(xt, [...axes], true);
        return tf.add(tf.mul(tf.reshape(gt, bshape), tf.div(tf.sub(xt, mean), tf.sqrt(tf.add(variance, 1e-3)))), tf.reshape(bt, bshape));
      };
      const leaves = [new Tensor(Float32Array.from(x.data), x.shape, true), g, b];
      g.requiresGrad = true;
      b.requiresGrad = true;
      const out = ours.call(leaves[0], INFER);
      const r = randomNormal(out.shape, rng);
      out.backward(r.data);
      const grads = tf.tidy(() => tf.grads((a: TF.Tensor, c: TF.Tensor, d: TF.Tensor) => tf.sum(tf.mul(theirs(a, c, d), toTf(tf, r))))([x, g, b].map((t) => toTf(tf, t))).map((t) => t.dataSync()));
      leaves.forEach((t, k) => expectClose(t.grad as Tensor, grads[k] as Float32Array, 1e-5, 1e-4, `axis ${JSON.stringify(axis)}: gradient ${k}`));
    }
    const eps = built(new LayerNormalization({ epsilon: 0.1, center: false }), [null, 6]);
    compareLayerWithTf(tf, eps, tf.layers.layerNormalization({ epsilon: 0.1, center: false }), randomNormal([3, 6], rng), 'epsilon 0.1, no beta', 1e-5, 1e-4, false);
  });

  it('gradCheck: input, gamma and beta', () => {
    const rng = new Rng(4);
    const layer = built(new LayerNormalization({ axis: [-2, -1] }), [null, 2, 3]);
    for (const w of layer.weights) w.value.data.set(randomNormal(w.value.shape, rng, 1, 0.5).data);
    checkLayerGrad(layer, randomNormal([3, 2, 3], rng));
    const middle = built(new LayerNormalization({ axis: [1, 3] }), [null, 2, 3, 2]);
    for (const w of middle.weights) w.value.data.set(randomNormal(w.value.shape, rng, 1, 0.5).data);
    checkLayerGrad(middle, randomNormal([2, 2, 3, 2], rng), undefined, 'axis [1, 3]');
    expectGradOk((t) => layerNorm(t, 1, null, null, 1e-3), [randomNormal([4, 5], rng)], {}, 'no gamma, no beta');
  });
});
