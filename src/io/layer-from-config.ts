/**
 * Keras layer configs → tatami layers, one small builder per supported class. Each builder reads
 * every key it understands, checks the ones tatami supports only in one form, and the reader refuses
 * whatever is left, so an option is never silently dropped. Each also states the weights the layer
 * will create for an input shape, so the loader can compare them with the manifest before any weight
 * is allocated.
 */
import type { Layer, SymbolicShape } from '../layers/layer.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D } from '../layers/pooling.js';
import { Flatten } from '../layers/flatten.js';
import { Reshape } from '../layers/reshape.js';
import { Dropout } from '../layers/dropout.js';
import { Activation } from '../layers/activation.js';
import { Embedding } from '../layers/embedding.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { MODERN_CNN_BUILDERS } from './modern-cnn-layers.js';
import { Add, Subtract, Multiply, Average, Maximum, Minimum } from '../layers/merge.js';
import { Concatenate } from '../layers/concatenate.js';
import { ConfigReader } from './config-reader.js';
import { CONV_BUILDERS } from './conv-layers-config.js';
import { outOfScopeReason } from './out-of-scope.js';
import { readActivation, readDtype, readInitializer } from './keras-values.js';
import type { KernelBiasArgs } from '../layers/kernel-bias.js';
import { readRegularizer } from './regularizer-config.js';
import type { L1L2, ActivityReduction } from '../regularizers.js';

/** The keys Conv2D and Dense share (see KernelBias): activation, use_bias, both initializers and regularizers. */
function readKernelBias(r: ConfigReader): KernelBiasArgs {
  return {
    activation: readActivation(r),
    useBias: r.bool('use_bias', true),
    kernelInitializer: readInitializer(r, 'kernel_initializer', 'glorot_uniform'),
    biasInitializer: readInitializer(r, 'bias_initializer', 'zeros'),
    kernelRegularizer: readRegularizer(r, 'kernel_regularizer'),
    biasRegularizer: readRegularizer(r, 'bias_regularizer'),
  };
}
import { show } from './safe-json.js';

/** A weight a layer will create: its Keras name and shape. */
export type WeightShape = readonly [name: string, shape: readonly number[]];

export interface BuiltLayer {
  readonly layer: Layer;
  /** The weights this layer creates for this input shape, in Keras order. */
  weights(inputShape: SymbolicShape): WeightShape[];
}

/** What every layer's constructor gets from the keys all layers share. */
export interface BaseArgs {
  readonly name: string;
  readonly trainable: boolean;
  readonly activityRegularizer: L1L2 | null;
  readonly activityReduction: ActivityReduction;
}

export type Builder = (r: ConfigReader, base: BaseArgs) => BuiltLayer;

const none = (): WeightShape[] => [];
const last = (s: SymbolicShape): number => s[s.length - 1] ?? 0;

/**
 * Keys every layer may carry (the first layer's input shape is read by the topology). An
 * activity_regularizer means what the file's Keras version means by it: divided by the batch size in
 * Keras 2 (and tfjs's format), not in Keras 3.
 */
function readCommon(r: ConfigReader, name: string): BaseArgs {
  readDtype(r);
  r.accept('name', 'batch_input_shape', 'batch_shape', 'input_dtype');
  r.only('data_format', ['channels_last', null], 'data_format');
  return {
    name,
    trainable: r.bool('trainable', true),
    activityRegularizer: readRegularizer(r, 'activity_regularizer'),
    activityReduction: r.kerasMajor === 3 ? 'sum' : 'sum_over_batch_size',
  };
}

/** The merge layers: no weights, no options but Concatenate's axis. */
const MERGES = { Add, Subtract, Multiply, Average, Maximum, Minimum };
const MERGE_BUILDERS: Readonly<Record<string, Builder>> = {
  ...Object.fromEntries(Object.entries(MERGES).map(([cls, Cls]) => [cls, (_r: ConfigReader, base: BaseArgs) => ({ layer: new Cls(base), weights: none })])),
  Concatenate(r: ConfigReader, base) {
    const axis = r.get('axis') ?? -1;
    if (typeof axis !== 'number' || !Number.isInteger(axis) || Math.abs(axis) > 8) r.fail(`axis must be an integer, got ${show(axis)}`);
    return { layer: new Concatenate({ ...base, axis }), weights: none };
  },
};

