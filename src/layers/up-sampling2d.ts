import type { Tensor } from '../tensor.js';
import { resize2d, type ResizeInterpolation } from '../ops/resize2d.js';
import { type Size2, pair } from '../ops/conv2d.js';
import { Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface UpSampling2DArgs extends LayerArgs {
  /** Factor along height and width; default 2 (2×2). */
  size?: Size2;
  /** 'nearest' (default: each pixel repeated) or 'bilinear'. */
  interpolation?: ResizeInterpolation;
}

/**
 * Upsampling of NHWC images by integer factors, as Keras UpSampling2D: [N, H, W, C] →
 * [N, H·sh, W·sw, C]. 'bilinear' is TensorFlow 2's tf.image.resize, as Keras calls it: half-pixel
 * centers. (tfjs's UpSampling2D uses the older corner convention for bilinear, so the two differ
 * there; nearest is the same everywhere.) No weights.
 */
export class UpSampling2D extends Layer {
  readonly className = 'UpSampling2D';
  readonly size: [number, number];
  readonly interpolation: ResizeInterpolation;

  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    this.size = pair('UpSampling2D', 'size', args.size ?? 2);
    this.interpolation = args.interpolation ?? 'nearest';
    if (this.interpolation !== 'nearest' && this.interpolation !== 'bilinear') {
      throw new Error(`UpSampling2D: interpolation must be 'nearest' or 'bilinear', got '${String(this.interpolation)}'`);
    }
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 4) this.shapeError(inputShape, '4-D NHWC input (batch, height, width, channels)');
    const [n, h, w, c] = inputShape;
    return [n, h === null ? null : h * this.size[0], w === null ? null : w * this.size[1], c];
  }

  call(x: Tensor): Tensor {
    return resize2d(x, [x.shape[1] * this.size[0], x.shape[2] * this.size[1]], this.interpolation);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: [...this.size], data_format: 'channels_last', interpolation: this.interpolation };
  }
}
