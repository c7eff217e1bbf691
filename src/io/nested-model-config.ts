/**
 * A nested model's entry in a model file (a Sequential, Model or Functional used as a layer: a
 * MobileNet base, Teachable Machine's outer Sequential): its config is a topology of its own, built
 * as any model (build-model.ts) with the loader's kit and used as one layer (models/nested-model.ts).
 * Its weights are expected under their paths inside it (`conv1/kernel`); weight-matching.ts finds
 * them with or without the outer model's prefix. The layer sets that nest models hold this builder
 * under NESTED_MODELS (modern-cnn-set.ts), so tatami/infer's default bundle carries none of it.
 */
import { modelAsLayer } from '../models/nested-model.js';
import { buildModel, type NestedModelBuilder } from './build-model.js';
import { readTopology } from './topology.js';
import { own } from './safe-json.js';

/** The entry's own topology, built, used as a layer; `trainable: false` freezes it. */
export const buildNestedModel: NestedModelBuilder = (className, config, name, prefix, kerasMajor, kit) => {
  const who = `${prefix}: layer '${name}' (${className})`;
  const { model } = buildModel(readTopology({ class_name: className, config }, who), who, kerasMajor, kit);
  const layer = modelAsLayer(model);
  // Keras 3 writes the nested model's trainable flag in its config; it is the layer's.
  layer.trainable = own(config, 'trainable') !== false;
  return {
    layer,
    weights(s) {
      layer.build(s);
      return layer.weights.map((w) => [w.name, w.value.shape]);
    },
  };
};
