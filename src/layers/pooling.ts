import type { Tensor } from '../tensor.js';
import { maxPool2d, avgPool2d } from '../ops/pool2d.js';
import { mean } from '../ops/reduce.js';
import { type Size2, pair } from '../ops/conv2d.js';
import { pool2dShape, type Padding } from '../../kernels/conv-shape.js';
import { Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface Pooling2DArgs extends LayerArgs {
  /** Window size (default 2×2, as Keras). */
  poolSize?: Size2;
  /** Default: the pool size. */
  strides?: Size2 | null;
  /** 'valid' (default) or 'same'. */
  padding?: Padding;
}

/** Shared shape logic of the 2-D pooling layers: NHWC [N, H, W, C] → [N, OH, OW, C], no weights. */
abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;

  constructor(args: Pooling2DArgs = {}) {
    super(args);
    const who = new.target.name;
    this.poolSize = pair(who, 'poolSize', args.poolSize ?? 2);
    this.strides = pair(who, 'strides', args.strides ?? this.poolSize);
    this.padding = args.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same') throw new Error(`${who}: padding must be 'valid' or 'same', got '${String(this.padding)}'`);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 4) this.shapeError(inputShape, '4-D NHWC input (batch, height, width, channels)');
    const [n, h, w, c] = inputShape;
    try {
      const s = pool2dShape(1, h ?? 1, w ?? 1, c ?? 1, this.poolSize[0], this.poolSize[1], this.strides, this.padding);
      return [n, s.OH, s.OW, c];
    } catch (e) {
      return this.shapeError(inputShape, `an input the ${this.poolSize.join('x')} window fits (${(e as Error).message})`);
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), pool_size: this.poolSize, padding: this.padding, strides: this.strides, data_format: 'channels_last' };
  }
}

/** Max-pooling layer, as Keras MaxPooling2D (alias MaxPool2D); 2×2 windows by default. */
export class MaxPooling2D extends Pooling2D {
  readonly className = 'MaxPooling2D';

  call(x: Tensor): Tensor {
    return maxPool2d(x, { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }
}

/** Average-pooling layer, as Keras AveragePooling2D (alias AvgPool2D). */
export class AveragePooling2D extends Pooling2D {
  readonly className = 'AveragePooling2D';

  call(x: Tensor): Tensor {
    return avgPool2d(x, { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }
}

export const MaxPool2D = MaxPooling2D;
export const AvgPool2D = AveragePooling2D;

/** Mean over height and width: [N, H, W, C] → [N, C], as Keras GlobalAveragePooling2D. */
export class GlobalAveragePooling2D extends Layer {
  readonly className = 'GlobalAveragePooling2D';

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 4) this.shapeError(inputShape, '4-D NHWC input (batch, height, width, channels)');
    return [inputShape[0], inputShape[3]];
  }

  call(x: Tensor): Tensor {
    return mean(x, [1, 2]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: 'channels_last', keepdims: false };
  }
}
