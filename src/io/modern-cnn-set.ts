/**
 * tatami/infer's opt-in set `modernCnnLayers`: the core layers (inference-layers.ts) and the layers
 * the CLI zoo's ResNet and MobileNet and Teachable Machine's image models add to them:
 * BatchNormalization, DepthwiseConv2D, ZeroPadding2D, the global pools, and the merges of graph
 * models (issue 12), and nested models (a Sequential or functional model used as a layer: Teachable
 * Machine's exports, a MobileNet base). The full engine's loader knows these builders too (all-layers.ts).
 */
import { BatchNormalization } from '../layers/batch-normalization.js';
import { GlobalAveragePooling2D } from '../layers/pooling.js';
import { GlobalMaxPooling2D } from '../layers/global-max-pooling2d.js';
import { ZeroPadding2D, type SidesSpec } from '../layers/padding2d.js';
import { Add, Subtract, Multiply, Average, Maximum, Minimum } from '../layers/merge.js';
import { Concatenate } from '../layers/concatenate.js';
import type { ConfigReader } from './config-reader.js';
import { DEPTHWISE_BUILDERS } from './conv-layers-config.js';
import { readNormalization } from './keras-values.js';
import { show } from './safe-json.js';
import { none, last, type BaseArgs, type LayerBuilders } from './layer-from-config.js';
import { coreLayers } from './inference-layers.js';
import { NESTED_MODELS, type NestingLayerBuilders } from './build-model.js';
import { buildNestedModel } from './nested-model-config.js';

/** The merge layers: no weights, no options but Concatenate's axis. */
const MERGES = { Add, Subtract, Multiply, Average, Maximum, Minimum };
const MERGE_BUILDERS: LayerBuilders = {
  ...Object.fromEntries(Object.entries(MERGES).map(([cls, Cls]) => [cls, (_r: ConfigReader, base: BaseArgs) => ({ layer: new Cls(base), weights: none })])),
  Concatenate(r: ConfigReader, base) {
    const axis = r.get('axis') ?? -1;
    if (typeof axis !== 'number' || !Number.isInteger(axis) || Math.abs(axis) > 8) r.fail(`axis must be an integer, got ${show(axis)}`);
    return { layer: new Concatenate({ ...base, axis }), weights: none };
  },
};

/** The builders this set adds to the core, and the nesting of models. */
export const MODERN_CNN_SET_BUILDERS: NestingLayerBuilders = {
  [NESTED_MODELS]: buildNestedModel,

  BatchNormalization(r, base, fit) {
    r.nulls('beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint', 'virtual_batch_size', 'adjustment', 'renorm_clipping');
    r.only('synchronized', [false], 'synchronized');
    r.only('renorm', [false], 'renorm');
    // renorm_momentum only matters with renorm (refused above); fused is an implementation choice.
    r.accept('renorm_momentum', 'fused');
    const axis = r.get('axis');
    // tatami's layer starts its moving statistics at zeros / ones. tatami/infer's inert reader gives
    // back those fallbacks, so it takes any: the moving statistics come from the file.
    const movingMean = fit.initializer(r, 'moving_mean_initializer', 'zeros');
    const movingVariance = fit.initializer(r, 'moving_variance_initializer', 'ones');
    if (movingMean !== 'zeros' || movingVariance !== 'ones') r.fail(`moving_mean_initializer / moving_variance_initializer must be Zeros / Ones`);
    const layer = new BatchNormalization({
      ...base,
      momentum: r.number('momentum', 0.99, 0, 1),
      ...readNormalization(r, fit),
    });
    return {
      layer,
      weights(s) {
        // Keras 2 writes the axis it resolved when built ([3] for NHWC); tatami normalizes the last axis.
        const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
        if (a !== undefined && a !== -1 && a !== s.length - 1) r.fail(`axis ${show(axis)} is not supported (tatami normalizes the last axis, ${s.length - 1} here)`);
        const c = [last(s)];
        return [
          ...(layer.scale ? [['gamma', c] as const] : []),
          ...(layer.center ? [['beta', c] as const] : []),
          ['moving_mean', c],
          ['moving_variance', c],
        ];
      },
    };
  },

  GlobalAveragePooling2D(r, base) {
    r.only('keepdims', [false], 'keepdims');
    return { layer: new GlobalAveragePooling2D(base), weights: none };
  },

  GlobalMaxPooling2D: (r, base) => ({ layer: new GlobalMaxPooling2D({ ...base, keepdims: r.bool('keepdims', false) }), weights: none }),

  ZeroPadding2D: (r, base) => ({ layer: new ZeroPadding2D({ ...base, padding: r.get('padding') as SidesSpec }), weights: none }),

  ...DEPTHWISE_BUILDERS,
  ...MERGE_BUILDERS,
};

/** The core layers and the ones above: `loadModel(source, { layers: modernCnnLayers })`. */
export const modernCnnLayers: LayerBuilders = { ...coreLayers, ...MODERN_CNN_SET_BUILDERS };
