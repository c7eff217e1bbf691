import type { Tensor } from '../tensor.js';
import { batchNormTraining, batchNormInference } from '../ops/batch-norm.js';
import { type InitializerSpec, checkInitializer, initializerConfig } from '../initializer-spec.js';
import { Layer, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

export interface BatchNormalizationArgs extends LayerArgs {
  /** Weight of the old value in the moving averages (default 0.99, as Keras). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-3, as Keras). */
  epsilon?: number;
  /** Learn a shift β (default true). */
  center?: boolean;
  /** Learn a scale γ (default true). */
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
}

/**
 * Batch normalization over the last (channel) axis, as Keras BatchNormalization:
 *
 *   training:  μ, σ² = mean and (biased) variance of the batch over every axis but the last
 *              y = γ · (x − μ) / √(σ² + ε) + β
 *              moving_mean ← momentum · moving_mean + (1 − momentum) · μ   (likewise moving_variance)
 *   inference: the same with moving_mean and moving_variance in place of μ and σ².
 *
 * Weights (Keras order): gamma, beta (trainable), moving_mean, moving_variance (not trainable).
 * A frozen layer (`trainable = false`, or inside a frozen model: ctx.frozen) runs in inference mode even
 * during fit, as Keras 2 (TF 2.x) and Keras 3 do.
 * Forward and backward are fused kernels (kernels/batch-norm.ts, one op in src/ops/batch-norm.ts).
 * When a functional model's graph fuses the ReLU layer that follows (ctx.fusedRelu), the same kernels
 * also apply it (src/models/graph.ts).
 */
export class BatchNormalization extends Layer {
  readonly className = 'BatchNormalization';
  override readonly fusesRelu = true;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly betaInit: InitializerSpec;
  private readonly gammaInit: InitializerSpec;
  private gamma: Tensor | null = null;
  private beta: Tensor | null = null;
  private movingMean: Tensor | null = null;
  private movingVariance: Tensor | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    const { momentum = 0.99, epsilon = 1e-3, center = true, scale = true, betaInitializer = 'zeros', gammaInitializer = 'ones' } = args;
    if (!(momentum >= 0 && momentum <= 1)) throw new Error(`BatchNormalization: momentum must be in [0, 1], got ${momentum}`);
    if (!(epsilon > 0)) throw new Error(`BatchNormalization: epsilon must be positive, got ${epsilon}`);
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.center = center;
    this.scale = scale;
    this.betaInit = checkInitializer(betaInitializer, 'BatchNormalization');
    this.gammaInit = checkInitializer(gammaInitializer, 'BatchNormalization');
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length < 2 || inputShape[inputShape.length - 1] === null) {
      this.shapeError(inputShape, 'an input of rank ≥ 2 with a known channel (last) axis');
    }
    return inputShape;
  }

  override build(inputShape: SymbolicShape): void {
    const c = [inputShape[inputShape.length - 1] as number];
    if (this.scale) this.gamma = this.addWeight('gamma', c, this.gammaInit);
    if (this.center) this.beta = this.addWeight('beta', c, this.betaInit);
    this.movingMean = this.addWeight('moving_mean', c, 'zeros', false);
    this.movingVariance = this.addWeight('moving_variance', c, 'ones', false);
    this.built = true;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    const mm = this.movingMean as Tensor;
    const mv = this.movingVariance as Tensor;
    const relu = ctx.fusedRelu === true;
    if (!(ctx.training && this.trainable && ctx.frozen !== true)) return batchNormInference(x, mm, mv, this.gamma, this.beta, this.epsilon, relu);
    const { y, stats } = batchNormTraining(x, this.gamma, this.beta, this.epsilon, relu);
    this.updateMoving(mm, stats.mean);
    this.updateMoving(mv, stats.variance);
    return y;
  }

  /** moving ← momentum · moving + (1 − momentum) · batch value, in place (outside the graph). */
  private updateMoving(moving: Tensor, batch: Float32Array): void {
    const m = this.momentum;
    for (let i = 0; i < moving.size; i++) moving.data[i] = m * moving.data[i] + (1 - m) * batch[i];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: -1,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: initializerConfig(this.betaInit),
      gamma_initializer: initializerConfig(this.gammaInit),
      moving_mean_initializer: initializerConfig('zeros'),
      moving_variance_initializer: initializerConfig('ones'),
    };
  }
}
