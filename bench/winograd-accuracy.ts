// How much accuracy Winograd F(2×2, 3×3) gives up: the forward and input gradient of the conv
// bench's shapes B and C (and Keras's convnet's second conv), by Winograd and by im2col, against
// the direct seven loops (float64 sums, rounded once to float32). Same seeded data as bench/conv.ts:
// x and dy uniform in [−1, 1], the filter uniform in ±1/√(9·CI).
//
//   npx tsx bench/winograd-accuracy.ts

import {
  conv2dShape, conv2dForwardDirect, conv2dBackwardInputDirect, conv2dForwardIm2col, conv2dBackwardInputIm2col, gemmFast, gemmFastBias,
} from '../kernels/index.js';
import { conv2dForwardWinograd, conv2dBackwardInputWinograd } from '../kernels/conv2d-winograd.js';
import { uniform } from './data.js';

/** max |got − want|, that over max |want|, and the largest |got − want| / |want| where |want| ≥ 1e-3·max |want|. */
function errors(got: Float32Array, want: Float32Array): string {
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  let maxRel = 0;
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(want[i]) >= 1e-3 * scale) maxRel = Math.max(maxRel, Math.abs(got[i] - want[i]) / Math.abs(want[i]));
  }
  return `max abs ${maxAbs.toExponential(2)} (${(maxAbs / scale).toExponential(2)} of max |y| ${scale.toFixed(2)}), max rel ${maxRel.toExponential(2)}`;
}

const shapes: [string, number, number, number, number, number, 'same' | 'valid'][] = [
  ['B', 32, 14, 14, 32, 64, 'same'],
  ['C', 8, 56, 56, 64, 64, 'same'],
  ['convnet conv 2', 32, 13, 13, 32, 64, 'valid'],
];
for (const [label, N, H, W, CI, CO, padding] of shapes) {
  const s = conv2dShape(N, H, W, CI, 3, 3, CO, [1, 1], [1, 1], padding);
  const x = uniform(N * H * W * CI, 1);
  const w = uniform(9 * CI * CO, 2, -1 / Math.sqrt(9 * CI), 1 / Math.sqrt(9 * CI));
  const dy = uniform(N * s.OH * s.OW * CO, 3);
  const ySize = N * s.OH * s.OW * CO;
  const want = new Float32Array(ySize);
  conv2dForwardDirect(want, x, w, null, s);
  const wino = new Float32Array(ySize);
  conv2dForwardWinograd(wino, x, w, null, s, 'engine');
  const im2col = new Float32Array(ySize);
  conv2dForwardIm2col(im2col, x, w, null, s, new Float32Array(ySize / CO * 9 * CI), gemmFastBias);
  console.log(`${label} forward  winograd: ${errors(wino, want)}\n${label} forward  im2col:   ${errors(im2col, want)}`);
  const dxWant = new Float32Array(x.length);
  conv2dBackwardInputDirect(dxWant, dy, w, s);
  const dxWino = new Float32Array(x.length);
  conv2dBackwardInputWinograd(dxWino, dy, w, s, 'engine');
  const dxIm2col = new Float32Array(x.length);
  conv2dBackwardInputIm2col(dxIm2col, dy, w, s, gemmFast);
  console.log(`${label} dx       winograd: ${errors(dxWino, dxWant)}\n${label} dx       im2col:   ${errors(dxIm2col, dxWant)}`);
}
