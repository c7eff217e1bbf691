// tfjs-cpu as a peer of the models family (bench/models.ts): the same Keras models built with
// tf.layers (the zoo's resnet and mobilenet as functional models), trained with trainOnBatch (Adam 1e-3, β 0.9/0.999, ε 1e-7, categorical cross-entropy)
// and run with predict, on the same batches. The op-level loop is tatami's own API: no tfjs row.

import type * as TF from '@tensorflow/tfjs';
import { useBackend } from './peers/tfjs.js';
import type { Batches, ModelName, ModelOp, Step } from './models.js';

type SequentialName = Exclude<ModelName, 'ownloop' | 'resnet' | 'mobilenet'>;

function layers(tf: typeof TF, name: SequentialName): TF.layers.Layer[] {
  if (name === 'classic3' || name === 'classic4') {
    const k = name === 'classic3' ? 3 : 4;
    return [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 128, kernelSize: k, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 10, activation: 'softmax' }),
    ];
  }
  const bn = name === 'convnet_bn';
  const block = (filters: number, first: boolean): TF.layers.Layer[] => [
    tf.layers.conv2d({ ...(first ? { inputShape: [28, 28, 1] } : {}), filters, kernelSize: 3, activation: 'relu' }),
    ...(bn ? [tf.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3 })] : []),
    tf.layers.maxPooling2d({ poolSize: 2 }),
  ];
  return [...block(32, true), ...block(64, false), tf.layers.flatten(), tf.layers.dropout({ rate: 0.5 }), tf.layers.dense({ units: 10, activation: 'softmax' })];
}

/** The zoo's resnet (src/models/resnet.ts) with tf.layers: Conv-BN stem, an identity and a projection block. */
function resnet(tf: typeof TF): TF.LayersModel {
  const convBn = (x: TF.SymbolicTensor, filters: number, kernelSize: number, strides = 1): TF.SymbolicTensor =>
    tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3 }).apply(tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same' }).apply(x)) as TF.SymbolicTensor;
  const relu = (x: TF.SymbolicTensor): TF.SymbolicTensor => tf.layers.activation({ activation: 'relu' }).apply(x) as TF.SymbolicTensor;
  const block = (x: TF.SymbolicTensor, filters: number, strides: number): TF.SymbolicTensor => {
    const h = convBn(relu(convBn(x, filters, 3, strides)), filters, 3);
    const skip = strides === 1 && x.shape[3] === filters ? x : convBn(x, filters, 1, strides);
    return relu(tf.layers.add().apply([h, skip]) as TF.SymbolicTensor);
  };
  const inputs = tf.input({ shape: [28, 28, 1] });
  const x = block(block(relu(convBn(inputs, 8, 3)), 8, 1), 16, 2);
  const outputs = tf.layers.dense({ units: 10, activation: 'softmax' }).apply(tf.layers.globalAveragePooling2d({}).apply(x)) as TF.SymbolicTensor;
  return tf.model({ inputs, outputs });
}

/** The zoo's mobilenet (src/models/mobilenet.ts) with tf.layers: padded strided stem, two depthwise-separable blocks. */
function mobilenet(tf: typeof TF): TF.LayersModel {
  const bnRelu6 = (x: TF.SymbolicTensor): TF.SymbolicTensor =>
    tf.layers.reLU({ maxValue: 6 }).apply(tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3 }).apply(x)) as TF.SymbolicTensor;
  const pad = (x: TF.SymbolicTensor): TF.SymbolicTensor => tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]] }).apply(x) as TF.SymbolicTensor;
  const block = (x: TF.SymbolicTensor, filters: number, strides: number): TF.SymbolicTensor => {
    const padding = strides === 1 ? 'same' : 'valid';
    const h = bnRelu6(tf.layers.depthwiseConv2d({ kernelSize: 3, strides, padding, useBias: false }).apply(strides === 1 ? x : pad(x)) as TF.SymbolicTensor);
    return bnRelu6(tf.layers.conv2d({ filters, kernelSize: 1, useBias: false }).apply(h) as TF.SymbolicTensor);
  };
  const inputs = tf.input({ shape: [28, 28, 1] });
  let x = bnRelu6(tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'valid', useBias: false }).apply(pad(inputs)) as TF.SymbolicTensor);
  x = block(block(x, 32, 1), 64, 2);
  const outputs = tf.layers.dense({ units: 10, activation: 'softmax' }).apply(tf.layers.globalAveragePooling2d({}).apply(x)) as TF.SymbolicTensor;
  return tf.model({ inputs, outputs });
}

/** tfjs-cpu's step for a model × operation, or why it has none. */
export async function tfModelSteps(name: ModelName, op: ModelOp, data: Batches): Promise<{ step: Step; dispose: () => void } | { missing: string }> {
  if (name === 'ownloop') return { missing: 'tatami\'s op API; compare the classic CNN 3×3 row' };
  const tf = await useBackend('cpu');
  const model = name === 'resnet' ? resnet(tf) : name === 'mobilenet' ? mobilenet(tf) : tf.sequential({ layers: layers(tf, name) });
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'categoricalCrossentropy' });
  const xs = data.images.map((x) => tf.tensor(x, [data.batch, 28, 28, 1]));
  const ys = data.oneHot.map((y) => tf.tensor(y, [data.batch, 10]));
  let i = 0;
  const step: Step = op === 'train'
    ? async () => {
      const k = i++ % xs.length;
      const loss = await model.trainOnBatch(xs[k], ys[k]);
      return Array.isArray(loss) ? loss[0] : loss;
    }
    : () => {
      const p = model.predict(xs[i++ % xs.length]) as TF.Tensor;
      const v = p.dataSync()[0];
      p.dispose();
      return v;
    };
  return { step, dispose: () => { model.dispose(); for (const t of [...xs, ...ys]) t.dispose(); } };
}
