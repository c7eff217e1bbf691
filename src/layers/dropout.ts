import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { mul } from '../ops/binary.js';
import { dropoutMaskSimd } from '../../kernels/dropout-mask-simd.js';
import { Layer, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

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
    const scale = 1 / (1 - this.rate);
    const mask = allocFloat32(x.size);
    // Kept where the Rng's next uniform number is ≥ rate: its raw words, drawn in one loop, then
    // compared on SIMD (kernels/dropout-mask.ts has the rule, dropout-mask-simd.ts the fast pass).
    dropoutMaskSimd(mask, this.rate, scale, (words) => ctx.rng.fillUint32(words));
    return mul(x, new Tensor(mask, x.shape));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noise_shape: null, seed: null };
  }
}
