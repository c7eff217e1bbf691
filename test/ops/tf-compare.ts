/**
 * One op beside TensorFlow.js on the same inputs: the output, and the gradient of every input for
 * L = Σ y·r with a seeded random r (so every output element matters, each with its own weight).
 */
import type * as TF from '@tensorflow/tfjs';
import { Rng, Tensor, randomNormal, mul, sum } from '../../src/index.js';
import { expectClose } from '../helpers.js';
import { toTf, fromTf } from '../tf-peer.js';

export function compareOpWithTf(
  tf: typeof TF,
  label: string,
  ours: (...ts: Tensor[]) => Tensor,
  theirs: (...ts: TF.Tensor[]) => TF.Tensor,
  inputs: readonly Tensor[],
  seed: number,
  options: { gradients?: boolean } = {},
): void {
  const leaves = inputs.map((t) => new Tensor(Float32Array.from(t.data), t.shape, true));
  const y = ours(...leaves);
  const r = randomNormal(y.shape, new Rng(seed));
  sum(mul(y, r)).backward();
  tf.tidy(() => {
    const tfInputs = inputs.map((t) => toTf(tf, t));
    const tfY = theirs(...tfInputs);
    expectClose(y.shape, tfY.shape, 0, 0, `${label}: output shape`);
    expectClose(y.data, fromTf(tfY).data, 1e-5, 1e-4, `${label}: output`);
    if (options.gradients === false) return;
    const rTf = toTf(tf, r);
    const tfGrads = tf.grads((...ts: TF.Tensor[]) => tf.sum(tf.mul(theirs(...ts), rTf)))(tfInputs);
    leaves.forEach((t, i) => expectClose(t.grad?.data ?? [], fromTf(tfGrads[i]).data, 1e-4, 1e-4, `${label}: gradient of input ${i}`));
  });
}
