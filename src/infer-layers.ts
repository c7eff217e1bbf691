/**
 * tatami/infer/layers: every layer class tatami can load, for tatami/infer's loadModel, whose default
 * set holds only the core layers (Conv2D, DepthwiseConv2D, SeparableConv2D, Dense, the pools,
 * BatchNormalization, activations, padding, reshaping, merges; dropout, noise and augmentation as
 * the identity). Importing it adds the others' code to a bundle.
 *
 *   import { loadModel } from 'tatami/infer';
 *   import { allLayers } from 'tatami/infer/layers';
 *   const model = await loadModel(url, { layers: allLayers });
 */
export { allLayers, SUPPORTED_LAYERS } from './io/all-layers.js';
export { type LayerBuilders } from './io/layer-from-config.js';
