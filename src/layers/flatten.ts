import type { Tensor } from '../tensor.js';
import { flatten } from '../ops/shape-ops.js';
import { Layer, type SymbolicShape } from './layer.js';

/** Folds every axis after the batch into one: [N, H, W, C] → [N, H·W·C], as Keras Flatten. */
export class Flatten extends Layer {
  readonly className = 'Flatten';

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const rest = inputShape.slice(1);
    if (rest.some((d) => d === null)) this.shapeError(inputShape, 'every axis after the batch to be known');
    return [inputShape[0], rest.reduce<number>((p, d) => p * (d as number), 1)];
  }

  call(x: Tensor): Tensor {
    return flatten(x, 1);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: 'channels_last' };
  }
}
