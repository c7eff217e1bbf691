// Chapter 8: beyond LeNet.
// 1. A residual block, y = relu(x + F(x)) with F two 3×3 convolutions: why the skip helps, measured on
//    the gradient that reaches the early layers of a deep stack; what it costs in parameters (nothing);
//    a short training of a deep plain stack against the same depth with skips; and the same block
//    written with layers (the functional API and Add), checked against the ops.
// 2. A depthwise separable convolution (SeparableConv2D): the parameters and multiply-adds it saves
//    against a Conv2D of the same window and channels, counted, and the same numbers from the ops.
//
// Run: npx tsx examples/learn/08-beyond-lenet.ts

import {
  Tensor, zeros, conv2d, depthwiseConv2d, maxPool2d, relu, add, mul, sum, reshape, matmul, softmax, categoricalCrossentropy,
  noGrad, randomNormal, Adam, Rng, initializers, loadMnist, sequentialOrder, batchRanges, takeRows,
  Sequential, Model, input, Conv2D, SeparableConv2D, Add, Activation,
} from '../../src/index.js';
import { fmt, count } from './show.js';

/** `n` filters [3, 3, C, C], Keras's glorot_uniform, drawn from one seeded generator (the same for both nets). */
function filters(n: number, C: number, seed: number): Tensor[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const w = zeros([3, 3, C, C]);
    initializers.glorotUniform()(w.data, w.shape, rng);
    w.requiresGrad = true;
    return w;
  });
}

const conv = (h: Tensor, w: Tensor): Tensor => conv2d(h, w, { padding: 'same' });

/** A plain stack: relu(conv(h)) per filter. `seen` collects the tensor entering every second layer. */
function plain(x: Tensor, ws: Tensor[], seen: Tensor[] = []): Tensor {
  let h = x;
  ws.forEach((w, i) => {
    if (i % 2 === 0) seen.push(h.retainGrad());
    h = relu(conv(h, w));
  });
  return h;
}

/** Residual blocks over the same filters, two per block: h ← relu(h + conv(relu(conv(h)))). */
function residual(x: Tensor, ws: Tensor[], seen: Tensor[] = []): Tensor {
  let h = x;
  for (let i = 0; i < ws.length; i += 2) {
    seen.push(h.retainGrad());
    h = relu(add(h, conv(relu(conv(h, ws[i])), ws[i + 1])));
  }
  return h;
}

/** The root mean square of a tensor's values. */
const rms = (t: Float32Array): number => Math.sqrt(t.reduce((s, v) => s + v * v, 0) / t.length);

// 1a. Twelve 3×3 convolutions of 8 channels, at initialization. L = Σ out · r for a random r, and
//     backward() gives ∂L/∂h at the input of every second layer (of every block).
const depth = 12;
const x = randomNormal([4, 14, 14, 8], new Rng(2), 0, 1, { requiresGrad: true });
console.log(`1. ${depth} convolutions of 3×3, 8 → 8 channels, at initialization: the gradient ∂L/∂h entering each block of two`);
console.log('   layers   plain    residual');
const grads: number[][] = [];
const outputs: number[] = [];
for (const net of [plain, residual]) {
  const seen: Tensor[] = [];
  const out = net(x, filters(depth, 8, 3), seen);
  const r = randomNormal(out.shape, new Rng(4));
  sum(mul(out, r)).backward();
  grads.push(seen.map((h) => rms((h.grad as Tensor).data)));
  outputs.push(rms(out.data));
}
for (let b = 0; b < depth / 2; b++) {
  console.log(`   ${String(2 * b + 1).padStart(2)}–${String(2 * b + 2).padEnd(2)}   ${fmt(grads[0][b]).padStart(6)}   ${fmt(grads[1][b]).padStart(7)}`);
}
console.log(`   output   ${fmt(outputs[0]).padStart(6)}   ${fmt(outputs[1]).padStart(7)}   (root mean square of the output)`);
const perConv = 3 * 3 * 8 * 8;
console.log(`   parameters: ${depth} × 3·3·8·8 = ${count(depth * perConv)} in both; the skip adds none`);

