/**
 * Keras configs of the depthwise, separable, transposed and 1-D convolutions → tatami layers (the
 * builders layer-from-config.ts lists beside its own). Keras 2 and Keras 3 keys are both read:
 * Keras 2 writes `groups` (must be 1) and, for SeparableConv2D, an unused `kernel_initializer`;
 * Keras 3 writes neither. Regularizers and constraints must be null, as everywhere in tatami.
 */
import type { SymbolicShape } from '../layers/layer.js';
import { DepthwiseConv2D } from '../layers/depthwise-conv2d.js';
import { SeparableConv2D } from '../layers/separable-conv2d.js';
import type { ConfigReader } from './config-reader.js';
import { readActivation, readInitializer } from './keras-values.js';
import type { BuiltLayer, WeightShape } from './layer-from-config.js';

type Builder = (r: ConfigReader, base: { name: string; trainable: boolean }) => BuiltLayer;

const last = (s: SymbolicShape): number => s[s.length - 1] ?? 0;

/** kernel_size, strides, padding, dilation_rate of a 2-D convolution. */
function readWindow(r: ConfigReader): { kernelSize: [number, number]; strides: [number, number]; padding: 'valid' | 'same'; dilationRate: [number, number] } {
  r.only('groups', [1], 'groups');
  return {
    kernelSize: r.pair('kernel_size', undefined),
    strides: r.pair('strides', [1, 1]),
    padding: r.padding(),
    dilationRate: r.pair('dilation_rate', [1, 1]),
  };
}

function withBias(useBias: boolean, shapes: WeightShape[], units: number): WeightShape[] {
  return useBias ? [...shapes, ['bias', [units]]] : shapes;
}

export const CONV_BUILDERS: Readonly<Record<string, Builder>> = {
  DepthwiseConv2D(r, base) {
    r.nulls('bias_regularizer', 'depthwise_regularizer', 'bias_constraint', 'depthwise_constraint');
    const layer = new DepthwiseConv2D({
      ...base,
      ...readWindow(r),
      depthMultiplier: r.int('depth_multiplier', 1),
      activation: readActivation(r),
      useBias: r.bool('use_bias', true),
      depthwiseInitializer: readInitializer(r, 'depthwise_initializer', 'glorot_uniform'),
      biasInitializer: readInitializer(r, 'bias_initializer', 'zeros'),
    });
    const m = layer.depthMultiplier;
    return { layer, weights: (s) => withBias(layer.useBias, [['depthwise_kernel', [...layer.window.kernelSize, last(s), m]]], last(s) * m) };
  },

  SeparableConv2D(r, base) {
    r.nulls(
      'bias_regularizer', 'depthwise_regularizer', 'pointwise_regularizer', 'kernel_regularizer',
      'bias_constraint', 'depthwise_constraint', 'pointwise_constraint', 'kernel_constraint',
    );
    // Keras 2's SeparableConv2D inherits Conv's kernel_initializer key but never uses it.
    r.accept('kernel_initializer');
    const layer = new SeparableConv2D({
      ...base,
      filters: r.int('filters'),
      ...readWindow(r),
      depthMultiplier: r.int('depth_multiplier', 1),
      activation: readActivation(r),
      useBias: r.bool('use_bias', true),
      depthwiseInitializer: readInitializer(r, 'depthwise_initializer', 'glorot_uniform'),
      pointwiseInitializer: readInitializer(r, 'pointwise_initializer', 'glorot_uniform'),
      biasInitializer: readInitializer(r, 'bias_initializer', 'zeros'),
    });
    const m = layer.depthMultiplier;
    return {
      layer,
      weights: (s) => withBias(layer.useBias, [
        ['depthwise_kernel', [...layer.window.kernelSize, last(s), m]],
        ['pointwise_kernel', [1, 1, last(s) * m, layer.filters]],
      ], layer.filters),
    };
  },
};
