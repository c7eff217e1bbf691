/**
 * Keras layer configs → tatami layers, through a set of builders, one small builder per supported
 * class. Each builder reads every key it understands, checks the ones tatami supports only in one
 * form, and the reader refuses whatever is left, so an option is never silently dropped. Each also
 * states the weights the layer will create for an input shape, so the loader can compare them with
 * the manifest before any weight is allocated.
 *
 * The set is the caller's: the full engine passes every builder (all-layers.ts), tatami/infer the
 * core ones (inference-layers.ts), so a bundle carries only the layers it can build.
 */
import type { Layer, SymbolicShape } from '../layers/layer.js';
import { ConfigReader } from './config-reader.js';
import { readDtype } from './keras-values.js';
import type { L1L2, ActivityReduction } from '../regularizers.js';
import type { Constraint } from '../constraints.js';

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

/**
 * How a loader reads the options that act in training only, under `key`: weight constraints
 * (kernel_constraint, ...), which fit projects the weights with after each step, regularizers
 * (kernel_regularizer, activity_regularizer, ...), whose penalties fit adds to the loss, and
 * initializers (kernel_initializer, ...), which start the weights a model has no values for (the
 * initializer's name, `fallback` when the key is absent).
 */
export interface FitOptionReaders {
  readonly constraint: (r: ConfigReader, key: string) => Constraint | null;
  readonly regularizer: (r: ConfigReader, key: string) => L1L2 | null;
  readonly initializer: (r: ConfigReader, key: string, fallback: string) => string;
}

/** A class's builder: its config, the keys every layer shares, and how this loader reads the options of fit. */
export type Builder = (r: ConfigReader, base: BaseArgs, fit: FitOptionReaders) => BuiltLayer;

/** The builders a loader knows, by Keras class name. */
export type LayerBuilders = Readonly<Record<string, Builder>>;

/** What a loader builds layers from: its builders, and where to find the ones it lacks. */
export interface LayerSet {
  readonly builders: LayerBuilders;
  /**
   * How the options of fit are read: the full engine reads them (constraint-config.ts,
   * regularizer-config.ts); tatami/infer, which never fits, takes them as inert
   * (inference-layers.ts), so it carries none of their readers.
   */
  readonly fitOptions: FitOptionReaders;
  /** For a class tatami supports but `builders` lacks: how to get it (e.g. which import), if anywhere. */
  readonly elsewhere?: (className: string) => string | undefined;
}

export const none = (): WeightShape[] => [];
export const last = (s: SymbolicShape): number => s[s.length - 1] ?? 0;

/**
 * Keys every layer may carry (the first layer's input shape is read by the topology). An
 * activity_regularizer means what the file's Keras version means by it: divided by the batch size in
 * Keras 2 (and tfjs's format), not in Keras 3.
 */
function readCommon(r: ConfigReader, name: string, fit: FitOptionReaders): BaseArgs {
  readDtype(r);
  r.accept('name', 'batch_input_shape', 'batch_shape', 'input_dtype');
  r.only('data_format', ['channels_last', null]);
  return {
    name,
    trainable: r.bool('trainable', true),
    activityRegularizer: fit.regularizer(r, 'activity_regularizer'),
    activityReduction: r.kerasMajor === 3 ? 'sum' : 'sum_over_batch_size',
  };
}

/** Keras's other spellings of the same classes. */
const ALIASES: Readonly<Record<string, string>> = {
  MaxPool2D: 'MaxPooling2D', AvgPool2D: 'AveragePooling2D', GlobalAvgPool2D: 'GlobalAveragePooling2D', Convolution2D: 'Conv2D',
  SeparableConvolution2D: 'SeparableConv2D', Convolution2DTranspose: 'Conv2DTranspose', Convolution1D: 'Conv1D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
};

const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/**
 * Build a tatami layer from a Keras layer entry with the builders of `set`; `prefix` (e.g.
 * 'loadModel') starts every error; `kerasMajor` is the Keras version whose meanings the file uses
 * (io/keras-flavor.ts).
 */
export function layerFromConfig(className: string, config: Record<string, unknown>, name: string, prefix: string, kerasMajor: 2 | 3, set: LayerSet): BuiltLayer {
  const cls = has(ALIASES, className) ? ALIASES[className] : className;
  if (!has(set.builders, cls)) {
    const where = set.elsewhere?.(cls);
    if (where !== undefined) throw new Error(`${prefix}: layer '${name}' has class ${className}, which this loader was not given: ${where}`);
    throw new Error(`${prefix}: layer '${name}' has class ${className}, which tatami does not support (supported: ${Object.keys(set.builders).join(', ')})`);
  }
  const r = new ConfigReader(config, `${prefix}: layer '${name}' (${className})`, kerasMajor);
  let built: BuiltLayer;
  try {
    built = set.builders[cls](r, readCommon(r, name, set.fitOptions), set.fitOptions);
  } catch (e) {
    // A tatami constructor's own message (e.g. "Dense: units must be ...") gets the layer's name.
    const msg = (e as Error).message;
    throw new Error(msg.startsWith(prefix) ? msg : `${r.who}: ${msg}`);
  }
  r.finish();
  return built;
}
