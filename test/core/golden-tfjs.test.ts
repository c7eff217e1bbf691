/**
 * Values and gradients of op chains against TensorFlow.js (CPU backend), computed live on the same
 * float32 inputs: tatami's forward and backward must agree with an independent implementation.
 *
 * Inputs are seeded normals, so no ReLU input sits at 0 and no max has a tie (where the two engines
 * may legitimately pick different subgradients: tfjs gives a tied max's gradient to every tied
 * element, tatami and TensorFlow split it).
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import {
  Tensor, Rng, tensor, randomNormal, add, sub, mul, div, maximum, minimum, neg, exp, log, sqrt, square, pow, abs, clip,
  relu, leakyRelu, elu, sigmoid, tanh, softmax, logSoftmax, sum, mean, max, reshape, transpose, concat, slice, matmul, gather,
} from '../../src/index.js';
import { expectClose } from '../helpers.js';

const ATOL = 1e-5;
const RTOL = 1e-4;

let tf: typeof TF;
const originalWarn = console.warn;
const originalLog = console.log;

beforeAll(async () => {
  // tfjs greets Node users with a banner suggesting tfjs-node; drop just that message.
  const quiet = (original: (...args: unknown[]) => void) => (...args: unknown[]): void => {
    if (!args.some((a) => typeof a === 'string' && /tfjs-node|Hi there|Hi, looks like/.test(a))) original(...args);
  };
  console.warn = quiet(originalWarn);
  console.log = quiet(originalLog);
  tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync()); // trigger the banner now
});

afterAll(() => {
  console.warn = originalWarn;
  console.log = originalLog;
});

/** The same values as a tfjs tensor. */
function toTf(t: Tensor): TF.Tensor {
  return tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32');
}

/** A fresh leaf with the same values that requires grad (inputs are reused across checks). */
function leaf(t: Tensor): Tensor {
  return new Tensor(Float32Array.from(t.data), t.shape, true);
}

/**
 * Run `ours` and `theirs` on the same inputs; compare the output values, then the gradients of
 * L = Σ out · w (w a fixed random weight, so every output element matters) for every input.
 */
function compareWithTf(
  label: string,
  inputs: readonly Tensor[],
  ours: (...xs: Tensor[]) => Tensor,
  theirs: (...xs: TF.Tensor[]) => TF.Tensor,
  seed = 0,
): void {
  const xs = inputs.map(leaf);
  const out = ours(...xs);
  const w = randomNormal(out.shape, new Rng(seed));
  sum(mul(out, w)).backward();
  tf.tidy(() => {
    const tfInputs = inputs.map(toTf);
    const tfOut = theirs(...tfInputs);
    expectClose(out.shape, tfOut.shape, 0, 0, `${label}: output shape`);
    expectClose(out, tfOut.dataSync() as Float32Array, ATOL, RTOL, `${label}: value`);
    const wTf = toTf(w);
    const grads = tf.grads((...args: TF.Tensor[]) => tf.sum(tf.mul(theirs(...args), wTf)))(tfInputs);
    grads.forEach((g, k) => {
      expectClose(xs[k].grad ?? new Float32Array(xs[k].size), g.dataSync() as Float32Array, ATOL, RTOL, `${label}: gradient of input ${k}`);
    });
  });
}

describe('chains of ops match TensorFlow.js', () => {
  const rng = new Rng(2024);

  it('dense classifier: matmul → add bias → relu → logSoftmax → mean', () => {
    const x = randomNormal([4, 6], rng);
    const W = randomNormal([6, 5], rng, 0, 0.5);
    const b = randomNormal([5], rng, 0, 0.1);
    // The loss itself, and the full chain before the mean (its gradient under a random weighting).
    compareWithTf(
      'dense → mean',
      [x, W, b],
      (x, W, b) => mean(logSoftmax(relu(add(matmul(x, W), b)))),
      (x, W, b) => tf.mean(tf.logSoftmax(tf.relu(tf.add(tf.matMul(x, W), b)))),
    );
    compareWithTf(
      'dense → logSoftmax',
      [x, W, b],
      (x, W, b) => logSoftmax(relu(add(matmul(x, W), b))),
      (x, W, b) => tf.logSoftmax(tf.relu(tf.add(tf.matMul(x, W), b))),
    );
  });

  it('tanh / sigmoid / softmax on both axes / div / sum / max, with tensors used several times', () => {
    const x = randomNormal([3, 4], rng);
    const W = randomNormal([4, 4], rng, 0, 0.7);
    const c = randomNormal([4], rng);
    compareWithTf(
      'gated softmax',
      [x, W, c],
      (x, W, c) => {
        const h = tanh(matmul(x, W)); // [3, 4]
        const g = sigmoid(mul(h, c)); // [3, 4]
        const p = add(softmax(sub(h, g)), softmax(h, 0)); // [3, 4]
        const q = div(p, add(g, 0.5)); // [3, 4]
        const m = max(q, 1, true); // [3, 1]
        return add(sum(mul(q, m)), sum(div(sum(q, 0), max(q)))); // []
      },
      (x, W, c) => {
        const h = tf.tanh(tf.matMul(x, W));
        const g = tf.sigmoid(tf.mul(h, c));
        // tfjs's softmax works on the last axis only: transpose for axis 0.
        const p = tf.add(tf.softmax(tf.sub(h, g)), tf.transpose(tf.softmax(tf.transpose(h))));
        const q = tf.div(p, tf.add(g, 0.5));
        const m = tf.max(q, 1, true);
        return tf.add(tf.sum(tf.mul(q, m)), tf.sum(tf.div(tf.sum(q, 0), tf.max(q))));
      },
    );
  });

  it('embedding lookup, shape ops and batched / shared-matrix matmul', () => {
    const E = randomNormal([6, 3], rng);
    const A = randomNormal([2, 5, 4], rng);
    const B = randomNormal([4, 2], rng);
    const idx = [1, 4, 4, 0, 5, 1];
    compareWithTf(
      'embedding + shapes',
      [E, A, B],
      (E, A, B) => {
        const e = reshape(gather(E, idx), [2, 3, 3]); // [2, 3, 3]
        const t = transpose(e, [0, 2, 1]); // [2, 3, 3]
        const c = concat([t, slice(e, [0, 0, 1], [2, 3, 2])], 2); // [2, 3, 5]
        const y = matmul(c, A); // batched: [2, 3, 5]·[2, 5, 4] → [2, 3, 4]
        const z = matmul(y, B); // shared matrix: [2, 3, 4]·[4, 2] → [2, 3, 2]
        return mean(sum(z, 2), [0]); // [3]
      },
      (E, A, B) => {
        const e = tf.reshape(tf.gather(E, tf.tensor1d(idx, 'int32')), [2, 3, 3]);
        const t = tf.transpose(e, [0, 2, 1]);
        const c = tf.concat([t, tf.slice(e, [0, 0, 1], [2, 3, 2])], 2);
        const y = tf.matMul(c, A);
        const z = tf.matMul(y, tf.tile(tf.expandDims(B, 0), [2, 1, 1]));
        return tf.mean(tf.sum(z, 2), [0]);
      },
    );
  });
});

