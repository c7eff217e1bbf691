import type { Tensor } from './tensor.js';
import { relu, sigmoid, tanh, elu, leakyRelu } from './ops/unary.js';
import { softmax } from './ops/softmax.js';

/** An activation function: one op (or the identity) applied to a layer's output. */
export type ActivationFn = (x: Tensor) => Tensor;

/** Activation names as Keras spells them (snake_case); camelCase spellings are accepted too. */
export type ActivationName = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'elu' | 'leaky_relu' | 'leakyRelu';

const ACTIVATIONS: Readonly<Record<string, ActivationFn>> = {
  linear: (x) => x,
  relu,
  sigmoid,
  tanh,
  softmax: (x) => softmax(x, -1),
  elu: (x) => elu(x),
  leaky_relu: (x) => leakyRelu(x),
};

/** snake_case a name: 'leakyRelu' → 'leaky_relu', 'categoricalCrossentropy' → 'categorical_crossentropy'. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** The canonical (Keras) name of an activation, or an Error listing the known ones. */
export function activationName(name: string | null | undefined, who: string): string {
  const key = name == null ? 'linear' : snakeCase(name);
  if (!Object.prototype.hasOwnProperty.call(ACTIVATIONS, key)) {
    throw new Error(`${who}: unknown activation '${String(name)}' (known: ${Object.keys(ACTIVATIONS).join(', ')})`);
  }
  return key;
}

export function getActivation(name: string): ActivationFn {
  return ACTIVATIONS[activationName(name, 'activation')];
}
