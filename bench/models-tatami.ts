// tatami's side of the models family (bench/models.ts): the models, built with the public API, and
// one training step or predict of each on the benchmark's batches.
//
//   classic3, classic4  the zoo's classicCnn: Conv2D(128, K×K, relu) → MaxPool2D(2) → Flatten → Dense(10, softmax)
//   convnet             Keras's MNIST convnet: Conv2D(32, 3×3, relu) → MaxPool2D(2) → Conv2D(64, 3×3, relu)
//                       → MaxPool2D(2) → Flatten → Dropout(0.5) → Dense(10, softmax)
//   convnet_bn          the same with BatchNormalization after each conv
//   resnet, mobilenet   the CLI zoo's models as they are (src/models/resnet.ts, src/models/mobilenet.ts)
//   ownloop             classic3 as a learner writes it with tatami's ops: conv2d → add → relu →
//                       maxPool2d → flatten → matmul → add → logSoftmax → loss, Adam (no Model, no fit)
// The training step for a Model is `trainStep`, the step fit runs (without its progress bar).

import {
  Sequential, input, Conv2D, MaxPool2D, Flatten, Dense, Dropout, BatchNormalization, Tensor, Rng, Adam, classicCnn, resnet, mobilenet, noGrad,
  conv2d, add, relu, maxPool2d, flatten, matmul, logSoftmax, softmax, mul, sum, mean, neg, randomNormal, zeros, type Model,
} from '../src/index.js';
import { trainStep } from '../src/models/training.js';
import type { Batches, ModelName, ModelOp, Step } from './models.js';

function convnet(bn: boolean): Model {
  const block = (filters: number) => [new Conv2D({ filters, kernelSize: 3, activation: 'relu' }), ...(bn ? [new BatchNormalization()] : []), new MaxPool2D({ poolSize: 2 })];
  return new Sequential([
    input({ shape: [28, 28, 1] }), ...block(32), ...block(64),
    new Flatten(), new Dropout({ rate: 0.5 }), new Dense({ units: 10, activation: 'softmax' }),
  ], { seed: 7 });
}

/** The tatami model of a name (not the own loop), compiled with Adam and categorical cross-entropy. */
export function buildModel(name: Exclude<ModelName, 'ownloop'>): Model {
  const model = name === 'classic3' ? classicCnn({ kernelSize: 3, seed: 7 })
    : name === 'classic4' ? classicCnn({ kernelSize: 4, seed: 7 })
      : name === 'resnet' ? resnet({ seed: 7 })
        : name === 'mobilenet' ? mobilenet({ seed: 7 })
          : convnet(name === 'convnet_bn');
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
  return model;
}

/** The learner's loop: parameters, a forward written with ops, the loss, and Adam. */
function ownLoop(): { params: Tensor[]; forward: (x: Tensor) => Tensor; step: (x: Tensor, y: Tensor) => number } {
  const rng = new Rng(7);
  const w1 = randomNormal([3, 3, 1, 128], rng, 0, 0.1, { requiresGrad: true });
  const b1 = zeros([128], { requiresGrad: true });
  const w2 = randomNormal([13 * 13 * 128, 10], rng, 0, 0.01, { requiresGrad: true });
  const b2 = zeros([10], { requiresGrad: true });
  const params = [w1, b1, w2, b2];
  const optimizer = new Adam();
  const forward = (x: Tensor): Tensor => {
    const h = relu(add(conv2d(x, w1), b1));
    return add(matmul(flatten(maxPool2d(h, { poolSize: 2 })), w2), b2); // logits
  };
  const step = (x: Tensor, y: Tensor): number => {
    const loss = neg(mean(sum(mul(logSoftmax(forward(x)), y), -1))); // categorical cross-entropy
    loss.backward();
    optimizer.step(params);
    for (const p of params) p.grad = null;
    return loss.item();
  };
  return { params, forward, step };
}

/** tatami's step for a model × operation on these batches. */
export function tatamiStep(name: ModelName, op: ModelOp, data: Batches): Step {
  const xs = data.images.map((x) => new Tensor(x, [data.batch, 28, 28, 1]));
  const ys = data.oneHot.map((y) => new Tensor(y, [data.batch, 10]));
  let i = 0;
  const next = (): number => i++ % xs.length;
  if (name === 'ownloop') {
    const loop = ownLoop();
    if (op === 'train') return () => { const k = next(); return loop.step(xs[k], ys[k]); };
    return () => noGrad(() => softmax(loop.forward(xs[next()])).data[0]);
  }
  const model = buildModel(name);
  if (op === 'predict') return () => model.predict(xs[next()], { batchSize: data.batch }).data[0];
  model.ensureInitialized();
  const params = model.trainableWeights();
  for (const p of params) p.requiresGrad = true; // as fit does before its first step
  const rng = model.trainingRng(7);
  return () => { const k = next(); return trainStep(model, params, xs[k], ys[k], rng); };
}
