import type { Tensor } from '../tensor.js';
import { Layer, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

/**
 * A layer that acts only in training (Dropout, the noise layers, the random augmentations), as
 * tatami/infer loads it: the identity, under the class name its file gives. In inference every one
 * of those layers is the identity (Keras's `training=False`), so predictions are the same as with the
 * real layer, without carrying its training code. It refuses to run in training mode.
 */
export class TrainingOnly extends Layer {
  readonly className: string;

  constructor(className: string, args: LayerArgs = {}) {
    super(args);
    this.className = className;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (ctx.training) throw new Error(`${this.describe()}: loaded for inference only (tatami/infer); load the model with tatami's loadModel to train it`);
    return x;
  }
}
