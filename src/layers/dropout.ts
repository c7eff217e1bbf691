import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { mul } from '../ops/binary.js';
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
    // The Rng's next raw integers, drawn in one loop into the mask's own bytes (see maskFromWords).
    const words = new Uint32Array(mask.buffer, mask.byteOffset, mask.length);
    ctx.rng.fillUint32(words);
    maskFromWords(mask, words, this.rate, scale);
    return mul(x, new Tensor(mask, x.shape));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noise_shape: null, seed: null };
  }
}

/**
 * mask[i] ← scale where the i-th uniform words[i]/2^32 is ≥ rate, i.e. words[i] ≥ rate·2^32 (exact: a
 * power-of-two scale), else 0: the mask Keras's rule (and n calls of rng.uniform()) gives. words
 * may view mask's own bytes: each word is read before its float overwrites it. A function of its
 * own so its loop is optimized once, not thrown away with the layer's call at every step (V8 had
 * compiled the loop inside call() while it ran, and dropped that code at the first line after it).
 */
function maskFromWords(mask: Float32Array, words: Uint32Array, rate: number, scale: number): void {
  const threshold = rate * 4294967296;
  for (let i = 0; i < mask.length; i++) mask[i] = words[i] >= threshold ? scale : 0;
}
