/**
 * Nested models, shaped as a Teachable Machine image model: an outer Sequential with no input shape
 * of its own, holding a truncated MobileNet-like functional base (ZeroPadding2D, strided Conv2D,
 * BatchNormalization, ReLU(6), DepthwiseConv2D, GlobalAveragePooling2D) and then a Sequential head
 * (Dense). Built and trained in tfjs 4.22 (live), loaded in tatami, and the reverse, predictions
 * within 1e-5; the summary as one row per nested model; and fit through a frozen base, which must
 * change the head only.
 */
import { describe, test, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  loadModel, input, Model, Sequential, Conv2D, BatchNormalization, ReLU, ZeroPadding2D, DepthwiseConv2D,
  GlobalAveragePooling2D, Dense, Tensor, Adam, type SavedArtifacts,
} from '../../src/index.js';
import { tfjsArtifacts, asModelJson, loadIntoTfjs, randomInput, predictionDiff } from './io-helpers.js';
import { SHAPE, CLASSES, tfTeachable, trainedTfTeachable } from './teachable-model.js';
import { loadModel as inferLoad, tensor as inferTensor } from '../../src/infer.js';
import { modernCnnLayers } from '../../src/infer-layers.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';


function teachable(seed: number): { outer: Sequential; base: Model; head: Sequential } {
  const x = input({ shape: SHAPE, name: 'input_1' });
  let h = new ZeroPadding2D({ padding: [[0, 1], [0, 1]], name: 'Conv1_pad' }).apply(x);
  h = new Conv2D({ filters: 6, kernelSize: 3, strides: 2, useBias: false, name: 'Conv1' }).apply(h);
  h = new BatchNormalization({ name: 'bn_Conv1' }).apply(h);
  h = new ReLU({ maxValue: 6, name: 'Conv1_relu' }).apply(h);
  h = new DepthwiseConv2D({ kernelSize: 3, padding: 'same', useBias: false, name: 'expanded_conv_depthwise' }).apply(h);
  h = new BatchNormalization({ name: 'expanded_conv_depthwise_BN' }).apply(h);
  h = new ReLU({ maxValue: 6, name: 'expanded_conv_depthwise_relu' }).apply(h);
  h = new GlobalAveragePooling2D({ name: 'global_average_pooling2d_1' }).apply(h);
  const base = new Model({ inputs: x, outputs: h, name: 'model_1' });
  const head = new Sequential([new Dense({ units: CLASSES, inputShape: [6], activation: 'softmax', name: 'dense_Dense1' })], { name: 'sequential_2' });
  const outer = new Sequential([base, head], { name: 'sequential_3', seed });
  return { outer, base, head };
}

function batch(): { x: Float32Array; y: Float32Array } {
  const x = randomInput([8, ...SHAPE], 41);
  const y = new Float32Array(8 * CLASSES).map((_, i) => (i % CLASSES === Math.floor(i / CLASSES) % CLASSES ? 1 : 0));
  return { x, y };
}

/** The file's layers and the nested models' own, by class. */
function classes(a: SavedArtifacts | tf.io.ModelArtifacts): string[] {
  const top = (('modelJson' in a ? a.modelJson.modelTopology : a.modelTopology) as { config: { layers: { class_name: string; config: { layers: { class_name: string }[] } }[] } });
  return top.config.layers.map((l) => `${l.class_name}(${l.config.layers.map((c) => c.class_name).join(',')})`);
}

