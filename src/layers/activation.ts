import type { Tensor } from '../tensor.js';
import { type ActivationFn, activationName, getActivation } from '../activations.js';
import { Layer, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

export interface ActivationArgs extends LayerArgs {
  /** relu, sigmoid, tanh, softmax, linear, elu, leaky_relu (snake_case or camelCase). */
  activation: string;
}

/** Applies an activation function, as Keras Activation. */
export class Activation extends Layer {
  readonly className = 'Activation';
  readonly activation: string;
  private readonly fn: ActivationFn;

  constructor(args: ActivationArgs) {
    super(args);
    this.activation = activationName(args?.activation, 'Activation');
    this.fn = getActivation(this.activation);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  call(x: Tensor, ctx?: CallContext): Tensor {
    return ctx?.logits === true ? x : this.fn(x);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation };
  }
}
