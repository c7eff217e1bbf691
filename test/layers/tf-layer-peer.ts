/**
 * A tatami layer beside the same tfjs layer holding the same weights: outputs, and the gradients of
 * L = Σ y·r (r seeded) with respect to the input and to every weight, in Keras's weight order.
 */
import type * as TF from '@tensorflow/tfjs';
import { Rng, Tensor, Layer, randomNormal, mul, sum, initializers, type CallContext } from '../../src/index.js';
import { expectClose } from '../helpers.js';
import { toTf, fromTf } from '../tf-peer.js';

/** Build a standalone layer for a batch shape and initialize its weights from a seeded Rng. */
export function built<L extends Layer>(layer: L, shape: readonly (number | null)[], seed = 1): L {
  layer.build(shape);
  const rng = new Rng(seed);
  for (const w of layer.weights) initializers.resolveInitializer(w.initializer, layer.className)(w.value.data, w.value.shape, rng);
  return layer;
}

export const INFER: CallContext = { training: false, rng: new Rng(0) };

export function compareLayerWithTf(tf: typeof TF, ours: Layer, theirs: TF.layers.Layer, x: Tensor, seed: number, label = ours.className): void {
  const weights = ours.weights.map((w) => w.value);
  theirs.build(x.shape.map((d, i) => (i === 0 ? null : d)) as number[]);
  theirs.setWeights(weights.map((w) => toTf(tf, w)));
  const xLeaf = new Tensor(Float32Array.from(x.data), x.shape, true);
  for (const w of weights) {
    w.requiresGrad = true;
    w.grad = null;
  }
  const y = ours.call(xLeaf, INFER);
  const r = randomNormal(y.shape, new Rng(seed));
  sum(mul(y, r)).backward();
  tf.tidy(() => {
    const xTf = toTf(tf, x);
    const rTf = toTf(tf, r);
    const yTf = theirs.apply(xTf) as TF.Tensor;
    expectClose(y.shape, yTf.shape, 0, 0, `${label}: output shape`);
    expectClose(y.data, fromTf(yTf).data, 1e-5, 1e-4, `${label}: output`);
    const loss = (): TF.Scalar => tf.sum(tf.mul(theirs.apply(xTf) as TF.Tensor, rTf));
    const dx = tf.grad((xx: TF.Tensor) => tf.sum(tf.mul(theirs.apply(xx) as TF.Tensor, rTf)))(xTf);
    expectClose(xLeaf.grad?.data ?? [], fromTf(dx).data, 1e-4, 1e-4, `${label}: gradient of the input`);
    const vars = theirs.trainableWeights.map((w) => w.read() as TF.Variable);
    const { grads } = tf.variableGrads(loss, vars);
    vars.forEach((v, i) => {
      expectClose(weights[i].grad?.data ?? [], fromTf(grads[v.name]).data, 1e-4, 1e-4, `${label}: gradient of ${ours.weights[i].name}`);
    });
  });
  for (const w of weights) {
    w.requiresGrad = false;
    w.grad = null;
  }
}
