// Chapter 1: what a convolution computes.
// A 5×5 image and a 3×3 filter: the sum by hand, then tatami's conv2d op, then the seven-loop
// reference kernel (kernels/conv2d.ts), all giving the same numbers. Then stride, 'same' padding and
// dilation.
//
// Run: npx tsx examples/learn/01-convolution.ts

import { tensor, conv2d } from '../../src/index.js';
import { conv2dShape, conv2dForwardDirect } from '../../kernels/index.js';
import { grid } from './show.js';

// A 5×5 grey image and a 3×3 filter (Sobel's vertical-edge filter: left column +, right column −).
const image = [
  [1, 2, 0, 1, 3],
  [0, 1, 3, 2, 1],
  [2, 0, 1, 0, 2],
  [1, 3, 2, 1, 0],
  [0, 1, 0, 2, 1],
];
const filter = [
  [1, 0, -1],
  [2, 0, -2],
  [1, 0, -1],
];
console.log('image (5×5):');
console.log(grid(image.flat(), 5, 5));
console.log('filter (3×3):');
console.log(grid(filter.flat(), 3, 3));

// 1. By hand: put the filter on the top-left 3×3 patch, multiply cell by cell, add up.
const terms: string[] = [];
let byHand = 0;
for (let kh = 0; kh < 3; kh++) {
  for (let kw = 0; kw < 3; kw++) {
    const x = image[kh][kw];
    const w = filter[kh][kw];
    terms.push(`${x}·${w < 0 ? `(${w})` : w}`);
    byHand += x * w;
  }
}
console.log('\n1. by hand, output (0, 0):');
console.log(`  ${terms.slice(0, 3).join(' + ')}`);
console.log(`+ ${terms.slice(3, 6).join(' + ')}`);
console.log(`+ ${terms.slice(6).join(' + ')} = ${byHand}`);

// The same for every position the filter fits in: 5 − 3 + 1 = 3 positions each way.
const out = new Array<number>(9).fill(0);
for (let oh = 0; oh < 3; oh++) {
  for (let ow = 0; ow < 3; ow++) {
    for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) out[oh * 3 + ow] += image[oh + kh][ow + kw] * filter[kh][kw];
  }
}
console.log('by hand, all 3×3 outputs:');
console.log(grid(out, 3, 3));

// 2. The engine's op. Tensors are NHWC: [batch, height, width, channels]; filters are HWIO:
//    [height, width, input channels, output channels]. One image, one channel, one filter.
const x = tensor(image.flat(), [1, 5, 5, 1]);
const w = tensor(filter.flat(), [3, 3, 1, 1]);
const y = conv2d(x, w); // padding 'valid' and stride 1 by default
console.log(`\n2. conv2d(x ${JSON.stringify(x.shape)}, w ${JSON.stringify(w.shape)}) → ${JSON.stringify(y.shape)}:`);
console.log(grid(y.data, 3, 3));

// 3. The seven-loop reference kernel, on plain Float32Arrays. conv2dShape works out every size once.
const s = conv2dShape(1, 5, 5, 1, 3, 3, 1, [1, 1], [1, 1], 'valid');
const yRef = new Float32Array(s.N * s.OH * s.OW * s.CO); // (N, OH, OW, CO)
conv2dForwardDirect(yRef, x.data, w.data, null, s);
console.log('\n3. conv2dForwardDirect (the seven loops of kernels/conv2d.ts):');
console.log(grid(yRef, 3, 3));
const same = out.every((v, i) => v === y.data[i] && v === yRef[i]);
console.log(`by hand, conv2d and the reference kernel agree exactly: ${same}`);

// 4. Stride: the filter jumps 2 cells at a time, so it fits at columns 0 and 2 only.
const strided = conv2d(x, w, { strides: 2 });
console.log(`\n4. stride 2, 'valid' → ${JSON.stringify(strided.shape)}: the corners of the 3×3 output above`);
console.log(grid(strided.data, 2, 2));

// 5. 'same' padding, TensorFlow's rule: output size = ceil(input / stride); the zeros needed go
//    half before, half after, and an odd one goes after (bottom/right).
const padded = conv2d(x, w, { padding: 'same' });
const sSame = conv2dShape(1, 5, 5, 1, 3, 3, 1, [1, 1], [1, 1], 'same');
console.log(`\n5. 'same', stride 1 → ${JSON.stringify(padded.shape)} (one row/column of zeros on each side: padTop ${sSame.padTop}, padLeft ${sSame.padLeft}):`);
console.log(grid(padded.data, 5, 5));
for (const H of [5, 6]) {
  const t = conv2dShape(1, H, H, 1, 3, 3, 1, [2, 2], [1, 1], 'same');
  const total = (t.OH - 1) * 2 + 3 - H;
  console.log(`'same', stride 2, ${H}×${H} input → ${t.OH}×${t.OW}: ${total} padding row(s) in all, ${t.padTop} on top, ${total - t.padTop} at the bottom`);
}

// 6. Dilation: the filter's taps spread out, 2 cells apart, so a 3×3 filter covers a 5×5 area.
const dilated = conv2d(x, w, { dilation: 2 });
let corners = 0;
for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) corners += image[2 * kh][2 * kw] * filter[kh][kw];
console.log(`\n6. dilation 2, 'valid' → ${JSON.stringify(dilated.shape)}: ${dilated.data[0]} (by hand, taps at rows and columns 0, 2, 4: ${corners})`);
