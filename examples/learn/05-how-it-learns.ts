// Chapter 5: how it learns.
// Softmax + cross-entropy and why their gradient is p − y; backward() on a tiny example, with every
// number; gradCheck on an op of your own; one weight through Adam's update.
//
// Run: npx tsx examples/learn/05-how-it-learns.ts

import {
  tensor, Tensor, accumulateGrad, gradCheck, softmax, log, mul, sum, neg, add, relu, sub, square,
  categoricalCrossentropy, Adam, Rng, randomUniform,
} from '../../src/index.js';
import { list, fmt } from './show.js';

// 1. Softmax turns scores (logits) into probabilities; cross-entropy is −log of the right one.
const z = tensor([[2, 1, 0.1]], undefined, { requiresGrad: true }); // one sample, three classes
const y = tensor([[0, 1, 0]]); // the right class is 1
const p = softmax(z);
const loss = categoricalCrossentropy(y, z, true); // from the logits z (fused): mean over the batch of −Σ y·log p
loss.backward();
const pMinusY = Array.from(p.data, (v, i) => v - y.data[i]);
console.log('1. softmax + cross-entropy');
console.log(`  logits z            ${list(z.data)}`);
console.log(`  p = softmax(z)      ${list(p.data)}   (sum ${fmt(p.data.reduce((a, b) => a + b, 0))})`);
console.log(`  loss = −log p[1]    ${fmt(loss.item())}   (−log ${fmt(p.data[1])} = ${fmt(-Math.log(p.data[1]))})`);
console.log(`  dloss/dz (backward) ${list(z.grad!.data)}`);
console.log(`  p − y               ${list(pMinusY)}`);

// The same loss written out op by op, −Σ y·log(softmax(z)): the chain rule through softmax and
// log gives the same p − y, which is why the engine fuses the pair.
const z2 = tensor([[2, 1, 0.1]], undefined, { requiresGrad: true });
neg(sum(mul(y, log(softmax(z2))))).backward();
console.log(`  op by op, backward  ${list(z2.grad!.data)}`);

// 2. backward() on one neuron: out = relu(w·x + b), loss = (out − t)².
const x = tensor([1, 2]);
const w = tensor([0.5, -0.25], undefined, { requiresGrad: true });
const b = tensor([0.1], undefined, { requiresGrad: true });
const t = tensor([1]);
const zn = add(sum(mul(w, x), 0, true), b); // 0.5·1 + (−0.25)·2 + 0.1 = 0.1
const out = relu(zn);
const l = sum(square(sub(out, t)));
console.log('\n2. backward() on one neuron');
console.log(`  forward: z = w·x + b = ${fmt(zn.item())}, out = relu(z) = ${fmt(out.item())}, loss = (out − t)² = ${fmt(l.item())}`);

// The graph the forward recorded, from the loss back to the leaves: what backward() walks in reverse.
function describe(node: Tensor, depth = 0): void {
  const name = node === w ? 'w' : node === b ? 'b' : node === x ? 'x' : node === t ? 't' : node.op;
  console.log(`  ${'  '.repeat(depth)}${name} ${JSON.stringify(node.shape)}${node.requiresGrad ? '' : ' (no grad)'}`);
  for (const input of node.inputs) describe(input, depth + 1);
}
describe(l);
l.backward();
// By hand, from the loss back: dloss/dout = 2(out − t); relu passes it (z > 0); dz/dw = x, dz/db = 1.
const dOut = 2 * (out.item() - 1);
console.log(`  by hand: dloss/dout = 2(out − t) = ${fmt(dOut)}; dloss/dw = dloss/dout · x = ${list([dOut * 1, dOut * 2])}; dloss/db = ${fmt(dOut)}`);
console.log(`  backward: w.grad = ${list(w.grad!.data)}, b.grad = ${list(b.grad!.data)}`);

// 3. Your own op: softplus(x) = log(1 + eˣ), whose derivative is the sigmoid 1 / (1 + e⁻ˣ).
//    Tensor.fromOp records the output with its inputs and a backward closure; the closure receives
//    dloss/dout and adds dloss/dx to the input's gradient (accumulateGrad).
function softplus(input: Tensor): Tensor {
  const outData = input.data.map((v) => Math.log1p(Math.exp(v)));
  return Tensor.fromOp('softplus', outData, input.shape, [input], (dout) => {
    const dx = input.data.map((v, i) => dout[i] / (1 + Math.exp(-v))); // chain rule: dout · sigmoid(x)
    accumulateGrad(input, dx, true);
  });
}
// The same op with a classic mistake: the backward forgets to multiply by dout.
function softplusWrong(input: Tensor): Tensor {
  const outData = input.data.map((v) => Math.log1p(Math.exp(v)));
  return Tensor.fromOp('softplusWrong', outData, input.shape, [input], () => {
    accumulateGrad(input, input.data.map((v) => 1 / (1 + Math.exp(-v))), true);
  });
}
const probe = randomUniform([2, 3], new Rng(5), -2, 2);
console.log('\n3. gradCheck on your own op (central differences of Σ out·r, r random)');
for (const [name, op] of [['softplus', softplus], ['softplus, dout forgotten', softplusWrong]] as const) {
  const r = gradCheck(op, [probe.clone()]);
  console.log(`  ${name.padEnd(25)} passed: ${String(r.passed).padEnd(5)}  max error ${r.maxError.toExponential(1)}` +
    `  (worst: analytic ${fmt(r.worst.analytic)}, numeric ${fmt(r.worst.numeric)})`);
}

// 4. Adam on one weight, step by step, by hand (in float64) and by the engine's Adam (float32).
const lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-7;
const weight = tensor([0.5], undefined, { requiresGrad: true });
const adam = new Adam({ learningRate: lr });
let wHand = 0.5, m = 0, v = 0;
console.log('\n4. Adam on one weight, w = 0.5, lr = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7');
for (const [step, g] of [[1, 0.2], [2, 0.2], [3, -0.05]] as const) {
  // the engine: a loss whose gradient with respect to the weight is g, then one optimizer step
  weight.grad = null;
  sum(mul(weight, tensor([g]))).backward();
  adam.step([weight]);
  // by hand, Keras's form (the bias corrections folded into the step size α)
  m = m + (g - m) * (1 - beta1);
  v = v + (g * g - v) * (1 - beta2);
  const alpha = (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
  const delta = (alpha * m) / (Math.sqrt(v) + eps);
  wHand -= delta;
  console.log(`  step ${step}: g = ${g}, m = ${fmt(m, 6)}, v = ${v.toExponential(4)}, α = ${alpha.toExponential(4)}, ` +
    `step α·m/(√v+ε) = ${fmt(delta, 7)} → w = ${fmt(wHand, 7)} (engine ${fmt(weight.item(), 7)})`);
}
