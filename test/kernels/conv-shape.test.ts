import { describe, it, expect } from 'vitest';
import { conv2dShape, pool2dShape } from '../../kernels/conv-shape.js';

describe('conv2dShape', () => {
  it("'valid': floor((H − KE) / s) + 1, no padding", () => {
    const s = conv2dShape(64, 28, 28, 1, 3, 3, 128, [1, 1], [1, 1], 'valid');
    expect([s.OH, s.OW, s.padTop, s.padLeft]).toEqual([26, 26, 0, 0]);
    // Effective kernel with dilation 2: (3 − 1)·2 + 1 = 5; (9 − 5) / 2 + 1 = 3.
    const d = conv2dShape(1, 9, 10, 1, 3, 3, 1, [2, 2], [2, 2], 'valid');
    expect([d.OH, d.OW]).toEqual([3, 3]);
  });

  it("'same': ceil(H / s), the odd pad cell goes bottom/right", () => {
    // 3×3, stride 1 on 5×5: total pad 2, top 1.
    const a = conv2dShape(1, 5, 5, 1, 3, 3, 1, [1, 1], [1, 1], 'same');
    expect([a.OH, a.OW, a.padTop, a.padLeft]).toEqual([5, 5, 1, 1]);
    // 2×2, stride 1 on 3×3: total 1, top 0 (extra row at the bottom).
    const b = conv2dShape(1, 3, 3, 1, 2, 2, 1, [1, 1], [1, 1], 'same');
    expect([b.OH, b.padTop]).toEqual([3, 0]);
    // 3×3, stride 2 on 4×6: OH = 2, total (2−1)·2 + 3 − 4 = 1 → top 0; OW = 3, total (3−1)·2+3−6 = 1 → left 0.
    const c = conv2dShape(1, 4, 6, 1, 3, 3, 1, [2, 2], [1, 1], 'same');
    expect([c.OH, c.OW, c.padTop, c.padLeft]).toEqual([2, 3, 0, 0]);
    // 4×4, stride 2 on 7×7: OH = 4, total (4−1)·2 + 4 − 7 = 3 → top 1.
    const d = conv2dShape(1, 7, 7, 1, 4, 4, 1, [2, 2], [1, 1], 'same');
    expect([d.OH, d.padTop]).toEqual([4, 1]);
    // 1×1, stride 3 on 5: OH = 2, total max(3 + 1 − 5, 0) = 0.
    const e = conv2dShape(1, 5, 5, 1, 1, 1, 1, [3, 3], [1, 1], 'same');
    expect([e.OH, e.padTop]).toEqual([2, 0]);
  });

  it('throws a caller-neutral message for a kernel larger than the input', () => {
    expect(() => conv2dShape(1, 3, 3, 1, 5, 5, 1, [1, 1], [1, 1], 'valid'))
      .toThrow("conv2d: kernel 5x5 (dilation 1) is larger than input 3x3 with padding 'valid'");
    // Dilation makes a 3×3 kernel span 5.
    expect(() => conv2dShape(1, 4, 4, 1, 3, 3, 1, [1, 1], [2, 2], 'valid')).toThrow(/^conv2d: kernel 3x3 \(dilation 2\)/);
  });

  it('throws on sizes, strides or dilations that are not positive integers', () => {
    expect(() => conv2dShape(0, 3, 3, 1, 1, 1, 1, [1, 1], [1, 1], 'valid')).toThrow(/^conv2d: N must be a positive integer/);
    expect(() => conv2dShape(1, 3, 3, 1, 1, 1, 1, [1.5, 1], [1, 1], 'valid')).toThrow(/strideH/);
    expect(() => conv2dShape(1, 3, 3, 1, 1, 1, 1, [1, 1], [1, 0], 'valid')).toThrow(/dilationW/);
  });
});

describe('pool2dShape', () => {
  it('follows the same rules with dilation 1', () => {
    const a = pool2dShape(64, 26, 26, 128, 2, 2, [2, 2], 'valid');
    expect([a.OH, a.OW, a.padTop]).toEqual([13, 13, 0]);
    const b = pool2dShape(1, 5, 5, 1, 2, 2, [2, 2], 'same');
    expect([b.OH, b.padTop]).toEqual([3, 0]); // total (3−1)·2 + 2 − 5 = 1
    const c = pool2dShape(1, 5, 5, 1, 3, 3, [1, 1], 'same');
    expect([c.OH, c.padTop]).toEqual([5, 1]);
  });

  it('throws for a window larger than the input, or a bad stride', () => {
    expect(() => pool2dShape(1, 2, 2, 1, 3, 3, [1, 1], 'valid'))
      .toThrow("pool2d: window 3x3 is larger than input 2x2 with padding 'valid'");
    expect(() => pool2dShape(1, 2, 2, 1, 1, 1, [0, 1], 'valid')).toThrow(/^pool2d: strideH/);
  });
});
