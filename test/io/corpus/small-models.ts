/**
 * The corpus's smaller models: Teachable Machine's audio and pose exports, the transfer-learning
 * recipe (a base called with training=False inside a model), the image-classification tutorial with
 * a nested augmentation Sequential, a shared layer, text models, and the families tatami refuses by
 * design (LSTM, Lambda, TensorFlow op layers).
 */
import { Net, functional, sequential, type Shape } from './net.js';
import { conv, dense, dropout, pool } from './architectures.js';

const CL = { data_format: 'channels_last' };

/** Teachable Machine's audio export: the speech-commands convnet on a spectrogram, with a new head. */
export function teachableAudio(shape: Shape): Net {
  return sequential('sequential_1', 'conv2d_1_input', shape, (n, x) => {
    let h = n.add('Conv2D', 'conv2d_1', conv(4, [2, 4], { act: 'relu' }), x);
    h = n.add('MaxPooling2D', 'max_pooling2d_1', { ...pool(2, 2), pool_size: [2, 2] }, h);
    h = n.add('Conv2D', 'conv2d_2', conv(6, [2, 2], { act: 'relu' }), h);
    h = n.add('MaxPooling2D', 'max_pooling2d_2', { ...pool(2, 2), strides: [1, 2] }, h);
    h = n.add('Flatten', 'flatten_1', { ...CL }, h);
    h = n.add('Dropout', 'dropout_1', dropout(0.25), h);
    h = n.add('Dense', 'dense_1', dense(12, 'relu'), h);
    h = n.add('Dropout', 'dropout_2', dropout(0.5), h);
    return n.add('Dense', 'dense_3', dense(3, 'softmax'), h);
  });
}

/**
 * A tabular classifier whose Dense carries a MaxNorm kernel constraint (a regularization of training).
 * Trained weights satisfy it; max_value 3 keeps the corpus's random ones inside it too, since tfjs
 * projects weights onto the constraint when it loads them and Keras (and tatami) do not.
 */
export function tabularMaxNorm(features: number): Net {
  return sequential('sequential', 'dense_input', [features], (n, x) => {
    let h = n.add('Dense', 'dense', { ...dense(16, 'relu'), kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 3, axis: 0 } } }, x);
    h = n.add('Dropout', 'dropout', dropout(0.3), h);
    return n.add('Dense', 'dense_1', dense(1, 'sigmoid'), h);
  });
}

/** Teachable Machine's pose export: a dense classifier on the pose keypoints. */
export function teachablePose(features: number): Net {
  return sequential('sequential_1', 'dense_Dense1_input', [features], (n, x) => {
    let h = n.add('Dense', 'dense_Dense1', dense(10, 'relu'), x);
    h = n.add('Dropout', 'dropout_Dropout1', dropout(0.5), h);
    return n.add('Dense', 'dense_Dense2', dense(4, 'softmax'), h);
  });
}

/**
 * The transfer-learning recipe: inputs → Rescaling(1/127.5, −1) → base(x, training=False) → global
 * pooling → Dropout → Dense; the base frozen.
 */
export function transfer(base: Net, units: number, pooled: boolean): Net {
  return functional('model', 'input_2', base.inputs[0].shape, (n, x) => {
    let h = n.add('Rescaling', 'rescaling', { scale: 1 / 127.5, offset: -1 }, x);
    h = n.nest(base, h, { training: false });
    n.layers[n.layers.length - 1].config.trainable = false;
    if (!pooled) h = n.add('GlobalAveragePooling2D', 'global_average_pooling2d', { ...CL }, h);
    h = n.add('Dropout', 'dropout', dropout(0.2), h);
    return n.add('Dense', 'dense', dense(units), h);
  });
}

/** The image-classification tutorial: a nested augmentation Sequential, Rescaling, a small convnet. */
export function augmentedClassifier(shape: Shape, w: number): Net {
  const augment = sequential('sequential', 'random_flip_input', shape, (n, x) => {
    let h = n.add('RandomFlip', 'random_flip', { mode: 'horizontal', seed: null }, x);
    h = n.add('RandomRotation', 'random_rotation', { factor: 0.1, fill_mode: 'reflect', fill_value: 0, interpolation: 'bilinear', seed: null }, h);
    return n.add('RandomZoom', 'random_zoom', { height_factor: 0.1, width_factor: null, fill_mode: 'reflect', fill_value: 0, interpolation: 'bilinear', seed: null }, h);
  });
  return sequential('sequential_1', 'sequential_input', shape, (n, x) => {
    let h = n.nest(augment, x);
    h = n.add('Rescaling', 'rescaling', { scale: 1 / 255, offset: 0 }, h);
    h = n.add('Conv2D', 'conv2d', conv(w, 3, { pad: 'same', act: 'relu' }), h);
    h = n.add('MaxPooling2D', 'max_pooling2d', pool(2), h);
    h = n.add('Dropout', 'dropout', dropout(0.2), h);
    h = n.add('Flatten', 'flatten', { ...CL }, h);
    h = n.add('Dense', 'dense', dense(8, 'relu'), h);
    return n.add('Dense', 'outputs', dense(3), h);
  });
}

