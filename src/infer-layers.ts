/**
 * tatami/infer/layers: the layer sets for tatami/infer's loadModel beyond its default, which holds
 * only the layers of a plain CNN classifier (Conv2D, Dense, the max and average pools, Flatten,
 * Reshape, Activation, ReLU, Softmax; dropout, noise and augmentation as the identity). Each set
 * holds the default too; importing one adds its layers' code to a bundle, and only that.
 *
 * - `modernCnnLayers`: and BatchNormalization, DepthwiseConv2D, ZeroPadding2D, the global pools,
 *   the merges (Add, Concatenate, ...) and nested models (a Sequential or functional model used as a
 *   layer): ResNets, MobileNets, Teachable Machine's image models.
 * - `allLayers`: every layer class tatami can load.
 *
 *   import { loadModel } from 'tatami/infer';
 *   import { modernCnnLayers } from 'tatami/infer/layers';
 *   const model = await loadModel(url, { layers: modernCnnLayers });
 */
export { modernCnnLayers } from './io/modern-cnn-set.js';
export { allLayers, SUPPORTED_LAYERS } from './io/all-layers.js';
export { type LayerBuilders } from './io/layer-from-config.js';
