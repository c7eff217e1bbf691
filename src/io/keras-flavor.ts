/**
 * Which Keras wrote a model file: a few names mean different things in Keras 2 (and tfjs, which
 * follows it) and Keras 3 — hard_sigmoid is clip(0.2·x + 0.5, 0, 1) in one, relu6(x + 3)/6 in the
 * other — so a file is read with its own version's meaning.
 *
 * A Keras 3 file says so by `keras_version` "3.x" beside the topology, or, when the converter left
 * that out, by its format: layer entries with `registered_name` (Keras 3's serialization) and dtype
 * policies of class DTypePolicy. Everything else — Keras 2, tfjs ("tfjs-layers 4.22.0") and tatami's
 * own files — reads as Keras 2.
 */
import { isObject, own } from './safe-json.js';

export function kerasMajorVersion(modelTopology: unknown): 2 | 3 {
  if (!isObject(modelTopology)) return 2;
  const inner = own(modelTopology, 'model_config') ?? modelTopology;
  const version = own(modelTopology, 'keras_version') ?? (isObject(inner) ? own(inner, 'keras_version') : undefined);
  if (typeof version === 'string') {
    const major = /^(\d+)\./.exec(version);
    return major !== null && Number(major[1]) >= 3 ? 3 : 2;
  }
  const config = isObject(inner) ? own(inner, 'config') : undefined;
  const layers = isObject(config) ? own(config, 'layers') : undefined;
  if (!Array.isArray(layers)) return 2;
  const keras3 = layers.some((l) => {
    if (!isObject(l)) return false;
    const c = own(l, 'config');
    const dtype = isObject(c) ? own(c, 'dtype') : undefined;
    return own(l, 'registered_name') !== undefined || (isObject(dtype) && own(dtype, 'class_name') === 'DTypePolicy');
  });
  return keras3 ? 3 : 2;
}
