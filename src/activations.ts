import type { Tensor } from './tensor.js';
import {
  relu, sigmoid, tanh, elu, leakyRelu, exp, relu6, softplus, softsign, selu, silu, gelu, hardSigmoid, hardSilu,
} from './ops/unary.js';
import { softmax } from './ops/softmax.js';

/** An activation function: one op (or the identity) applied to a layer's output. */
export type ActivationFn = (x: Tensor) => Tensor;

/** Activation names as Keras spells them (snake_case); camelCase spellings are accepted too. */
export type ActivationName =
  | 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'tanh' | 'softmax' | 'elu' | 'leaky_relu' | 'leakyRelu' | 'selu' | 'softplus'
  | 'softsign' | 'silu' | 'swish' | 'gelu' | 'exponential' | 'hard_sigmoid' | 'hardSigmoid' | 'hard_sigmoid_keras3'
  | 'hard_silu' | 'hard_swish';

/**
 * The activations by Keras name. Two names can mean one function (silu and swish; hard_silu and
 * hard_swish): a layer keeps the name it was given, so a saved file says what its author wrote.
 *
 * hard_sigmoid is where Keras's versions differ. `hard_sigmoid` here is Keras 2's and tfjs's,
 * clip(0.2·x + 0.5, 0, 1), since tatami writes tfjs-format files, which tfjs reads that way.
 * Keras 3's, relu6(x + 3)/6 = clip(x/6 + 0.5, 0, 1), is `hard_sigmoid_keras3`: loading a Keras 3 file
 * maps its `hard_sigmoid` to it, and saving writes it back as `hard_sigmoid` in a file marked Keras 3
 * (io/keras-flavor.ts), since no Keras or tfjs name means it in a Keras 2 file.
 */
const ACTIVATIONS: Readonly<Record<string, ActivationFn>> = {
  linear: (x) => x,
  relu,
  relu6,
  sigmoid,
  tanh,
  softmax: (x) => softmax(x, -1),
  elu: (x) => elu(x),
  leaky_relu: (x) => leakyRelu(x),
  selu,
  softplus,
  softsign,
  silu,
  swish: silu,
  gelu: (x) => gelu(x),
  exponential: exp,
  hard_sigmoid: (x) => hardSigmoid(x, 0.2),
  hard_sigmoid_keras3: (x) => hardSigmoid(x, 1 / 6),
  hard_silu: hardSilu,
  hard_swish: hardSilu,
};

/** The names `activationName` accepts, in Keras's snake_case. */
export const ACTIVATION_NAMES: readonly string[] = Object.keys(ACTIVATIONS);

/** snake_case a name: 'leakyRelu' → 'leaky_relu', 'categoricalCrossentropy' → 'categorical_crossentropy'. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** The canonical (Keras) name of an activation, or an Error listing the known ones. */
export function activationName(name: string | null | undefined, who: string): string {
  const key = name == null ? 'linear' : snakeCase(name);
  if (!Object.prototype.hasOwnProperty.call(ACTIVATIONS, key)) {
    throw new Error(`${who}: unknown activation '${String(name)}' (known: ${ACTIVATION_NAMES.join(', ')})`);
  }
  return key;
}

export function getActivation(name: string): ActivationFn {
  return ACTIVATIONS[activationName(name, 'activation')];
}
