import { describe, it, expect } from 'vitest';
import {
  Tensor, Rng, tensor, neg, exp, log, sqrt, square, pow, abs, clip, relu, leakyRelu, elu, sigmoid, tanh, add, mul, sum,
} from '../../src/index.js';
import { expectClose, expectGradOk, shuffledRamp, uniformTensor, randomShape } from '../helpers.js';

/** Each op, its scalar definition, and how to make inputs in its domain, away from its kinks. */
const cases: Array<[string, (x: Tensor) => Tensor, (v: number) => number, (shape: number[], rng: Rng) => Tensor]> = [
  ['neg', neg, (v) => -v, (s, r) => shuffledRamp(s, r)],
  ['exp', exp, Math.exp, (s, r) => uniformTensor(s, r, -2, 2)],
  ['log', log, Math.log, (s, r) => uniformTensor(s, r, 0.3, 3)],
  ['sqrt', sqrt, Math.sqrt, (s, r) => uniformTensor(s, r, 0.3, 3)],
  ['square', square, (v) => v * v, (s, r) => shuffledRamp(s, r)],
  ['abs', abs, Math.abs, (s, r) => shuffledRamp(s, r)],
  ['relu', relu, (v) => Math.max(v, 0), (s, r) => shuffledRamp(s, r)],
  ['leakyRelu', (x) => leakyRelu(x), (v) => (v > 0 ? v : 0.2 * v), (s, r) => shuffledRamp(s, r)],
  ['leakyRelu(0.3)', (x) => leakyRelu(x, 0.3), (v) => (v > 0 ? v : 0.3 * v), (s, r) => shuffledRamp(s, r)],
  ['elu', (x) => elu(x), (v) => (v > 0 ? v : Math.expm1(v)), (s, r) => shuffledRamp(s, r)],
  ['elu(0.5)', (x) => elu(x, 0.5), (v) => (v > 0 ? v : 0.5 * Math.expm1(v)), (s, r) => shuffledRamp(s, r)],
  ['sigmoid', sigmoid, (v) => 1 / (1 + Math.exp(-v)), (s, r) => uniformTensor(s, r, -4, 4)],
  ['tanh', tanh, Math.tanh, (s, r) => uniformTensor(s, r, -3, 3)],
  ['pow 3', (x) => pow(x, 3), (v) => v ** 3, (s, r) => shuffledRamp(s, r)],
  ['pow 2 (negative base)', (x) => pow(x, 2), (v) => v ** 2, (s, r) => uniformTensor(s, r, -2, -0.5)],
  ['pow 0.5', (x) => pow(x, 0.5), Math.sqrt, (s, r) => uniformTensor(s, r, 0.3, 3)],
  ['pow -1.5', (x) => pow(x, -1.5), (v) => v ** -1.5, (s, r) => uniformTensor(s, r, 0.5, 3)],
  // Clip bounds at whole multiples of the ramp's gap 0.1, so every value is ≥ 0.05 from a bound.
  ['clip', (x) => clip(x, -0.2, 0.3), (v) => Math.min(Math.max(v, -0.2), 0.3), (s, r) => shuffledRamp(s, r)],
];

describe('unary ops', () => {
  const rng = new Rng(10);
  for (const [name, op, f, make] of cases) {
    it(`${name}: values match the scalar definition`, () => {
      const x = make([3, 5], rng);
      const y = op(x);
      expect(y.shape).toEqual([3, 5]);
      expectClose(y, Array.from(x.data, f), 1e-7, 1e-6, name);
      // The input is left alone.
      expect(y.data).not.toBe(x.data);
    });

    it(`${name}: passes gradCheck on several shapes`, () => {
      for (const shape of [[7], [2, 3], [2, 3, 4], randomShape(rng), randomShape(rng), []]) {
        expectGradOk(op, [make(shape, rng)], {}, `${name} ${JSON.stringify(shape)}`);
      }
    });
  }

  it('activations match their definitions at hand-picked points', () => {
    const x = tensor([-2, -0.5, 0, 0.5, 2]);
    expectClose(relu(x), [0, 0, 0, 0.5, 2], 0, 0);
    expectClose(leakyRelu(x), [-0.4, -0.1, 0, 0.5, 2], 1e-7, 1e-6); // alpha 0.2: −2·0.2, −0.5·0.2
    expectClose(elu(x), [Math.exp(-2) - 1, Math.exp(-0.5) - 1, 0, 0.5, 2], 1e-7, 1e-6);
    expectClose(sigmoid(x), [0.11920292, 0.37754067, 0.5, 0.62245933, 0.88079708], 1e-7, 1e-6);
    expectClose(clip(x, -1, 1), [-1, -0.5, 0, 0.5, 1], 0, 0);
    expectClose(abs(x), [2, 0.5, 0, 0.5, 2], 0, 0);
    // Large inputs stay finite where the function is.
    expectClose(sigmoid(tensor([-100, 100])), [0, 1], 1e-30, 0);
    expectClose(tanh(tensor([-100, 100])), [-1, 1], 0, 0);
  });

  it('derivatives at the kinks follow TensorFlow: relu\'(0) = 0, |x|\'(0) = 0, clip is 1 on its bounds', () => {
    const x = tensor([0, -1, 1], undefined, { requiresGrad: true });
    sum(relu(x)).backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 1]);
    x.grad = null;
    sum(abs(x)).backward();
    expect(x.grad!.toArray()).toEqual([0, -1, 1]);
    x.grad = null;
    sum(clip(x, -1, 1)).backward();
    expect(x.grad!.toArray()).toEqual([1, 1, 1]);
  });

  it('pow(x, 0) is 1 with gradient 0 everywhere, also at x = 0', () => {
    const x = tensor([0, 2, -3], undefined, { requiresGrad: true });
    const y = pow(x, 0);
    expect(y.toArray()).toEqual([1, 1, 1]);
    sum(y).backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0]);
  });

  it('a tensor used twice through unary ops', () => {
    const rng = new Rng(12);
    expectGradOk((x) => add(x, exp(x)), [uniformTensor([2, 3], rng)]);
    expectGradOk((x) => mul(tanh(x), sigmoid(x)), [uniformTensor([4], rng, -2, 2)]);
    expectGradOk((x) => mul(relu(x), neg(x)), [shuffledRamp([2, 2, 2], rng)]);
  });

  it('rejects bad scalar arguments', () => {
    const x = tensor([1, 2]);
    expect(() => pow(x, Number.NaN)).toThrow(/pow: exponent must be a finite number, got NaN/);
    expect(() => pow(x, '2' as unknown as number)).toThrow(/pow: exponent must be a finite number/);
    expect(() => clip(x, 2, 1)).toThrow(/clip: min 2 must not exceed max 1/);
    expect(() => clip(x, Number.NaN, 1)).toThrow(/clip: min NaN must not exceed max 1/);
  });
});
