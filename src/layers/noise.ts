import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { add, mul } from '../ops/binary.js';
import { Layer, callRng, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

/** Regularization layers that perturb their input in training only and are the identity in inference. */
abstract class TrainingNoise extends Layer {
  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }
}

function rateIn01(who: string, rate: unknown): number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new Error(`${who}: rate must be a number in [0, 1), got ${String(rate)}`);
  return rate;
}

export interface GaussianNoiseArgs extends LayerArgs {
  /** Standard deviation of the noise. */
  stddev: number;
}

/** Keras GaussianNoise: in training y = x + ε, ε ~ N(0, stddev²) drawn from the model's seeded Rng; identity in inference. */
export class GaussianNoise extends TrainingNoise {
  readonly className = 'GaussianNoise';
  readonly stddev: number;

  constructor(args: GaussianNoiseArgs) {
    super(args);
    if (typeof args?.stddev !== 'number' || !(args.stddev >= 0) || !Number.isFinite(args.stddev)) {
      throw new Error(`GaussianNoise: stddev must be a finite number ≥ 0, got ${String(args?.stddev)}`);
    }
    this.stddev = args.stddev;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.stddev === 0) return x;
    const rng = callRng(this, ctx);
    const noise = allocFloat32(x.size);
    for (let i = 0; i < noise.length; i++) noise[i] = rng.normal(0, this.stddev);
    return add(x, new Tensor(noise, x.shape));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), stddev: this.stddev, seed: null };
  }
}

export interface GaussianDropoutArgs extends LayerArgs {
  /** Drop probability, in [0, 1): the noise has stddev √(rate / (1 − rate)). */
  rate: number;
}

/**
 * Keras GaussianDropout: in training y = x·m, m ~ N(1, rate / (1 − rate)) per element (the same mean
 * and variance as inverted dropout's mask); identity in inference.
 */
export class GaussianDropout extends TrainingNoise {
  readonly className = 'GaussianDropout';
  readonly rate: number;

  constructor(args: GaussianDropoutArgs) {
    super(args);
    this.rate = rateIn01('GaussianDropout', args?.rate);
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    const rng = callRng(this, ctx);
    const mask = allocFloat32(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = rng.normal(1, stddev);
    return mul(x, new Tensor(mask, x.shape));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: null };
  }
}

export interface SpatialDropout2DArgs extends LayerArgs {
  /** Fraction of channels to zero in training, in [0, 1). */
  rate: number;
}

/**
 * Keras SpatialDropout2D: inverted dropout of whole feature maps. In training each (image, channel)
 * of NHWC [N, H, W, C] is kept with probability 1 − rate and scaled by 1/(1 − rate), or zeroed over
 * all of H and W (mask [N, 1, 1, C]); identity in inference. Neighbouring pixels are correlated, so
 * dropping single pixels would regularize little.
 */
export class SpatialDropout2D extends TrainingNoise {
  readonly className = 'SpatialDropout2D';
  readonly rate: number;

  constructor(args: SpatialDropout2DArgs) {
    super(args);
    this.rate = rateIn01('SpatialDropout2D', args?.rate);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 4) this.shapeError(inputShape, '4-D NHWC input (batch, height, width, channels)');
    return inputShape;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    const [n, , , c] = x.shape;
    const scale = 1 / (1 - this.rate);
    const rng = callRng(this, ctx);
    const mask = allocFloat32(n * c); // (N, 1, 1, C)
    for (let i = 0; i < mask.length; i++) mask[i] = rng.uniform() >= this.rate ? scale : 0;
    return mul(x, new Tensor(mask, [n, 1, 1, c]));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noise_shape: null, seed: null, data_format: 'channels_last' };
  }
}
