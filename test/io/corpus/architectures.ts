/**
 * The networks of the corpus, at small widths, named as the Keras applications, Teachable Machine
 * and the common tutorials name their layers: MobileNet V1 and V2, InceptionV3, ResNet50V2,
 * Xception, U-Net, the MNIST convnet, text models, and the families tatami refuses (LSTM, Lambda,
 * TensorFlow op layers). Layer configs are written in full, in Keras 2's spelling; flavors.ts
 * rewrites them for each generation.
 */
import { Net, functional, sequential, type Ref, type Shape } from './net.js';

type Json = Record<string, unknown>;
const I = (init: string): Json => ({ init });
const nulls = (...keys: string[]): Json => Object.fromEntries(keys.map((k) => [k, null]));
const CL = { data_format: 'channels_last' };

export const conv = (filters: number, k: number | [number, number], o: { s?: number; pad?: string; act?: string; bias?: boolean; init?: string; d?: number } = {}): Json => ({
  filters, kernel_size: typeof k === 'number' ? [k, k] : k, strides: [o.s ?? 1, o.s ?? 1], padding: o.pad ?? 'valid', ...CL, dilation_rate: [o.d ?? 1, o.d ?? 1],
  activation: o.act ?? 'linear', use_bias: o.bias ?? true, kernel_initializer: I(o.init ?? 'glorot_uniform'), bias_initializer: I('zeros'),
  ...nulls('kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'),
});
export const depthwise = (k: number, o: { s?: number; pad?: string; bias?: boolean; m?: number } = {}): Json => ({
  kernel_size: [k, k], strides: [o.s ?? 1, o.s ?? 1], padding: o.pad ?? 'same', ...CL, dilation_rate: [1, 1], depth_multiplier: o.m ?? 1, activation: 'linear',
  use_bias: o.bias ?? false, depthwise_initializer: I('glorot_uniform'), bias_initializer: I('zeros'),
  ...nulls('depthwise_regularizer', 'bias_regularizer', 'activity_regularizer', 'depthwise_constraint', 'bias_constraint'),
});
export const separable = (filters: number, k: number): Json => ({
  filters, kernel_size: [k, k], strides: [1, 1], padding: 'same', ...CL, dilation_rate: [1, 1], depth_multiplier: 1, activation: 'linear', use_bias: false,
  depthwise_initializer: I('glorot_uniform'), pointwise_initializer: I('glorot_uniform'), bias_initializer: I('zeros'),
  ...nulls('depthwise_regularizer', 'pointwise_regularizer', 'bias_regularizer', 'activity_regularizer', 'depthwise_constraint', 'pointwise_constraint', 'bias_constraint'),
});
export const convT = (filters: number, k: number, s: number, act = 'linear'): Json => ({ ...conv(filters, k, { s, pad: 'same', act }), output_padding: null });
export const bn = (o: { scale?: boolean; eps?: number; momentum?: number } = {}): Json => ({
  axis: -1, momentum: o.momentum ?? 0.99, epsilon: o.eps ?? 0.001, center: true, scale: o.scale ?? true,
  beta_initializer: I('zeros'), gamma_initializer: I('ones'), moving_mean_initializer: I('zeros'), moving_variance_initializer: I('ones'),
  ...nulls('beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint'),
});
export const dense = (units: number, act = 'linear', bias = true): Json => ({
  units, activation: act, use_bias: bias, kernel_initializer: I('glorot_uniform'), bias_initializer: I('zeros'),
  ...nulls('kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'),
});
export const relu6 = (): Json => ({ max_value: 6, negative_slope: 0, threshold: 0 });
export const act = (a: string): Json => ({ activation: a });
export const pool = (k: number, s = k, pad = 'valid'): Json => ({ pool_size: [k, k], padding: pad, strides: [s, s], ...CL });
export const pad = (p: [[number, number], [number, number]]): Json => ({ padding: p, ...CL });
export const dropout = (rate: number): Json => ({ rate, noise_shape: null, seed: null });

/**
 * tf.keras's MobileNetV2 at width `w` (first conv w, blocks 1–3); `top`: that many classes, none, or
 * 'pool' (Teachable Machine's cut: global pooling after out_relu).
 */
