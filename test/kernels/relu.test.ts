import { describe, it, expect } from 'vitest';
import { reluInPlace, reluBackwardBias } from '../../kernels/relu.js';
import { conv2dBackwardBias } from '../../kernels/conv2d.js';
import { conv2dShape } from '../../kernels/conv-shape.js';
import { mulberry32, randInt, randomArray, nanArray, compareArrays, expectClose } from './helpers.js';

describe('fused ReLU kernels', () => {
  it('reluInPlace clamps negatives to +0, keeps positives, ±0 and ±∞ as max(x, 0) does, and NaN as NaN', () => {
    const y = Float32Array.of(-2, -0, 0, 0.5, NaN, 3, -Infinity, Infinity, -1e-40);
    reluInPlace(y);
    const want = [0, -0, 0, 0.5, NaN, 3, 0, Infinity, 0];
    want.forEach((v, i) => expect(Object.is(y[i], v), `relu(${i}) = ${y[i]}, want ${v}`).toBe(true));
  });

  it('reluBackwardBias equals the mask followed by the separate bias reduction', () => {
    const rng = mulberry32(7);
    for (let t = 0; t < 30; t++) {
      const rows = randInt(rng, 1, 200);
      const C = randInt(rng, 1, 37);
      const y = randomArray(rng, rows * C);
      const dout = randomArray(rng, rows * C);
      // Reference: written out element by element, then conv2dBackwardBias on the masked gradient.
      const want = new Float32Array(rows * C);
      for (let i = 0; i < want.length; i++) want[i] = y[i] > 0 ? dout[i] : 0;
      const s = conv2dShape(1, rows, 1, 1, 1, 1, C, [1, 1], [1, 1], 'valid');
      const prior = randomArray(rng, C);
      const dbWant = Float32Array.from(prior);
      conv2dBackwardBias(dbWant, want, s);
      const dz = nanArray(rows * C);
      const db = Float32Array.from(prior); // accumulates onto a known prior
      reluBackwardBias(dz, db, dout, y, C);
      expectClose(dz, want, { atol: 0, rtol: 0 }, `rows ${rows} C ${C}`);
      expectClose(db, dbWant, { atol: 1e-6, rtol: 1e-6 }, `bias rows ${rows} C ${C}`);
      // Without a bias buffer it only masks.
      const dz2 = nanArray(rows * C);
      reluBackwardBias(dz2, null, dout, y, C);
      expectClose(dz2, want, { atol: 0, rtol: 0 }, `mask only rows ${rows} C ${C}`);
    }
  });

  it('a bias sum that overwrites instead of accumulating fails the comparison', () => {
    const rng = mulberry32(3);
    const y = randomArray(rng, 40);
    const dout = randomArray(rng, 40);
    const prior = Float32Array.of(1, 2, 3, 4);
    const good = Float32Array.from(prior);
    reluBackwardBias(new Float32Array(40), good, dout, y, 4);
    const wrong = new Float32Array(4); // forgot the prior
    reluBackwardBias(new Float32Array(40), wrong, dout, y, 4);
    expect(compareArrays(wrong, good, { atol: 1e-6, rtol: 1e-6 }).ok).toBe(false);
  });
});
