import { describe, it, expect } from 'vitest';
import {
  Tensor, tensor, zeros, ones, add, mul, exp, sum, reshape, noGrad, isGradEnabled, matmul, relu,
} from '../../src/index.js';
import { expectClose } from '../helpers.js';

describe('Tensor basics', () => {
  it('toArray gives a number for 0-D and nested arrays otherwise', () => {
    expect(tensor(3.5).toArray()).toBe(3.5);
    expect(tensor([1, 2, 3]).toArray()).toEqual([1, 2, 3]);
    const t = tensor([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
    expect(t.shape).toEqual([2, 3, 2]);
    expect(t.size).toBe(12);
    expect(t.rank).toBe(3);
    expect(t.toArray()).toEqual([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
  });

  it('shape is frozen and independent of the array passed in', () => {
    const shape = [2, 3];
    const t = zeros(shape);
    shape[0] = 5;
    expect(t.shape).toEqual([2, 3]);
    expect(Object.isFrozen(t.shape)).toBe(true);
  });

  it('item() reads a one-element tensor and refuses others', () => {
    expect(tensor(7).item()).toBe(7);
    expect(tensor([[4]]).item()).toBe(4);
    expect(() => tensor([1, 2]).item()).toThrow(/item: tensor of shape \[2\] has 2 elements/);
    expect(() => zeros([2, 3]).item()).toThrow(/item: tensor of shape \[2, 3\]/);
  });

  it('the constructor checks data length and shape', () => {
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow(/Tensor: data has 5 elements but shape \[2, 3\] needs 6/);
    expect(() => new Tensor(new Float32Array(0), [2, -1])).toThrow(/Tensor: invalid shape \[2, -1\]/);
    expect(() => new Tensor(new Float32Array(3), [1.5, 2])).toThrow(/Tensor: invalid shape \[1.5, 2\]/);
  });

  it('clone copies storage and keeps requiresGrad, but not the graph or grad', () => {
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const y = mul(x, 2);
    const c = y.clone();
    expect(c.requiresGrad).toBe(true);
    expect(c.op).toBe('');
    expect(c.data).not.toBe(y.data);
    c.data[0] = 100;
    expect(y.data[0]).toBe(2);
    // A clone is a leaf: backward through it stops there.
    c.backward();
    expect(c.grad!.toArray()).toEqual([1, 1, 1]);
    expect(x.grad).toBeNull();
  });

  it('detach shares data but cuts the graph', () => {
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const d = exp(x).detach();
    expect(d.requiresGrad).toBe(false);
    expectClose(d, [Math.exp(1), Math.exp(2), Math.exp(3)], 1e-6, 1e-6);
    // x·detach(exp(x)): the gradient sees the detached factor as a constant.
    const y = sum(mul(x, d));
    y.backward();
    expectClose(x.grad!, d.data, 0, 0);
    const e = x.detach();
    expect(e.data).toBe(x.data);
  });

  it('gradients accumulate over two backward() calls, also through intermediates', () => {
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const h = mul(x, 3).retainGrad(); // an intermediate that keeps a .grad between calls
    const y = sum(mul(h, h)); // dy/dx = 18x
    y.backward();
    expectClose(x.grad!, [18, 36, 54], 0, 1e-6);
    y.backward();
    expectClose(x.grad!, [36, 72, 108], 0, 1e-6);
    // The intermediate holds the latest pass's gradient, 2h, not a running total.
    expectClose(h.grad!, [6, 12, 18], 0, 1e-6);
    x.grad = null;
    y.backward();
    expectClose(x.grad!, [18, 36, 54], 0, 1e-6);
  });

  it('two losses sharing a subgraph add their gradients on the leaves', () => {
    const x = tensor([0.5, -1], undefined, { requiresGrad: true });
    const h = exp(x);
    sum(h).backward();
    sum(mul(h, 2)).backward();
    expectClose(x.grad!, [3 * Math.exp(0.5), 3 * Math.exp(-1)], 1e-6, 1e-6);
  });

  it('a tensor used twice receives both contributions', () => {
    const x = tensor([1, -2], undefined, { requiresGrad: true });
    // d/dx (x·x + x) = 2x + 1
    sum(add(mul(x, x), x)).backward();
    expectClose(x.grad!, [3, -3], 0, 0);
  });

  it('backward with an explicit seed, and its checks', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const y = mul(x, x);
    y.backward([1, 10]);
    expectClose(x.grad!, [2, 40], 0, 0);
    y.backward(tensor([1, 0]));
    expectClose(x.grad!, [4, 40], 0, 0);
    expect(() => y.backward([1, 2, 3])).toThrow(/backward: seed gradient has 3 elements, expected 2 for shape \[2\]/);
    expect(() => y.backward(new Float32Array(1))).toThrow(/backward: seed gradient has 1 elements/);
  });

  it('backward() refuses a tensor that does not require grad', () => {
    expect(() => ones([2]).backward()).toThrow(/backward: this tensor \(op 'leaf'\) does not require grad/);
    const y = add(ones([2]), ones([2]));
    expect(y.requiresGrad).toBe(false);
    expect(() => y.backward()).toThrow(/backward: this tensor \(op 'add'\) does not require grad/);
  });

  it('backward on a leaf seeds its own gradient', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    x.backward();
    expect(x.grad!.toArray()).toEqual([1, 1]);
  });

  it('inputs that do not require grad get no gradient', () => {
    const x = tensor([[1, 2]], undefined, { requiresGrad: true });
    const w = tensor([[3], [4]]);
    sum(matmul(x, w)).backward();
    expect(w.grad).toBeNull();
    expectClose(x.grad!, [[3, 4]], 0, 0);
  });

  it('a deep chain does not overflow the stack', () => {
    const x = tensor([1], undefined, { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = add(y, 0);
    y.backward();
    expect(x.grad!.item()).toBe(1);
  });

  it('noGrad records nothing and restores the mode, even after a throw', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    expect(isGradEnabled()).toBe(true);
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return relu(mul(x, x));
    });
    expect(y.requiresGrad).toBe(false);
    expect(() => y.backward()).toThrow(/does not require grad/);
    // Nothing of the graph is kept: the output holds no inputs (so no batch stays reachable).
    expect(y.inputs).toEqual([]);
    expect(add(tensor([1]), tensor([2])).inputs).toEqual([]); // no input needs a gradient: same
    expect(mul(x, x).inputs).toEqual([x, x]); // recorded when backward will need it
    expect(isGradEnabled()).toBe(true);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    // Nested: the inner call restores the outer (off) mode.
    noGrad(() => {
      noGrad(() => undefined);
      expect(isGradEnabled()).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
    expect(mul(x, x).requiresGrad).toBe(true);
  });

  it('reshape infers one -1 and shares storage', () => {
    const x = tensor([1, 2, 3, 4, 5, 6]);
    const y = reshape(x, [-1, 2]);
    expect(y.shape).toEqual([3, 2]);
    expect(y.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(reshape(x, [2, -1, 1]).shape).toEqual([2, 3, 1]);
    expect(reshape(x, [-1]).shape).toEqual([6]);
    expect(y.data).toBe(x.data);
  });

  it('toString names the shape and op', () => {
    expect(String(zeros([2, 3]))).toBe('Tensor(shape=[2, 3], op=leaf)');
  });
});
