/**
 * Optimizer updates worked out by hand (Keras's formulas), step by step, on a parameter
 * θ = [1, −2] with gradients g₁ = [0.5, 0.1], g₂ = [−0.25, 0.1], g₃ = [0.5, −0.3].
 * The expected values are the equations evaluated in float64 right here; the comments hold the numbers.
 * tatami stores θ and the state in float32, hence atol 1e-6.
 */
import { describe, it, expect } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { Tensor, Adam, SGD, RMSprop, Optimizer } from '../../src/index.js';
import { resolveOptimizer } from '../../src/optimizers/index.js';
import { expectClose } from '../helpers.js';
import { loadTf } from '../tf-peer.js';

const THETA0 = [1, -2];
const GRADS = [
  [0.5, 0.1],
  [-0.25, 0.1],
  [0.5, -0.3],
];

/** Run `opt` over the gradients; return θ after each step. */
function run(opt: Optimizer, grads = GRADS, theta0 = THETA0): number[][] {
  const p = new Tensor(Float32Array.from(theta0), [theta0.length], true);
  const out: number[][] = [];
  for (const g of grads) {
    p.grad = new Tensor(Float32Array.from(g), [g.length]);
    opt.step([p]);
    out.push(Array.from(p.data));
  }
  return out;
}

describe('Adam (Keras form)', () => {
  it('three steps by hand, lr 0.1', () => {
    // β₁ = 0.9, β₂ = 0.999, ε = 1e-7; element 0 (θ = 1):
    // t=1: g = 0.5    m = 0 + (0.5 − 0)·0.1 = 0.05            v = 0 + (0.25 − 0)·0.001 = 0.00025
    //      α = 0.1·√(1 − 0.999)/(1 − 0.9) = 0.1·0.0316228/0.1 = 0.0316228
    //      θ = 1 − 0.0316228·0.05/(√0.00025 + 1e-7) = 1 − 0.0316228·0.05/0.0158115 = 1 − 0.0999994 = 0.9000006
    // t=2: g = −0.25  m = 0.05 + (−0.25 − 0.05)·0.1 = 0.02    v = 0.00025 + (0.0625 − 0.00025)·0.001 = 0.00031225
    //      α = 0.1·√(1 − 0.998001)/(1 − 0.81) = 0.1·0.0447102/0.19 = 0.0235317
    //      θ = 0.9000006 − 0.0235317·0.02/(0.0176706 + 1e-7) = 0.9000006 − 0.0266334 = 0.8733672
    // t=3: g = 0.5    m = 0.02 + (0.5 − 0.02)·0.1 = 0.068     v = 0.00031225 + (0.25 − 0.00031225)·0.001 = 0.00056194
    //      α = 0.1·√(1 − 0.997003)/(1 − 0.729) = 0.1·0.0547449/0.271 = 0.0202011
    //      θ = 0.8733672 − 0.0202011·0.068/(0.0237053 + 1e-7) = 0.8733672 − 0.0579478 = 0.8154194
    const lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-7;
    const expected: number[][] = [];
    const theta = [...THETA0];
    const m = [0, 0];
    const v = [0, 0];
    GRADS.forEach((g, k) => {
      const t = k + 1;
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      for (let i = 0; i < 2; i++) {
        m[i] += (g[i] - m[i]) * (1 - b1);
        v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
        theta[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + eps);
      }
      expected.push([...theta]);
    });
    // The hand-computed numbers of element 0, to make sure the equations above are the ones in the comment.
    expectClose(expected.map((r) => r[0]), [0.9000006, 0.8733672, 0.8154194], 2e-7, 0);
    const got = run(new Adam({ learningRate: lr }));
    expectClose(got.flat(), expected.flat(), 1e-6, 1e-6);
    // Defaults: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7.
    const d = new Adam();
    expect([d.learningRate, d.beta1, d.beta2, d.epsilon]).toEqual([0.001, 0.9, 0.999, 1e-7]);
  });

  it('the first step moves every coordinate by ≈ lr, whatever the gradient scale (ε negligible)', () => {
    // t=1: m = 0.1·g, v = 0.001·g², α = lr·√0.001/0.1 ⇒ step = lr·√0.001·g/(√0.001·|g| + ε) ≈ lr·sign(g)
    // (for g = −0.02: √0.001·0.02 = 6.32e-4 ≫ ε, so the step is 0.01·0.99984 = 0.0099984)
    const [after] = run(new Adam({ learningRate: 0.01 }), [[3, -0.02]], [0, 0]);
    expectClose(after, [-0.01, 0.01], 2e-6, 0);
  });

  it('differs from the paper form (TensorFlow.js) by a computed amount when ε matters', async () => {
    // g = 1e-7, ε = 1e-7, lr = 0.1, θ = 1, t = 1:
    //   Keras:  m = 1e-8, v = 1e-17, √v = 3.1623e-9, α = 0.1·√0.001/0.1 = 0.0316228
    //           step = 0.0316228·1e-8/(3.1623e-9 + 1e-7) = 0.0316228·0.0969347 = 0.00306535
    //   paper:  m̂ = 1e-7, v̂ = 1e-14, step = 0.1·1e-7/(1e-7 + 1e-7) = 0.05
    //   (Keras's form equals the paper's with ε replaced by ε/√(1 − β₂ᵗ) = 3.16e-6 at t = 1.)
    const g = 1e-7;
    const keras = 1 - (0.1 * Math.sqrt(0.001) / 0.1) * (0.1 * g) / (Math.sqrt(0.001 * g * g) + 1e-7);
    const paper = 1 - (0.1 * ((0.1 * g) / 0.1)) / (Math.sqrt((0.001 * g * g) / 0.001) + 1e-7);
    expectClose([keras, paper], [1 - 0.00306535, 0.95], 1e-7, 0);
    const [[ours]] = run(new Adam({ learningRate: 0.1, epsilon: 1e-7 }), [[g]], [1]);
    expectClose([ours], [keras], 1e-6, 0);

    const tf: typeof TF = await loadTf();
    const theirs = tf.tidy(() => {
      const w = tf.variable(tf.tensor1d([1]));
      tf.train.adam(0.1, 0.9, 0.999, 1e-7).applyGradients([{ name: w.name, tensor: tf.tensor1d([g]) }]);
      return w.dataSync()[0];
    });
    expectClose([theirs], [paper], 1e-6, 0);
    // The computed gap between the two forms: 0.05 − 0.00306535 = 0.04693465.
    expectClose([ours - theirs], [0.05 - 0.00306535], 1e-6, 0);
  });
});

