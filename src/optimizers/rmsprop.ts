import { trainingKernels } from '../training-kernels.js';
import { Optimizer } from './optimizer.js';

export interface RMSpropArgs {
  /** Default 0.001. */
  learningRate?: number;
  /** Decay of the squared-gradient average (default 0.9). */
  rho?: number;
  /** Default 1e-7, added inside the square root as Keras does. */
  epsilon?: number;
}

/**
 * RMSprop, as Keras (no momentum, not centered):
 *
 *   v ← ρ · v + (1 − ρ) · g²
 *   θ ← θ − lr · g / √(v + ε)
 *
 * Defaults: lr 0.001, ρ 0.9, ε 1e-7.
 */
export class RMSprop extends Optimizer {
  readonly className = 'RMSprop';
  readonly learningRate: number;
  readonly rho: number;
  readonly epsilon: number;
  protected readonly slotCount = 1; // v

  constructor(args: RMSpropArgs = {}) {
    super();
    const { learningRate = 0.001, rho = 0.9, epsilon = 1e-7 } = args;
    if (!(learningRate > 0)) throw new Error(`RMSprop: learningRate must be positive, got ${learningRate}`);
    if (!(rho >= 0 && rho < 1)) throw new Error(`RMSprop: rho must be in [0, 1), got ${rho}`);
    this.learningRate = learningRate;
    this.rho = rho;
    this.epsilon = epsilon;
  }

  protected updateParameter(w: Float32Array, g: Float32Array, [v]: Float32Array[]): void {
    trainingKernels().rmspropUpdate(w, g, v, this.learningRate, this.rho, this.epsilon);
  }

  getConfig(): Record<string, unknown> {
    return { name: 'RMSprop', learning_rate: this.learningRate, rho: this.rho, epsilon: this.epsilon, momentum: 0, centered: false };
  }
}
