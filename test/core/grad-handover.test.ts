/**
 * backward() hands an op output's gradient to the op's backward when nobody asked to keep it
 * (Tensor's BackwardFn, `owned`): add and sub give it to the input laid out like it, ReLU and a
 * conv's fused ReLU mask it in place, reshape passes it on. These tests pin what that may and may
 * not do: the same buffer travels down (no copy), the values are the gradients written out below,
 * a retained `.grad` is never written, and a buffer an input's gradient took over is never also
 * given back for reuse.
 */
import { describe, it, expect } from 'vitest';
import {
  Tensor, accumulateGrad, tensor, zeros, add, sub, mul, sum, mean, neg, relu, conv2d, maxPool2d, flatten, matmul, logSoftmax, Adam, Rng,
  addN, averageN, Add,
} from '../../src/index.js';
import { allocFloat32 } from '../../src/storage.js';
import { expectClose, uniformTensor } from '../helpers.js';

/** What an op's backward received: the buffer and whether it was handed over. */
interface Received { dout: Float32Array; owned: boolean }

/** An identity op that records the gradient backward() gives it and passes it on as it was handed. */
function spy(x: Tensor, received: Received[]): Tensor {
  return Tensor.fromOp('spy', x.data, x.shape, [x], (dout, owned) => {
    received.push({ dout, owned });
    accumulateGrad(x, dout, owned);
  });
}

/** Every buffer of `length` that allocFloat32 hands out next, while it hands out given-back ones (≤ 8). */
function drainFreeList(length: number): Float32Array[] {
  return Array.from({ length: 8 }, () => allocFloat32(length).fill(42));
}

describe('add and sub hand the gradient on', () => {
  it('through add(x, bias) the same buffer reaches x; the bias reads it for its channel sums first', () => {
    const rng = new Rng(3);
    const R = 3, C = 4;
    const x = uniformTensor([R, C], rng);
    x.requiresGrad = true;
    const bias = tensor([0.5, -1, 2, 0], undefined, { requiresGrad: true });
    const w = uniformTensor([R, C], rng);
    const below: Received[] = [];
    const above: Received[] = [];
    const h = add(spy(x, below), bias);
    sum(mul(spy(h, above), w)).backward();
    expect(above[0].owned).toBe(true);
    expect(below[0].owned).toBe(true);
    expect(below[0].dout).toBe(above[0].dout); // no copy through add
    // dL/dx = w; dL/dbias[c] = Σ_r w[r, c].
    expectClose(x.grad!, w.data, 0, 0);
    const colSums = [0, 1, 2, 3].map((c) => w.data[c] + w.data[C + c] + w.data[2 * C + c]);
    expectClose(bias.grad!, colSums, 1e-6, 1e-6);
  });

  it('a retained .grad is lent, not handed over: the op below gets a copy and the retained values stay', () => {
    const x = tensor([1, -2, 3], undefined, { requiresGrad: true });
    const w = tensor([2, 5, -7]);
    const below: Received[] = [];
    const h = add(spy(x, below), 1).retainGrad();
    sum(mul(h, w)).backward();
    expect(below[0].dout).not.toBe(h.grad!.data);
    expectClose(h.grad!, [2, 5, -7], 0, 0);
    expectClose(x.grad!, [2, 5, -7], 0, 0);
    // The copy went back once the spy had passed it on: reusing it leaves h.grad and x.grad alone.
    drainFreeList(3);
    expectClose(h.grad!, [2, 5, -7], 0, 0);
    expectClose(x.grad!, [2, 5, -7], 0, 0);
  });

  it('with both sides the same shape, each gets its own buffer with the right sign', () => {
    const n = 1301; // a length no other test allocates
    const a = tensor(Array.from({ length: n }, (_, i) => i), undefined, { requiresGrad: true });
    const b = tensor(Array.from({ length: n }, (_, i) => -i), undefined, { requiresGrad: true });
    const w = tensor(Array.from({ length: n }, (_, i) => (i % 5) - 2));
    sum(mul(sub(a, b), w)).backward();
    expect(a.grad!.data).not.toBe(b.grad!.data);
    expectClose(a.grad!, w.data, 0, 0);
    expectClose(b.grad!, Array.from(w.data, (v) => -v), 0, 0);
    // The leaves' gradients were not given back, also the one that took the handed buffer over.
    const handedOut = drainFreeList(n);
    expect(handedOut.some((d) => d.buffer === a.grad!.data.buffer || d.buffer === b.grad!.data.buffer)).toBe(false);
    expectClose(a.grad!, w.data, 0, 0);
    expectClose(b.grad!, Array.from(w.data, (v) => -v), 0, 0);
  });

  it('add(x, x) and sub(x, x) still sum both contributions', () => {
    const x = tensor([1, -2, 3], undefined, { requiresGrad: true });
    const w = tensor([2, 5, -7]);
    sum(mul(add(x, x), w)).backward();
    expectClose(x.grad!, [4, 10, -14], 0, 0); // 2w
    x.grad = null;
    sum(mul(sub(x, x), w)).backward();
    expectClose(x.grad!, [0, 0, 0], 0, 0);
  });
});

