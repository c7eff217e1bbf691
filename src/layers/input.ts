import type { Tensor } from '../tensor.js';
import { Layer, SymbolicTensor, type SymbolicShape } from './layer.js';

/** The entry of a model: passes its input through; it only carries the input shape. */
export class InputLayer extends Layer {
  readonly className = 'InputLayer';
  readonly batchInputShape: SymbolicShape;

  constructor(shape: readonly number[], name?: string) {
    super({ name });
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new Error(`Input: shape must be a list of positive integers (one sample, no batch axis), got ${JSON.stringify(shape)}`);
    }
    this.batchInputShape = [null, ...shape];
    this.built = true;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  call(x: Tensor): Tensor {
    return x;
  }

  override getConfig(): Record<string, unknown> {
    return { batch_input_shape: this.batchInputShape, dtype: 'float32', sparse: false, ragged: false, name: this.name };
  }
}

export interface InputArgs {
  /** Shape of one sample, without the batch axis: [28, 28, 1] for MNIST. */
  shape: readonly number[];
  name?: string;
}

/** A symbolic model input, as Keras's `Input(shape=...)`. */
export function input(args: InputArgs): SymbolicTensor {
  if (args === undefined || args.shape === undefined) throw new Error('input: options.shape is required, e.g. input({ shape: [28, 28, 1] })');
  const layer = new InputLayer(args.shape, args.name);
  const out = new SymbolicTensor(layer.batchInputShape, layer, [], 0);
  layer.nodes.push(out);
  return out;
}

/** Keras spells it with a capital: `Input({ shape })` is the same as `input({ shape })`. */
export const Input = input;
