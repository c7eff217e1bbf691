/**
 * More of the networks public model files hold, at small widths and named as their Keras sources
 * name them: VGG16, DenseNet121 (dense blocks joined by Concatenate, transitions by average pooling),
 * an EfficientNet-style MBConv with squeeze-and-excitation (swish, Reshape, Multiply), and a tiny
 * YOLO-style detector backbone (LeakyReLU 0.1, a stride-1 'same' max pool, UpSampling2D and
 * Concatenate).
 */
import { Net, functional, sequential, type Ref, type Shape } from './net.js';
import { act, bn, conv, dense, depthwise, dropout, pool } from './architectures.js';

const CL = { data_format: 'channels_last' };

/** VGG16's first two blocks and its classifier (Sequential, as most VGG-style files are). */
export function vgg16(shape: Shape, w: number, classes: number): Net {
  return sequential('vgg16', 'block1_conv1_input', shape, (n, x) => {
    let h = n.add('Conv2D', 'block1_conv1', conv(w, 3, { pad: 'same', act: 'relu' }), x);
    h = n.add('Conv2D', 'block1_conv2', conv(w, 3, { pad: 'same', act: 'relu' }), h);
    h = n.add('MaxPooling2D', 'block1_pool', pool(2), h);
    h = n.add('Conv2D', 'block2_conv1', conv(2 * w, 3, { pad: 'same', act: 'relu' }), h);
    h = n.add('MaxPooling2D', 'block2_pool', pool(2), h);
    h = n.add('Flatten', 'flatten', { ...CL }, h);
    h = n.add('Dense', 'fc1', dense(16, 'relu'), h);
    return n.add('Dense', 'predictions', dense(classes, 'softmax'), h);
  });
}

/** DenseNet121's stem, one dense block of two conv blocks, a transition, and its head. */
export function densenet121(shape: Shape, growth: number, classes: number): Net {
  return functional('densenet121', 'input_1', shape, (n, x) => {
    let h = n.add('ZeroPadding2D', 'zero_padding2d', { padding: [[3, 3], [3, 3]], ...CL }, x);
    h = n.add('Conv2D', 'conv1/conv', conv(2 * growth, 7, { s: 2, bias: false }), h);
    h = n.add('BatchNormalization', 'conv1/bn', bn({ eps: 1.001e-5 }), h);
    h = n.add('Activation', 'conv1/relu', act('relu'), h);
    h = n.add('ZeroPadding2D', 'zero_padding2d_1', { padding: [[1, 1], [1, 1]], ...CL }, h);
    h = n.add('MaxPooling2D', 'pool1', pool(3, 2), h);
    const convBlock = (x0: Ref, name: string): Ref => {
      let b = n.add('BatchNormalization', `${name}_0_bn`, bn({ eps: 1.001e-5 }), x0);
      b = n.add('Activation', `${name}_0_relu`, act('relu'), b);
      b = n.add('Conv2D', `${name}_1_conv`, conv(4 * growth, 1, { bias: false }), b);
      b = n.add('BatchNormalization', `${name}_1_bn`, bn({ eps: 1.001e-5 }), b);
      b = n.add('Activation', `${name}_1_relu`, act('relu'), b);
      b = n.add('Conv2D', `${name}_2_conv`, conv(growth, 3, { pad: 'same', bias: false }), b);
      return n.add('Concatenate', `${name}_concat`, { axis: 3 }, [x0, b]);
    };
    h = convBlock(convBlock(h, 'conv2_block1'), 'conv2_block2');
    h = n.add('BatchNormalization', 'pool2_bn', bn({ eps: 1.001e-5 }), h);
    h = n.add('Activation', 'pool2_relu', act('relu'), h);
    h = n.add('Conv2D', 'pool2_conv', conv(2 * growth, 1, { bias: false }), h);
    h = n.add('AveragePooling2D', 'pool2_pool', pool(2, 2), h);
    h = n.add('BatchNormalization', 'bn', bn({ eps: 1.001e-5 }), h);
    h = n.add('Activation', 'relu', act('relu'), h);
    h = n.add('GlobalAveragePooling2D', 'avg_pool', { ...CL }, h);
    return n.add('Dense', 'predictions', dense(classes, 'softmax'), h);
  });
}

