/**
 * The layers tatami/infer's loadModel knows by default: the core set (core-layers-config.ts), and
 * every layer that acts only in training (dropout, noise, augmentation) loaded as the identity
 * (layers/training-only.ts), whatever its options. Every other layer class tatami supports comes
 * with `allLayers` from 'tatami/infer/layers', which a file using one is told to import.
 */
import { TrainingOnly } from '../layers/training-only.js';
import { CORE_BUILDERS } from './core-layers-config.js';
import { none, type Builder, type LayerSet } from './layer-from-config.js';

/** Classes that act in training only: the identity in inference. */
const TRAINING_ONLY = 'Dropout SpatialDropout2D GaussianNoise GaussianDropout RandomFlip RandomTranslation RandomRotation RandomZoom RandomContrast'.split(' ');

/** The other classes tatami supports, which `allLayers` brings (test/io/infer-bundle.test.ts checks the list). */
export const OPT_IN_LAYERS = 'Embedding SeparableConv2D Conv2DTranspose Cropping2D Conv1D LeakyReLU ELU Softmax PReLU Rescaling UpSampling2D Resizing CenterCrop LayerNormalization Permute RepeatVector'.split(' ');

const identity = (className: string): Builder => (r, base) => {
  // Its options only shape the training behaviour, which this layer does not have.
  r.accept(...Object.keys(r.config));
  return { layer: new TrainingOnly(className, base), weights: none };
};

export const inferenceLayers: LayerSet = {
  builders: { ...CORE_BUILDERS, ...Object.fromEntries(TRAINING_ONLY.map((c) => [c, identity(c)])) },
  elsewhere: (cls) => (OPT_IN_LAYERS.includes(cls) ? `import { allLayers } from 'tatami/infer/layers' and call loadModel(source, { layers: allLayers })` : undefined),
};
