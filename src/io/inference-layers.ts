/**
 * The layers tatami/infer's loadModel knows by default, `coreLayers`: the core set (those of a plain
 * CNN classifier, core-layers-config.ts), and every layer that acts only in training (dropout, noise,
 * augmentation) loaded as the identity (layers/training-only.ts), whatever its options. The other
 * layer classes tatami supports come with the opt-in sets of 'tatami/infer/layers': `modernCnnLayers`
 * (modern-cnn-set.ts: ResNet, MobileNet, Teachable Machine, and nested models) and `allLayers`; a file
 * using one is told which to import. Only the class names of those sets are here, so the default carries none of their code.
 */
import { TrainingOnly } from '../layers/training-only.js';
import { CORE_BUILDERS } from './core-layers-config.js';
import { none, type Builder, type FitOptionReaders, type LayerBuilders } from './layer-from-config.js';
import type { ConfigReader } from './config-reader.js';
import { NESTED_MODEL_CLASSES } from './topology.js';

/** Classes that act in training only: the identity in inference. */
const TRAINING_ONLY = 'Dropout SpatialDropout2D GaussianNoise GaussianDropout RandomFlip RandomTranslation RandomRotation RandomZoom RandomContrast'.split(' ');

/** The classes `modernCnnLayers` adds to the core (test/io/infer-bundle.test.ts checks the list against the set). */
export const MODERN_CNN_LAYERS = 'BatchNormalization DepthwiseConv2D ZeroPadding2D GlobalAveragePooling2D GlobalMaxPooling2D Add Subtract Multiply Average Maximum Minimum Concatenate'.split(' ');

/** The other classes tatami supports, which only `allLayers` brings (the test checks the list). */
export const OPT_IN_LAYERS = 'Embedding SeparableConv2D Conv2DTranspose Cropping2D Conv1D LeakyReLU ELU PReLU Rescaling UpSampling2D Resizing CenterCrop LayerNormalization Permute RepeatVector'.split(' ');

const identity = (className: string): Builder => (r, base) => {
  // Its options only shape the training behaviour, which this layer does not have.
  r.accept(...Object.keys(r.config));
  return { layer: new TrainingOnly(className, base), weights: none };
};

/** tatami/infer's default: the core builders, and the training-only layers as the identity. */
export const coreLayers: LayerBuilders = { ...CORE_BUILDERS, ...Object.fromEntries(TRAINING_ONLY.map((c) => [c, identity(c)])) };

/**
 * A weight constraint is a projection fit applies after each step, a regularizer a penalty fit adds
 * to the loss, an initializer the start of a weight the file has no values for; inference does none
 * of these (every weight comes from the file), so tatami/infer accepts their keys whatever their
 * values and builds the layer without them (its initializers left at their defaults), as it loads
 * the layers above that act only in training. So a loaded layer's `getConfig()` reports its
 * defaults there (kernel_initializer glorot_uniform, no regularizer, no constraint), not the
 * file's: the file's model.json holds those, and the full engine's loadModel reads them.
 */
export const inertFitOptions: FitOptionReaders = { constraint: inert, regularizer: inert, initializer: (r, key, fallback) => (inert(r, key), fallback) };

function inert(r: ConfigReader, key: string): null {
  r.accept(key);
  return null;
}

/** For a class tatami supports outside a loader's set: the import that brings it (a nested model's: modernCnnLayers, build-model.ts). */
export function importFor(cls: string): string | undefined {
  const set = MODERN_CNN_LAYERS.includes(cls) || NESTED_MODEL_CLASSES.includes(cls) ? 'modernCnnLayers' : OPT_IN_LAYERS.includes(cls) ? 'allLayers' : undefined;
  return set === undefined ? undefined : `import { ${set} } from 'tatami/infer/layers' and call loadModel(source, { layers: ${set} })`;
}
