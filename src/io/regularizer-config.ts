/**
 * Regularizers in Keras configs: null, Keras 2 / tfjs `{ class_name: 'L1L2', config: { l1, l2 } }`
 * (also 'L1' and 'L2' with one value), Keras 3's same class names wrapped with `module` and
 * `registered_name`, or a bare name ('l2'). A missing value takes the class's Keras default: L1L2's
 * are 0 (Keras 2 and 3; tfjs writes both values anyway), L1's and L2's 0.01.
 */
import { L1L2, resolveRegularizer } from '../regularizers.js';
import type { ConfigReader } from './config-reader.js';
import { isObject, own, show } from './safe-json.js';

const CLASSES: Readonly<Record<string, { l1: number; l2: number; keys: readonly string[] }>> = {
  L1L2: { l1: 0, l2: 0, keys: ['l1', 'l2'] },
  L1: { l1: 0.01, l2: 0, keys: ['l1'] },
  L2: { l1: 0, l2: 0.01, keys: ['l2'] },
};

/** The regularizer under `key`, or null. Anything else (another class, a bad value) is refused, naming it. */
export function readRegularizer(r: ConfigReader, key: string): L1L2 | null {
  const v = r.get(key);
  if (v === undefined || v === null) return null;
  const refuse = (): never => r.fail(`${key} ${show(v)} is not supported (supported: L1L2, L1, L2)`);
  if (typeof v === 'string') {
    try {
      return resolveRegularizer(v.toLowerCase() as 'l1', key);
    } catch {
      return refuse();
    }
  }
  if (!isObject(v)) return refuse();
  const cls = own(v, 'class_name');
  const spec = typeof cls === 'string' && Object.hasOwn(CLASSES, cls) ? CLASSES[cls] : undefined;
  const config = own(v, 'config') ?? {};
  if (spec === undefined || !isObject(config)) return refuse();
  const value = (k: 'l1' | 'l2'): number => {
    const x = spec.keys.includes(k) ? own(config, k) : undefined;
    if (x === undefined || x === null) return spec[k];
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) return refuse();
    return x;
  };
  return new L1L2(value('l1'), value('l2'));
}
