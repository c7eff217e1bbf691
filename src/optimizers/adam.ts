import { trainingKernels } from '../training-kernels.js';
import { Optimizer } from './optimizer.js';

export interface AdamArgs {
  /** Default 0.001. */
  learningRate?: number;
  /** Decay of the first-moment average (default 0.9). */
  beta1?: number;
  /** Decay of the second-moment average (default 0.999). */
  beta2?: number;
  /** Default 1e-7 (Keras; PyTorch and the paper use 1e-8). */
  epsilon?: number;
}

/**
 * Adam with Keras's exact update (tf.keras / Keras 3 `Adam`), at step t (1, 2, ...):
 *
 *   α = lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ)
 *   m ← m + (g − m)(1 − β₁)
 *   v ← v + (g² − v)(1 − β₂)
 *   θ ← θ − α · m / (√v + ε)
 *
 * The bias corrections live in α, so ε is added to the uncorrected √v: this differs slightly from the
 * paper form (ε added to √v̂) that TensorFlow.js and PyTorch use. The update runs in float32, one
 * rounding per operation, as Keras's does on float32 variables. Defaults: lr 0.001, β₁ 0.9,
 * β₂ 0.999, ε 1e-7.
 */
export class Adam extends Optimizer {
  readonly className = 'Adam';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  protected readonly slotCount = 2; // m, v

  constructor(args: AdamArgs = {}) {
    super();
    const { learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = args;
    if (!(learningRate > 0)) throw new Error(`Adam: learningRate must be positive, got ${learningRate}`);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) throw new Error(`Adam: beta1 and beta2 must be in [0, 1), got ${beta1}, ${beta2}`);
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  protected override createSlots(size: number): Float32Array[] {
    return trainingKernels().adamSlots(size);
  }

  protected updateParameter(w: Float32Array, g: Float32Array, [m, v]: Float32Array[], t: number): void {
    const alpha = (this.learningRate * Math.sqrt(1 - Math.pow(this.beta2, t))) / (1 - Math.pow(this.beta1, t));
    trainingKernels().adamUpdate(w, g, m, v, alpha, this.beta1, this.beta2, this.epsilon);
  }

  getConfig(): Record<string, unknown> {
    return { name: 'Adam', learning_rate: this.learningRate, beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: false };
  }
}
