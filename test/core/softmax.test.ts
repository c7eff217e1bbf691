import { describe, it, expect } from 'vitest';
import { Rng, tensor, softmax, logSoftmax, exp, sum, mul, add } from '../../src/index.js';
import { expectClose, expectGradOk, uniformTensor } from '../helpers.js';

describe('softmax and logSoftmax', () => {
  it('match the definition along the last axis and along axis 0', () => {
    const x = tensor([[1, 2, 3], [0, 0, 0]]);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const z = e[0] + e[1] + e[2];
    expectClose(softmax(x), [[e[0] / z, e[1] / z, e[2] / z], [1 / 3, 1 / 3, 1 / 3]], 1e-7, 1e-6);
    expectClose(logSoftmax(x), [[1 - Math.log(z), 2 - Math.log(z), 3 - Math.log(z)], Array(3).fill(-Math.log(3))], 1e-6, 1e-6);
    const s0 = softmax(x, 0); // columns: softmax([1, 0]), softmax([2, 0]), softmax([3, 0])
    const sig = (v: number): number => 1 / (1 + Math.exp(-v));
    expectClose(s0, [[sig(1), sig(2), sig(3)], [sig(-1), sig(-2), sig(-3)]], 1e-7, 1e-6);
  });

  it('rows sum to one on a middle axis, and log-softmax is the log of softmax', () => {
    const rng = new Rng(60);
    const x = uniformTensor([2, 5, 3], rng, -3, 3);
    expectClose(sum(softmax(x, 1), 1), Array(6).fill(1), 1e-6, 0);
    expectClose(exp(logSoftmax(x, 1)), softmax(x, 1), 1e-7, 1e-5);
  });

  it('is stable for large inputs', () => {
    expectClose(softmax(tensor([1000, 1000, -1000])), [0.5, 0.5, 0], 1e-7, 0);
    expectClose(logSoftmax(tensor([1000, 0])), [0, -1000], 1e-6, 1e-7);
  });

  it('passes gradCheck on axis 0, -1 and a middle axis', () => {
    const rng = new Rng(61);
    for (const op of [softmax, logSoftmax]) {
      expectGradOk((t) => op(t), [uniformTensor([3, 4], rng, -2, 2)], {}, `${op.name} -1`);
      expectGradOk((t) => op(t, 0), [uniformTensor([3, 4], rng, -2, 2)], {}, `${op.name} 0`);
      expectGradOk((t) => op(t, 1), [uniformTensor([2, 3, 4], rng, -2, 2)], {}, `${op.name} 1`);
      expectGradOk((t) => op(t, -1), [uniformTensor([2, 1, 5], rng, -2, 2)], {}, `${op.name} -1 (3-D)`);
      expectGradOk((t) => op(t, 0), [uniformTensor([6], rng, -2, 2)], {}, `${op.name} 1-D`);
      expectGradOk((t) => mul(op(t), t), [uniformTensor([2, 3], rng, -2, 2)], {}, `${op.name} used twice`);
    }
    expectGradOk((t) => add(softmax(t, 0), logSoftmax(t, -1)), [uniformTensor([3, 3], rng, -2, 2)]);
  });

  it('rejects a bad axis, naming the op', () => {
    const x = tensor([[1, 2]]);
    expect(() => softmax(x, 2)).toThrow(/softmax: axis 2 is out of range for a tensor of rank 2/);
    expect(() => logSoftmax(x, -3)).toThrow(/logSoftmax: axis -3 is out of range for a tensor of rank 2/);
    expect(() => softmax(tensor(1))).toThrow(/softmax: axis -1 is out of range for a tensor of rank 0/);
  });
});
