import type { Tensor } from '../tensor.js';
import { reshape } from '../ops/shape-ops.js';
import { Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface ReshapeArgs extends LayerArgs {
  /** Shape of one sample after the reshape (no batch axis); one entry may be -1. */
  targetShape: readonly number[];
}

/** Reshapes each sample, keeping the batch axis, as Keras Reshape. */
export class Reshape extends Layer {
  readonly className = 'Reshape';
  readonly targetShape: readonly number[];

  constructor(args: ReshapeArgs) {
    super(args);
    const t = args.targetShape;
    if (!Array.isArray(t) || t.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1)) || t.filter((d) => d === -1).length > 1) {
      throw new Error(`Reshape: targetShape must be positive integers with at most one -1, got ${JSON.stringify(t)}`);
    }
    this.targetShape = [...t];
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const rest = inputShape.slice(1);
    if (rest.some((d) => d === null)) this.shapeError(inputShape, 'every axis after the batch to be known');
    const size = rest.reduce<number>((p, d) => p * (d as number), 1);
    const known = this.targetShape.reduce((p, d) => (d === -1 ? p : p * d), 1);
    const free = this.targetShape.includes(-1);
    if ((free && size % known !== 0) || (!free && known !== size)) {
      this.shapeError(inputShape, `${known} elements per sample to reshape to [${this.targetShape.join(', ')}]`);
    }
    return [inputShape[0], ...this.targetShape.map((d) => (d === -1 ? size / known : d))];
  }

  call(x: Tensor): Tensor {
    return reshape(x, [x.shape[0], ...this.targetShape]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), target_shape: this.targetShape };
  }
}