// 1b. A short training: stem conv 3×3 (8) → max-pool → the twelve convolutions → max-pool → Dense 10,
//     plain or residual, from the same initial weights, 2,000 digits, one epoch, batch 32.
const { train, test } = await loadMnist({ train: 2000, test: 500, seed: 1 });
async function trainNet(net: typeof plain): Promise<[number, number]> {
  const rng = new Rng(5);
  const stem = zeros([3, 3, 1, 8]);
  const dense = zeros([6 * 6 * 8, 10]);
  initializers.glorotUniform()(stem.data, stem.shape, rng);
  initializers.glorotUniform()(dense.data, dense.shape, rng);
  const body = filters(depth, 8, 6);
  const params = [stem, ...body, dense];
  for (const p of params) p.requiresGrad = true;
  const forward = (images: Tensor): Tensor => {
    const h = maxPool2d(relu(conv2d(images, stem)), { poolSize: 2 }); // [B, 13, 13, 8]
    const p = maxPool2d(net(h, body), { poolSize: 2 }); // [B, 6, 6, 8]
    return softmax(matmul(reshape(p, [images.shape[0], 6 * 6 * 8]), dense));
  };
  const optimizer = new Adam({ learningRate: 0.003 });
  const order = sequentialOrder(train.classes.length);
  let lossSum = 0;
  for (const [start, end] of batchRanges(order.length, 32)) {
    const loss = categoricalCrossentropy(takeRows(train.labels, order, start, end), forward(takeRows(train.images, order, start, end)));
    loss.backward();
    optimizer.step(params);
    for (const p of params) p.grad = null;
    lossSum += loss.item() * (end - start);
  }
  const probabilities = noGrad(() => forward(test.images));
  let right = 0;
  test.classes.forEach((c, n) => {
    const row = probabilities.data.subarray(n * 10, n * 10 + 10);
    if (row.indexOf(Math.max(...row)) === c) right++;
  });
  return [lossSum / order.length, right / test.classes.length];
}
console.log(`\n   one epoch on ${count(train.classes.length)} digits (stem conv → pool → the ${depth} convolutions → pool → Dense 10):`);
for (const net of [plain, residual]) {
  const [loss, accuracy] = await trainNet(net);
  console.log(`   ${net.name.padEnd(8)}  mean loss ${fmt(loss)}, test accuracy ${fmt(accuracy)}`);
}

// 1c. The same block with layers, as Keras writes it: the functional API, where a layer call may take
//     two inputs. Add sums them; the block's input feeds both the convolutions and the Add.
const blockInput = input({ shape: [14, 14, 8] });
const f1 = new Conv2D({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(blockInput);
const f2 = new Conv2D({ filters: 8, kernelSize: 3, padding: 'same' }).apply(f1);
const blockOutput = new Activation({ activation: 'relu' }).apply(new Add().apply([blockInput, f2]));
const block = new Model({ inputs: blockInput, outputs: blockOutput, name: 'residual_block', seed: 9 });
console.log('\n   the block as layers (functional API, Add):');
console.log(block.summary({ print: false }).split('\n').map((l) => `   ${l}`.trimEnd()).join('\n'));
const [w1, b1, w2, b2] = block.getWeights();
const probe = randomNormal([2, 14, 14, 8], new Rng(10));
const byBlockOps = relu(add(probe, conv2d(conv2d(probe, w1, { bias: b1, relu: true, padding: 'same' }), w2, { bias: b2, padding: 'same' })));
let blockDiff = 0;
block.predict(probe).data.forEach((v, i) => (blockDiff = Math.max(blockDiff, Math.abs(v - byBlockOps.data[i]))));
console.log(`   its output against relu(add(x, conv(relu(conv(x))))) with the same weights: largest difference ${blockDiff < 1e-6 ? 'below 1e-6' : blockDiff.toExponential(1)}`);

// 2. Conv2D against SeparableConv2D: 32 → 64 channels, 3×3, on 14×14 maps.
const C = 32;
const F = 64;
const full = new Sequential([input({ shape: [14, 14, C] }), new Conv2D({ filters: F, kernelSize: 3, padding: 'same' })], { seed: 7 });
const separable = new Sequential([input({ shape: [14, 14, C] }), new SeparableConv2D({ filters: F, kernelSize: 3, padding: 'same' })], { seed: 7 });
const macsFull = 3 * 3 * C * F;
const macsSeparable = 3 * 3 * C + C * F;
console.log(`\n2. ${C} → ${F} channels, 3×3 window, 14×14 maps`);
console.log(`   Conv2D:          ${count(full.countParams())} parameters = 3·3·${C}·${F} + ${F}; ${count(macsFull)} multiply-adds per output pixel`);
console.log(`   SeparableConv2D: ${count(separable.countParams())} parameters = 3·3·${C} + ${C}·${F} + ${F}; ${count(macsSeparable)} multiply-adds per output pixel`);
console.log(`   ${(full.countParams() / separable.countParams()).toFixed(1)}× fewer parameters, ${(macsFull / macsSeparable).toFixed(1)}× fewer multiply-adds`);

// The layer is two ops: a depthwise 3×3 (each channel its own filter), then a 1×1 conv that mixes them.
const image = randomNormal([1, 14, 14, C], new Rng(8));
const [depthwiseKernel, pointwiseKernel, bias] = separable.getWeights();
const byOps = conv2d(depthwiseConv2d(image, depthwiseKernel, { padding: 'same' }), pointwiseKernel, { bias });
const byLayer = separable.predict(image);
let maxDiff = 0;
byLayer.data.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - byOps.data[i]))));
console.log(`   depthwiseConv2d then a 1×1 conv2d give the layer's output: largest difference ${maxDiff < 1e-6 ? 'below 1e-6' : maxDiff.toExponential(1)}`);
