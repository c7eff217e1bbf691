/**
 * Builders of the core layers, the ones every classifier of the CLI zoo and every Teachable Machine
 * export is made of: Conv2D, DepthwiseConv2D, Dense, the pools (the global ones too),
 * BatchNormalization, Activation, ReLU, ZeroPadding2D, Flatten, Reshape and the merges. tatami/infer
 * knows these by default (inference-layers.ts); the full engine knows them and the rest
 * (all-layers.ts).
 */
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D } from '../layers/pooling.js';
import { Flatten } from '../layers/flatten.js';
import { Reshape } from '../layers/reshape.js';
import { Activation } from '../layers/activation.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Add, Subtract, Multiply, Average, Maximum, Minimum } from '../layers/merge.js';
import { Concatenate } from '../layers/concatenate.js';
import type { ConfigReader } from './config-reader.js';
import { DEPTHWISE_BUILDERS } from './conv-layers-config.js';
import { CORE_MODERN_BUILDERS } from './modern-cnn-layers.js';
import { readActivation, readInitializer, readNormalization } from './keras-values.js';
import { readKernelBias } from './kernel-bias-config.js';
import { show } from './safe-json.js';
import { none, last, type BaseArgs, type BuiltLayer, type LayerBuilders } from './layer-from-config.js';

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

export const CORE_BUILDERS: LayerBuilders = {
  Conv2D(r, base) {
    r.nulls('lora_rank');
    r.only('groups', [1], 'groups');
    const layer = new Conv2D({
      ...base,
      filters: r.int('filters'),
      kernelSize: r.pair('kernel_size', undefined),
      strides: r.pair('strides', [1, 1]),
      padding: r.padding(),
      dilationRate: r.pair('dilation_rate', [1, 1]),
      ...readKernelBias(r),
    });
    return {
      layer,
      weights: (s) => [['kernel', [...layer.kernelSize, last(s), layer.filters]], ...(layer.useBias ? [['bias', [layer.filters]] as const] : [])],
    };
  },

  Dense(r, base) {
    r.nulls('lora_rank', 'quantization_config');
    // lora_alpha only matters when lora_rank is set, which is refused above.
    r.accept('lora_alpha');
    const layer = new Dense({
      ...base,
      units: r.int('units'),
      ...readKernelBias(r),
    });
    return {
      layer,
      weights: (s) => [['kernel', [last(s), layer.units]], ...(layer.useBias ? [['bias', [layer.units]] as const] : [])],
    };
  },

  MaxPooling2D: (r, base) => pooling(r, base, MaxPooling2D),
  AveragePooling2D: (r, base) => pooling(r, base, AveragePooling2D),

  GlobalAveragePooling2D(r, base) {
    r.only('keepdims', [false], 'keepdims');
    return { layer: new GlobalAveragePooling2D(base), weights: none };
  },

  Flatten: (_r, base) => ({ layer: new Flatten(base), weights: none }),

  Reshape(r, base) {
    const t = r.get('target_shape');
    if (!Array.isArray(t) || t.length === 0 || t.length > 8) r.fail(`target_shape must be a list of sizes, got ${show(t)}`);
    return { layer: new Reshape({ ...base, targetShape: t as number[] }), weights: none };
  },

  Activation: (r, base) => ({ layer: new Activation({ ...base, activation: readActivation(r) }), weights: none }),

  BatchNormalization(r, base) {
    r.nulls('beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint', 'virtual_batch_size', 'adjustment', 'renorm_clipping');
    r.only('synchronized', [false], 'synchronized');
    r.only('renorm', [false], 'renorm');
    // renorm_momentum only matters with renorm (refused above); fused is an implementation choice.
    r.accept('renorm_momentum', 'fused');
    const axis = r.get('axis');
    const movingMean = readInitializer(r, 'moving_mean_initializer', 'zeros');
    const movingVariance = readInitializer(r, 'moving_variance_initializer', 'ones');
    if (movingMean !== 'zeros' || movingVariance !== 'ones') r.fail(`moving_mean_initializer / moving_variance_initializer must be Zeros / Ones`);
    const layer = new BatchNormalization({
      ...base,
      momentum: r.number('momentum', 0.99, 0, 1),
      ...readNormalization(r),
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

  ...DEPTHWISE_BUILDERS,
  ...CORE_MODERN_BUILDERS,
  // The merge layers of graph models (issue 12).
  ...MERGE_BUILDERS,
};

function pooling(r: ConfigReader, base: BaseArgs, Cls: typeof MaxPooling2D | typeof AveragePooling2D): BuiltLayer {
  const poolSize = r.pair('pool_size', [2, 2]);
  const layer = new Cls({ ...base, poolSize, strides: r.pair('strides', poolSize), padding: r.padding() });
  return { layer, weights: none };
}