/** One Conv2D applied to two branches (shared weights: its second call is node 1). */
export function sharedConv(shape: Shape): Net {
  return functional('model', 'input_1', shape, (n, x) => {
    const a = n.add('Conv2D', 'conv2d', conv(4, 3, { pad: 'same', act: 'relu' }), x);
    const b = n.add('Conv2D', 'conv2d_1', conv(4, 1, { act: 'tanh' }), x);
    const sa = n.add('Conv2D', 'shared', conv(4, 3, { pad: 'same' }), a);
    const sb = n.add('Conv2D', 'shared', conv(4, 3, { pad: 'same' }), b);
    const m = n.add('Add', 'add', {}, [sa, sb]);
    const g = n.add('GlobalAveragePooling2D', 'global_average_pooling2d', { ...CL }, m);
    return n.add('Dense', 'dense', dense(2, 'softmax'), g);
  });
}

const embedding = (vocab: number, dim: number, length: number): Record<string, unknown> => ({
  input_dim: vocab, output_dim: dim, embeddings_initializer: { init: 'random_uniform' }, embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null, mask_zero: false, input_length: length,
});

/** Text: Embedding → Flatten → Dense (the IMDB tutorial's first model), or Embedding → Conv1D → Flatten. */
export function textModel(vocab: number, length: number, conv1d: boolean): Net {
  return sequential('sequential_1', 'embedding_1_input', [length], (n, x) => {
    let h = n.add('Embedding', 'embedding_1', embedding(vocab, 6, length), x);
    if (conv1d) {
      const c = conv(5, 1, { act: 'relu' });
      h = n.add('Conv1D', 'conv1d_1', { ...c, kernel_size: [3], strides: [1], dilation_rate: [1] }, h);
    }
    h = n.add('Flatten', 'flatten_1', { ...CL }, h);
    h = n.add('Dense', 'dense_1', dense(8, 'relu'), h);
    return n.add('Dense', 'dense_2', dense(1, 'sigmoid'), h);
  });
}

/** Out of scope: a recurrent text classifier. */
export function lstmModel(vocab: number, length: number): Net {
  return sequential('sequential_1', 'embedding_1_input', [length], (n, x) => {
    let h = n.add('Embedding', 'embedding_1', embedding(vocab, 6, length), x);
    h = n.add('LSTM', 'lstm_1', {
      units: 5, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, kernel_initializer: { init: 'glorot_uniform' }, recurrent_initializer: { init: 'glorot_uniform' },
      bias_initializer: { init: 'zeros' }, unit_forget_bias: true, return_sequences: false, return_state: false, go_backwards: false, stateful: false, unroll: false, dropout: 0, recurrent_dropout: 0, implementation: 2,
    }, h);
    return n.add('Dense', 'dense_1', dense(1, 'sigmoid'), h);
  });
}

/** Out of scope: a Lambda (Python bytecode) in a functional model. */
export function lambdaModel(shape: Shape): Net {
  return functional('model_1', 'input_1', shape, (n, x) => {
    let h = n.add('Conv2D', 'conv2d_1', conv(4, 3, { act: 'relu' }), x);
    h = n.add('Lambda', 'lambda_1', { function: ['4wEAAAAAAAAAAQAAAAIAAABDAAAAcwgAAAB8AGQBGwBTACkCTukCAAAAqQApAdoBeHIBAAAAcgEAAAD6AXjaCDxsYW1iZGE+', null, null], function_type: 'lambda', module: '__main__', output_shape: null, output_shape_type: 'raw', output_shape_module: null, arguments: {} }, h);
    h = n.add('GlobalAveragePooling2D', 'global_average_pooling2d_1', { ...CL }, h);
    return n.add('Dense', 'dense_1', dense(2, 'softmax'), h);
  });
}

/**
 * Out of scope: raw TensorFlow ops recorded as layers, as tf.keras 2.2–2.3 wrote `x / 127.5 - 1`
 * (TensorFlowOpLayer) and tf.keras ≥ 2.4 wrote `preprocess_input` (TFOpLambda).
 */
export function tfOpModel(shape: Shape, modern: boolean): Net {
  return functional(modern ? 'model' : 'model_1', 'input_1', shape, (n, x) => {
    let h = modern
      ? n.add('TFOpLambda', 'tf.math.truediv', { function: 'math.truediv' }, x, { y: 127.5, name: null })
      : n.add('TensorFlowOpLayer', 'tf_op_layer_truediv', { node_def: { name: 'truediv', op: 'RealDiv', input: ['input_1', 'truediv/y'], attr: { T: { type: 'DT_FLOAT' } } }, constants: { 1: 127.5 } }, x);
    h = n.add('Conv2D', 'conv2d', conv(4, 3, { act: 'relu' }), h);
    h = n.add('GlobalAveragePooling2D', 'global_average_pooling2d', { ...CL }, h);
    return n.add('Dense', 'dense', dense(2, 'softmax'), h);
  });
}
