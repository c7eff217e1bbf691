/**
 * Builders for the other layers of modern CNNs (issue 13) that tatami/infer takes only with
 * `allLayers`: cropping and resizing, activation layers, layer normalization, noise and augmentation,
 * permute/repeat (ZeroPadding2D and GlobalMaxPooling2D are in modern-cnn-set.ts). Each reads every
 * key of its Keras 2 and Keras 3 configs, as the builders in layer-from-config.ts do, and states the
 * weights its layer will create.
 */
import type { ConfigReader } from './config-reader.js';
import { none, type LayerBuilders } from './layer-from-config.js';
import { readNormalization } from './keras-values.js';
import { show } from './safe-json.js';
import { Cropping2D, type SidesSpec } from '../layers/padding2d.js';
import { LeakyReLU, ELU } from '../layers/advanced-activations.js';
import { PReLU } from '../layers/prelu.js';
import { Rescaling } from '../layers/rescaling.js';
import { UpSampling2D } from '../layers/up-sampling2d.js';
import { Resizing, CenterCrop } from '../layers/resizing.js';
import { LayerNormalization } from '../layers/layer-normalization.js';
import { GaussianNoise, GaussianDropout, SpatialDropout2D } from '../layers/noise.js';
import { RandomFlip, RandomTranslation, RandomRotation, RandomZoom, type Factor, type FlipMode, type RandomTransformArgs } from '../layers/random-geometry.js';
import { RandomContrast } from '../layers/random-contrast.js';
import { Permute, RepeatVector } from '../layers/permute-repeat.js';

/** fill_mode, interpolation, fill_value of the random geometric layers (the constructor checks them). */
function readFill(r: ConfigReader): RandomTransformArgs {
  // The seed only shapes the random draws, which tatami takes from the model's Rng.
  r.accept('seed');
  r.nulls('bounding_box_format');
  return {
    fillMode: (r.get('fill_mode') ?? 'reflect') as RandomTransformArgs['fillMode'],
    interpolation: (r.get('interpolation') ?? 'bilinear') as RandomTransformArgs['interpolation'],
    fillValue: r.number('fill_value', 0, -Infinity, Infinity),
  };
}

