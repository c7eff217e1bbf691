/**
 * Tensor.holdScratch: a conv's im2col matrix goes back to storage with a finished training step
 * (recycleGraph), but never when it is the input's own storage (a 1×1 stride-1 conv reads x as its
 * cols), and nothing is held when no backward is recorded.
 */
import { describe, it, expect } from 'vitest';
import { Rng, randomNormal, conv2d, sum, noGrad } from '../../src/index.js';
import { allocFloat32 } from '../../src/storage.js';
import { recycleGraph } from '../../src/recycle.js';

describe('holdScratch and recycleGraph', () => {
  it('a 3×3 conv holds its cols, and a finished step gives them back', () => {
    const rng = new Rng(60);
    const x = randomNormal([2, 7, 5, 3], rng); // a leaf input, no gradient
    const w = randomNormal([3, 3, 3, 2], rng, 0, 1, { requiresGrad: true });
    const y = conv2d(x, w); // [2, 5, 3, 2]; cols [2·5·3, 3·3·3] = 810 floats, a length no other test uses
    expect(y.scratch.length).toBe(1);
    const cols = y.scratch[0];
    expect(cols.length).toBe(2 * 5 * 3 * 27);
    const loss = sum(y);
    loss.backward();
    const dw = Float32Array.from(w.grad!.data);
    recycleGraph(loss);
    expect(allocFloat32(810)).toBe(cols);
    expect(Array.from(w.grad!.data)).toEqual(Array.from(dw)); // a leaf's gradient is the caller's to drop
  });

  it('a 1×1 conv reads the input itself: its storage is never given back', () => {
    const rng = new Rng(61);
    const x = randomNormal([1, 9, 11, 3], rng); // 297 floats
    const before = Float32Array.from(x.data);
    const w = randomNormal([1, 1, 3, 4], rng, 0, 1, { requiresGrad: true });
    const y = conv2d(x, w);
    expect(y.scratch[0]).toBe(x.data);
    const loss = sum(y);
    loss.backward();
    recycleGraph(loss);
    const next = allocFloat32(297);
    expect(next).not.toBe(x.data);
    next.fill(42);
    expect(Array.from(x.data)).toEqual(Array.from(before));
  });

  it('without a recorded backward nothing is held', () => {
    const rng = new Rng(62);
    const x = randomNormal([1, 5, 5, 1], rng);
    const w = randomNormal([3, 3, 1, 2], rng, 0, 1, { requiresGrad: true });
    expect(noGrad(() => conv2d(x, w)).scratch).toEqual([]);
    expect(conv2d(x, randomNormal([3, 3, 1, 2], rng)).scratch).toEqual([]); // no input wants a gradient
  });
});