describe('a Teachable Machine-shaped nested model', () => {
  test('built and trained in tfjs, saved as tfjs saves, loaded in tatami: the same predictions', async () => {
    const theirs = tfTeachable();
    theirs.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const { x, y } = batch();
    await theirs.fit(tf.tensor(x, [8, ...SHAPE]), tf.tensor(y, [8, CLASSES]), { epochs: 2, batchSize: 4, verbose: 0 });
    const artifacts = await tfjsArtifacts(theirs);
    // What tfjs writes: the base and the head nested whole, their weights without the outer names.
    expect(classes(artifacts)).toEqual(['Model(InputLayer,ZeroPadding2D,Conv2D,BatchNormalization,ReLU,DepthwiseConv2D,BatchNormalization,ReLU,GlobalAveragePooling2D)', 'Sequential(Dense)']);
    expect(artifacts.weightSpecs?.map((w) => w.name)).toContain('Conv1/kernel');
    const ours = await loadModel(asModelJson(artifacts));
    expect(ours.layers.map((l) => `${l.className} ${l.name}`)).toEqual(['Model model_1', 'Sequential sequential_2']);
    expect(ours.countParams()).toBe(theirs.countParams());
    expect(predictionDiff(ours, theirs, randomInput([3, ...SHAPE], 42), [3, ...SHAPE])).toBeLessThanOrEqual(1e-5);
  });

  test('an export folder (model.json, weights.bin, metadata.json) classifies through tatami/infer, as the README shows', async () => {
    const theirs = await trainedTfTeachable();
    const { modelJson, weights } = asModelJson(await tfjsArtifacts(theirs));
    const dir = await mkdtemp(join(tmpdir(), 'tatami-tm-'));
    await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(weights));
    const labels = ['cat', 'dog', 'bird'];
    // An image of bytes 0..255, scaled to [−1, 1] as Teachable Machine does.
    const rgb = Uint8Array.from({ length: SHAPE[0] * SHAPE[1] * 3 }, (_, i) => (i * 37) % 256);
    const x = Float32Array.from(rgb, (v) => v / 127.5 - 1);
    const model = await inferLoad(dir, { layers: modernCnnLayers });
    const probs = model.predict(inferTensor(x, [1, ...SHAPE])).data;
    const want = (theirs.predict(tf.tensor(x, [1, ...SHAPE])) as tf.Tensor).dataSync();
    expect(Array.from(probs).map((p, i) => Math.abs(p - want[i]) <= 1e-5)).toEqual([true, true, true]);
    const best = probs.indexOf(Math.max(...probs));
    expect(labels[best]).toBe(labels[want.indexOf(Math.max(...want))]);
  });

  test('the manifest may name the nested weights with the outer model prefix (model_1/Conv1/kernel)', async () => {
    const theirs = tfTeachable();
    const file = asModelJson(await tfjsArtifacts(theirs));
    const groups = file.modelJson.weightsManifest as { weights: { name: string }[] }[];
    for (const w of groups[0].weights) w.name = `${w.name.startsWith('dense_') ? 'sequential_2' : 'model_1'}/${w.name}`;
    const ours = await loadModel(file);
    expect(predictionDiff(ours, theirs, randomInput([2, ...SHAPE], 43), [2, ...SHAPE])).toBeLessThanOrEqual(1e-5);
  });

  test('built and trained in tatami, saved, loaded in tfjs: the same predictions', async () => {
    const { outer } = teachable(5);
    outer.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy' });
    const { x, y } = batch();
    await outer.fit(new Tensor(x, [8, ...SHAPE]), new Tensor(y, [8, CLASSES]), { epochs: 2, batchSize: 4, verbose: 0 });
    const saved = await outer.save();
    expect(classes(saved)).toEqual(['Model(InputLayer,ZeroPadding2D,Conv2D,BatchNormalization,ReLU,DepthwiseConv2D,BatchNormalization,ReLU,GlobalAveragePooling2D)', 'Sequential(Dense)']);
    const theirs = await loadIntoTfjs(saved);
    expect(theirs.countParams()).toBe(outer.countParams());
    expect(predictionDiff(outer, theirs, randomInput([3, ...SHAPE], 44), [3, ...SHAPE])).toBeLessThanOrEqual(1e-5);
    // And back into tatami.
    const again = await loadModel(saved);
    expect(predictionDiff(again, theirs, randomInput([3, ...SHAPE], 45), [3, ...SHAPE])).toBeLessThanOrEqual(1e-5);
  });

  test('a functional model calling a base (the transfer-learning form), with training: false, both ways', async () => {
    const base = (tfTeachable().layers[0] as tf.LayersModel);
    const x = tf.input({ shape: SHAPE, name: 'image' });
    const features = base.apply(x) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'new_head' }).apply(features) as tf.SymbolicTensor;
    const theirs = tf.model({ inputs: x, outputs: out, name: 'transfer' });
    const a = asModelJson(await tfjsArtifacts(theirs));
    const layers = (a.modelJson.modelTopology as { config: { layers: { class_name: string; inbound_nodes: unknown[][][] }[] } }).config.layers;
    expect(layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Model', 'Dense']);
    // Keras writes base(x, training=False) as a call argument.
    layers[1].inbound_nodes = [[['image', 0, 0, { training: false }]]];
    const ours = await loadModel(a);
    expect(ours.layers.map((l) => `${l.className} ${l.name}`)).toEqual(['InputLayer image', 'Model model_1', 'Dense new_head']);
    expect(predictionDiff(ours, theirs, randomInput([2, ...SHAPE], 46), [2, ...SHAPE])).toBeLessThanOrEqual(1e-5);
    const back = await loadIntoTfjs(await ours.save());
    expect(predictionDiff(ours, back, randomInput([2, ...SHAPE], 47), [2, ...SHAPE])).toBeLessThanOrEqual(1e-5);
  });

  test('summary() shows each nested model as one row with its total parameters', () => {
    const { outer } = teachable(1);
    const text = outer.summary({ print: false });
    // Base: Conv1 3·3·3·6 = 162, two BatchNormalizations 4·6 = 24 each, depthwise 3·3·6 = 54 → 264.
    // Head: 6·3 + 3 = 21. Non-trainable: the moving mean and variance, 2·2·6 = 24.
    expect(text).toMatch(/^model_1 \(Model\) +\(None, 6\) +264$/m);
    expect(text).toMatch(/^sequential_2 \(Sequential\) +\(None, 3\) +21$/m);
    expect(text).toContain('Total params: 285');
    expect(text).toContain('Non-trainable params: 24');
  });

  test('fit through a frozen base (trainable = false) changes the head only', async () => {
    const { outer, base, head } = teachable(2);
    base.trainable = false;
    expect(outer.summary({ print: false })).toContain('Trainable params: 21');
    outer.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'categorical_crossentropy' });
    outer.ensureInitialized();
    const baseBefore = base.getWeights();
    const headBefore = head.getWeights();
    const { x, y } = batch();
    await outer.fit(new Tensor(x, [8, ...SHAPE]), new Tensor(y, [8, CLASSES]), { epochs: 2, batchSize: 4, verbose: 0 });
    // Every base weight, the batch-norm statistics too (a frozen base runs in inference mode).
    base.getWeights().forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(baseBefore[i].data)));
    head.getWeights().forEach((w, i) => expect(Array.from(w.data)).not.toEqual(Array.from(headBefore[i].data)));
    // The nested models' weights are the outer model's, the same tensors.
    expect(outer.getWeights().length).toBe(base.getWeights().length + head.getWeights().length);
    // Saved, the base stays frozen in tatami; tfjs reads the file and predicts the same.
    const saved = await outer.save();
    const again = await loadModel(saved);
    expect(again.layers.map((l) => l.trainable)).toEqual([false, true]);
    expect(again.summary({ print: false })).toContain('Trainable params: 21');
    expect(predictionDiff(again, await loadIntoTfjs(saved), randomInput([2, ...SHAPE], 48), [2, ...SHAPE])).toBeLessThanOrEqual(1e-5);
  });
});
