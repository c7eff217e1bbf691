// Chapter 6: your own training loop, with the ops, then the same training with fit.
// A small classic CNN (16 filters of 3×3) on 2,000 MNIST digits, batch 32, one epoch: first every step
// written out (forward, loss, backward, Adam, clear the gradients), then Sequential + fit from the
// same initial weights. Both walk the same batches with the same ops, so they end with the same
// weights, up to float32 rounding.
//
// Run: npx tsx examples/learn/06-training-loop.ts

import {
  Tensor, zeros, conv2d, maxPool2d, reshape, matmul, add, softmax, categoricalCrossentropy, noGrad,
  Adam, Rng, initializers, loadMnist, sequentialOrder, batchRanges, takeRows,
  Sequential, input, Conv2D, MaxPool2D, Flatten, Dense,
} from '../../src/index.js';
import { fmt } from './show.js';

const { train, test } = await loadMnist({ train: 2000, test: 500, seed: 1 });
const filters = 16;
const flat = 13 * 13 * filters; // 28×28 → conv 3×3 → 26×26 → pool 2×2 → 13×13, times the filters

// The parameters, as Keras initializes them: glorot_uniform kernels, zero biases.
const rng = new Rng(1);
const convKernel = zeros([3, 3, 1, filters]); // HWIO
const convBias = zeros([filters]);
const denseKernel = zeros([flat, 10]);
const denseBias = zeros([10]);
const params = [convKernel, convBias, denseKernel, denseBias];
initializers.glorotUniform()(convKernel.data, convKernel.shape, rng);
initializers.glorotUniform()(denseKernel.data, denseKernel.shape, rng);
const initial = params.map((p) => p.clone()); // kept for fit below
for (const p of params) p.requiresGrad = true;

// The forward pass: four lines for the four layers.
function forward(x: Tensor): Tensor {
  const features = conv2d(x, convKernel, { bias: convBias, relu: true }); // [B, 26, 26, 16]
  const pooled = maxPool2d(features, { poolSize: 2 }); // [B, 13, 13, 16]
  const logits = add(matmul(reshape(pooled, [x.shape[0], flat]), denseKernel), denseBias); // [B, 10]
  return softmax(logits);
}

// One epoch, batch 32, in order (no shuffling, so fit below can see the very same batches).
const optimizer = new Adam({ learningRate: 0.001 });
const order = sequentialOrder(train.images.shape[0]);
const batches = batchRanges(order.length, 32);
console.log(`1. the loop: ${batches.length} steps of batch 32`);
let seen = 0;
let lossSum = 0;
for (const [step, [start, end]] of batches.entries()) {
  const x = takeRows(train.images, order, start, end);
  const y = takeRows(train.labels, order, start, end);
  const loss = categoricalCrossentropy(y, forward(x)); // mean over the batch
  loss.backward(); // fills .grad of the four parameters
  optimizer.step(params); // Adam updates each parameter in place from its .grad
  for (const p of params) p.grad = null; // gradients accumulate, so clear them for the next step
  seen += end - start;
  lossSum += loss.item() * (end - start);
  if ((step + 1) % 21 === 0) console.log(`  step ${String(step + 1).padStart(2)}: batch loss ${fmt(loss.item())}, mean loss so far ${fmt(lossSum / seen)}`);
}

/** Share of the test digits whose most probable class is the label. */
function accuracy(probabilities: Tensor): number {
  let right = 0;
  for (let n = 0; n < test.classes.length; n++) {
    const row = probabilities.data.subarray(n * 10, n * 10 + 10);
    if (row.indexOf(Math.max(...row)) === test.classes[n]) right++;
  }
  return right / test.classes.length;
}
const loopAccuracy = accuracy(noGrad(() => forward(test.images))); // no graph needed to evaluate
console.log(`  test accuracy: ${fmt(loopAccuracy)}`);

// 2. The same with layers and fit: the same four parameters, the same initial values, the same batches.
const model = new Sequential([
  input({ shape: [28, 28, 1] }),
  new Conv2D({ filters, kernelSize: 3, activation: 'relu' }),
  new MaxPool2D({ poolSize: 2 }),
  new Flatten(),
  new Dense({ units: 10, activation: 'softmax' }),
]);
model.setWeights(initial);
model.compile({ optimizer: new Adam({ learningRate: 0.001 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
const history = await model.fit(train.images, train.labels, { batchSize: 32, epochs: 1, shuffle: false, verbose: 0 });
console.log(`\n2. fit: mean loss over the epoch ${fmt(history.loss[0])} (the loop's: ${fmt(lossSum / seen)})`);
console.log(`  test accuracy: ${fmt(model.evaluate(test.images, test.labels).accuracy)} (the loop's: ${fmt(loopAccuracy)})`);
let maxDiff = 0;
model.getWeights().forEach((w, i) => w.data.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - params[i].data[j])))));
console.log(`  largest difference between the loop's weights and fit's: ${maxDiff < 1e-4 ? 'below 1e-4' : maxDiff.toExponential(2)}`);