describe('SGD (Keras)', () => {
  it('plain: θ ← θ − lr·g', () => {
    // lr 0.1: θ₀ = 1 → 1 − 0.05 = 0.95 → 0.95 + 0.025 = 0.975 → 0.975 − 0.05 = 0.925
    //         θ₀ = −2 → −2.01 → −2.02 → −1.99
    expectClose(run(new SGD({ learningRate: 0.1 })).flat(), [0.95, -2.01, 0.975, -2.02, 0.925, -1.99], 1e-6, 0);
    const d = new SGD();
    expect([d.learningRate, d.momentum, d.nesterov]).toEqual([0.01, 0, false]);
  });

  it('momentum 0.9: velocity ← μ·velocity − lr·g; θ ← θ + velocity', () => {
    // element 0: v₁ = −0.1·0.5 = −0.05, θ₁ = 0.95
    //            v₂ = 0.9·(−0.05) − 0.1·(−0.25) = −0.045 + 0.025 = −0.02, θ₂ = 0.93
    //            v₃ = 0.9·(−0.02) − 0.1·0.5 = −0.018 − 0.05 = −0.068, θ₃ = 0.862
    // element 1: v₁ = −0.01, θ₁ = −2.01; v₂ = −0.009 − 0.01 = −0.019, θ₂ = −2.029;
    //            v₃ = −0.0171 + 0.03 = 0.0129, θ₃ = −2.0161
    expectClose(run(new SGD({ learningRate: 0.1, momentum: 0.9 })).flat(), [0.95, -2.01, 0.93, -2.029, 0.862, -2.0161], 1e-6, 0);
  });

  it('Nesterov: θ ← θ + μ·velocity − lr·g', () => {
    // element 0: v₁ = −0.05, θ₁ = 1 + 0.9·(−0.05) − 0.05 = 0.905
    //            v₂ = −0.02, θ₂ = 0.905 + 0.9·(−0.02) + 0.025 = 0.912
    //            v₃ = −0.068, θ₃ = 0.912 + 0.9·(−0.068) − 0.05 = 0.8008
    // element 1: v₁ = −0.01, θ₁ = −2 − 0.009 − 0.01 = −2.019
    //            v₂ = −0.019, θ₂ = −2.019 − 0.0171 − 0.01 = −2.0461
    //            v₃ = 0.0129, θ₃ = −2.0461 + 0.01161 + 0.03 = −2.00449
    expectClose(
      run(new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true })).flat(),
      [0.905, -2.019, 0.912, -2.0461, 0.8008, -2.00449],
      1e-6,
      0,
    );
  });

  it('momentum and Nesterov agree with TensorFlow.js (same method, other parametrization)', async () => {
    const tf: typeof TF = await loadTf();
    for (const nesterov of [false, true]) {
      const theirs = tf.tidy(() => {
        const w = tf.variable(tf.tensor1d(THETA0));
        const opt = tf.train.momentum(0.1, 0.9, nesterov);
        const out: number[] = [];
        for (const g of GRADS) {
          opt.applyGradients([{ name: w.name, tensor: tf.tensor1d(g) }]);
          out.push(...w.dataSync());
        }
        return out;
      });
      expectClose(run(new SGD({ learningRate: 0.1, momentum: 0.9, nesterov })).flat(), theirs, 1e-6, 1e-6, `nesterov ${nesterov}`);
    }
  });
});

