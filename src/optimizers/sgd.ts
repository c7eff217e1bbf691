import { trainingKernels } from '../training-kernels.js';
import { Optimizer } from './optimizer.js';

export interface SGDArgs {
  /** Default 0.01. */
  learningRate?: number;
  /** Default 0 (plain gradient descent). */
  momentum?: number;
  /** Default false. */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent, as Keras SGD:
 *
 *   μ = 0:      θ ← θ − lr · g
 *   momentum:   velocity ← μ · velocity − lr · g;   θ ← θ + velocity
 *   Nesterov:   velocity as above;                   θ ← θ + μ · velocity − lr · g
 *
 * Defaults: lr 0.01, momentum 0, nesterov false.
 */
export class SGD extends Optimizer {
  readonly className = 'SGD';
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  protected readonly slotCount: number;

  constructor(args: SGDArgs = {}) {
    super();
    const { learningRate = 0.01, momentum = 0, nesterov = false } = args;
    if (!(learningRate > 0)) throw new Error(`SGD: learningRate must be positive, got ${learningRate}`);
    if (!(momentum >= 0 && momentum <= 1)) throw new Error(`SGD: momentum must be in [0, 1], got ${momentum}`);
    this.learningRate = learningRate;
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.slotCount = momentum > 0 ? 1 : 0; // velocity only with momentum
  }

  protected updateParameter(w: Float32Array, g: Float32Array, slots: Float32Array[]): void {
    trainingKernels().sgdUpdate(w, g, slots[0] ?? null, this.learningRate, this.momentum, this.nesterov);
  }

  getConfig(): Record<string, unknown> {
    return { name: 'SGD', learning_rate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov };
  }
}
