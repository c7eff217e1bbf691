// The classic CNN's training step written with tatami's NAIVE kernels only: the reference of the
// train family. It is timed (the "× naive" column) and it is the truth each engine's first step is
// checked against (same initial weights, same batch → same loss; tatami's weights after the step
// must match too).
//
//   x [B, H, W, 1] ─conv K×K, F filters, valid─► z [B, OH, OW, F] ─relu─► a ─maxpool 2×2─► p [B, PH, PW, F]
//     ─flatten─► [B, P] ─dense─► logits [B, 10] ─softmax─► probabilities; loss = mean −log p[label]
//
// Backward, in order: dlogits = (prob − y) / B; dense dK = pᵀ·dlogits, db = Σ dlogits,
// dp = dlogits·Kᵀ; max-pool backward; relu mask; conv dW, db. Then Adam, Keras's form (as tatami's
// Adam): α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ), ε = 1e-7 added to the uncorrected √v.

import {
  conv2dShape, pool2dShape, conv2dForwardDirect, conv2dBackwardFilterDirect, conv2dBackwardBias,
  maxPool2dForwardNaive, maxPool2dBackwardNaive, gemmNaive, adamUpdate,
  type Conv2dShape, type Pool2dShape,
} from '../kernels/index.js';

export interface CnnSpec {
  H: number; W: number; K: number; F: number; classes: number;
}

/** Weight order, as Keras lists them: conv kernel [K,K,1,F], conv bias [F], dense kernel [P,10], dense bias [10]. */
export type CnnWeights = [Float32Array, Float32Array, Float32Array, Float32Array];

export class NaiveCnnTrainer {
  readonly weights: CnnWeights;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;

  constructor(private readonly spec: CnnSpec, init: readonly Float32Array[], private readonly lr = 0.001) {
    this.weights = init.map((w) => Float32Array.from(w)) as CnnWeights;
    this.m = init.map((w) => new Float32Array(w.length));
    this.v = init.map((w) => new Float32Array(w.length));
  }

  private shapes(B: number): { cs: Conv2dShape; ps: Pool2dShape; P: number } {
    const { H, W, K, F } = this.spec;
    const cs = conv2dShape(B, H, W, 1, K, K, F, [1, 1], [1, 1], 'valid');
    const ps = pool2dShape(B, cs.OH, cs.OW, F, 2, 2, [2, 2], 'valid');
    return { cs, ps, P: ps.OH * ps.OW * F };
  }

  /** One training step on x [B,H,W,1] with one-hot y [B,10]; returns the batch-mean loss before the update. */
  step(x: Float32Array, y: Float32Array, B: number): number {
    const { classes: C } = this.spec;
    const { cs, ps, P } = this.shapes(B);
    const [convK, convB, denseK, denseB] = this.weights;
    // forward
    const z = new Float32Array(B * cs.OH * cs.OW * cs.CO); // (B, OH, OW, F)
    conv2dForwardDirect(z, x, convK, convB, cs);
    const a = z.map((v) => (v > 0 ? v : 0)); // (B, OH, OW, F)
    const p = new Float32Array(B * P); // (B, PH, PW, F)
    maxPool2dForwardNaive(p, new Int32Array(p.length), a, ps);
    const logits = new Float32Array(B * C); // (B, 10)
    gemmNaive(logits, p, denseK, B, C, P, 'nn', false);
    // softmax + cross-entropy, in float64
    const dlogits = new Float32Array(B * C); // (B, 10)
    let loss = 0;
    for (let b = 0; b < B; b++) {
      let max = -Infinity;
      for (let c = 0; c < C; c++) max = Math.max(max, logits[b * C + c] + denseB[c]);
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(logits[b * C + c] + denseB[c] - max);
      for (let c = 0; c < C; c++) {
        const logProb = logits[b * C + c] + denseB[c] - max - Math.log(sum);
        loss -= y[b * C + c] * logProb;
        dlogits[b * C + c] = (Math.exp(logProb) - y[b * C + c]) / B;
      }
    }
    loss /= B;
    // backward
    const gDenseK = new Float32Array(P * C); // (P, 10)
    gemmNaive(gDenseK, p, dlogits, P, C, B, 'tn', false);
    const gDenseB = new Float32Array(C); // (10)
    for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) gDenseB[c] += dlogits[b * C + c];
    const dp = new Float32Array(B * P); // (B, PH, PW, F)
    gemmNaive(dp, dlogits, denseK, B, P, C, 'nt', false);
    const da = new Float32Array(a.length); // (B, OH, OW, F)
    maxPool2dBackwardNaive(da, dp, a, ps);
    for (let i = 0; i < da.length; i++) if (!(z[i] > 0)) da[i] = 0; // relu mask: dz
    const gConvK = new Float32Array(convK.length); // (K, K, 1, F)
    conv2dBackwardFilterDirect(gConvK, da, x, cs);
    const gConvB = new Float32Array(convB.length); // (F)
    conv2dBackwardBias(gConvB, da, cs);
    // Adam (Keras form)
    this.t++;
    const beta1 = 0.9, beta2 = 0.999;
    const alpha = (this.lr * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t);
    const grads = [gConvK, gConvB, gDenseK, gDenseB];
    this.weights.forEach((w, i) => adamUpdate(w, grads[i], this.m[i], this.v[i], alpha, beta1, beta2, 1e-7));
    return loss;
  }
}
