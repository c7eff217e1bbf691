/**
 * backward() gives an op output's gradient storage back for reuse once the gradient has been passed
 * on (as PyTorch frees non-leaf gradients), unless retainGrad() asked to keep it; leaves always keep
 * theirs, and nothing a user holds changes when the storage is handed out again.
 */
import { describe, it, expect } from 'vitest';
import { Tensor, accumulateGrad, tensor, add, mul, sum, relu, exp } from '../../src/index.js';
import { allocFloat32 } from '../../src/storage.js';
import { expectClose } from '../helpers.js';

describe('retainGrad and the release of intermediate gradients', () => {
  it('an op output has no .grad after backward() unless retainGrad() was called; leaves keep theirs', () => {
    const x = tensor([1, -2, 3], undefined, { requiresGrad: true });
    const h = mul(x, 2);
    const kept = exp(x).retainGrad();
    expect(h.retainsGrad).toBe(false);
    expect(kept.retainsGrad).toBe(true);
    expect(x.retainsGrad).toBe(true);
    const loss = sum(add(h, kept));
    loss.backward();
    expect(h.grad).toBeNull();
    expect(loss.grad).toBeNull();
    // d loss / d exp(x) = 1 everywhere; d loss / dx = 2 + eˣ.
    expectClose(kept.grad!, [1, 1, 1], 0, 0);
    expectClose(x.grad!, [2 + Math.exp(1), 2 + Math.exp(-2), 2 + Math.exp(3)], 1e-6, 1e-6);
  });

  it('a released gradient buffer is handed out again, and what the user holds never changes', () => {
    // A length no other test allocates, so the free list for it starts empty.
    const n = 1237;
    const x = tensor(Array.from({ length: n }, (_, i) => (i % 7) - 3), undefined, { requiresGrad: true });
    const h = relu(mul(x, 3)); // relu's output: the user holds it
    // An identity op that remembers the gradient buffer backward() hands it (its own .grad storage).
    const seen: Float32Array[] = [];
    const s = Tensor.fromOp('spy', h.data, h.shape, [h], (dout) => {
      seen.push(dout);
      accumulateGrad(h, dout, false);
    });
    const y = sum(mul(s, s));
    const hBefore = Float32Array.from(h.data);
    y.backward();
    const xGrad = Float32Array.from(x.grad!.data);
    // The intermediate gradients (of mul(s,s), s, h and mul(x,3)) went back as soon as they had been
    // passed on: later allocations of that length reuse them, zeroed, instead of fresh memory. The
    // spy's went back when the spy returned; the next allocation of its length, still inside
    // backward() (x's gradient, formed by mul(x, 3)), or one of those after it took it.
    const reused = [allocFloat32(n), allocFloat32(n), allocFloat32(n)];
    for (const b of reused) {
      expect(b.every((v) => v === 0)).toBe(true);
      b.fill(42);
    }
    expect(s.grad).toBeNull();
    expect([x.grad!.data, ...reused]).toContain(seen[0]);
    expect(reused.some((b) => b.buffer === x.grad!.data.buffer || b.buffer === h.data.buffer || b.buffer === x.data.buffer)).toBe(false);
    expect(Array.from(h.data)).toEqual(Array.from(hBefore));
    expect(Array.from(x.grad!.data)).toEqual(Array.from(xGrad));
    // d/dx Σ relu(3x)² = 18x where x > 0.
    expectClose(x.grad!, Array.from({ length: n }, (_, i) => Math.max(0, 18 * ((i % 7) - 3))), 0, 1e-6);
  });

  it('a retained gradient is not given back and survives later allocations', () => {
    const n = 1239;
    const x = tensor(Array.from({ length: n }, (_, i) => i / n), undefined, { requiresGrad: true });
    const h = mul(x, 2).retainGrad();
    sum(mul(h, h)).backward();
    const g = Float32Array.from(h.grad!.data);
    for (let i = 0; i < 4; i++) allocFloat32(n).fill(42);
    expect(Array.from(h.grad!.data)).toEqual(Array.from(g));
    expectClose(h.grad!, Array.from(x.data, (v) => 4 * v), 1e-6, 1e-6);
  });
});
