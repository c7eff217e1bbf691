import { snakeCase } from '../activations.js';
import { Optimizer } from './optimizer.js';
import { Adam } from './adam.js';
import { SGD } from './sgd.js';
import { RMSprop } from './rmsprop.js';

const BY_NAME: Readonly<Record<string, () => Optimizer>> = {
  adam: () => new Adam(),
  sgd: () => new SGD(),
  rmsprop: () => new RMSprop(),
};

/** An optimizer given by name ('adam', 'sgd', 'rmsprop', with Keras defaults) or as an instance. */
export function resolveOptimizer(spec: string | Optimizer): Optimizer {
  if (spec instanceof Optimizer) return spec;
  const key = snakeCase(String(spec)).replace(/_/g, '');
  if (!Object.prototype.hasOwnProperty.call(BY_NAME, key)) {
    throw new Error(`compile: unknown optimizer '${String(spec)}' (known: adam, sgd, rmsprop, or an Optimizer instance)`);
  }
  return BY_NAME[key]();
}

export { Optimizer, Adam, SGD, RMSprop };
