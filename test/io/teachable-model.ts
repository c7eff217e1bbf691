/**
 * A Teachable Machine-shaped model in tfjs 4.22: an outer Sequential with no input shape of its own,
 * holding a truncated MobileNet-like functional base (named as MobileNet's layers are) and then a
 * Sequential head, as Teachable Machine's image exports are built.
 */
import * as tf from '@tensorflow/tfjs';
import { randomInput } from './io-helpers.js';

export const SHAPE = [12, 12, 3];
export const CLASSES = 3;

export function tfTeachable(): tf.Sequential {
  const x = tf.input({ shape: SHAPE, name: 'input_1' });
  let h = tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: 'Conv1_pad' }).apply(x) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, useBias: false, name: 'Conv1' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization({ name: 'bn_Conv1' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.reLU({ maxValue: 6, name: 'Conv1_relu' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, name: 'expanded_conv_depthwise' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization({ name: 'expanded_conv_depthwise_BN' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.reLU({ maxValue: 6, name: 'expanded_conv_depthwise_relu' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d_1' }).apply(h) as tf.SymbolicTensor;
  const base = tf.model({ inputs: x, outputs: h, name: 'model_1' });
  const head = tf.sequential({ name: 'sequential_2', layers: [tf.layers.dense({ units: CLASSES, inputShape: [6], activation: 'softmax', name: 'dense_Dense1' })] });
  return tf.sequential({ name: 'sequential_3', layers: [base, head] });
}

/** The model after two epochs of Adam on 8 random images, so every weight and statistic is real. */
export async function trainedTfTeachable(): Promise<tf.Sequential> {
  const model = tfTeachable();
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const x = randomInput([8, ...SHAPE], 41);
  const y = new Float32Array(8 * CLASSES).map((_, i) => (i % CLASSES === Math.floor(i / CLASSES) % CLASSES ? 1 : 0));
  await model.fit(tf.tensor(x, [8, ...SHAPE]), tf.tensor(y, [8, CLASSES]), { epochs: 2, batchSize: 4, verbose: 0 });
  return model;
}
