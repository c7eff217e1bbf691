/**
 * Losses by hand (Keras's definitions, batch means) and their gradients, fused and clipped forms.
 */
import { describe, it, expect } from 'vitest';
import { Tensor, tensor, softmax, sigmoid, categoricalCrossentropy, sparseCategoricalCrossentropy, binaryCrossentropy, meanSquaredError } from '../../src/index.js';
import { resolveLoss } from '../../src/losses/index.js';
import { expectClose, expectGradOk } from '../helpers.js';

describe('categorical cross-entropy', () => {
  // logits z = [[1, 2, 3], [0, 0, 0]], labels one-hot [class 2, class 0]:
  //   row 0: log Σ e^z = log(e + e² + e³) = 3.40760596; loss = 3.40760596 − 3 = 0.40760596
  //   row 1: p = 1/3 each; loss = log 3 = 1.09861229
  //   mean = (0.40760596 + 1.09861229)/2 = 0.75310912
  const z = (): Tensor => tensor([[1, 2, 3], [0, 0, 0]], undefined, { requiresGrad: true });
  const y = tensor([[0, 0, 1], [1, 0, 0]]);

  it('from logits (fused): value, and gradient (p − y)/B on the logits', () => {
    const logits = z();
    const loss = categoricalCrossentropy(y, logits, true);
    expect(loss.op).toBe('softmaxCrossEntropy');
    expectClose([loss.item()], [0.75310912], 1e-6, 1e-6);
    loss.backward();
    // p row 0 = [e, e², e³]/Σ = [0.09003057, 0.24472847, 0.66524096]; row 1 = 1/3
    const p0 = [0.09003057, 0.24472847, 0.66524096];
    expectClose(logits.grad as Tensor, [[p0[0] / 2, p0[1] / 2, (p0[2] - 1) / 2], [(1 / 3 - 1) / 2, 1 / 6, 1 / 6]], 1e-6, 1e-5);
  });

  it('on probabilities: the same value as from the logits (composed, no fusion by op name)', () => {
    const loss = categoricalCrossentropy(y, softmax(z()));
    expect(loss.op).not.toBe('softmaxCrossEntropy');
    expectClose([loss.item()], [0.75310912], 1e-6, 1e-6);
  });

  it('on probabilities: rows normalized, clipped to [1e-7, 1 − 1e-7], then −Σ y log p', () => {
    // p = [[0.2, 0.3, 0.5], [2, 1, 1]] → row 1 normalized to [0.5, 0.25, 0.25]
    // loss = (−log 0.5 − log 0.5)/2 = 0.69314718
    const p = tensor([[0.2, 0.3, 0.5], [2, 1, 1]]);
    expectClose([categoricalCrossentropy(y, p).item()], [Math.log(2)], 1e-6, 1e-6);
    // A zero probability on the true class is clipped: −log 1e-7 = 16.118096
    expectClose([categoricalCrossentropy(tensor([[1, 0]]), tensor([[0, 1]])).item()], [16.118096], 1e-4, 0);
    expectGradOk((q) => categoricalCrossentropy(y, q), [tensor([[0.2, 0.3, 0.5], [0.6, 0.3, 0.4]])], { eps: 1e-3 });
  });

  it('sparse labels equal the one-hot form; [B] or [B, 1]; bad labels say what was expected', () => {
    const dense = categoricalCrossentropy(y, softmax(z())).item();
    expect(sparseCategoricalCrossentropy(tensor([2, 0]), softmax(z())).item()).toBe(dense);
    expect(sparseCategoricalCrossentropy(tensor([[2], [0]]), softmax(z())).item()).toBe(dense);
    const fromLogits = categoricalCrossentropy(y, z(), true).item();
    expect(sparseCategoricalCrossentropy(tensor([2, 0]), z(), true).item()).toBe(fromLogits);
    expect(() => sparseCategoricalCrossentropy(tensor([3, 0]), softmax(z()))).toThrow(/label 3 at row 0 is not a class index in \[0, 3\)/);
    expect(() => sparseCategoricalCrossentropy(tensor([1.5, 0]), softmax(z()))).toThrow(/label 1.5 at row 0/);
    expect(() => sparseCategoricalCrossentropy(tensor([1, 0, 1]), softmax(z()))).toThrow(/expected \[2\] or \[2, 1\] integer classes/);
  });

  it('shape mismatch names the loss and both shapes', () => {
    expect(() => categoricalCrossentropy(tensor([[1, 0]]), tensor([[0.5, 0.25, 0.25]]))).toThrow(
      /categorical_crossentropy: labels have shape \[1, 2\] but predictions have shape \[1, 3\]/,
    );
  });
});

