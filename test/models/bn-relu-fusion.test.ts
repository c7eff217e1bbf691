/**
 * BatchNormalization followed by Activation('relu'), fused by the functional graph (src/models/graph.ts):
 * which pairs it fuses, and that the fused model gives the unfused path's values and gradients bit for
 * bit (the same layers called one by one, each ReLU its own op), in training and in inference; and
 * the op with `relu` against batchNorm then relu, with dout handed over and retained.
 */
import { describe, it, expect } from 'vitest';
import {
  Tensor, Rng, input, Model, Conv2D, BatchNormalization, Activation, Add, sum, mul, relu, type CallContext, type SymbolicTensor,
} from '../../src/index.js';
import { buildGraph } from '../../src/models/graph.js';
import { batchNormTraining } from '../../src/ops/batch-norm.js';
import { uniformTensor } from '../helpers.js';
import { firstDifference } from '../kernels/same-bits.js';

const expectSame = (got: ArrayLike<number>, want: ArrayLike<number>, label: string): void => {
  const i = firstDifference(got, want);
  expect(i, `${label}: first difference at [${i}]: ${got[i]} vs ${want[i]}`).toBe(-1);
};

const reluLayer = (): Activation => new Activation({ activation: 'relu' });

/**
 * x → conv → BN → ReLU (fused) → conv → BN → Add(·, the first conv) → ReLU (after an Add: not fused)
 * → BN → ReLU, added to that BN's output (a BN with two consumers: not fused).
 */
function residual() {
  const x = input({ shape: [6, 6, 4] });
  const conv1 = new Conv2D({ filters: 8, kernelSize: 3, padding: 'same' });
  const bn1 = new BatchNormalization(), r1 = reluLayer();
  const conv2 = new Conv2D({ filters: 8, kernelSize: 3, padding: 'same' });
  const bn2 = new BatchNormalization(), add = new Add(), r2 = reluLayer();
  const bn3 = new BatchNormalization(), r3 = reluLayer(), add2 = new Add();
  const h = conv1.apply(x);
  const a = r1.apply(bn1.apply(h));
  const o = r2.apply(add.apply([bn2.apply(conv2.apply(a)), h]));
  const p = bn3.apply(o);
  const out = add2.apply([r3.apply(p), p]);
  const model = new Model({ inputs: x, outputs: out, seed: 7 });
  /** The same layers called one by one: every ReLU its own op. */
  const unfused = (xt: Tensor, ctx: CallContext): Tensor => {
    const ht = conv1.call(xt, ctx);
    const at = r1.call(bn1.call(ht, ctx), ctx);
    const ot = r2.call(add.callInputs([bn2.call(conv2.call(at, ctx), ctx), ht], ctx), ctx);
    const pt = bn3.call(ot, ctx);
    return add2.callInputs([r3.call(pt, ctx), pt], ctx);
  };
  return { x, a, out, model, unfused };
}

describe('the graph fuses BatchNormalization → ReLU by layer type', () => {
  it('only where the ReLU alone reads the BN and neither is an output', () => {
    const { x, a, out } = residual();
    expect([...buildGraph([x], [out], 'test').fusedRelu]).toEqual([a]);
    // The ReLU an output: not fused (a loss from logits would want it skipped).
    expect(buildGraph([x], [a], 'test').fusedRelu.size).toBe(0);
    // The BN an output as well: not fused.
    const bnOut = a.inputs[0] as SymbolicTensor;
    expect(buildGraph([x], [out, bnOut], 'test').fusedRelu.size).toBe(0);
  });

  for (const training of [true, false]) {
    it(`gives the unfused path's output and gradients bit for bit (${training ? 'training' : 'inference'})`, () => {
      const { model, unfused } = residual();
      model.ensureInitialized();
      const rng = new Rng(5);
      const xt = uniformTensor([3, 6, 6, 4], rng);
      const r = uniformTensor([3, 6, 6, 8], rng);
      const params = [xt, ...model.trainableWeights()];
      const ctx: CallContext = { training, rng: new Rng(0) };
      const run = (f: () => Tensor): Float32Array[] => {
        for (const t of params) {
          t.requiresGrad = true;
          t.grad = null;
        }
        const y = f();
        sum(mul(y, r)).backward();
        return [Float32Array.from(y.data), ...params.map((t) => Float32Array.from((t.grad as Tensor).data))];
      };
      const fused = run(() => model.callAll([xt], ctx)[0]);
      const plain = run(() => unfused(xt, ctx));
      fused.forEach((got, i) => expectSame(got, plain[i], i === 0 ? 'output' : `gradient ${i - 1}`));
    });
  }
});

describe('batchNormTraining with relu', () => {
  for (const retained of [false, true]) {
    it(`equals relu(batchNorm) in values and gradients, bit for bit (output gradient ${retained ? 'retained' : 'handed over'})`, () => {
      const rng = new Rng(9);
      const x = uniformTensor([5, 3, 3, 8], rng, -2, 2);
      const gamma = uniformTensor([8], rng, 0.5, 1.5), beta = uniformTensor([8], rng, -0.5, 0.5);
      const w = uniformTensor([5, 3, 3, 8], rng);
      const inputs = [x, gamma, beta];
      const run = (f: () => Tensor): Float32Array[] => {
        for (const t of inputs) {
          t.requiresGrad = true;
          t.grad = null;
        }
        const y = f();
        if (retained) y.retainGrad();
        sum(mul(y, w)).backward();
        if (retained) expectSame(y.grad!.data, w.data, 'the retained gradient, unmasked and untouched');
        return [Float32Array.from(y.data), ...inputs.map((t) => Float32Array.from((t.grad as Tensor).data))];
      };
      const fused = run(() => batchNormTraining(x, gamma, beta, 1e-3, true).y);
      const plain = run(() => relu(batchNormTraining(x, gamma, beta, 1e-3).y));
      expect(fused[0].some((v) => v === 0) && fused[0].some((v) => v > 0)).toBe(true);
      ['y', 'dx', 'dgamma', 'dbeta'].forEach((name, i) => expectSame(fused[i], plain[i], name));
    });
  }
});
