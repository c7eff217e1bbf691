// Chapter 3: max pooling.
// What a 2×2 max pool keeps (and where its gradient goes), then how much it steadies the features
// when a real digit moves by one pixel, measured on MNIST digits.
//
// Run: npx tsx examples/learn/03-max-pooling.ts

import { tensor, conv2d, maxPool2d, randomNormal, sum, loadMnist, Rng, Tensor } from '../../src/index.js';
import { grid, fmt } from './show.js';

// 1. A 4×4 map, pooled 2×2: each window keeps its largest value and forgets where in the window it was.
const map = tensor([
  [1, 3, 0, 2],
  [4, 2, 1, 1],
  [0, 1, 5, 0],
  [2, 0, 3, 6],
].flat(), [1, 4, 4, 1], { requiresGrad: true });
const pooled = maxPool2d(map, { poolSize: 2 }); // stride = pool size by default
console.log('1. a 4×4 map:');
console.log(grid(map.data, 4, 4));
console.log(`max-pooled 2×2 → ${JSON.stringify(pooled.shape)}:`);
console.log(grid(pooled.data, 2, 2));

// Backward: the gradient of Σ pooled reaches only each window's winner; the other cells get 0.
sum(pooled).backward();
console.log('gradient of Σ pooled with respect to the map (1 marks each window\'s winner):');
console.log(grid(map.grad!.data, 4, 4));

// 2. Robustness to small shifts. Feature maps: 16 random 3×3 filters (seeded) + ReLU, as in the
//    classic model's first layer before it has learned anything. Move each digit one pixel and
//    compare the feature maps, and the pooled maps, before and after the move.
const { test } = await loadMnist({ train: 100, test: 200, seed: 1 });
const digits = test.images; // [200, 28, 28, 1], values in [0, 1]
const filters = randomNormal([3, 3, 1, 16], new Rng(3), 0, 0.5);

/** The digits moved by (dy, dx) pixels; what moves in from outside is 0 (white). */
function shift(images: Tensor, dy: number, dx: number): Tensor {
  const [N, H, W] = images.shape;
  const out = new Float32Array(images.size); // (N, 28, 28, 1)
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        const hs = h - dy;
        const ws = w - dx;
        if (hs >= 0 && hs < H && ws >= 0 && ws < W) out[(n * H + h) * W + w] = images.data[(n * H + hs) * W + ws];
      }
    }
  }
  return new Tensor(out, images.shape);
}

/** ‖a − b‖ / ‖a‖: how much of the feature vector changed (0 = identical). */
function relativeChange(a: Tensor, b: Tensor): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.size; i++) {
    diff += (a.data[i] - b.data[i]) ** 2;
    norm += a.data[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}

const features = (x: Tensor): Tensor => conv2d(x, filters, { relu: true }); // [N, 26, 26, 16]
const pool = (f: Tensor): Tensor => maxPool2d(f, { poolSize: 2 }); // [N, 13, 13, 16]
const before = features(digits);
const beforePooled = pool(before);
console.log(`\n2. ${digits.shape[0]} test digits, 16 random 3×3 filters + ReLU; relative change ‖f(moved) − f(digit)‖ / ‖f(digit)‖:`);
console.log('  move                  feature maps 26×26   pooled maps 13×13');
for (const [dy, dx, name] of [[0, 1, '1 pixel right'], [1, 0, '1 pixel down'], [1, 1, '1 pixel diagonally'], [0, 2, '2 pixels right']] as const) {
  const after = features(shift(digits, dy, dx));
  const a = relativeChange(before, after);
  const p = relativeChange(beforePooled, pool(after));
  console.log(`  ${name.padEnd(22)}${fmt(a, 3).padStart(8)}${fmt(p, 3).padStart(21)}`);
}

// For scale: the change to a different digit altogether (each digit against the next one in the set).
const perDigit = 26 * 26 * 16;
const others = new Tensor(before.data.slice(perDigit), [before.shape[0] - 1, 26, 26, 16]); // digits 1..199
const same = new Tensor(before.data.slice(0, others.size), others.shape); // digits 0..198
const a = relativeChange(same, others);
const p = relativeChange(pool(same), pool(others));
console.log(`  ${'another digit'.padEnd(22)}${fmt(a, 3).padStart(8)}${fmt(p, 3).padStart(21)}`);
