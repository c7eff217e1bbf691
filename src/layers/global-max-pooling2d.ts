import type { Tensor } from '../tensor.js';
import { max } from '../ops/reduce.js';
import { Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface GlobalMaxPooling2DArgs extends LayerArgs {
  /** Keep height and width as axes of size 1: [N, 1, 1, C] (default false: [N, C]). */
  keepdims?: boolean;
}

/**
 * Max over height and width, as Keras GlobalMaxPooling2D: NHWC [N, H, W, C] → [N, C]. The gradient
 * goes to the maximum; tied maxima share it equally (TensorFlow's rule). No weights.
 */
export class GlobalMaxPooling2D extends Layer {
  readonly className = 'GlobalMaxPooling2D';
  readonly keepdims: boolean;

  constructor(args: GlobalMaxPooling2DArgs = {}) {
    super(args);
    this.keepdims = args.keepdims ?? false;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 4) this.shapeError(inputShape, '4-D NHWC input (batch, height, width, channels)');
    return this.keepdims ? [inputShape[0], 1, 1, inputShape[3]] : [inputShape[0], inputShape[3]];
  }

  call(x: Tensor): Tensor {
    return max(x, [1, 2], this.keepdims);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: 'channels_last', keepdims: this.keepdims };
  }
}

export const GlobalMaxPool2D = GlobalMaxPooling2D;
