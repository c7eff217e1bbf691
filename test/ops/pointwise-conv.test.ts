/**
 * The 1×1 convolution's fast path: with stride 1 conv2d multiplies x [N·H·W, CI] by the filter
 * [CI, CO] directly (no im2col copy; the filter gradient reads x itself). It must equal the same
 * product written with matmul, values and gradients, and x must come out unchanged.
 */
import { describe, it, expect } from 'vitest';
import { Rng, Tensor, conv2d, matmul, reshape, randomNormal, mul, sum } from '../../src/index.js';
import { expectClose, expectGradOk } from '../helpers.js';

function gradsOf(f: (x: Tensor, w: Tensor) => Tensor, x: Tensor, w: Tensor, r: Tensor): Tensor[] {
  const xs = [x, w].map((t) => new Tensor(Float32Array.from(t.data), t.shape, true));
  sum(mul(f(xs[0], xs[1]), r)).backward();
  return xs.map((t) => t.grad as Tensor);
}

describe('1×1 conv2d as a GEMM', () => {
  for (const padding of ['valid', 'same'] as const) {
    it(`stride 1 '${padding}': equals matmul over pixels, values and gradients; x unchanged`, () => {
      const rng = new Rng(3);
      const x = randomNormal([2, 5, 3, 4], rng);
      const w = randomNormal([1, 1, 4, 6], rng);
      const before = Float32Array.from(x.data);
      const r = randomNormal([2, 5, 3, 6], rng);
      const viaConv = (xx: Tensor, ww: Tensor): Tensor => conv2d(xx, ww, { padding });
      const viaMatmul = (xx: Tensor, ww: Tensor): Tensor => reshape(matmul(reshape(xx, [30, 4]), reshape(ww, [4, 6])), [2, 5, 3, 6]);
      expectClose(viaConv(x, w), viaMatmul(x, w).data, 1e-6, 1e-5, 'value');
      const [dxA, dwA] = gradsOf(viaConv, x, w, r);
      const [dxB, dwB] = gradsOf(viaMatmul, x, w, r);
      expectClose(dxA, dxB.data, 1e-5, 1e-5, 'dx');
      expectClose(dwA, dwB.data, 1e-5, 1e-5, 'dw');
      expect(Array.from(x.data)).toEqual(Array.from(before));
    });
  }

  it('gradCheck, stride 1 with bias and stride 2', () => {
    const rng = new Rng(4);
    expectGradOk((xx, ww, bb) => conv2d(xx, ww, { bias: bb }), [randomNormal([2, 3, 3, 3], rng), randomNormal([1, 1, 3, 2], rng), randomNormal([2], rng)]);
    expectGradOk((xx, ww) => conv2d(xx, ww, { strides: 2 }), [randomNormal([1, 5, 4, 3], rng), randomNormal([1, 1, 3, 2], rng)]);
  });
});