export function mobilenetV2(name: string, shape: Shape, w: number, top: number | null | 'pool', inputName = 'input_1'): Net {
  return functional(name, inputName, shape, (n, x) => {
    let h = n.add('Conv2D', 'Conv1', conv(w, 3, { s: 2, pad: 'same', bias: false }), x);
    h = n.add('BatchNormalization', 'bn_Conv1', bn({ momentum: 0.999 }), h);
    h = n.add('ReLU', 'Conv1_relu', relu6(), h);
    h = n.add('DepthwiseConv2D', 'expanded_conv_depthwise', depthwise(3), h);
    h = n.add('BatchNormalization', 'expanded_conv_depthwise_BN', bn({ momentum: 0.999 }), h);
    h = n.add('ReLU', 'expanded_conv_depthwise_relu', relu6(), h);
    h = n.add('Conv2D', 'expanded_conv_project', conv(w, 1, { pad: 'same', bias: false }), h);
    h = n.add('BatchNormalization', 'expanded_conv_project_BN', bn({ momentum: 0.999 }), h);
    const block = (id: number, x0: Ref, out: number, stride: number): Ref => {
      const p = `block_${id}_`;
      let b = n.add('Conv2D', `${p}expand`, conv(x0.shape[2] * 2, 1, { pad: 'same', bias: false }), x0);
      b = n.add('BatchNormalization', `${p}expand_BN`, bn({ momentum: 0.999 }), b);
      b = n.add('ReLU', `${p}expand_relu`, relu6(), b);
      if (stride === 2) b = n.add('ZeroPadding2D', `${p}pad`, pad([[0, 1], [0, 1]]), b);
      b = n.add('DepthwiseConv2D', `${p}depthwise`, depthwise(3, { s: stride, pad: stride === 2 ? 'valid' : 'same' }), b);
      b = n.add('BatchNormalization', `${p}depthwise_BN`, bn({ momentum: 0.999 }), b);
      b = n.add('ReLU', `${p}depthwise_relu`, relu6(), b);
      b = n.add('Conv2D', `${p}project`, conv(out, 1, { pad: 'same', bias: false }), b);
      b = n.add('BatchNormalization', `${p}project_BN`, bn({ momentum: 0.999 }), b);
      return stride === 1 && out === x0.shape[2] ? n.add('Add', `${p}add`, {}, [x0, b]) : b;
    };
    h = block(1, h, w + 2, 2);
    h = block(2, h, w + 2, 1);
    h = block(3, h, w + 4, 2);
    h = n.add('Conv2D', 'Conv_1', conv(4 * w, 1, { bias: false }), h);
    h = n.add('BatchNormalization', 'Conv_1_bn', bn({ momentum: 0.999 }), h);
    h = n.add('ReLU', 'out_relu', relu6(), h);
    if (top === null) return h;
    if (top === 'pool') return n.add('GlobalAveragePooling2D', 'global_average_pooling2d_1', { ...CL }, h);
    h = n.add('GlobalAveragePooling2D', 'global_average_pooling2d', { ...CL }, h);
    return n.add('Dense', 'predictions', dense(top, 'softmax'), h);
  });
}

/** Teachable Machine's first base: MobileNet V1 cut at conv_pw_2_relu, then global pooling. */
export function mobilenetV1Truncated(name: string, shape: Shape, w: number): Net {
  return functional(name, 'input_1', shape, (n, x) => {
    let h = n.add('ZeroPadding2D', 'conv1_pad', pad([[0, 1], [0, 1]]), x);
    h = n.add('Conv2D', 'conv1', conv(w, 3, { s: 2, bias: false }), h);
    h = n.add('BatchNormalization', 'conv1_bn', bn(), h);
    h = n.add('ReLU', 'conv1_relu', relu6(), h);
    for (const [i, s] of [[1, 1], [2, 2]]) {
      if (s === 2) h = n.add('ZeroPadding2D', `conv_pad_${i}`, pad([[0, 1], [0, 1]]), h);
      h = n.add('DepthwiseConv2D', `conv_dw_${i}`, depthwise(3, { s, pad: s === 2 ? 'valid' : 'same' }), h);
      h = n.add('BatchNormalization', `conv_dw_${i}_bn`, bn(), h);
      h = n.add('ReLU', `conv_dw_${i}_relu`, relu6(), h);
      h = n.add('Conv2D', `conv_pw_${i}`, conv(w * 2 * i, 1, { pad: 'same', bias: false }), h);
      h = n.add('BatchNormalization', `conv_pw_${i}_bn`, bn(), h);
      h = n.add('ReLU', `conv_pw_${i}_relu`, relu6(), h);
    }
    return n.add('GlobalAveragePooling2D', 'global_average_pooling2d_1', { ...CL }, h);
  });
}

/** A Teachable Machine image export: Sequential [truncated MobileNet, Sequential head]. */
export function teachableImage(base: Net, classes: number, hidden = 10): Net {
  const features = base.outputs[0].shape;
  const head = sequential('sequential_2', 'dense_Dense1_input', features, (n, x) => {
    const h = n.add('Dense', 'dense_Dense1', dense(hidden, 'relu'), x);
    return n.add('Dense', 'dense_Dense2', dense(classes, 'softmax', false), h);
  });
  return sequential('sequential_3', 'model_input', base.inputs[0].shape, (n, x) => n.nest(head, n.nest(base, x)));
}

