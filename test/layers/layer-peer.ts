/**
 * Helpers for the layer tests: build a standalone layer, gradCheck it, and compare it with the same
 * tfjs layer (values, and gradients of L = Σ out·w for the input and every weight).
 */
import { expect } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { Tensor, Rng, Layer, sum, mul, randomNormal, initializers, type CallContext } from '../../src/index.js';
import { expectClose, expectGradOk } from '../helpers.js';
import { toTf } from '../tf-peer.js';

export const TRAIN = (seed = 0): CallContext => ({ training: true, rng: new Rng(seed) });
export const INFER: CallContext = { training: false, rng: new Rng(0) };

/** Build a standalone layer for a batch shape and initialize its weights from a seeded Rng. */
export function built<L extends Layer>(layer: L, shape: readonly (number | null)[], seed = 1): L {
  layer.computeOutputShape(shape);
  layer.build(shape);
  const rng = new Rng(seed);
  for (const w of layer.weights) initializers.resolveInitializer(w.initializer, layer.className)(w.value.data, w.value.shape, rng);
  return layer;
}

/** Gradient check of layer.call on x and every trainable weight. */
export function checkLayerGrad(layer: Layer, x: Tensor, ctx: () => CallContext = () => INFER, label = layer.className, tol = 1e-2): void {
  const weights = layer.trainableWeights().map((w) => w.value);
  expectGradOk((xx) => layer.call(xx, ctx()), [x, ...weights], { tol }, label);
}

/**
 * Our layer (built, weights set) against a tfjs layer given the same weights: output shape and
 * values, then (unless `gradients` is false, where tfjs has none) the gradients for the input and
 * each weight. Inference mode on both sides.
 */
export function compareLayerWithTf(tf: typeof TF, ours: Layer, theirs: TF.layers.Layer, x: Tensor, label: string, atol = 1e-5, rtol = 1e-4, gradients = true): void {
  const weights = ours.weights.map((w) => w.value);
  theirs.build(x.shape.map((d, i) => (i === 0 ? null : d)) as (number | null)[]);
  if (weights.length > 0) theirs.setWeights(weights.map((w) => toTf(tf, w)));
  const leaf = new Tensor(Float32Array.from(x.data), x.shape, true);
  for (const w of weights) {
    w.requiresGrad = true;
    w.grad = null;
  }
  const out = ours.call(leaf, INFER);
  const r = randomNormal(out.shape, new Rng(99));
  sum(mul(out, r)).backward();
  tf.tidy(() => {
    const tfOut = theirs.apply(toTf(tf, x)) as TF.Tensor;
    expect(out.shape, `${label}: output shape`).toEqual(tfOut.shape);
    expectClose(out, tfOut.dataSync() as Float32Array, atol, rtol, `${label}: value`);
    if (!gradients) return;
    const rTf = toTf(tf, r);
    const gx = tf.grad((t: TF.Tensor) => tf.sum(tf.mul(theirs.apply(t) as TF.Tensor, rTf)))(toTf(tf, x));
    expectClose(leaf.grad as Tensor, gx.dataSync() as Float32Array, atol, rtol, `${label}: input gradient`);
    if (weights.length > 0) {
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(theirs.apply(toTf(tf, x)) as TF.Tensor, rTf)) as TF.Scalar, theirs.trainableWeights.map((v) => v.read() as TF.Variable));
      theirs.trainableWeights.forEach((v, k) => {
        expectClose(weights[k].grad as Tensor, grads[(v.read() as TF.Variable).name].dataSync() as Float32Array, atol, rtol, `${label}: gradient of ${v.name}`);
      });
    }
  });
  for (const w of weights) {
    w.requiresGrad = false;
    w.grad = null;
  }
}
