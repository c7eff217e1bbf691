/**
 * Weight constraints in Keras configs: null; `{ class_name: 'MaxNorm' | 'MinMaxNorm' | 'UnitNorm' |
 * 'NonNeg', config: {...} }` as Keras 2 and tfjs write them (Keras 3 adds `module` and
 * `registered_name`); or a bare name ('max_norm', tfjs's 'maxNorm'). A missing value takes Keras's
 * default (constraints.ts); any other class or key is refused, naming it.
 */
import { MaxNorm, MinMaxNorm, NonNeg, UnitNorm, type Constraint } from '../constraints.js';
import type { ConfigReader } from './config-reader.js';
import { isObject, own, show } from './safe-json.js';

type Axis = number | number[];
const KEYS: Readonly<Record<string, readonly string[]>> = {
  MaxNorm: ['max_value', 'axis'],
  MinMaxNorm: ['min_value', 'max_value', 'rate', 'axis'],
  UnitNorm: ['axis'],
  NonNeg: [],
};

/** 'max_norm', 'maxNorm', 'MaxNorm' → 'MaxNorm'. */
const className = (name: string): string | undefined => Object.keys(KEYS).find((c) => c.toLowerCase() === name.replace(/_/g, '').toLowerCase());

/** The constraint under `key`, or null. */
export function readConstraint(r: ConfigReader, key: string): Constraint | null {
  const v = r.get(key);
  if (v === undefined || v === null) return null;
  const refuse = (why = ''): never => r.fail(`${key} ${show(v)} is not supported${why} (supported: ${Object.keys(KEYS).join(', ')})`);
  const cls = typeof v === 'string' ? className(v) : isObject(v) && typeof own(v, 'class_name') === 'string' ? className(own(v, 'class_name') as string) : undefined;
  if (cls === undefined) return refuse();
  const config = isObject(v) ? own(v, 'config') ?? {} : {};
  if (!isObject(config)) return refuse();
  for (const k of Object.keys(config)) if (!KEYS[cls].includes(k)) refuse(`: option '${k}'`);
  const num = (k: string, fallback: number): number => {
    const x = own(config, k);
    if (x === undefined || x === null) return fallback;
    return typeof x === 'number' && Number.isFinite(x) ? x : refuse(`: ${k} must be a number`);
  };
  const axisValue = own(config, 'axis');
  const axis: Axis = axisValue === undefined || axisValue === null ? 0 : (axisValue as Axis);
  if (!(Number.isInteger(axis) || (Array.isArray(axis) && axis.length > 0 && axis.every((a) => Number.isInteger(a))))) refuse(': axis must be an integer or a list of them');
  switch (cls) {
    case 'MaxNorm': return new MaxNorm(num('max_value', 2), axis);
    case 'MinMaxNorm': return new MinMaxNorm(num('min_value', 0), num('max_value', 1), num('rate', 1), axis);
    case 'UnitNorm': return new UnitNorm(axis);
    default: return new NonNeg();
  }
}