describe('single ops match TensorFlow.js', () => {
  const rng = new Rng(7);
  const x = randomNormal([3, 5], rng);
  const pos = new Tensor(x.data.map((v) => Math.abs(v) + 0.2), x.shape);

  const unary: Array<[string, Tensor, (t: Tensor) => Tensor, (t: TF.Tensor) => TF.Tensor]> = [
    ['neg', x, neg, (t) => tf.neg(t)],
    ['exp', x, exp, (t) => tf.exp(t)],
    ['log', pos, log, (t) => tf.log(t)],
    ['sqrt', pos, sqrt, (t) => tf.sqrt(t)],
    ['square', x, square, (t) => tf.square(t)],
    ['pow 3', x, (t) => pow(t, 3), (t) => tf.pow(t, tf.scalar(3))],
    ['pow -0.5', pos, (t) => pow(t, -0.5), (t) => tf.pow(t, tf.scalar(-0.5))],
    ['abs', x, abs, (t) => tf.abs(t)],
    ['clip', x, (t) => clip(t, -0.5, 0.8), (t) => tf.clipByValue(t, -0.5, 0.8)],
    ['relu', x, relu, (t) => tf.relu(t)],
    ['leakyRelu 0.2', x, (t) => leakyRelu(t, 0.2), (t) => tf.leakyRelu(t, 0.2)],
    ['elu', x, (t) => elu(t), (t) => tf.elu(t)],
    ['sigmoid', x, sigmoid, (t) => tf.sigmoid(t)],
    ['tanh', x, tanh, (t) => tf.tanh(t)],
    ['softmax', x, (t) => softmax(t), (t) => tf.softmax(t)],
    ['logSoftmax', x, (t) => logSoftmax(t), (t) => tf.logSoftmax(t)],
    ['sum axis 0', x, (t) => sum(t, 0), (t) => tf.sum(t, 0)],
    ['mean axis -1 keepDims', x, (t) => mean(t, -1, true), (t) => tf.mean(t, -1, true)],
    ['max axis 1', x, (t) => max(t, 1), (t) => tf.max(t, 1)],
    ['max all', x, (t) => max(t), (t) => tf.max(t)],
  ];
  for (const [name, input, ours, theirs] of unary) {
    it(name, () => compareWithTf(name, [input], ours, theirs, 1));
  }

  const y4 = randomNormal([5], rng);
  const x2 = randomNormal([3, 5], rng);
  const y31 = new Tensor(randomNormal([3, 1], rng).data.map((v) => Math.abs(v) + 0.5), [3, 1]);
  const binary: Array<[string, Tensor, Tensor, (a: Tensor, b: Tensor) => Tensor, (a: TF.Tensor, b: TF.Tensor) => TF.Tensor]> = [
    ['add [3,5]+[5]', x, y4, add, (a, b) => tf.add(a, b)],
    ['sub [5]-[3,5]', y4, x, sub, (a, b) => tf.sub(a, b)],
    ['mul [3,5]·[3,1]', x, y31, mul, (a, b) => tf.mul(a, b)],
    ['div [3,5]/[3,1]', x, y31, div, (a, b) => tf.div(a, b)],
    // Same shapes: tfjs's maximum/minimum gradients do not reduce over broadcast axes (tfjs 4.22).
    ['maximum [3,5],[3,5]', x, x2, maximum, (a, b) => tf.maximum(a, b)],
    ['minimum [3,5],[3,5]', x, x2, minimum, (a, b) => tf.minimum(a, b)],
  ];
  for (const [name, a, b, ours, theirs] of binary) {
    it(name, () => compareWithTf(name, [a, b], ours, theirs, 2));
  }

  it('a tiny example with hand-checkable numbers', () => {
    const a = tensor([[1, -2], [0.5, 3]]);
    compareWithTf('tiny', [a], (t) => sum(mul(t, exp(neg(t)))), (t) => tf.sum(tf.mul(t, tf.exp(tf.neg(t)))));
  });
});