describe('the Add merge (addN) hands the gradient to its last input', () => {
  const CTX = { training: true, rng: new Rng(0) };

  it('the last input gets the same buffer; the others read it into copies of their own', () => {
    const rng = new Rng(5);
    const [a, b, c] = [0, 1, 2].map(() => uniformTensor([2, 3], rng));
    for (const t of [a, b, c]) t.requiresGrad = true;
    const w = uniformTensor([2, 3], rng);
    const [seenA, seenB, seenC, above]: Received[][] = [[], [], [], []];
    const y = new Add().callInputs([spy(a, seenA), spy(b, seenB), spy(c, seenC)], CTX);
    sum(mul(spy(y, above), w)).backward();
    expect(above[0].owned).toBe(true);
    expect(seenC[0].dout).toBe(above[0].dout); // no copy for the last input
    expect(seenA[0].dout).not.toBe(above[0].dout);
    expect(seenB[0].dout).not.toBe(above[0].dout);
    expect(seenA[0].dout).not.toBe(seenB[0].dout);
    for (const t of [a, b, c]) expectClose(t.grad!, w.data, 0, 0);
    // None of the leaves' gradients was given back, also the one that took the buffer over.
    const handedOut = drainFreeList(6);
    expect(handedOut.some((d) => [a, b, c].some((t) => d.buffer === t.grad!.data.buffer))).toBe(false);
    for (const t of [a, b, c]) expectClose(t.grad!, w.data, 0, 0);
  });

  it('when the last input wants no gradient, the last one that does takes the buffer', () => {
    const a = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const w = tensor([2, 5, -7]);
    const seen: Received[] = [];
    const above: Received[] = [];
    sum(mul(spy(addN([spy(a, seen), tensor([4, 5, 6])]), above), w)).backward();
    expect(seen[0].dout).toBe(above[0].dout);
    expectClose(a.grad!, [2, 5, -7], 0, 0);
  });

  it('a retained .grad is lent: every input gets a copy and the retained values stay', () => {
    const a = tensor([1, -2, 3], undefined, { requiresGrad: true });
    const b = tensor([0.5, 4, -1], undefined, { requiresGrad: true });
    const w = tensor([2, 5, -7]);
    const [seenA, seenB]: Received[][] = [[], []];
    const h = addN([spy(a, seenA), spy(b, seenB)]).retainGrad();
    sum(mul(h, w)).backward();
    expect(seenB[0].dout).not.toBe(h.grad!.data);
    expect(seenA[0].dout).not.toBe(h.grad!.data);
    drainFreeList(3);
    for (const t of [h, a, b]) expectClose(t.grad!, [2, 5, -7], 0, 0);
  });

  it('addN([x, x]) sums both contributions; averageN([x, x, y]) gives each input dout / 3 in buffers of its own', () => {
    const x = tensor([1, -2, 3], undefined, { requiresGrad: true });
    const y = tensor([0, 1, 0], undefined, { requiresGrad: true });
    const w = tensor([3, 6, -9]);
    sum(mul(addN([x, x]), w)).backward();
    expectClose(x.grad!, [6, 12, -18], 0, 0); // 2w
    x.grad = null;
    sum(mul(averageN([x, x, y]), w)).backward();
    expectClose(x.grad!, [2, 4, -6], 0, 0); // 2 · w/3
    expectClose(y.grad!, [1, 2, -3], 0, 0); // w/3
    expect(x.grad!.data).not.toBe(y.grad!.data);
  });
});