/** The builders of this file (allLayers). */
export const EXTRA_LAYER_BUILDERS: LayerBuilders = {
  Cropping2D: (r, base) => ({ layer: new Cropping2D({ ...base, cropping: r.get('cropping') as SidesSpec }), weights: none }),

  LeakyReLU(r, base) {
    // Keras 2 and tfjs write alpha; Keras 3 writes negative_slope. Both default to 0.3.
    const alpha = r.number('alpha', r.number('negative_slope', 0.3, -Infinity, Infinity), -Infinity, Infinity);
    return { layer: new LeakyReLU({ ...base, alpha }), weights: none };
  },

  ELU: (r, base) => ({ layer: new ELU({ ...base, alpha: r.number('alpha', 1, -Infinity, Infinity) }), weights: none }),

  PReLU(r, base, fit) {
    r.nulls('alpha_regularizer', 'alpha_constraint');
    const shared = r.get('shared_axes');
    if (shared !== null && shared !== undefined && typeof shared !== 'number' && !Array.isArray(shared)) r.fail(`shared_axes must be null, an axis or a list of axes, got ${show(shared)}`);
    const layer = new PReLU({ ...base, alphaInitializer: fit.initializer(r, 'alpha_initializer', 'zeros'), sharedAxes: (shared as number | number[] | null | undefined) ?? null });
    return { layer, weights: (s) => [['alpha', layer.alphaShape(s)]] };
  },

  Rescaling(r, base) {
    const scale = r.get('scale') as number | number[];
    const offset = (r.get('offset') as number | number[] | undefined) ?? 0;
    return { layer: new Rescaling({ ...base, scale, offset }), weights: none };
  },

  UpSampling2D(r, base) {
    const interpolation = r.get('interpolation') ?? 'nearest';
    if (interpolation !== 'nearest' && interpolation !== 'bilinear') return r.fail(`interpolation ${show(interpolation)} is not supported (tatami supports 'nearest' or 'bilinear')`);
    return { layer: new UpSampling2D({ ...base, size: r.pair('size', [2, 2]), interpolation }), weights: none };
  },

  Resizing(r, base) {
    r.only('pad_to_aspect_ratio', [false], 'pad_to_aspect_ratio');
    r.only('antialias', [false], 'antialias');
    // fill_mode and fill_value only matter with pad_to_aspect_ratio, refused above.
    r.accept('fill_mode', 'fill_value');
    const interpolation = r.get('interpolation') ?? 'bilinear';
    if (interpolation !== 'nearest' && interpolation !== 'bilinear') return r.fail(`interpolation ${show(interpolation)} is not supported (tatami supports 'nearest' or 'bilinear')`);
    const layer = new Resizing({ ...base, height: r.int('height'), width: r.int('width'), interpolation, cropToAspectRatio: r.bool('crop_to_aspect_ratio', false) });
    return { layer, weights: none };
  },

  CenterCrop: (r, base) => ({ layer: new CenterCrop({ ...base, height: r.int('height'), width: r.int('width') }), weights: none }),

  LayerNormalization(r, base, fit) {
    r.nulls('beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint');
    r.only('rms_scaling', [false], 'rms_scaling');
    const axis = r.get('axis') ?? -1;
    if (typeof axis !== 'number' && !Array.isArray(axis)) r.fail(`axis must be an integer or a list of them, got ${show(axis)}`);
    const layer = new LayerNormalization({
      ...base,
      axis: axis as number | number[],
      ...readNormalization(r, fit),
    });
    return {
      layer,
      weights: (s) => [...(layer.scale ? [['gamma', layer.paramShape(s)] as const] : []), ...(layer.center ? [['beta', layer.paramShape(s)] as const] : [])],
    };
  },

  // The seeds below only shape training noise; tatami draws it from the model's Rng.
  GaussianNoise(r, base) {
    r.accept('seed');
    return { layer: new GaussianNoise({ ...base, stddev: r.number('stddev', NaN, 0, 1e6) }), weights: none };
  },

  GaussianDropout(r, base) {
    r.accept('seed');
    return { layer: new GaussianDropout({ ...base, rate: r.number('rate', NaN, 0, 0.999999) }), weights: none };
  },

  SpatialDropout2D(r, base) {
    r.accept('seed');
    r.nulls('noise_shape');
    return { layer: new SpatialDropout2D({ ...base, rate: r.number('rate', NaN, 0, 0.999999) }), weights: none };
  },

  RandomFlip(r, base) {
    r.accept('seed');
    r.nulls('bounding_box_format');
    return { layer: new RandomFlip({ ...base, mode: (r.get('mode') ?? 'horizontal_and_vertical') as FlipMode }), weights: none };
  },

  RandomTranslation(r, base) {
    const layer = new RandomTranslation({ ...base, ...readFill(r), heightFactor: r.get('height_factor') as Factor, widthFactor: r.get('width_factor') as Factor });
    return { layer, weights: none };
  },

  RandomRotation(r, base) {
    // Keras 3.0–3.5 write a value_range ([0, 255] by default) that their rotation never uses.
    r.accept('value_range');
    return { layer: new RandomRotation({ ...base, ...readFill(r), factor: r.get('factor') as Factor }), weights: none };
  },

  RandomZoom(r, base) {
    const widthFactor = (r.get('width_factor') ?? null) as Factor | null;
    return { layer: new RandomZoom({ ...base, ...readFill(r), heightFactor: r.get('height_factor') as Factor, widthFactor }), weights: none };
  },

  RandomContrast(r, base) {
    r.accept('seed');
    const valueRange = (r.get('value_range') ?? [0, 255]) as [number, number];
    return { layer: new RandomContrast({ ...base, factor: r.get('factor') as Factor, valueRange }), weights: none };
  },

  Permute(r, base) {
    const dims = r.get('dims');
    if (!Array.isArray(dims)) r.fail(`dims must be a list of axes, got ${show(dims)}`);
    return { layer: new Permute({ ...base, dims: dims as number[] }), weights: none };
  },

  RepeatVector: (r, base) => ({ layer: new RepeatVector({ ...base, n: r.int('n') }), weights: none }),
};
