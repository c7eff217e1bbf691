// Chapter 2: why convolution.
// Count the parameters of a fully connected net and of a conv net on an 800×600 image, with the
// engine doing the counting; then the classic MNIST model's 217,610 and 186,506, layer by layer.
//
// Run: npx tsx examples/learn/02-why-convolution.ts

import {
  Sequential, input, Dense, Flatten, Conv2D, MaxPool2D, GlobalAveragePooling2D, classicCnn,
} from '../../src/index.js';
import { count } from './show.js';

// 1. A fully connected net: every pixel connects to every unit of the next layer.
//    A Dense layer from n inputs to u units has n·u weights and u biases. Check that on small
//    images, where the engine can afford to build the layers: three Dense layers as wide as the image.
console.log('1. fully connected, hidden layers as wide as the image (built and counted by the engine):');
for (const [w, h] of [[8, 6], [16, 12], [40, 30]]) {
  const n = w * h;
  const fc = new Sequential([input({ shape: [h, w, 1] }), new Flatten(), new Dense({ units: n }), new Dense({ units: n }), new Dense({ units: n })]);
  const formula = 3 * n * n + 3 * n;
  console.log(`  ${w}×${h} image, n = ${count(n)}: engine ${count(fc.countParams())}, 3n² + 3n = ${count(formula)}`);
}

// At 800×600 the same net would need 3·480,000² weights: too many to allocate, so we use the formula
// the engine just confirmed. The classic example counts 3 weight matrices of (800×600)² and
// 4 layers of 800×600 biases.
const n = 800 * 600;
const classic = 3 * n * n + 4 * n; // exact: well below 2^53
console.log(`\n  800×600 image, n = ${count(n)}:`);
console.log(`  3·(800·600)² + 4·800·600 = ${count(classic)} ≈ ${(classic / 1e11).toFixed(1)}×10¹¹ weights`);
console.log(`  in float32 that is ${(classic * 4 / 1e12).toFixed(2)} TB of memory, for the weights alone`);
const claimed = 6.9e9; // "69億" in the Japanese tutorial
console.log(`  the Japanese tutorial says 69億 = 6.9×10⁹: ${Math.round(classic / claimed)}× too few`);

// 2. A conv net on the same 800×600 image. A Conv2D layer has KH·KW·CI·CO weights and CO biases,
//    whatever the image size: the same small filters slide over every position.
const convNet = (h: number, w: number): Sequential => new Sequential([
  input({ shape: [h, w, 1] }),
  new Conv2D({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
  new MaxPool2D({ poolSize: 2 }),
  new Conv2D({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
  new MaxPool2D({ poolSize: 2 }),
  new Conv2D({ filters: 128, kernelSize: 3, padding: 'same', activation: 'relu' }),
  new GlobalAveragePooling2D(),
  new Dense({ units: 10, activation: 'softmax' }),
]);
const big = convNet(600, 800);
console.log('\n2. a conv net on the 800×600 image:');
big.summary();
console.log(`the same layers on a 28×28 image: ${count(convNet(28, 28).countParams())} parameters (the image size does not matter)`);
console.log(`fully connected / conv: ${count(Math.round(classic / big.countParams()))}× more parameters`);

// 3. The classic MNIST model, 3×3 and 4×4 kernels: each layer's count, worked out, then the engine's table.
for (const k of [3, 4]) {
  const model = classicCnn({ kernelSize: k });
  const conv = k * k * 1 * 128 + 128; // KH·KW·CI·CO weights + CO biases
  const side = 28 - k + 1; // 'valid': the filter fits 28 − k + 1 times each way
  const pooled = Math.floor(side / 2); // 2×2 max pooling, an odd row is dropped
  const flat = pooled * pooled * 128;
  const dense = flat * 10 + 10;
  console.log(`\n3. classic CNN with a ${k}×${k} kernel:`);
  const row = (layer: string, params: string, note = ''): void => console.log(`  ${layer.padEnd(9)}${params.padEnd(30)}${note}`.trimEnd());
  row('Conv2D', `${k}·${k}·1·128 + 128 = ${count(conv)}`, `28×28 → ${side}×${side}×128`);
  row('MaxPool', '0', `${side}×${side} → ${pooled}×${pooled}`);
  row('Flatten', '0', `${pooled}·${pooled}·128 = ${count(flat)} values`);
  row('Dense', `${count(flat)}·10 + 10 = ${count(dense)}`);
  console.log(`  total:   ${count(conv + dense)}; the engine counts ${count(model.countParams())}`);
  if (k === 3) model.summary();
}
