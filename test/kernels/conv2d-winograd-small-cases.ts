// The shapes and the twin comparison of the fused small-channel Winograd
// (kernels/conv2d-winograd-small.ts), shared by conv2d-winograd-small.test.ts (products as mul + add)
// and conv2d-winograd-small-child.ts (products fused by relaxed SIMD, which a vitest worker cannot
// switch on). No vitest here: the child runs it in a plain Node process.

import type { Conv2dShape, Padding } from '../../kernels/conv-shape.js';
import { conv2dBackwardFilterDirect, conv2dBackwardBias } from '../../kernels/conv2d.js';
import { conv2dForwardWinogradSmall, conv2dBackwardInputWinogradSmall } from '../../kernels/conv2d-winograd-small.js';
import { conv2dBackwardFilterBiasWinogradSmall } from '../../kernels/conv2d-winograd-small-dw.js';
import { engineHeap, type WasmHeap } from '../../kernels/wasm/heap.js';
import { compareArrays, randInt, randomArray, sumTolerance, winogradFilterGradTerms, winogradLabel, winogradShape, type Rng } from './helpers.js';
import { firstDifference } from './same-bits.js';
import { compareWinogradWithTwin, type TwinReport } from './conv2d-winograd-twin.js';

/**
 * Shapes no group size divides and the smallest ones: 1×1, 1×2 and 2×1 images (one tile, mostly
 * past the image), odd sizes (a tail tile row and column), tile rows of 4·k + 0, 1, 2, 3 tiles (the
 * module's groups of 4, 2 and 1), every channel count from 8 to 32, both paddings, batch 1.
 */
export const awkwardSmallShapes: readonly Conv2dShape[] = [
  winogradShape(1, 1, 1, 8, 8, 'same'),
  winogradShape(1, 1, 2, 8, 16, 'same'),
  winogradShape(2, 2, 1, 16, 8, 'same'),
  winogradShape(1, 3, 3, 8, 8, 'valid'), // one output pixel
  winogradShape(1, 4, 4, 8, 8, 'valid'),
  winogradShape(1, 3, 8, 8, 8, 'same'), // 4 tiles a row
  winogradShape(1, 3, 9, 8, 8, 'same'), // 5: 4 + 1
  winogradShape(1, 3, 11, 8, 8, 'same'), // 6: 4 + 2
  winogradShape(1, 3, 13, 8, 8, 'same'), // 7: 4 + 2 + 1
  winogradShape(2, 7, 7, 16, 16, 'same'),
  winogradShape(1, 9, 6, 24, 8, 'same'),
  winogradShape(1, 6, 5, 8, 24, 'valid'),
  winogradShape(2, 5, 10, 32, 16, 'same'),
  winogradShape(1, 4, 7, 16, 32, 'same'),
  winogradShape(1, 5, 5, 32, 32, 'valid'),
];

/** `count` seeded shapes: batch 1–3, images 1–15 a side (3–15 for 'valid'), channels 8, 16, 24 or 32. */
export function seededSmallShapes(rng: Rng, count: number): Conv2dShape[] {
  const channels = (): number => 8 * randInt(rng, 1, 4);
  return Array.from({ length: count }, () => {
    const padding: Padding = rng() < 0.5 ? 'same' : 'valid';
    const lo = padding === 'valid' ? 3 : 1;
    return winogradShape(randInt(rng, 1, 3), randInt(rng, lo, 15), randInt(rng, lo, 15), channels(), channels(), padding);
  });
}

/** compareWinogradWithTwin for the fused small-channel Winograd, with the products fused when `fma`. */
export function compareSmallWithTwin(rng: Rng, s: Conv2dShape, fma: boolean, heap: WasmHeap = engineHeap()): TwinReport {
  return compareWinogradWithTwin(rng, s, {
    forward: (y, x, w, bias, shape, relu) => conv2dForwardWinogradSmall(y, x, w, bias, shape, relu, heap, fma),
    inputGrad: (dx, dy, w, shape) => conv2dBackwardInputWinogradSmall(dx, dy, w, shape, heap, fma),
  });
}

/**
 * The filter gradient and the bias's sums of shape s against the naive twins, both prefilled with
 * random values they must add onto: dw within the Winograd filter gradient's bound
 * (winogradFilterGradTerms, derived in helpers.ts, plus the prefill's one term), db bit for bit.
 */
export function compareSmallFilterGradWithTwin(rng: Rng, s: Conv2dShape, fma: boolean, heap: WasmHeap = engineHeap()): TwinReport {
  const x = randomArray(rng, s.N * s.H * s.W * s.CI);
  const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
  const dwWant = randomArray(rng, 9 * s.CI * s.CO);
  const dbWant = randomArray(rng, s.CO);
  const dwGot = dwWant.slice(), dbGot = dbWant.slice();
  conv2dBackwardFilterDirect(dwWant, dy, x, s);
  conv2dBackwardBias(dbWant, dy, s);
  conv2dBackwardFilterBiasWinogradSmall(dwGot, dbGot, dy, x, s, heap, fma);
  const dw = compareArrays(dwGot, dwWant, sumTolerance(winogradFilterGradTerms(s) + 1));
  const failures: string[] = [];
  if (!dw.ok) failures.push(`dw ${winogradLabel(s)}\n${dw.message}`);
  const at = firstDifference(dbGot, dbWant);
  if (at !== -1) failures.push(`db ${winogradLabel(s)}: [${at}] got ${dbGot[at]}, want ${dbWant[at]}`);
  return { checked: dwWant.length + dbWant.length, failures };
}