const BUILDERS: Readonly<Record<string, Builder>> = {
  Conv2D(r, base) {
    r.nulls('kernel_constraint', 'bias_constraint', 'lora_rank');
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
    r.nulls('kernel_constraint', 'bias_constraint', 'lora_rank', 'quantization_config');
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

  Dropout(r, base) {
    r.nulls('noise_shape');
    // A dropout seed only shapes training noise; tatami draws it from the model's Rng.
    r.accept('seed');
    const rate = r.number('rate', NaN, 0, 0.999999);
    return { layer: new Dropout({ ...base, rate }), weights: none };
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
      epsilon: r.number('epsilon', 1e-3, 1e-12, 1),
      center: r.bool('center', true),
      scale: r.bool('scale', true),
      betaInitializer: readInitializer(r, 'beta_initializer', 'zeros'),
      gammaInitializer: readInitializer(r, 'gamma_initializer', 'ones'),
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

  Embedding(r, base) {
    r.nulls('embeddings_constraint', 'lora_rank');
    r.only('mask_zero', [false], 'mask_zero');
    r.only('sparse', [false], 'sparse');
    // Keras 2's input_length only fixes the expected sequence length of the input shape.
    r.accept('input_length');
    const layer = new Embedding({
      ...base,
      inputDim: r.int('input_dim'),
      outputDim: r.int('output_dim'),
      embeddingsInitializer: readInitializer(r, 'embeddings_initializer', 'random_uniform'),
      embeddingsRegularizer: readRegularizer(r, 'embeddings_regularizer'),
    });
    return { layer, weights: () => [['embeddings', [layer.inputDim, layer.outputDim]]] };
  },

  ...CONV_BUILDERS,
  // The layers of modern CNNs (issue 13), in their own file.
  ...MODERN_CNN_BUILDERS,
  // The merge layers of graph models (issue 12).
  ...MERGE_BUILDERS,
};

function pooling(r: ConfigReader, base: BaseArgs, Cls: typeof MaxPooling2D | typeof AveragePooling2D): BuiltLayer {
  const poolSize = r.pair('pool_size', [2, 2]);
  const layer = new Cls({ ...base, poolSize, strides: r.pair('strides', poolSize), padding: r.padding() });
  return { layer, weights: none };
}

/** Keras's other spellings of the same classes. */
const ALIASES: Readonly<Record<string, string>> = {
  MaxPool2D: 'MaxPooling2D', AvgPool2D: 'AveragePooling2D', GlobalAvgPool2D: 'GlobalAveragePooling2D', Convolution2D: 'Conv2D',
  SeparableConvolution2D: 'SeparableConv2D', Convolution2DTranspose: 'Conv2DTranspose', Convolution1D: 'Conv1D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
};

/** Layer classes a model file may use (besides InputLayer). */
export const SUPPORTED_LAYERS: readonly string[] = Object.keys(BUILDERS);

/**
 * Build a tatami layer from a Keras layer entry; `prefix` (e.g. 'loadModel') starts every error;
 * `kerasMajor` is the Keras version whose meanings the file uses (io/keras-flavor.ts).
 */
export function layerFromConfig(className: string, config: Record<string, unknown>, name: string, prefix: string, kerasMajor: 2 | 3 = 2): BuiltLayer {
  const cls = Object.prototype.hasOwnProperty.call(ALIASES, className) ? ALIASES[className] : className;
  const outOfScope = outOfScopeReason(cls);
  if (outOfScope !== undefined) throw new Error(`${prefix}: layer '${name}' has class ${className}, which tatami does not support: ${outOfScope}`);
  if (!Object.prototype.hasOwnProperty.call(BUILDERS, cls)) {
    throw new Error(`${prefix}: layer '${name}' has class ${className}, which tatami does not support (supported: ${SUPPORTED_LAYERS.join(', ')})`);
  }
  const r = new ConfigReader(config, `${prefix}: layer '${name}' (${className})`, kerasMajor);
  let built: BuiltLayer;
  try {
    built = BUILDERS[cls](r, readCommon(r, name));
  } catch (e) {
    // A tatami constructor's own message (e.g. "Dense: units must be ...") gets the layer's name.
    const msg = (e as Error).message;
    throw new Error(msg.startsWith(prefix) ? msg : `${r.who}: ${msg}`);
  }
  r.finish();
  return built;
}
