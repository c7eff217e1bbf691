import { describe, it, expect } from 'vitest';
import { Rng, Tensor, tensor, zeros, matmul, transpose, add, sum } from '../../src/index.js';
import { expectClose, expectGradOk, uniformTensor } from '../helpers.js';

/** C = A·B by the definition, per batch entry (a shared 2-D side is reused), in float64. */
function reference(a: Tensor, b: Tensor): number[] {
  const [M, K] = a.shape.slice(-2);
  const N = b.shape[b.rank - 1];
  const batch = Math.max(a.size / (M * K), b.size / (K * N));
  const aStep = a.rank > 2 ? M * K : 0;
  const bStep = b.rank > 2 ? K * N : 0;
  const out: number[] = [];
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a.data[t * aStep + i * K + k] * b.data[t * bStep + k * N + j];
        out.push(s);
      }
    }
  }
  return out;
}

const shapes: Array<[number[], number[], number[]]> = [
  [[3, 4], [4, 5], [3, 5]],
  [[1, 1], [1, 1], [1, 1]],
  [[1, 7], [7, 1], [1, 1]],
  [[5, 1], [1, 6], [5, 6]],
  [[2, 3, 4], [2, 4, 5], [2, 3, 5]], // batched
  [[2, 2, 3, 4], [2, 2, 4, 2], [2, 2, 3, 2]], // two batch axes
  [[2, 3, 4], [4, 5], [2, 3, 5]], // shared B (a Dense layer on [B, T, K])
  [[3, 4], [2, 4, 5], [2, 3, 5]], // shared A
  [[13, 9], [9, 17], [13, 17]], // sizes no 4×4 tile divides
];

describe('matmul', () => {
  const rng = new Rng(40);

  it('matches the definition on 2-D, batched and shared-matrix shapes', () => {
    for (const [as, bs, cs] of shapes) {
      const a = uniformTensor(as, rng);
      const b = uniformTensor(bs, rng);
      const c = matmul(a, b);
      expect(c.shape).toEqual(cs);
      expectClose(c, reference(a, b), 1e-6, 1e-5, `${JSON.stringify(as)} · ${JSON.stringify(bs)}`);
    }
    expectClose(matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])), [[19, 22], [43, 50]], 0, 0);
  });

  it('handles empty sizes (K = 0 gives zeros)', () => {
    expectClose(matmul(zeros([2, 0]), zeros([0, 3])), [[0, 0, 0], [0, 0, 0]], 0, 0);
    expect(matmul(zeros([0, 3]), zeros([3, 2])).shape).toEqual([0, 2]);
  });

  for (const [as, bs] of shapes.slice(0, 8)) {
    it(`passes gradCheck: ${JSON.stringify(as)} · ${JSON.stringify(bs)}`, () => {
      expectGradOk(matmul, [uniformTensor(as, rng), uniformTensor(bs, rng)]);
    });
  }

  it('passes gradCheck when one side needs no gradient', () => {
    const w = uniformTensor([4, 3], rng);
    expectGradOk((x) => matmul(x, w), [uniformTensor([2, 4], rng)]);
    const x = uniformTensor([2, 4], rng);
    expectGradOk((v) => matmul(x, v), [uniformTensor([4, 3], rng)]);
  });

  it('x·xᵀ and x·x: one tensor on both sides', () => {
    expectGradOk((x) => matmul(x, transpose(x)), [uniformTensor([3, 4], rng)]);
    expectGradOk((x) => matmul(x, x), [uniformTensor([3, 3], rng)]);
    expectGradOk((x) => add(matmul(x, x), x), [uniformTensor([2, 3, 3], rng)]);
  });

  it('a shared weight collects the gradient of every batch entry', () => {
    const x = tensor([[[1, 2]], [[3, 4]]]); // [2, 1, 2]
    const w = tensor([[1], [1]], undefined, { requiresGrad: true }); // [2, 1]
    sum(matmul(x, w)).backward();
    expectClose(w.grad!, [[4], [6]], 0, 0);
  });

  it('errors name both shapes and the reason', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(/matmul: cannot multiply \[2, 3\] by \[4, 5\]: inner sizes 3 and 4 differ/);
    expect(() => matmul(zeros([3]), zeros([3, 2]))).toThrow(/matmul: cannot multiply \[3\] by \[3, 2\]: both need at least 2 axes/);
    expect(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 2]))).toThrow(/matmul: cannot multiply \[2, 2, 3\] by \[3, 3, 2\]: batch axes differ/);
    expect(() => matmul(zeros([2, 1, 2, 3]), zeros([2, 3, 2]))).toThrow(/matmul: .*batch axes differ/);
  });
});
