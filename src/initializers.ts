/**
 * Weight initializers, as Keras defines them. Each fills a weight's storage from the Rng it is given.
 *
 * Fans (Keras `_compute_fans`): a Dense kernel [in, out] has fanIn = in, fanOut = out; a conv kernel
 * [KH, KW, in, out] has receptive field KH·KW, fanIn = KH·KW·in, fanOut = KH·KW·out.
 *
 * The *Normal variance-scaling initializers draw from a normal truncated at two standard deviations
 * (redrawn when outside), with stddev = √(scale / fan) / 0.87962566103423978 so the truncated
 * distribution keeps the intended variance, exactly as Keras's VarianceScaling.
 *
 * Layers keep the spec they are given (a name or a function, initializer-spec.ts); the training Model
 * resolves it here when it initializes the weight.
 */
import type { Rng } from './rng.js';
import type { Shape } from './shape.js';
import { type Initializer, type InitializerSpec, type InitializerName, initializerName } from './initializer-spec.js';

export { type Initializer, type InitializerSpec, initializerConfig } from './initializer-spec.js';

/** fanIn and fanOut of a weight's shape (above). */
export function computeFans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = shape.slice(0, -2).reduce((p, d) => p * d, 1);
  return { fanIn: receptive * shape[shape.length - 2], fanOut: receptive * shape[shape.length - 1] };
}

/** Keras's correction: the std of a standard normal truncated to [−2, 2]. */
const TRUNCATED_STD = 0.87962566103423978;

function truncatedNormal(data: Float32Array, stddev: number, rng: Rng): void {
  for (let i = 0; i < data.length; i++) {
    let z = rng.normal();
    while (Math.abs(z) > 2) z = rng.normal();
    data[i] = z * stddev;
  }
}

function uniform(data: Float32Array, limit: number, rng: Rng): void {
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-limit, limit);
}

type Mode = 'fan_in' | 'fan_out' | 'fan_avg';

function fan(shape: Shape, mode: Mode): number {
  const { fanIn, fanOut } = computeFans(shape);
  return mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
}

/** Keras VarianceScaling: variance scale / fan, from a truncated normal or a uniform. */
function varianceScaling(scale: number, mode: Mode, distribution: 'truncated_normal' | 'uniform'): Initializer {
  return (data, shape, rng) => {
    const variance = scale / Math.max(1, fan(shape, mode));
    if (distribution === 'uniform') uniform(data, Math.sqrt(3 * variance), rng);
    else truncatedNormal(data, Math.sqrt(variance) / TRUNCATED_STD, rng);
  };
}

/** U(−limit, limit), limit = √(6 / (fanIn + fanOut)). Keras's default for Dense and Conv2D kernels. */
export const glorotUniform = (): Initializer => varianceScaling(1, 'fan_avg', 'uniform');
/** Truncated normal, stddev = √(2 / (fanIn + fanOut)). */
export const glorotNormal = (): Initializer => varianceScaling(1, 'fan_avg', 'truncated_normal');
/** Truncated normal, stddev = √(2 / fanIn). */
export const heNormal = (): Initializer => varianceScaling(2, 'fan_in', 'truncated_normal');
/** U(−limit, limit), limit = √(6 / fanIn). */
export const heUniform = (): Initializer => varianceScaling(2, 'fan_in', 'uniform');
/** Truncated normal, stddev = √(1 / fanIn). */
export const lecunNormal = (): Initializer => varianceScaling(1, 'fan_in', 'truncated_normal');
/** U(−limit, limit), limit = √(3 / fanIn). */
export const lecunUniform = (): Initializer => varianceScaling(1, 'fan_in', 'uniform');
/** All zeros (Keras's default bias). */
export const zeros = (): Initializer => (data) => data.fill(0);
/** All ones. */
export const ones = (): Initializer => (data) => data.fill(1);
/** A constant. */
export const constant = (value: number): Initializer => (data) => data.fill(value);
/** N(mean, stddev²); Keras defaults mean 0, stddev 0.05. */
export const randomNormal = (mean = 0, stddev = 0.05): Initializer => (data, _shape, rng) => {
  for (let i = 0; i < data.length; i++) data[i] = rng.normal(mean, stddev);
};
/** U(minval, maxval); Keras defaults −0.05, 0.05 (also Embedding's default, 'uniform'). */
export const randomUniform = (minval = -0.05, maxval = 0.05): Initializer => (data, _shape, rng) => {
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(minval, maxval);
};

const BY_NAME: Readonly<Record<InitializerName, () => Initializer>> = {
  glorot_uniform: glorotUniform,
  glorot_normal: glorotNormal,
  he_normal: heNormal,
  he_uniform: heUniform,
  lecun_normal: lecunNormal,
  lecun_uniform: lecunUniform,
  zeros: zeros,
  ones: ones,
  random_normal: () => randomNormal(),
  random_uniform: () => randomUniform(),
  uniform: () => randomUniform(),
};

/** The initializer a spec gives; an unknown name throws, naming the layer (`who`). */
export function resolveInitializer(spec: InitializerSpec, who: string): Initializer {
  const name = initializerName(spec, who);
  return typeof name === 'function' ? name : BY_NAME[name]();
}