/** InceptionV3's stem and first mixed block: Conv2D (no bias) + BatchNormalization (scale off) + relu. */
export function inceptionV3(shape: Shape, w: number, classes: number): Net {
  let k = 0;
  return functional('inception_v3', 'input_1', shape, (n, x) => {
    const cbr = (h: Ref, f: number, size: number | [number, number], s = 1, p = 'same'): Ref => {
      const sfx = k === 0 ? '' : `_${k}`;
      k++;
      const c = n.add('Conv2D', `conv2d${sfx}`, conv(f, size, { s, pad: p, bias: false }), h);
      const b = n.add('BatchNormalization', `batch_normalization${sfx}`, bn({ scale: false }), c);
      return n.add('Activation', `activation${sfx}`, act('relu'), b);
    };
    let h = cbr(x, w, 3, 2, 'valid');
    h = cbr(h, w, 3, 1, 'valid');
    h = cbr(h, 2 * w, 3);
    h = n.add('MaxPooling2D', 'max_pooling2d', pool(3, 2), h);
    const b1 = cbr(h, w, 1);
    const b5 = cbr(cbr(h, w, 1), w, 5);
    const b3 = cbr(cbr(cbr(h, w, 1), w, 3), w, 3);
    const bp = cbr(n.add('AveragePooling2D', 'average_pooling2d', pool(3, 1, 'same'), h), w, 1);
    h = n.add('Concatenate', 'mixed0', { axis: 3 }, [b1, b5, b3, bp]);
    const a = cbr(h, w, [1, 3]);
    const b = cbr(h, w, [3, 1]);
    h = n.add('Concatenate', 'mixed1', { axis: -1 }, [a, b]);
    h = n.add('GlobalAveragePooling2D', 'avg_pool', { ...CL }, h);
    return n.add('Dense', 'predictions', dense(classes, 'softmax'), h);
  });
}

/** ResNet50V2's stem and two pre-activation bottleneck blocks (a conv shortcut, then a strided one with a max-pool shortcut). */
export function resnet50V2(name: string, shape: Shape, w: number, top: number | null): Net {
  return functional(name, 'input_1', shape, (n, x) => {
    let h = n.add('ZeroPadding2D', 'conv1_pad', pad([[3, 3], [3, 3]]), x);
    h = n.add('Conv2D', 'conv1_conv', conv(w, 7, { s: 2 }), h);
    h = n.add('ZeroPadding2D', 'pool1_pad', pad([[1, 1], [1, 1]]), h);
    h = n.add('MaxPooling2D', 'pool1_pool', pool(3, 2), h);
    const block = (p: string, x0: Ref, f: number, s: number, convShortcut: boolean): Ref => {
      let pre = n.add('BatchNormalization', `${p}_preact_bn`, bn({ eps: 1.001e-5 }), x0);
      pre = n.add('Activation', `${p}_preact_relu`, act('relu'), pre);
      const short = convShortcut ? n.add('Conv2D', `${p}_0_conv`, conv(4 * f, 1, { s }), pre) : s > 1 ? n.add('MaxPooling2D', `${p}_0_pool`, pool(1, s), x0) : x0;
      let b = n.add('Conv2D', `${p}_1_conv`, conv(f, 1, { bias: false }), pre);
      b = n.add('BatchNormalization', `${p}_1_bn`, bn({ eps: 1.001e-5 }), b);
      b = n.add('Activation', `${p}_1_relu`, act('relu'), b);
      b = n.add('ZeroPadding2D', `${p}_2_pad`, pad([[1, 1], [1, 1]]), b);
      b = n.add('Conv2D', `${p}_2_conv`, conv(f, 3, { s, bias: false }), b);
      b = n.add('BatchNormalization', `${p}_2_bn`, bn({ eps: 1.001e-5 }), b);
      b = n.add('Activation', `${p}_2_relu`, act('relu'), b);
      b = n.add('Conv2D', `${p}_3_conv`, conv(4 * f, 1), b);
      return n.add('Add', `${p}_out`, {}, [short, b]);
    };
    h = block('conv2_block1', h, w, 1, true);
    h = block('conv2_block2', h, w, 2, false);
    h = n.add('BatchNormalization', 'post_bn', bn({ eps: 1.001e-5 }), h);
    h = n.add('Activation', 'post_relu', act('relu'), h);
    h = n.add('GlobalAveragePooling2D', 'avg_pool', { ...CL }, h);
    return top === null ? h : n.add('Dense', 'predictions', dense(top, 'softmax'), h);
  });
}