describe('ReLU masks the handed gradient in place', () => {
  it('the same buffer passes through relu, masked where x ≤ 0', () => {
    const x = tensor([1.5, -2, 0.25, -0.5, 3], undefined, { requiresGrad: true });
    const w = tensor([2, 5, -7, 1, -1]);
    const below: Received[] = [];
    const above: Received[] = [];
    sum(mul(spy(relu(spy(x, below)), above), w)).backward();
    expect(below[0].dout).toBe(above[0].dout);
    expectClose(x.grad!, [2, 0, -7, 0, -1], 0, 0);
  });

  it('a retained relu output keeps the unmasked gradient; the input gets the masked one', () => {
    const x = tensor([1.5, -2, 0.25, -0.5, 3], undefined, { requiresGrad: true });
    const w = tensor([2, 5, -7, 1, -1]);
    const r = relu(x).retainGrad();
    sum(mul(r, w)).backward();
    expectClose(r.grad!, [2, 5, -7, 1, -1], 0, 0);
    expectClose(x.grad!, [2, 0, -7, 0, -1], 0, 0);
  });

  it('a tensor read by relu and by mul gets both contributions, added into the buffer relu handed on', () => {
    const x = tensor([1.5, -2, 0.25, -0.5], undefined, { requiresGrad: true });
    const a = add(x, 1); // [2.5, -1, 1.25, 0.5]
    const w1 = tensor([2, 5, -7, 1]);
    const w2 = tensor([0.5, 0.25, -1, 3]);
    sum(add(mul(relu(a), w1), mul(a, w2))).backward();
    // dL/dx = w1·[a > 0] + w2
    expectClose(x.grad!, [2.5, 0.25, -8, 4], 1e-7, 0);
    const handedOut = drainFreeList(4);
    expect(handedOut.some((d) => d.buffer === x.grad!.data.buffer)).toBe(false);
  });

  it('conv2d with a fused ReLU, masked in place or (retained) into its own buffer, gives the gradients of the unfused ops', () => {
    const rng = new Rng(11);
    const x = uniformTensor([2, 5, 5, 3], rng);
    const filter = uniformTensor([3, 3, 3, 4], rng);
    const bias = uniformTensor([4], rng, -0.2, 0.2);
    const w = uniformTensor([2, 3, 3, 4], rng);
    const inputs = [x, filter, bias];
    for (const t of inputs) t.requiresGrad = true;
    const gradsOf = (loss: Tensor): Float32Array[] => {
      for (const t of inputs) t.grad = null;
      loss.backward();
      return inputs.map((t) => Float32Array.from(t.grad!.data));
    };
    const unfused = gradsOf(sum(mul(relu(add(conv2d(x, filter), bias)), w)));
    const inPlace = gradsOf(sum(mul(conv2d(x, filter, { bias, relu: true }), w)));
    const kept = conv2d(x, filter, { bias, relu: true }).retainGrad();
    const retained = gradsOf(sum(mul(kept, w)));
    expectClose(kept.grad!, w.data, 0, 0); // the unmasked gradient
    unfused.forEach((g, i) => {
      expectClose(inPlace[i], g, 1e-6, 1e-5, `in place, input ${i}`);
      expectClose(retained[i], g, 1e-6, 1e-5, `retained, input ${i}`);
    });
  });
});

describe('what a learner holds after later steps', () => {
  it("an own loop's tensors, their data and a retained gradient never change in the steps after", () => {
    const rng = new Rng(5);
    const w1 = uniformTensor([3, 3, 1, 4], rng);
    const b1 = uniformTensor([4], rng, -0.1, 0.1);
    const w2 = uniformTensor([2 * 2 * 4, 3], rng);
    const b2 = zeros([3]);
    const params = [w1, b1, w2, b2];
    for (const p of params) p.requiresGrad = true;
    const optimizer = new Adam();
    const y = tensor([[1, 0, 0], [0, 0, 1]]);
    // The classic CNN's loop, as bench/models.ts's own loop writes it, at a small size.
    const step = (seed: number): Tensor => {
      const x = uniformTensor([2, 6, 6, 1], new Rng(seed));
      const h = relu(add(conv2d(x, w1), b1)).retainGrad();
      const logits = add(matmul(flatten(maxPool2d(h, { poolSize: 2 })), w2), b2);
      const loss = neg(mean(sum(mul(logSoftmax(logits), y), -1)));
      loss.backward();
      optimizer.step(params);
      for (const p of params) p.grad = null;
      return loss;
    };
    const loss = step(1);
    // Every tensor of the first step's graph (the learner can reach them all through .inputs).
    const tensors: Tensor[] = [];
    const walk = (t: Tensor): void => {
      if (tensors.includes(t)) return;
      tensors.push(t);
      t.inputs.forEach(walk);
    };
    walk(loss);
    const h = tensors.find((t) => t.op === 'relu')!;
    const data = tensors.filter((t) => !params.includes(t)).map((t) => [t, Float32Array.from(t.data)] as const);
    const hGrad = Float32Array.from(h.grad!.data);
    for (let s = 2; s < 6; s++) step(s);
    for (const [t, d] of data) expect(Array.from(t.data), t.op).toEqual(Array.from(d));
    expect(Array.from(h.grad!.data)).toEqual(Array.from(hGrad));
  });
});