describe('RMSprop (Keras, ε inside the square root)', () => {
  it('three steps by hand, lr 0.01', () => {
    // ρ = 0.9, ε = 1e-7; element 0:
    // t=1: v = 0.1·0.25 = 0.025;                      θ = 1 − 0.01·0.5/√0.0250001 = 1 − 0.0316227 = 0.9683773
    // t=2: v = 0.9·0.025 + 0.1·0.0625 = 0.02875;      θ = 0.9683773 + 0.0025/√0.0287501 = 0.9683773 + 0.0147442 = 0.9831215
    // t=3: v = 0.9·0.02875 + 0.1·0.25 = 0.050875;     θ = 0.9831215 − 0.005/√0.0508751 = 0.9831215 − 0.0221677 = 0.9609538
    const lr = 0.01, rho = 0.9, eps = 1e-7;
    const theta = [...THETA0];
    const v = [0, 0];
    const expected = GRADS.map((g) => {
      for (let i = 0; i < 2; i++) {
        v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
        theta[i] -= (lr * g[i]) / Math.sqrt(v[i] + eps);
      }
      return [...theta];
    });
    expectClose(expected.map((r) => r[0]), [0.9683773, 0.9831215, 0.9609538], 2e-7, 0);
    expectClose(run(new RMSprop({ learningRate: lr })).flat(), expected.flat(), 1e-6, 1e-6);
    const d = new RMSprop();
    expect([d.learningRate, d.rho, d.epsilon]).toEqual([0.001, 0.9, 1e-7]);
  });

  it('ε inside the root: a tiny gradient moves ≈10× less than with ε outside', () => {
    // g = 1e-4, ε = 1e-7, lr = 0.01: v = 0.1·1e-8 = 1e-9
    //   inside:  step = 0.01·1e-4/√(1e-9 + 1e-7) = 1e-6/3.17805e-4 = 0.00314658
    //   outside: step = 0.01·1e-4/(√1e-9 + 1e-7) = 1e-6/3.17228e-5 = 0.0315230
    const [[inside]] = run(new RMSprop({ learningRate: 0.01 }), [[1e-4]], [0]);
    expectClose([inside], [-0.00314658], 1e-8, 1e-5);
    expect(Math.abs(inside)).toBeLessThan(0.0315230 / 9);
  });

  it('agrees with TensorFlow.js rmsprop (also ε inside the root)', async () => {
    const tf: typeof TF = await loadTf();
    const theirs = tf.tidy(() => {
      const w = tf.variable(tf.tensor1d(THETA0));
      const opt = tf.train.rmsprop(0.01, 0.9, 0, 1e-7);
      const out: number[] = [];
      for (const g of GRADS) {
        opt.applyGradients([{ name: w.name, tensor: tf.tensor1d(g) }]);
        out.push(...w.dataSync());
      }
      return out;
    });
    expectClose(run(new RMSprop({ learningRate: 0.01 })).flat(), theirs, 1e-6, 1e-6);
  });
});

describe('optimizer plumbing', () => {
  it('counts steps, skips parameters without a gradient, keeps state per parameter', () => {
    const opt = new SGD({ learningRate: 0.5, momentum: 0.5 });
    const a = new Tensor(Float32Array.of(1), [1], true);
    const b = new Tensor(Float32Array.of(1), [1], true);
    a.grad = new Tensor(Float32Array.of(1), [1]);
    opt.step([a, b]); // a: v = −0.5, a = 0.5; b untouched
    expect(Array.from(b.data)).toEqual([1]);
    b.grad = new Tensor(Float32Array.of(1), [1]);
    opt.step([a, b]); // a: v = −0.25 − 0.5 = −0.75, a = −0.25; b: its own fresh v = −0.5, b = 0.5
    expect(opt.iterations).toBe(2);
    expectClose([a.data[0], b.data[0]], [-0.25, 0.5], 1e-7, 0);
  });

  it('resolves names (any case) with Keras defaults and rejects unknown ones', () => {
    expect(resolveOptimizer('adam')).toBeInstanceOf(Adam);
    expect(resolveOptimizer('Adam')).toBeInstanceOf(Adam);
    expect(resolveOptimizer('SGD')).toBeInstanceOf(SGD);
    expect(resolveOptimizer('RMSprop')).toBeInstanceOf(RMSprop);
    expect(resolveOptimizer('rmsprop')).toBeInstanceOf(RMSprop);
    const mine = new Adam({ learningRate: 0.5 });
    expect(resolveOptimizer(mine)).toBe(mine);
    expect(() => resolveOptimizer('adamw')).toThrow(/unknown optimizer 'adamw'.*adam, sgd, rmsprop/);
  });

  it('rejects bad hyper-parameters with the expected range', () => {
    expect(() => new Adam({ learningRate: -1 })).toThrow(/Adam: learningRate must be positive/);
    expect(() => new Adam({ beta1: 1 })).toThrow(/beta1 and beta2 must be in \[0, 1\)/);
    expect(() => new SGD({ momentum: 2 })).toThrow(/momentum must be in \[0, 1\]/);
    expect(() => new RMSprop({ rho: 1 })).toThrow(/rho must be in \[0, 1\)/);
  });
});
