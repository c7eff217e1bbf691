import type { Tensor } from '../tensor.js';
import { transpose, reshape } from '../ops/shape-ops.js';
import { mul } from '../ops/binary.js';
import { ones } from '../creation.js';
import { Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface PermuteArgs extends LayerArgs {
  /** The new order of the axes after the batch, numbered from 1: [2, 1] swaps the two axes of [N, A, B]. */
  dims: readonly number[];
}

/** Keras Permute: reorders the axes after the batch; output axis k + 1 is input axis dims[k]. No weights. */
export class Permute extends Layer {
  readonly className = 'Permute';
  readonly dims: readonly number[];

  constructor(args: PermuteArgs) {
    super(args);
    const dims = args?.dims;
    const sorted = Array.isArray(dims) ? [...dims].sort((a, b) => a - b) : [];
    if (!Array.isArray(dims) || dims.length === 0 || sorted.some((d, i) => d !== i + 1)) {
      throw new Error(`Permute: dims must be a permutation of 1 … n (the axes after the batch), got ${JSON.stringify(dims)}`);
    }
    this.dims = [...dims];
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== this.dims.length + 1) this.shapeError(inputShape, `rank ${this.dims.length + 1} (dims ${JSON.stringify(this.dims)})`);
    return [inputShape[0], ...this.dims.map((d) => inputShape[d])];
  }

  call(x: Tensor): Tensor {
    return transpose(x, [0, ...this.dims]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
}

export interface RepeatVectorArgs extends LayerArgs {
  /** How many times to repeat. */
  n: number;
}

/** Keras RepeatVector: [N, F] → [N, n, F], each sample's vector repeated n times. No weights. */
export class RepeatVector extends Layer {
  readonly className = 'RepeatVector';
  readonly n: number;

  constructor(args: RepeatVectorArgs) {
    super(args);
    if (!Number.isInteger(args?.n) || args.n < 1) throw new Error(`RepeatVector: n must be a positive integer, got ${String(args?.n)}`);
    this.n = args.n;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 2) this.shapeError(inputShape, '2-D input (batch, features)');
    return [inputShape[0], this.n, inputShape[1]];
  }

  call(x: Tensor): Tensor {
    // Broadcasting [N, 1, F] against ones [1, n, 1]; its backward sums the n copies' gradients.
    return mul(reshape(x, [x.shape[0], 1, x.shape[1]]), ones([1, this.n, 1]));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }
}
