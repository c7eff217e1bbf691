import { describe, it, expect } from 'vitest';
import { Tensor, Rng, tensor, add, sub, mul, div, maximum, minimum, exp, sum, reshape } from '../../src/index.js';
import { expectClose, expectGradOk, shuffledRamp, uniformTensor, randomShape } from '../helpers.js';

type BinaryFn = (a: Tensor | number, b: Tensor | number) => Tensor;
const ops: Array<[string, BinaryFn, (x: number, y: number) => number]> = [
  ['add', add, (x, y) => x + y],
  ['sub', sub, (x, y) => x - y],
  ['mul', mul, (x, y) => x * y],
  ['div', div, (x, y) => x / y],
  ['maximum', maximum, (x, y) => Math.max(x, y)],
  ['minimum', minimum, (x, y) => Math.min(x, y)],
];

/** Broadcast pairs: [a shape, b shape, result shape]. */
const pairs: Array<[number[], number[], number[]]> = [
  [[2, 3, 4], [2, 3, 4], [2, 3, 4]],
  [[2, 3, 4], [4], [2, 3, 4]],
  [[2, 3, 4], [3, 1], [2, 3, 4]],
  [[2, 3, 4], [1], [2, 3, 4]],
  [[2, 3, 4], [], [2, 3, 4]],
  [[3, 1], [2, 1, 4], [2, 3, 4]],
  [[1, 3, 1], [2, 1, 4], [2, 3, 4]],
  [[4], [2, 3, 4], [2, 3, 4]],
  [[1], [5], [5]],
];

/**
 * Operands for a pair: one shuffled ramp split in two, so no a-value is within 0.1 of a b-value
 * (maximum/minimum have no near-ties); divisors are shifted away from 0.
 */
function operands(name: string, aShape: number[], bShape: number[], rng: Rng): [Tensor, Tensor] {
  const na = aShape.reduce((p, d) => p * d, 1);
  const nb = bShape.reduce((p, d) => p * d, 1);
  const ramp = shuffledRamp([na + nb], rng, 0.1).data;
  const a = new Tensor(ramp.slice(0, na), aShape);
  const bData = ramp.slice(na);
  if (name === 'div') for (let i = 0; i < nb; i++) bData[i] = Math.sign(bData[i]) * (1 + Math.abs(bData[i]));
  return [a, new Tensor(bData, bShape)];
}

/** The broadcast result computed coordinate by coordinate: the obvious reference. */
function reference(a: Tensor, b: Tensor, outShape: number[], f: (x: number, y: number) => number): number[] {
  const n = outShape.reduce((p, d) => p * d, 1);
  const out: number[] = [];
  const index = (t: Tensor, coord: number[]): number => {
    let idx = 0;
    for (let ax = 0; ax < t.rank; ax++) {
      const c = coord[coord.length - t.rank + ax];
      idx = idx * t.shape[ax] + (t.shape[ax] === 1 ? 0 : c);
    }
    return idx;
  };
  for (let i = 0; i < n; i++) {
    const coord: number[] = [];
    for (let ax = outShape.length - 1, r = i; ax >= 0; ax--) {
      coord.unshift(r % outShape[ax]);
      r = Math.floor(r / outShape[ax]);
    }
    out.push(Math.fround(f(a.data[index(a, coord)], b.data[index(b, coord)])));
  }
  return out;
}

describe('binary ops: values under broadcasting', () => {
  const rng = new Rng(1);
  for (const [name, op, f] of ops) {
    it(`${name} matches a per-coordinate reference on every broadcast pair`, () => {
      for (const [as, bs, os] of pairs) {
        const [a, b] = operands(name, as, bs, rng);
        const y = op(a, b);
        expect(y.shape).toEqual(os);
        expect(y.op).toBe(name);
        expectClose(y, reference(a, b, os, f), 0, 0, `${name} ${JSON.stringify(as)} ${JSON.stringify(bs)}`);
      }
    });
  }

  it('plain numbers act as scalars on either side', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expectClose(add(x, 1), [[2, 3], [4, 5]], 0, 0);
    expectClose(sub(1, x), [[0, -1], [-2, -3]], 0, 0);
    expectClose(mul(2, x), [[2, 4], [6, 8]], 0, 0);
    expectClose(div(x, 4), [[0.25, 0.5], [0.75, 1]], 0, 0);
    expectClose(div(1, x), [[1, 0.5], [1 / 3, 0.25]], 0, 1e-7);
    expectClose(maximum(x, 2.5), [[2.5, 2.5], [3, 4]], 0, 0);
    expectClose(minimum(2.5, x), [[1, 2], [2.5, 2.5]], 0, 0);
    expect(add(2, 3).shape).toEqual([]);
  });

  it('maximum/minimum give the gradient of a tie to the first operand', () => {
    const a = tensor([1, 2], undefined, { requiresGrad: true });
    const b = tensor([1, 3], undefined, { requiresGrad: true });
    sum(maximum(a, b)).backward();
    expect(a.grad!.toArray()).toEqual([1, 0]);
    expect(b.grad!.toArray()).toEqual([0, 1]);
    a.grad = null;
    b.grad = null;
    sum(minimum(a, b)).backward();
    expect(a.grad!.toArray()).toEqual([1, 1]);
    expect(b.grad!.toArray()).toEqual([0, 0]);
  });

  it('division by zero follows IEEE (no throw)', () => {
    expectClose(div(tensor([1, -1, 0]), 0), [Infinity, -Infinity, Number.NaN], 0, 0);
  });
});

