/**
 * Keras 3 files as the tensorflowjs converter writes them, which tfjs 4.22 cannot read: the
 * Teachable Machine-shaped model (teachable-model.ts) written by tfjs in the Keras 2 form, then
 * rewritten here into the Keras 3 form, the inverse of the scripts people publish to get Keras 3
 * files into tfjs: `module` / `registered_name` / `build_config` on every entry, DTypePolicy objects,
 * InputLayers with `batch_shape`, a Functional base and a Sequential head nested in a Sequential,
 * `__keras_tensor__` inbound nodes with `kwargs` (`training: false`, `mask: null`), and weight names
 * prefixed with the models' names. tatami's predictions on it must equal tfjs's on the Keras 2 copy.
 */
import { describe, test, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadModel } from '../../src/index.js';
import { tfjsArtifacts, asModelJson, randomInput, predictionDiff } from './io-helpers.js';
import { SHAPE, trainedTfTeachable } from './teachable-model.js';

type Json = Record<string, unknown>;
type Entry = { class_name: string; config: Json; inbound_nodes?: [string, number, number, unknown][][] };

const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const kerasTensor = (ref: [string, number, number, unknown]): Json => ({ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: [ref[0], ref[1], ref[2]] } });

/** One Keras 2 layer entry in the Keras 3 form; nested models recursively. */
function layerToKeras3(l: Entry, inputShape: (number | null)[]): Json {
  if (l.class_name === 'Model' || l.class_name === 'Sequential') {
    const functional = l.class_name === 'Model';
    return {
      module: functional ? 'keras.src.models.functional' : 'keras', class_name: functional ? 'Functional' : 'Sequential',
      config: modelToKeras3(l), registered_name: functional ? 'Functional' : null, build_config: { input_shape: inputShape },
    };
  }
  const { batch_input_shape: batchInputShape, ...config } = l.config;
  const keras3: Json = { module: 'keras.layers', class_name: l.class_name, config: { ...config, dtype: policy }, registered_name: null };
  if (l.class_name === 'InputLayer') {
    keras3.config = { batch_shape: batchInputShape, dtype: 'float32', sparse: false, name: config.name };
  } else {
    keras3.build_config = { input_shape: inputShape };
  }
  if (l.inbound_nodes !== undefined) {
    keras3.name = config.name;
    // Batch normalization called as in base(x, training=False); the ReLUs with Keras 3's mask: null.
    const kwargs = l.class_name === 'BatchNormalization' ? { training: false } : l.class_name === 'ReLU' ? { mask: null } : {};
    keras3.inbound_nodes = l.inbound_nodes.map((node) => ({ args: node.map(kerasTensor), kwargs }));
  }
  return keras3;
}

/** A Keras 2 model config in the Keras 3 form. */
function modelToKeras3(m: Entry): Json {
  const c = m.config as { name: string; layers: Entry[]; input_layers?: [string, number, number][]; output_layers?: [string, number, number][] };
  const layers = c.layers.map((l) => layerToKeras3(l, [null]));
  // A Keras 3 Sequential with an input shape lists an InputLayer first.
  const first = c.layers[0].config.batch_input_shape;
  if (m.class_name === 'Sequential' && first !== undefined) layers.unshift({ module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: first, dtype: 'float32', sparse: false, name: `${c.name}_input` }, registered_name: null });
  const out: Json = { name: c.name, trainable: true, dtype: policy, layers };
  // Keras 3 writes one input and one output as a single [name, node, tensor].
  if (c.input_layers !== undefined) out.input_layers = c.input_layers[0];
  if (c.output_layers !== undefined) out.output_layers = c.output_layers[0];
  return out;
}

describe('Keras 3 files that tfjs cannot read', () => {
  test('a Teachable Machine-shaped model in the Keras 3 form predicts as tfjs on the Keras 2 copy', async () => {
    const theirs = await trainedTfTeachable();
    const keras2 = asModelJson(await tfjsArtifacts(theirs));
    const top = keras2.modelJson.modelTopology as Entry;
    const modelTopology = {
      class_name: 'Sequential', config: modelToKeras3(top), keras_version: '3.6.0', backend: 'tensorflow',
    };
    (modelTopology.config.layers as Json[]).forEach((l, i) => (l.build_config = { input_shape: i === 0 ? [null, ...SHAPE] : [null, 6] }));
    const weights = (keras2.modelJson.weightsManifest as { paths: string[]; weights: { name: string }[] }[])[0].weights.map((w) => ({
      ...w, name: `sequential_3/${w.name.startsWith('dense_') ? 'sequential_2' : 'model_1'}/${w.name}`,
    }));
    const file = { modelJson: { format: 'layers-model', generatedBy: 'keras v3.6.0', convertedBy: 'TensorFlow.js Converter v4.22.0', modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }] }, weights: keras2.weights };

    // tfjs itself refuses this file (batch_shape, the Keras 3 node format).
    const weightSpecs = weights as tf.io.WeightsManifestEntry[];
    await expect(tf.loadLayersModel(tf.io.fromMemory({ modelTopology, weightSpecs, weightData: keras2.weights }))).rejects.toThrow();

    const ours = await loadModel(file);
    expect(ours.layers.map((l) => `${l.className} ${l.name}`)).toEqual(['Model model_1', 'Sequential sequential_2']);
    expect(ours.countParams()).toBe(theirs.countParams());
    expect(predictionDiff(ours, theirs, randomInput([3, ...SHAPE], 60), [3, ...SHAPE])).toBeLessThanOrEqual(1e-5);
  });

  test('a frozen Keras 3 base (trainable: false in its config) loads frozen', async () => {
    const theirs = await trainedTfTeachable();
    const keras2 = asModelJson(await tfjsArtifacts(theirs));
    const config = modelToKeras3(keras2.modelJson.modelTopology as Entry);
    ((config.layers as Json[])[0].config as Json).trainable = false;
    const ours = await loadModel({ modelJson: { format: 'layers-model', modelTopology: { class_name: 'Sequential', config, keras_version: '3.6.0' }, weightsManifest: keras2.modelJson.weightsManifest }, weights: keras2.weights });
    expect(ours.layers[0].trainable).toBe(false);
    // Only the head trains: 6·3 + 3.
    expect(ours.trainableWeights().reduce((n, w) => n + w.size, 0)).toBe(21);
  });
});