/** An EfficientNet-style stem and MBConv block: swish, depthwise conv, squeeze-and-excitation, Add. */
export function efficientnetBlock(shape: Shape, w: number, classes: number): Net {
  return functional('efficientnet', 'input_1', shape, (n, x) => {
    let h = n.add('Conv2D', 'stem_conv', conv(w, 3, { s: 2, pad: 'same', bias: false }), x);
    h = n.add('BatchNormalization', 'stem_bn', bn(), h);
    h = n.add('Activation', 'stem_activation', act('swish'), h);
    const x0 = h;
    h = n.add('Conv2D', 'block1a_expand_conv', conv(4 * w, 1, { pad: 'same', bias: false }), h);
    h = n.add('BatchNormalization', 'block1a_expand_bn', bn(), h);
    h = n.add('Activation', 'block1a_expand_activation', act('swish'), h);
    h = n.add('DepthwiseConv2D', 'block1a_dwconv', depthwise(3), h);
    h = n.add('BatchNormalization', 'block1a_bn', bn(), h);
    h = n.add('Activation', 'block1a_activation', act('swish'), h);
    let se = n.add('GlobalAveragePooling2D', 'block1a_se_squeeze', { ...CL }, h);
    se = n.add('Reshape', 'block1a_se_reshape', { target_shape: [1, 1, 4 * w] }, se);
    se = n.add('Conv2D', 'block1a_se_reduce', conv(2, 1, { pad: 'same', act: 'swish' }), se);
    se = n.add('Conv2D', 'block1a_se_expand', conv(4 * w, 1, { pad: 'same', act: 'sigmoid' }), se);
    h = n.add('Multiply', 'block1a_se_excite', {}, [h, se]);
    h = n.add('Conv2D', 'block1a_project_conv', conv(w, 1, { pad: 'same', bias: false }), h);
    h = n.add('BatchNormalization', 'block1a_project_bn', bn(), h);
    h = n.add('Dropout', 'block1a_drop', { ...dropout(0.2), noise_shape: null }, h);
    h = n.add('Add', 'block1a_add', {}, [h, x0]);
    h = n.add('GlobalMaxPooling2D', 'max_pool', { ...CL }, h);
    return n.add('Dense', 'predictions', dense(classes, 'softmax'), h);
  });
}

/** A tiny YOLO-style backbone: Conv (no bias) + BN + LeakyReLU(0.1), pools, an upsampled route joined by Concatenate. */
export function yoloTiny(shape: Shape, w: number, anchors: number): Net {
  let k = 0;
  return functional('model', 'input_1', shape, (n, x) => {
    const dbl = (h: Ref, f: number, size: number): Ref => {
      const s = k === 0 ? '' : `_${k}`;
      k++;
      const c = n.add('Conv2D', `conv2d${s}`, conv(f, size, { pad: 'same', bias: false }), h);
      const b = n.add('BatchNormalization', `batch_normalization${s}`, bn(), c);
      return n.add('LeakyReLU', `leaky_re_lu${s}`, { alpha: 0.1 }, b);
    };
    let h = dbl(x, w, 3);
    h = n.add('MaxPooling2D', 'max_pooling2d', pool(2, 2, 'same'), h);
    const route = dbl(h, 2 * w, 3);
    h = n.add('MaxPooling2D', 'max_pooling2d_1', pool(2, 1, 'same'), route);
    h = dbl(h, 2 * w, 1);
    h = n.add('UpSampling2D', 'up_sampling2d', { size: [1, 1], ...CL, interpolation: 'nearest' }, h);
    h = n.add('Concatenate', 'concatenate', { axis: -1 }, [h, route]);
    h = dbl(h, 2 * w, 3);
    return n.add('Conv2D', 'conv2d_out', conv(anchors * 6, 1, { pad: 'same' }), h);
  });
}
