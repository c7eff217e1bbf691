import { Tensor } from '../tensor.js';
import { dropout } from '../ops/dropout.js';
import { Layer, callRng, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

export interface DropoutArgs extends LayerArgs {
  /** Fraction of inputs to zero during training, in [0, 1). */
  rate: number;
}

/**
 * Inverted dropout, as Keras Dropout: in training each element is kept with probability 1 − rate and
 * scaled by 1 / (1 − rate), so inference (where the layer is the identity) needs no rescaling.
 * The mask comes from the model's seeded Rng.
 */
export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;

  constructor(args: DropoutArgs) {
    super(args);
    if (typeof args?.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) {
      throw new Error(`Dropout: rate must be a number in [0, 1), got ${String(args?.rate)}`);
    }
    this.rate = args.rate;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    return dropout(x, this.rate, callRng(this, ctx));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noise_shape: null, seed: null };
  }
}
