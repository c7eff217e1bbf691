// The shapes and the twin comparison of the fused small-channel Winograd
// (kernels/conv2d-winograd-small.ts), shared by conv2d-winograd-small.test.ts (products as mul + add)
// and conv2d-winograd-small-child.ts (products fused by relaxed SIMD, which a vitest worker cannot
// switch on). No vitest here: the child runs it in a plain Node process.

import { conv2dShape, type Conv2dShape, type Padding } from '../../kernels/conv-shape.js';
import { conv2dForwardDirect, conv2dBackwardInputDirect, conv2dBackwardFilterDirect, conv2dBackwardBias } from '../../kernels/conv2d.js';
import { conv2dForwardWinogradSmall, conv2dBackwardInputWinogradSmall } from '../../kernels/conv2d-winograd-small.js';
import { conv2dBackwardFilterBiasWinogradSmall } from '../../kernels/conv2d-winograd-small-dw.js';
import { engineHeap, type WasmHeap } from '../../kernels/wasm/heap.js';
import { compareArrays, nanArray, randInt, randomArray, sumTolerance, winogradFilterGradTerms, type Rng, type Tolerance } from './helpers.js';
import { firstDifference } from './same-bits.js';

export const smallShape = (N: number, H: number, W: number, CI: number, CO: number, padding: Padding): Conv2dShape =>
  conv2dShape(N, H, W, CI, 3, 3, CO, [1, 1], [1, 1], padding);

export const smallLabel = (s: Conv2dShape): string =>
  `N=${s.N} H=${s.H} W=${s.W} CI=${s.CI} CO=${s.CO} pad=${s.padTop},${s.padLeft} out=${s.OH}x${s.OW}`;

/**
 * The tolerance against the direct twin, operands in [−1, 1], summing over `IC` channels: the bound
 * of conv2d-winograd.test.ts, derived there. sumTolerance(terms) allows 2e-7 per summed product of
 * magnitude ≤ 1; each output is ± the sum of 9 of the 16 products M[ξ] = Σ_ic V[ξ]·U[ξ] with
 * |V| ≤ 4 and |U| ≤ 2.25, so 9·IC products of magnitude ≤ 9: 81·IC unit terms. Fused products
 * (relaxed SIMD) round once where mul + add rounds twice, so the same bound holds.
 */
export const smallWinogradTolerance = (IC: number): Tolerance => sumTolerance(81 * IC);

/**
 * Shapes no group size divides and the smallest ones: 1×1, 1×2 and 2×1 images (one tile, mostly
 * past the image), odd sizes (a tail tile row and column), tile rows of 4·k + 0, 1, 2, 3 tiles (the
 * module's groups of 4, 2 and 1), every channel count from 8 to 32, both paddings, batch 1.
 */
export const awkwardSmallShapes: readonly Conv2dShape[] = [
  smallShape(1, 1, 1, 8, 8, 'same'),
  smallShape(1, 1, 2, 8, 16, 'same'),
  smallShape(2, 2, 1, 16, 8, 'same'),
  smallShape(1, 3, 3, 8, 8, 'valid'), // one output pixel
  smallShape(1, 4, 4, 8, 8, 'valid'),
  smallShape(1, 3, 8, 8, 8, 'same'), // 4 tiles a row
  smallShape(1, 3, 9, 8, 8, 'same'), // 5: 4 + 1
  smallShape(1, 3, 11, 8, 8, 'same'), // 6: 4 + 2
  smallShape(1, 3, 13, 8, 8, 'same'), // 7: 4 + 2 + 1
  smallShape(2, 7, 7, 16, 16, 'same'),
  smallShape(1, 9, 6, 24, 8, 'same'),
  smallShape(1, 6, 5, 8, 24, 'valid'),
  smallShape(2, 5, 10, 32, 16, 'same'),
  smallShape(1, 4, 7, 16, 32, 'same'),
  smallShape(1, 5, 5, 32, 32, 'valid'),
];

/** `count` seeded shapes: batch 1–3, images 1–15 a side (3–15 for 'valid'), channels 8, 16, 24 or 32. */
export function seededSmallShapes(rng: Rng, count: number): Conv2dShape[] {
  const channels = (): number => 8 * randInt(rng, 1, 4);
  return Array.from({ length: count }, () => {
    const padding: Padding = rng() < 0.5 ? 'same' : 'valid';
    const lo = padding === 'valid' ? 3 : 1;
    return smallShape(randInt(rng, 1, 3), randInt(rng, lo, 15), randInt(rng, lo, 15), channels(), channels(), padding);
  });
}

/** What a comparison found: the outputs compared and the mismatch reports (empty when all agree). */
export interface TwinReport { readonly checked: number; readonly failures: readonly string[] }

/**
 * The forward (NaN-filled y, a bias half of the time, the fused ReLU a quarter) and the input
 * gradient (dx prefilled with random values, which it must add onto) of shape s against the naive
 * twin, with the products fused when `fma`.
 */
export function compareSmallWithTwin(rng: Rng, s: Conv2dShape, fma: boolean, heap: WasmHeap = engineHeap()): TwinReport {
  const x = randomArray(rng, s.N * s.H * s.W * s.CI);
  const w = randomArray(rng, 9 * s.CI * s.CO);
  const bias = rng() < 0.5 ? randomArray(rng, s.CO) : null;
  const relu = rng() < 0.25;
  const want = nanArray(s.N * s.OH * s.OW * s.CO);
  conv2dForwardDirect(want, x, w, bias, s);
  if (relu) for (let i = 0; i < want.length; i++) if (want[i] < 0) want[i] = 0;
  const got = nanArray(want.length);
  conv2dForwardWinogradSmall(got, x, w, bias, s, relu, heap, fma);
  const forward = compareArrays(got, want, smallWinogradTolerance(s.CI));

  const dy = randomArray(rng, want.length);
  const start = randomArray(rng, x.length);
  const dxWant = start.slice();
  conv2dBackwardInputDirect(dxWant, dy, w, s);
  const dxGot = start.slice();
  conv2dBackwardInputWinogradSmall(dxGot, dy, w, s, heap, fma);
  // dx sums over CO channels, and the prefill adds one term of magnitude ≤ 1.
  const input = compareArrays(dxGot, dxWant, smallWinogradTolerance(s.CO + 1));
  const failures: string[] = [];
  if (!forward.ok) failures.push(`forward ${smallLabel(s)}${relu ? ' relu' : ''}${bias === null ? '' : ' bias'}\n${forward.message}`);
  if (!input.ok) failures.push(`dx ${smallLabel(s)}\n${input.message}`);
  return { checked: want.length + dxWant.length, failures };
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
  if (!dw.ok) failures.push(`dw ${smallLabel(s)}\n${dw.message}`);
  const at = firstDifference(dbGot, dbWant);
  if (at !== -1) failures.push(`db ${smallLabel(s)}: [${at}] got ${dbGot[at]}, want ${dbWant[at]}`);
  return { checked: dwWant.length + dbWant.length, failures };
}
