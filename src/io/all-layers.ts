/**
 * Every layer class tatami loads, by Keras class name: the core layers (core-layers-config.ts), those
 * of modern CNNs (BatchNormalization, DepthwiseConv2D, ZeroPadding2D, the global pools, the merges:
 * modern-cnn-set.ts) and the rest: Dropout and the other layers that act in training only,
 * Embedding, the transposed and 1-D convolutions, SeparableConv2D, resizing, normalization, noise and
 * augmentation. The full
 * engine's loadModel knows all of them; tatami/infer takes them when asked
 * (`loadModel(source, { layers: allLayers })`, with allLayers from 'tatami/infer/layers').
 */
import { Dropout } from '../layers/dropout.js';
import { Embedding } from '../layers/embedding.js';
import { CORE_BUILDERS } from './core-layers-config.js';
import { MODERN_CNN_SET_BUILDERS } from './modern-cnn-set.js';
import { CONV_BUILDERS } from './conv-layers-config.js';
import { EXTRA_LAYER_BUILDERS } from './extra-layers-config.js';
import { none, type LayerBuilders } from './layer-from-config.js';

export const allLayers: LayerBuilders = {
  ...CORE_BUILDERS,
  ...MODERN_CNN_SET_BUILDERS,
  Dropout(r, base) {
    r.nulls('noise_shape');
    // A dropout seed only shapes training noise; tatami draws it from the model's Rng.
    r.accept('seed');
    const rate = r.number('rate', NaN, 0, 0.999999);
    return { layer: new Dropout({ ...base, rate }), weights: none };
  },

  Embedding(r, base, fit) {
    r.nulls('embeddings_constraint', 'lora_rank', 'quantization_config');
    r.only('mask_zero', [false], 'mask_zero');
    r.only('sparse', [false], 'sparse');
    // Keras 2's input_length only fixes the expected sequence length of the input shape.
    r.accept('input_length');
    const layer = new Embedding({
      ...base,
      inputDim: r.int('input_dim'),
      outputDim: r.int('output_dim'),
      embeddingsInitializer: fit.initializer(r, 'embeddings_initializer', 'random_uniform'),
      embeddingsRegularizer: fit.regularizer(r, 'embeddings_regularizer'),
    });
    return { layer, weights: () => [['embeddings', [layer.inputDim, layer.outputDim]]] };
  },

  ...CONV_BUILDERS,
  // The other layers of modern CNNs (issue 13), in their own file.
  ...EXTRA_LAYER_BUILDERS,
};

/** Layer classes a model file may use (besides InputLayer). */
export const SUPPORTED_LAYERS: readonly string[] = Object.keys(allLayers);
