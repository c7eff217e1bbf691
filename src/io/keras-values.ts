/**
 * Keras values that appear in many layer configs: the dtype (a string, or Keras 3's DTypePolicy
 * object), the activation name, and initializers (Keras 2 / Keras 3 / tfjs spellings, including the
 * VarianceScaling form tfjs writes for its defaults).
 */
import { snakeCase, ACTIVATION_NAMES } from '../activations.js';
import type { ConfigReader } from './config-reader.js';
import type { FitOptionReaders } from './layer-from-config.js';
import { isObject, own, show } from './safe-json.js';

/** dtype must be float32: 'float32', or { class_name: 'DTypePolicy' | 'Policy', config: { name: 'float32' } }. */
export function readDtype(r: ConfigReader, key = 'dtype'): void {
  const v = r.get(key);
  const policy = ['DTypePolicy', 'Policy', 'FloatDTypePolicy'].includes(own(v, 'class_name') as string) && own(own(v, 'config'), 'name') === 'float32';
  if (v !== undefined && v !== null && v !== 'float32' && !policy) r.fail(`${key} ${show(v)} is not supported (tatami computes in float32)`);
}

/**
 * An activation by name; Keras 3 may also write { class_name, config } for a built-in one. A Keras 3
 * file's hard_sigmoid is Keras 3's, tatami's `hard_sigmoid_keras3` (see activations.ts and
 * keras-flavor.ts, which writes it back as `hard_sigmoid` in a file marked Keras 3).
 */
export function readActivation(r: ConfigReader, key = 'activation'): string {
  let v = r.get(key);
  if (typeof own(v, 'class_name') === 'string') v = own(v, 'class_name');
  if (v === undefined || v === null) return 'linear';
  const name = typeof v === 'string' ? snakeCase(v) : '';
  if (!ACTIVATION_NAMES.includes(name)) r.fail(`${key} ${show(v)} is not supported (supported: ${ACTIVATION_NAMES.join(', ')})`);
  return name === 'hard_sigmoid' && r.kerasMajor === 3 ? 'hard_sigmoid_keras3' : name;
}

/** Keras class names of the initializers tatami has (parameter-free, or with Keras's default parameters). */
const INITIALIZERS: Readonly<Record<string, string>> = {
  GlorotUniform: 'glorot_uniform', GlorotNormal: 'glorot_normal', HeNormal: 'he_normal', HeUniform: 'he_uniform',
  LecunNormal: 'lecun_normal', LecunUniform: 'lecun_uniform', Zeros: 'zeros', Ones: 'ones',
  RandomNormal: 'random_normal', RandomUniform: 'random_uniform',
};

/** Parameters that must equal tatami's defaults for these classes (Keras's defaults too). */
const DEFAULT_PARAMS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  RandomNormal: { mean: 0, stddev: 0.05 },
  RandomUniform: { minval: -0.05, maxval: 0.05 },
};

/**
 * VarianceScaling(scale, mode, distribution) configurations that are a named initializer. tfjs writes
 * its glorotNormal default this way (distribution 'normal', which tfjs truncates as Keras's
 * 'truncated_normal').
 */
function varianceScalingName(config: Record<string, unknown>): string | null {
  const { scale } = config;
  // tfjs 1.0 saved some with mode null; tfjs (and Keras) read a missing mode as 'fan_in', a missing
  // distribution as 'normal' (truncated).
  const mode = config.mode ?? 'fan_in';
  const distribution = (config.distribution ?? 'normal') === 'normal' ? 'truncated_normal' : config.distribution;
  const kind = distribution === 'uniform' ? 'uniform' : distribution === 'truncated_normal' ? 'normal' : null;
  if (kind === null) return null;
  if (scale === 1 && mode === 'fan_avg') return `glorot_${kind}`;
  if (scale === 2 && mode === 'fan_in') return `he_${kind}`;
  if (scale === 1 && mode === 'fan_in') return `lecun_${kind}`;
  return null;
}

/** An initializer config → tatami's initializer name; any other is refused, naming it. */
export function readInitializer(r: ConfigReader, key: string, fallback: string): string {
  const v = r.get(key);
  if (v === undefined || v === null) return fallback;
  const refuse = (what: string): never =>
    r.fail(`${key} ${what} is not supported (supported: ${Object.keys(INITIALIZERS).join(', ')}, and VarianceScaling in those forms)`);
  if (typeof v === 'string') {
    const cls = Object.keys(INITIALIZERS).find((c) => c.toLowerCase() === v.replace(/_/g, '').toLowerCase());
    return cls === undefined ? refuse(`'${v}'`) : INITIALIZERS[cls];
  }
  if (!isObject(v)) return refuse(show(v));
  const cls = own(v, 'class_name');
  const rawConfig = own(v, 'config') ?? {};
  if (typeof cls !== 'string' || !isObject(rawConfig)) return refuse(show(v));
  // The seed only shapes the random start, which the loaded weights replace.
  const config: Record<string, unknown> = Object.fromEntries(Object.entries(rawConfig).filter(([k]) => k !== 'seed'));
  if (cls === 'VarianceScaling') {
    const name = varianceScalingName(config);
    return name ?? refuse(`VarianceScaling ${show(config)}`);
  }
  if (!Object.prototype.hasOwnProperty.call(INITIALIZERS, cls)) return refuse(`'${cls}'`);
  const defaults = DEFAULT_PARAMS[cls] ?? {};
  for (const [k, value] of Object.entries(config)) {
    if (!Object.prototype.hasOwnProperty.call(defaults, k)) return refuse(`${cls} with option '${k}'`);
    if (Math.abs((value as number) - defaults[k]) > 1e-12 || typeof value !== 'number') return refuse(`${cls} with ${k} ${show(value)} (tatami supports ${show(defaults)})`);
  }
  return INITIALIZERS[cls];
}

/**
 * The keys BatchNormalization and LayerNormalization share: epsilon (Keras's default 1e-3), center,
 * scale, and the beta and gamma initializers (read by the loader's `fit`).
 */
export function readNormalization(r: ConfigReader, fit: FitOptionReaders): { epsilon: number; center: boolean; scale: boolean; betaInitializer: string; gammaInitializer: string } {
  return {
    epsilon: r.number('epsilon', 1e-3, 1e-12, 1),
    center: r.bool('center', true),
    scale: r.bool('scale', true),
    betaInitializer: fit.initializer(r, 'beta_initializer', 'zeros'),
    gammaInitializer: fit.initializer(r, 'gamma_initializer', 'ones'),
  };
}
