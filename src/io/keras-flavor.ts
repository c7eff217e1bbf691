/**
 * Which Keras wrote a model file: a few things mean different things in Keras 2 (and tfjs, which
 * follows it) and Keras 3, so a file is read with its own version's meaning:
 * - hard_sigmoid is clip(0.2·x + 0.5, 0, 1) in Keras 2, relu6(x + 3)/6 in Keras 3;
 * - an activity_regularizer's penalty is divided by the batch size in Keras 2, not in Keras 3.
 *
 * A Keras 3 file says so by `keras_version` "3.x" beside the topology, or, when the converter left
 * that out, by its format: layer entries with `registered_name` (Keras 3's serialization) and dtype
 * policies of class DTypePolicy. Everything else — Keras 2, tfjs ("tfjs-layers 4.22.0") and tatami's
 * own files ("tatami 0.1.0") — reads as Keras 2.
 *
 * Saving goes the other way (savedKerasMajor): a model whose layers use a Keras 3 meaning is written
 * with keras_version "3.0 (tatami …)", so its `hard_sigmoid` and activity penalties read back as
 * Keras 3's; a model that mixes both versions' meanings cannot be written as one file, and says so.
 */
import type { Layer } from '../layers/layer.js';
import { own } from './safe-json.js';

export function kerasMajorVersion(modelTopology: unknown): 2 | 3 {
  const inner = own(modelTopology, 'model_config') ?? modelTopology;
  const version = own(modelTopology, 'keras_version') ?? own(inner, 'keras_version');
  if (typeof version === 'string') return Number(/^(\d+)\./.exec(version)?.[1]) >= 3 ? 3 : 2;
  const layers = own(own(inner, 'config'), 'layers');
  const keras3 = Array.isArray(layers) && layers.some((l) => own(l, 'registered_name') !== undefined || own(own(own(l, 'config'), 'dtype'), 'class_name') === 'DTypePolicy');
  return keras3 ? 3 : 2;
}

/** One thing a layer means that a file can say only under one Keras version. */
interface VersionedMeaning {
  readonly major: 2 | 3;
  readonly what: string;
}

function meaningsOf(layer: Layer): VersionedMeaning[] {
  const meanings: VersionedMeaning[] = [];
  const activation = (layer as { activation?: unknown }).activation;
  if (activation === 'hard_sigmoid') meanings.push({ major: 2, what: "Keras 2's hard_sigmoid, clip(0.2x + 0.5, 0, 1)" });
  if (activation === 'hard_sigmoid_keras3') meanings.push({ major: 3, what: "Keras 3's hard_sigmoid, relu6(x + 3)/6" });
  if (layer.activityRegularizer !== null) {
    meanings.push(layer.activityReduction === 'sum'
      ? { major: 3, what: "an activity penalty not divided by the batch size (Keras 3's, activityReduction 'sum')" }
      : { major: 2, what: "an activity penalty divided by the batch size (Keras 2's, activityReduction 'sum_over_batch_size')" });
  }
  return meanings;
}

/**
 * The Keras version whose meanings a file of these layers (nested models' layers included) must be
 * read with: 3 when one of them means something only a Keras 3 file says, else 2. Throws, naming
 * both layers, when they need different versions. `who` starts the error.
 */
export function savedKerasMajor(layers: readonly Layer[], who: string): 2 | 3 {
  const first = (major: 2 | 3): { layer: Layer; what: string } | undefined => {
    for (const layer of layers) {
      const m = meaningsOf(layer).find((v) => v.major === major);
      if (m !== undefined) return { layer, what: m.what };
    }
    return undefined;
  };
  const k2 = first(2);
  const k3 = first(3);
  if (k2 !== undefined && k3 !== undefined) {
    throw new Error(
      `${who}: ${k2.layer.describe()} uses ${k2.what} and ${k3.layer.describe()} uses ${k3.what}; a model file is read with one ` +
        `Keras version's meanings, so these cannot be saved together (use one version's hard_sigmoid and activityReduction throughout)`,
    );
  }
  return k3 === undefined ? 2 : 3;
}

/**
 * A layer's config as a file says it: tatami's `hard_sigmoid_keras3` is `hard_sigmoid` in a file
 * marked Keras 3 (savedKerasMajor), the name Keras 3 itself writes.
 */
export function fileLayerConfig(config: Record<string, unknown>): Record<string, unknown> {
  return config.activation === 'hard_sigmoid_keras3' ? { ...config, activation: 'hard_sigmoid' } : config;
}

/** The keras_version a tatami file carries: tatami's own for Keras 2 meanings, "3.0 (tatami …)" for Keras 3's. */
export function savedKerasVersion(major: 2 | 3, tatamiVersion: string): string {
  return major === 3 ? `3.0 (tatami ${tatamiVersion})` : `tatami ${tatamiVersion}`;
}
