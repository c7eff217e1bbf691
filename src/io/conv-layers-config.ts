/**
 * Keras configs of the depthwise, separable, transposed and 1-D convolutions → tatami layers (the
 * builders layer-from-config.ts lists beside its own). Keras 2 and Keras 3 keys are both read:
 * Keras 2 writes `groups` (must be 1) and, for SeparableConv2D, an unused `kernel_initializer`;
 * Keras 3 writes neither. Regularizers (L1L2) are read for every weight; constraints for the kernel
 * and bias of Conv2DTranspose and Conv1D, while the depthwise and separable ones must be null.
 */
import { DepthwiseConv2D } from '../layers/depthwise-conv2d.js';
import { SeparableConv2D } from '../layers/separable-conv2d.js';
import { Conv2DTranspose } from '../layers/conv2d-transpose.js';
import { Conv1D } from '../layers/conv1d.js';
import type { ConfigReader } from './config-reader.js';
import { readActivation } from './keras-values.js';
import { readKernelBias } from './kernel-bias-config.js';
import { show } from './safe-json.js';
import { last, type LayerBuilders, type WeightShape } from './layer-from-config.js';

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

/** output_padding: null (Keras's default), an integer, or a pair of integers ≥ 0. */
function readOutputPadding(r: ConfigReader): [number, number] | null {
  const v = r.get('output_padding');
  if (v === undefined || v === null) return null;
  const list = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(list) || list.length !== 2 || list.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    r.fail(`output_padding must be null, an integer ≥ 0 or a pair of them, got ${show(v)}`);
  }
  return [list[0] as number, list[1] as number];
}

/** A 1-D size: an integer or a list of one (Keras writes [3]). */
function readOne(r: ConfigReader, key: string, fallback: number | undefined): number {
  const v = r.get(key);
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  const d = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 2 ** 16) r.fail(`${key} must be a positive integer or a list of one, got ${show(v)}`);
  return d;
}

/** The depthwise convolution (MobileNet's): in tatami/infer's modernCnnLayers (modern-cnn-set.ts). */
export const DEPTHWISE_BUILDERS: LayerBuilders = {
  DepthwiseConv2D(r, base, fit) {
    r.nulls('bias_constraint', 'depthwise_constraint');
    const layer = new DepthwiseConv2D({
      ...base,
      ...readWindow(r),
      depthMultiplier: r.int('depth_multiplier', 1),
      activation: readActivation(r),
      useBias: r.bool('use_bias', true),
      depthwiseInitializer: fit.initializer(r, 'depthwise_initializer', 'glorot_uniform'),
      biasInitializer: fit.initializer(r, 'bias_initializer', 'zeros'),
      depthwiseRegularizer: fit.regularizer(r, 'depthwise_regularizer'),
      biasRegularizer: fit.regularizer(r, 'bias_regularizer'),
    });
    const m = layer.depthMultiplier;
    return { layer, weights: (s) => withBias(layer.useBias, [['depthwise_kernel', [...layer.window.kernelSize, last(s), m]]], last(s) * m) };
  },

};

/** The separable, transposed and 1-D convolutions. */
export const CONV_BUILDERS: LayerBuilders = {
  SeparableConv2D(r, base, fit) {
    // Keras 2's SeparableConv2D inherits Conv's kernel_initializer and kernel_regularizer keys but never uses them.
    r.nulls('kernel_regularizer', 'bias_constraint', 'depthwise_constraint', 'pointwise_constraint', 'kernel_constraint');
    r.accept('kernel_initializer');
    const layer = new SeparableConv2D({
      ...base,
      filters: r.int('filters'),
      ...readWindow(r),
      depthMultiplier: r.int('depth_multiplier', 1),
      activation: readActivation(r),
      useBias: r.bool('use_bias', true),
      depthwiseInitializer: fit.initializer(r, 'depthwise_initializer', 'glorot_uniform'),
      pointwiseInitializer: fit.initializer(r, 'pointwise_initializer', 'glorot_uniform'),
      depthwiseRegularizer: fit.regularizer(r, 'depthwise_regularizer'),
      pointwiseRegularizer: fit.regularizer(r, 'pointwise_regularizer'),
      biasRegularizer: fit.regularizer(r, 'bias_regularizer'),
      biasInitializer: fit.initializer(r, 'bias_initializer', 'zeros'),
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

  Conv2DTranspose(r, base, fit) {
    const layer = new Conv2DTranspose({
      ...base,
      filters: r.int('filters'),
      ...readWindow(r),
      outputPadding: readOutputPadding(r),
      ...readKernelBias(r, fit),
    });
    return { layer, weights: (s) => withBias(layer.useBias, [['kernel', [...layer.window.kernelSize, layer.filters, last(s)]]], layer.filters) };
  },

  Conv1D(r, base, fit) {
    r.only('groups', [1], 'groups');
    // Keras 3's Conv1D, like its Conv2D, may carry LoRA keys; lora_alpha only matters with a lora_rank.
    r.nulls('lora_rank');
    r.accept('lora_alpha');
    const padding = r.get('padding') ?? 'valid';
    const p = typeof padding === 'string' ? padding.toLowerCase() : '';
    if (p !== 'valid' && p !== 'same' && p !== 'causal') return r.fail(`padding ${show(padding)} is not supported (tatami supports 'valid', 'same' or 'causal')`);
    const layer = new Conv1D({
      ...base,
      filters: r.int('filters'),
      kernelSize: readOne(r, 'kernel_size', undefined),
      strides: readOne(r, 'strides', 1),
      padding: p,
      dilationRate: readOne(r, 'dilation_rate', 1),
      ...readKernelBias(r, fit),
    });
    return { layer, weights: (s) => withBias(layer.useBias, [['kernel', [layer.kernelSize, last(s), layer.filters]]], layer.filters) };
  },
};