/** Xception's entry flow: two convs, then SeparableConv2D blocks with strided 1×1 conv shortcuts and Add. */
export function xception(shape: Shape, w: number, classes: number): Net {
  return functional('xception', 'input_1', shape, (n, x) => {
    let h = n.add('Conv2D', 'block1_conv1', conv(w, 3, { s: 2, bias: false }), x);
    h = n.add('BatchNormalization', 'block1_conv1_bn', bn(), h);
    h = n.add('Activation', 'block1_conv1_act', act('relu'), h);
    h = n.add('Conv2D', 'block1_conv2', conv(2 * w, 3, { bias: false }), h);
    h = n.add('BatchNormalization', 'block1_conv2_bn', bn(), h);
    h = n.add('Activation', 'block1_conv2_act', act('relu'), h);
    const sfx = ['', '_1'];
    [2, 3].forEach((b, i) => {
      const f = 2 * w * (i + 2);
      let r = n.add('Conv2D', `conv2d${sfx[i]}`, conv(f, 1, { s: 2, pad: 'same', bias: false }), h);
      r = n.add('BatchNormalization', `batch_normalization${sfx[i]}`, bn(), r);
      let y = b === 2 ? h : n.add('Activation', `block${b}_sepconv1_act`, act('relu'), h);
      y = n.add('SeparableConv2D', `block${b}_sepconv1`, separable(f, 3), y);
      y = n.add('BatchNormalization', `block${b}_sepconv1_bn`, bn(), y);
      y = n.add('Activation', `block${b}_sepconv2_act`, act('relu'), y);
      y = n.add('SeparableConv2D', `block${b}_sepconv2`, separable(f, 3), y);
      y = n.add('BatchNormalization', `block${b}_sepconv2_bn`, bn(), y);
      y = n.add('MaxPooling2D', `block${b}_pool`, pool(3, 2, 'same'), y);
      h = n.add('Add', `add${sfx[i]}`, {}, [y, r]);
    });
    h = n.add('GlobalAveragePooling2D', 'avg_pool', { ...CL }, h);
    return n.add('Dense', 'predictions', dense(classes, 'softmax'), h);
  });
}

/** A two-level U-Net (optionally a dilated bottleneck): conv pairs, max-pool down, Conv2DTranspose or UpSampling2D up, Concatenate skips, sigmoid mask. */
export function unet(shape: Shape, w: number, up: 'transpose' | 'upsampling', dilated = false): Net {
  let k = 0;
  return functional('unet', 'input_1', shape, (n, x) => {
    const c = (h: Ref, f: number, a = 'relu', size = 3, d = 1): Ref => n.add('Conv2D', `conv2d${k === 0 ? '' : `_${k}`}`, conv(f, size, { pad: 'same', act: a, init: 'he_normal', d }), (k++, h));
    const c1 = c(c(x, w), w);
    const c2 = c(c(n.add('MaxPooling2D', 'max_pooling2d', pool(2), c1), 2 * w), 2 * w);
    // The bottleneck of a dilated U-Net (as in DeepLab-style segmenters) widens its view with dilation 2.
    const mid = c(n.add('MaxPooling2D', 'max_pooling2d_1', pool(2), c2), 4 * w, 'relu', 3, dilated ? 2 : 1);
    const lift = (h: Ref, f: number, i: number): Ref =>
      up === 'transpose' ? n.add('Conv2DTranspose', `conv2d_transpose${i === 0 ? '' : `_${i}`}`, convT(f, 2, 2), h) : c(n.add('UpSampling2D', `up_sampling2d${i === 0 ? '' : `_${i}`}`, { size: [2, 2], ...CL, interpolation: 'nearest' }, h), f, 'relu', 2);
    const u2 = c(n.add('Concatenate', 'concatenate', { axis: 3 }, [lift(mid, 2 * w, 0), c2]), 2 * w);
    const u1 = c(n.add('Concatenate', 'concatenate_1', { axis: 3 }, [lift(u2, w, 1), c1]), w);
    return c(u1, 1, 'sigmoid', 1);
  });
}

/** The Keras MNIST convnet (Sequential). */
export function mnistConvnet(shape: Shape, w: number, first = 'conv2d'): Net {
  const s = first.endsWith('_1') ? '_1' : '';
  const t = first.endsWith('_1') ? '_2' : '_1';
  return sequential('sequential', `${first}_input`, shape, (n, x) => {
    let h = n.add('Conv2D', first, conv(w, 3, { act: 'relu' }), x);
    h = n.add('MaxPooling2D', `max_pooling2d${s}`, pool(2), h);
    h = n.add('Conv2D', `conv2d${t}`, conv(2 * w, 3, { act: 'relu' }), h);
    h = n.add('MaxPooling2D', `max_pooling2d${t}`, pool(2), h);
    h = n.add('Flatten', `flatten${s}`, { ...CL }, h);
    h = n.add('Dropout', `dropout${s}`, dropout(0.5), h);
    return n.add('Dense', `dense${s}`, dense(10, 'softmax'), h);
  });
}