describe('binary ops: gradients', () => {
  const rng = new Rng(2);
  for (const [name, op] of ops) {
    it(`${name} passes gradCheck on broadcast pairs`, () => {
      for (const [as, bs] of pairs) {
        const [a, b] = operands(name, as, bs, rng);
        expectGradOk((x, y) => op(x, y), [a, b], {}, `${name} ${JSON.stringify(as)} ${JSON.stringify(bs)}`);
      }
    });

    it(`${name} passes gradCheck on random shapes and with scalar number operands`, () => {
      for (let trial = 0; trial < 4; trial++) {
        const shape = randomShape(rng);
        // b's shape: a random suffix of `shape` with some sizes turned into 1.
        const k = rng.integer(0, shape.length + 1);
        const bShape = shape.slice(shape.length - k).map((d) => (rng.uniform() < 0.4 ? 1 : d));
        const [a, b] = operands(name, shape, bShape, rng);
        expectGradOk((x, y) => op(x, y), [a, b], {}, `${name} ${JSON.stringify(shape)} ${JSON.stringify(bShape)}`);
        const [c, d] = operands(name, bShape, shape, rng);
        expectGradOk((x, y) => op(x, y), [c, d], {}, `${name} ${JSON.stringify(bShape)} ${JSON.stringify(shape)}`);
      }
      const x = name === 'div' ? uniformTensor([2, 3], rng, 0.5, 2) : shuffledRamp([2, 3], rng);
      expectGradOk((t) => op(t, 0.75), [x], {}, `${name}(x, 0.75)`);
      expectGradOk((t) => op(-1.25, t), [x], {}, `${name}(-1.25, x)`);
    });
  }

  it('a tensor used twice: mul(x, x), add(x, exp(x)), div(x, x + 2), x · reshape(x)', () => {
    const rng = new Rng(3);
    expectGradOk((x) => mul(x, x), [shuffledRamp([2, 3], rng)]);
    expectGradOk((x) => add(x, exp(x)), [shuffledRamp([2, 3], rng)]);
    expectGradOk((x) => div(x, add(x, 2)), [uniformTensor([4], rng, 0, 1)]);
    // x broadcast against itself, reshaped: [3, 1] with [3] → [3, 3].
    const x = shuffledRamp([3], rng);
    expectGradOk((t) => mul(t, reshape(t, [3, 1])), [x]);
  });

  it('the same tensor as both operands receives both partial derivatives', () => {
    const x = tensor([2, -3], undefined, { requiresGrad: true });
    sum(div(x, x)).backward(); // x/x = 1: the two partials cancel
    expectClose(x.grad!, [0, 0], 1e-7, 0);
  });
});

describe('binary ops: errors', () => {
  it('name the op and both shapes when broadcasting fails', () => {
    expect(() => add(tensor([[1, 2, 3], [4, 5, 6]]), tensor([1, 2, 3, 4]))).toThrow(/add: shapes \[2, 3\] and \[4\] cannot be broadcast together/);
    const a = tensor(new Float32Array(24), [2, 3, 4]);
    const b = tensor(new Float32Array(6), [2, 3]);
    expect(() => mul(a, b)).toThrow(/mul: shapes \[2, 3, 4\] and \[2, 3\] cannot be broadcast together/);
    expect(() => sub(b, a)).toThrow(/sub: shapes \[2, 3\] and \[2, 3, 4\]/);
    expect(() => div(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/div: shapes \[2\] and \[3\]/);
    expect(() => maximum(tensor([1, 2]), tensor([[1, 2, 3]]))).toThrow(/maximum: shapes \[2\] and \[1, 3\]/);
    expect(() => minimum(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/minimum: shapes \[2\] and \[3\]/);
  });
});
