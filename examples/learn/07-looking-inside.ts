// Chapter 7: looking inside.
// Train a small classic CNN for a few seconds, then print what it learned: its filters, the feature
// maps and pooled maps of one test digit, and the confusion matrix on held-out digits.
// (`tatami viz` draws the same pictures as PNG files, and the page draws them live as you write.)
//
// Run: npx tsx examples/learn/07-looking-inside.ts

import { Sequential, input, Conv2D, MaxPool2D, Flatten, Dense, conv2d, maxPool2d, loadMnist, Tensor } from '../../src/index.js';
import { grid, shades, fmt } from './show.js';

const { train, test } = await loadMnist({ train: 3000, test: 1000, seed: 1 });
const filters = 6;
const model = new Sequential([
  input({ shape: [28, 28, 1] }),
  new Conv2D({ filters, kernelSize: 3, activation: 'relu' }),
  new MaxPool2D({ poolSize: 2 }),
  new Flatten(),
  new Dense({ units: 10, activation: 'softmax' }),
], { seed: 1 });
model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
await model.fit(train.images, train.labels, { batchSize: 32, epochs: 3, verbose: 2, seed: 1 });

// 1. The filters: the conv kernel [3, 3, 1, 6], one 3×3 grid of weights per filter.
const [kernel, bias] = model.getWeights(); // Keras's order: conv kernel, conv bias, dense kernel, dense bias
console.log('\n1. the learned filters (3×3 weights), their biases and which way they lean:');
for (let f = 0; f < filters; f++) {
  const w = Array.from({ length: 9 }, (_, i) => kernel.data[i * filters + f]); // HWIO: tap i, filter f
  // Two contrasts say which way it leans: ink below paper (bottom row − top row), ink right of paper.
  const row = (r: number): number => w[3 * r] + w[3 * r + 1] + w[3 * r + 2];
  const col = (c: number): number => w[c] + w[3 + c] + w[6 + c];
  console.log(`filter ${f} (bias ${fmt(bias.data[f], 3)}; bottom − top ${fmt(row(2) - row(0), 2)}, right − left ${fmt(col(2) - col(0), 2)}):`);
  console.log(grid(w, 3, 3, 2, '    '));
}

// 2. One test digit through the first two layers. These are the layers' own two ops, called directly.
const digit = new Tensor(test.images.data.slice(0, 784), [1, 28, 28, 1]);
const maps = conv2d(digit, kernel, { bias, relu: true }); // [1, 26, 26, 6]: Conv2D with ReLU
const pooled = maxPool2d(maps, { poolSize: 2 }); // [1, 13, 13, 6]: MaxPool2D
console.log(`\n2. test digit 0 (label ${test.classes[0]}):`);
console.log(shades(digit.data, 28, 28));

/** Channel c of an [1, H, W, C] tensor, as a flat H·W array. */
const channel = (t: Tensor, c: number): Float32Array => {
  const [, H, W, C] = t.shape;
  return Float32Array.from({ length: H * W }, (_, i) => t.data[i * C + c]);
};
for (const f of [0, 1]) {
  const m = channel(maps, f);
  const p = channel(pooled, f);
  const top = Math.max(...m);
  console.log(`\nfeature map of filter ${f} (26×26, after ReLU, largest value ${fmt(top, 2)}; ${m.filter((v) => v > 0).length} of 676 pixels above 0):`);
  console.log(shades(m, 26, 26, top));
  console.log(`the same map after 2×2 max pooling (13×13):`);
  console.log(shades(p, 13, 13, top));
}

// 3. The confusion matrix on the held-out digits: row = true class, column = predicted class.
const probabilities = model.predict(test.images);
const k = 10;
const counts = new Int32Array(k * k);
for (let n = 0; n < test.classes.length; n++) {
  const row = probabilities.data.subarray(n * k, (n + 1) * k);
  counts[test.classes[n] * k + row.indexOf(Math.max(...row))]++;
}
console.log(`\n3. confusion matrix on ${test.classes.length} held-out digits (rows: true class, columns: predicted):`);
console.log(`true\\pred ${Array.from({ length: k }, (_, p) => String(p).padStart(4)).join('')}   right`);
for (let t = 0; t < k; t++) {
  const row = counts.subarray(t * k, (t + 1) * k);
  const total = row.reduce((a, b) => a + b, 0);
  console.log(`${String(t).padStart(9)} ${Array.from(row, (c) => String(c).padStart(4)).join('')}   ${fmt(row[t] / total, 3)}`);
}
// The largest off-diagonal cells: the mistakes the model makes most.
const mistakes = Array.from(counts, (c, i) => ({ c, t: Math.floor(i / k), p: i % k }))
  .filter((m) => m.t !== m.p && m.c > 0)
  .sort((a, b) => b.c - a.c || a.t - b.t || a.p - b.p)
  .slice(0, 4);
console.log(`most frequent mistakes: ${mistakes.map((m) => `${m.t} read as ${m.p} (${m.c})`).join(', ')}`);
const right = Array.from({ length: k }, (_, t) => counts[t * k + t]).reduce((a, b) => a + b, 0);
console.log(`accuracy: ${right} of ${test.classes.length} = ${fmt(right / test.classes.length)}`);
