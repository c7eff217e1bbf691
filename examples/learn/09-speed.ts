// Chapter 9: speed.
// 1. The same training twice, first with setKernels('reference') (every op on the naive loops a reader
//    can open in kernels/), then on the default 'fast' kernels. Same weights, up to float32 rounding;
//    not the same time.
// 2. Where the difference comes from: one convolution (the forward of a second conv layer) computed
//    four ways, each checked against the seven loops before it is timed: the seven loops, im2col + the
//    naive GEMM, im2col + the cache-blocked GEMM in JavaScript, im2col + the WebAssembly SIMD GEMM.
// Times and speeds depend on the machine, so the doc shows them masked; everything else is exact.
//
// Run: npx tsx examples/learn/09-speed.ts

import { Sequential, input, Conv2D, MaxPool2D, Flatten, Dense, Adam, Rng, loadMnist, sequentialOrder, takeRows, setKernels, type Tensor, type KernelsName } from '../../src/index.js';
import { conv2dShape, conv2dForwardDirect, im2col, gemmNaive, gemmBlocked, gemmSimd, simdAvailable } from '../../kernels/index.js';
import { fmt, count } from './show.js';

const { train, test } = await loadMnist({ train: 1024, test: 500, seed: 1 });

function classic(): Sequential {
  const model = new Sequential([
    input({ shape: [28, 28, 1] }),
    new Conv2D({ filters: 16, kernelSize: 3, activation: 'relu' }),
    new MaxPool2D({ poolSize: 2 }),
    new Flatten(),
    new Dense({ units: 10, activation: 'softmax' }),
  ], { seed: 1 }); // the same initial weights every time
  model.compile({ optimizer: new Adam({ learningRate: 0.001 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

/** One epoch of fit on the given kernels: the seconds it took, the mean loss, the test accuracy and the weights. */
async function trainOn(kernels: KernelsName): Promise<{ seconds: number; loss: number; accuracy: number; weights: Tensor[] }> {
  setKernels(kernels);
  const model = classic();
  // One untimed batch first, so neither side pays for compiling its code inside the timing.
  const first = sequentialOrder(32);
  await classic().fit(takeRows(train.images, first, 0, 32), takeRows(train.labels, first, 0, 32), { batchSize: 32, epochs: 1, verbose: 0 });
  const start = performance.now();
  const history = await model.fit(train.images, train.labels, { batchSize: 32, epochs: 1, shuffle: false, verbose: 0 });
  const seconds = (performance.now() - start) / 1000;
  const accuracy = model.evaluate(test.images, test.labels).accuracy;
  setKernels('fast');
  return { seconds, loss: history.loss[0], accuracy, weights: model.getWeights() };
}

console.log(`1. one epoch of the classic CNN (16 filters) on ${count(train.classes.length)} digits, batch 32`);
const runs = { reference: await trainOn('reference'), fast: await trainOn('fast') };
for (const [name, r] of Object.entries(runs)) {
  const imagesPerSecond = Math.round(train.classes.length / r.seconds);
  console.log(`  ${`${name}:`.padEnd(10)} ${r.seconds.toFixed(2)} s (${imagesPerSecond} images/s), mean loss ${fmt(r.loss)}, test accuracy ${fmt(r.accuracy)}`);
}
let maxDiff = 0;
runs.fast.weights.forEach((w, i) => w.data.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - runs.reference.weights[i].data[j])))));
console.log(`  the fast kernels: ${(runs.reference.seconds / runs.fast.seconds).toFixed(1)}× faster`);
console.log(`  largest difference between the two sets of weights: ${maxDiff < 1e-5 ? 'below 1e-5' : maxDiff.toExponential(1)}`);

// 2. One convolution four ways: x [32, 13, 13, 16] (the pooled maps of a first layer) with 32 filters
//    of 3×3, 'valid' → y [32, 11, 11, 32]. As a GEMM: M = 32·11·11 = 3,872 output pixels,
//    K = 3·3·16 = 144 taps, N = 32 filters.
const s = conv2dShape(32, 13, 13, 16, 3, 3, 32, [1, 1], [1, 1], 'valid');
const M = s.N * s.OH * s.OW;
const K = s.KH * s.KW * s.CI;
const rng = new Rng(9);
const x = Float32Array.from({ length: s.N * s.H * s.W * s.CI }, () => rng.normal(0, 1));
const w = Float32Array.from({ length: K * s.CO }, () => rng.normal(0, 0.1));
const cols = new Float32Array(M * K); // (M, K): the im2col matrix
const flops = 2 * M * K * s.CO;
console.log(`\n2. one conv forward, x [32, 13, 13, 16] * 32 filters of 3×3: a GEMM of M = ${count(M)}, K = ${K}, N = ${s.CO}, ${fmt(flops / 1e6, 1)} MFLOP`);

type Way = [name: string, run: (y: Float32Array) => void];
const ways: Way[] = [
  ['seven loops (conv2dForwardDirect)', (y) => conv2dForwardDirect(y, x, w, null, s)],
  ['im2col + naive GEMM (one dot product per output)', (y) => { im2col(cols, x, s); gemmNaive(y, cols, w, M, s.CO, K, 'nn', false); }],
  ['im2col + blocked GEMM in JavaScript (gemmBlocked)', (y) => { im2col(cols, x, s); gemmBlocked(y, cols, w, M, s.CO, K, 'nn', false); }],
];
if (simdAvailable) ways.push(['im2col + WebAssembly SIMD GEMM (gemmSimd)', (y) => { im2col(cols, x, s); gemmSimd(y, cols, w, M, s.CO, K, 'nn', false); }]);

/** The median time of one call, over enough calls to fill about 0.3 s (at least 3). */
function median(run: (y: Float32Array) => void, y: Float32Array): number {
  const times: number[] = [];
  for (let spent = 0; times.length < 3 || spent < 300;) {
    const start = performance.now();
    run(y);
    const t = performance.now() - start;
    times.push(t);
    spent += t;
  }
  return times.sort((a, b) => a - b)[times.length >> 1];
}

const truth = new Float32Array(M * s.CO); // (N, OH, OW, CO)
conv2dForwardDirect(truth, x, w, null, s);
let baseline = 0;
for (const [i, [name, run]] of ways.entries()) {
  const y = new Float32Array(M * s.CO).fill(NaN);
  run(y);
  const wrong = y.findIndex((v, j) => !(Math.abs(v - truth[j]) <= 1e-4 + 1e-4 * Math.abs(truth[j])));
  if (wrong >= 0) throw new Error(`${name}: output ${wrong} is ${y[wrong]}, the seven loops give ${truth[wrong]}`);
  const ms = median(run, y);
  if (i === 0) baseline = ms;
  const speed = `${ms.toFixed(1)} ms (${(flops / ms / 1e6).toFixed(2)} GFLOP/s)`;
  console.log(`  ${name}: ${speed}${i === 0 ? '' : `, ${(baseline / ms).toFixed(1)}× faster`}`);
}
console.log('  (every way checked against the seven loops first: equal within 1e-4)');
