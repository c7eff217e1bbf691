// tfjs-cpu as a peer of the models family (bench/models.ts): the same Keras models built with
// tf.layers, trained with trainOnBatch (Adam 1e-3, β 0.9/0.999, ε 1e-7, categorical cross-entropy)
// and run with predict, on the same batches. The op-level loop is tatami's own API: no tfjs row.

import type * as TF from '@tensorflow/tfjs';
import { useBackend } from './peers/tfjs.js';
import type { Batches, ModelName, ModelOp, Step } from './models.js';

function layers(tf: typeof TF, name: Exclude<ModelName, 'ownloop'>): TF.layers.Layer[] {
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

/** tfjs-cpu's step for a model × operation, or why it has none. */
export async function tfModelSteps(name: ModelName, op: ModelOp, data: Batches): Promise<{ step: Step; dispose: () => void } | { missing: string }> {
  if (name === 'ownloop') return { missing: 'tatami\'s op API; compare the classic CNN 3×3 row' };
  const tf = await useBackend('cpu');
  const model = tf.sequential({ layers: layers(tf, name) });
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
