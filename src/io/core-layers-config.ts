/**
 * Builders of the core layers, the ones a plain CNN classifier is made of (the digit classifier of
 * `npm run train`, the CLI zoo's classic CNN and convnet): Conv2D, Dense, the max and average pools,
 * Flatten, Reshape, Activation, ReLU and Softmax. tatami/infer knows these by default (inference-layers.ts); the
 * layers of modern CNNs come with its opt-in set (modern-cnn-set.ts), and the full engine knows
 * them all (all-layers.ts).
 */
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { MaxPooling2D, AveragePooling2D } from '../layers/pooling.js';
import { Flatten } from '../layers/flatten.js';
import { Reshape } from '../layers/reshape.js';
import { Activation } from '../layers/activation.js';
import { ReLU, Softmax } from '../layers/advanced-activations.js';
import type { ConfigReader } from './config-reader.js';
import { readActivation } from './keras-values.js';
import { readKernelBias } from './kernel-bias-config.js';
import { none, last, type BaseArgs, type BuiltLayer, type LayerBuilders } from './layer-from-config.js';

export const CORE_BUILDERS: LayerBuilders = {
  Conv2D(r, base, fit) {
    r.nulls('lora_rank');
    r.only('groups', [1]);
    const layer = new Conv2D({
      ...base,
      filters: r.int('filters'),
      kernelSize: r.pair('kernel_size', undefined),
      strides: r.pair('strides', [1, 1]),
      padding: r.padding(),
      dilationRate: r.pair('dilation_rate', [1, 1]),
      ...readKernelBias(r, fit),
    });
    return {
      layer,
      weights: (s) => [['kernel', [...layer.kernelSize, last(s), layer.filters]], ...(layer.useBias ? [['bias', [layer.filters]] as const] : [])],
    };
  },

  Dense(r, base, fit) {
    r.nulls('lora_rank', 'quantization_config');
    // lora_alpha only matters when lora_rank is set, which is refused above.
    r.accept('lora_alpha');
    const layer = new Dense({
      ...base,
      units: r.int('units'),
      ...readKernelBias(r, fit),
    });
    return {
      layer,
      weights: (s) => [['kernel', [last(s), layer.units]], ...(layer.useBias ? [['bias', [layer.units]] as const] : [])],
    };
  },

  MaxPooling2D: (r, base) => pooling(r, base, MaxPooling2D),
  AveragePooling2D: (r, base) => pooling(r, base, AveragePooling2D),

  Flatten: (_r, base) => ({ layer: new Flatten(base), weights: none }),

  Reshape(r, base) {
    const t = r.get('target_shape');
    if (!Array.isArray(t) || t.length === 0 || t.length > 8) r.must('target_shape', 'a list of 1 to 8 sizes', t);
    return { layer: new Reshape({ ...base, targetShape: t as number[] }), weights: none };
  },

  Activation: (r, base) => ({ layer: new Activation({ ...base, activation: readActivation(r) }), weights: none }),

  ReLU(r, base) {
    const maxValue = r.get('max_value');
    if (maxValue !== null && maxValue !== undefined && typeof maxValue !== 'number') r.must('max_value', 'a number or null', maxValue);
    const layer = new ReLU({
      ...base,
      maxValue: (maxValue as number | null | undefined) ?? null,
      negativeSlope: r.number('negative_slope', 0, 0, Infinity),
      threshold: r.number('threshold', 0, -Infinity, Infinity),
    });
    return { layer, weights: none };
  },

  Softmax(r, base) {
    const a = r.get('axis');
    const axis = Array.isArray(a) && a.length === 1 ? a[0] : a ?? -1;
    if (!Number.isInteger(axis)) r.must('axis', 'an integer (or a list of one)', a);
    return { layer: new Softmax({ ...base, axis }), weights: none };
  },
};

function pooling(r: ConfigReader, base: BaseArgs, Cls: typeof MaxPooling2D | typeof AveragePooling2D): BuiltLayer {
  const poolSize = r.pair('pool_size', [2, 2]);
  const layer = new Cls({ ...base, poolSize, strides: r.pair('strides', poolSize), padding: r.padding() });
  return { layer, weights: none };
}
