import type { Rng } from './rng.js';
import type { Shape } from './shape.js';
import { snakeCase } from './activations.js';

/**
 * How a weight starts, as a layer's options give it: a Keras initializer name or a function. A layer
 * checks the name when it is made and keeps the spec as given; the training Model resolves it to a
 * function (initializers.ts) when it initializes the weight, so tatami/infer, whose weights all come
 * from the file, carries none of the initializers' code.
 */
export type Initializer = (data: Float32Array, shape: Shape, rng: Rng) => void;

/** An initializer given by Keras name (snake_case or camelCase) or as a function. */
export type InitializerSpec = string | Initializer;

/** The names tatami knows (initializers.ts has one function for each). */
export const INITIALIZER_NAMES = [
  'glorot_uniform', 'glorot_normal', 'he_normal', 'he_uniform', 'lecun_normal', 'lecun_uniform',
  'zeros', 'ones', 'random_normal', 'random_uniform', 'uniform',
] as const;

export type InitializerName = (typeof INITIALIZER_NAMES)[number];

/** A function, or the known name a spec spells (its snake_case); an unknown name throws, naming the layer (`who`). */
export function initializerName(spec: InitializerSpec, who: string): InitializerName | Initializer {
  if (typeof spec === 'function') return spec;
  const key = snakeCase(spec);
  if (!(INITIALIZER_NAMES as readonly string[]).includes(key)) {
    throw new Error(`${who}: unknown initializer '${spec}' (known: ${INITIALIZER_NAMES.join(', ')})`);
  }
  return key as InitializerName;
}

/** The spec as given, once its name is known (initializerName). */
export function checkInitializer(spec: InitializerSpec, who: string): InitializerSpec {
  initializerName(spec, who);
  return spec;
}

/**
 * Keras JSON for an initializer given by name, e.g. { class_name: 'GlorotUniform', config: {} }. The
 * LeCun ones are written as the VarianceScaling they are: tfjs spells their classes LeCunNormal and
 * LeCunUniform, Keras LecunNormal and LecunUniform, and both read VarianceScaling.
 */
export function initializerConfig(spec: InitializerSpec): { class_name: string; config: Record<string, unknown> } {
  const name = typeof spec === 'string' ? snakeCase(spec) : 'custom';
  if (name === 'lecun_normal' || name === 'lecun_uniform') {
    return { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_in', distribution: name === 'lecun_normal' ? 'normal' : 'uniform', seed: null } };
  }
  const className = name.split('_').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
  return { class_name: className, config: {} };
}