describe('binary cross-entropy', () => {
  // z = [[0, 2], [−1, 3]], y = [[1, 0], [0, 1]]: per element max(z,0) − z·y + log(1 + e^−|z|)
  //   (0, 1): log 2 = 0.69314718;  (2, 0): 2 + log(1 + e⁻²) = 2.12692801
  //   (−1, 0): log(1 + e⁻¹) = 0.31326169;  (3, 1): log(1 + e⁻³) = 0.04858735
  //   mean = 3.18192423/4 = 0.79548106
  it('from logits (fused): value and gradient (σ(z) − y)/n', () => {
    const z = tensor([[0, 2], [-1, 3]], undefined, { requiresGrad: true });
    const y = tensor([[1, 0], [0, 1]]);
    expect(binaryCrossentropy(y, sigmoid(z)).op).not.toBe('sigmoidCrossEntropy'); // no fusion by op name
    const loss = binaryCrossentropy(y, z, true);
    expectClose([loss.item()], [0.79548106], 1e-6, 1e-6);
    loss.backward();
    const s = (v: number): number => 1 / (1 + Math.exp(-v));
    expectClose(z.grad as Tensor, [[(s(0) - 1) / 4, s(2) / 4], [s(-1) / 4, (s(3) - 1) / 4]], 1e-7, 1e-5);
  });

  it('on probabilities: clipped Keras form −mean(y·log(p + ε) + (1 − y)·log(1 − p + ε))', () => {
    const s = (v: number): number => 1 / (1 + Math.exp(-v));
    const p = tensor([[s(0), s(2)], [s(-1), s(3)]]);
    expectClose([binaryCrossentropy(tensor([[1, 0], [0, 1]]), p).item()], [0.79548106], 1e-6, 1e-5);
    // p = 0 with y = 1: clipped to 1e-7, −log(2e-7)/1 = 15.424949
    expectClose([binaryCrossentropy(tensor([[1]]), tensor([[0]])).item()], [15.424949], 1e-4, 0);
    expectGradOk((q) => binaryCrossentropy(tensor([[1, 0], [0, 1]]), q), [tensor([[0.3, 0.6], [0.2, 0.9]])], { eps: 1e-3 });
  });
});

describe('mean squared error', () => {
  it('mean over everything: ((1 − 0)² + (2 − 4)² + (−1 − 0)² + (0.5 − 0)²)/4 = 6.25/4', () => {
    const p = tensor([[1, 2], [-1, 0.5]], undefined, { requiresGrad: true });
    const loss = meanSquaredError(tensor([[0, 4], [0, 0]]), p);
    expectClose([loss.item()], [1.5625], 1e-7, 0);
    loss.backward();
    // d/dp = 2(p − y)/4
    expectClose(p.grad as Tensor, [[0.5, -1], [-0.5, 0.25]], 1e-7, 0);
  });
});

describe('names, and from_logits decided by the output activation', () => {
  it('snake_case, camelCase and mse; unknown names list the known ones', () => {
    expect(resolveLoss('categorical_crossentropy').fn).toBe(categoricalCrossentropy);
    expect(resolveLoss('categoricalCrossentropy').fn).toBe(categoricalCrossentropy);
    expect(resolveLoss('sparseCategoricalCrossentropy').name).toBe('sparse_categorical_crossentropy');
    expect(resolveLoss('binaryCrossentropy').fn).toBe(binaryCrossentropy);
    const mse = resolveLoss('mse');
    expect([mse.name, mse.fn, mse.fromLogits]).toEqual(['mean_squared_error', meanSquaredError, false]);
    expect(resolveLoss('meanSquaredError').fn).toBe(meanSquaredError);
    expect(() => resolveLoss('hinge')).toThrow(/unknown loss 'hinge' \(known: categorical_crossentropy, .*mse\)/);
  });

  it('softmax + categorical and sigmoid + binary cross-entropy take the logits; other pairs do not', () => {
    const y = tensor([[0, 0, 1], [1, 0, 0]]);
    const z = tensor([[1, 2, 3], [0, 0, 0]]);
    for (const spec of ['categorical_crossentropy', categoricalCrossentropy] as const) {
      const r = resolveLoss(spec, 'softmax');
      expect(r.fromLogits).toBe(true);
      expectClose([r.fn(y, z).item()], [0.75310912], 1e-6, 1e-6); // the worked example above
      expectClose(r.predictions(z), softmax(z), 0, 0);
    }
    expect(resolveLoss('sparse_categorical_crossentropy', 'softmax').fromLogits).toBe(true);
    expect(resolveLoss('binary_crossentropy', 'sigmoid').fromLogits).toBe(true);
    for (const [loss, activation] of [['categorical_crossentropy', 'sigmoid'], ['binary_crossentropy', 'softmax'], ['mse', 'softmax'], ['categorical_crossentropy', null]] as const) {
      const r = resolveLoss(loss, activation);
      expect(r.fromLogits, `${loss} after ${activation}`).toBe(false);
      expect(r.predictions(z)).toBe(z);
    }
    const custom = (a: Tensor, b: Tensor): Tensor => meanSquaredError(a, b);
    expect(resolveLoss(custom, 'softmax')).toMatchObject({ name: 'custom', fromLogits: false, fn: custom });
  });
});
