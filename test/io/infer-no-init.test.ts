/**
 * tatami/infer gets every weight from the file: it never initializes a weight, computes a penalty or
 * draws a random number. Its bundles (esbuild, minified, platform browser, as infer-bundle.test.ts
 * builds them) must carry no byte of the initializers, the regularizers or the random generator;
 * layers check those options by name only (initializer-spec.ts, regularizer-spec.ts). Its loader
 * takes a file's initializers as inert, as it takes constraints and regularizers.
 */
import { test, expect } from 'vitest';
import { loadModel as inferLoadModel } from '../../src/infer.js';
import { modernCnnLayers, allLayers } from '../../src/infer-layers.js';
import { loadModel, Sequential, Conv2D, Flatten, Dense, Tensor, Rng, BatchNormalization, DepthwiseConv2D, SeparableConv2D, PReLU, Embedding, LayerNormalization } from '../../src/index.js';
import { randomInput } from './io-helpers.js';
import { browserBundle } from './browser-bundle.js';

/** Training-side modules: the training Model resolves specs and draws from an Rng with them. */
const TRAINING_ONLY = ['src/initializers.ts', 'src/regularizers.ts', 'src/rng.ts'];

test.each([
  ['the default', `export * from './src/infer.ts';`],
  ['with every opt-in layer and fastKernels', `export * from './src/infer.ts'; export * from './src/infer-layers.ts'; export * from './src/infer-kernels.ts';`],
])('tatami/infer (%s) bundles no initializer, regularizer or Rng code', async (_name, entry) => {
  const { bytes } = await browserBundle(entry);
  // The bundle is real: the layers' name checks are in it.
  expect(bytes('src/initializer-spec.ts')).toBeGreaterThan(0);
  expect(Object.fromEntries(TRAINING_ONLY.map((f) => [f, bytes(f)]))).toEqual(Object.fromEntries(TRAINING_ONLY.map((f) => [f, 0])));
}, 60_000);

test("tatami/infer's loader takes initializers as inert: one tatami does not know loads, and predicts as saved", async () => {
  const model = new Sequential([new Conv2D({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] }), new Flatten(), new Dense({ units: 3, activation: 'softmax' })], { seed: 1 });
  const saved = await model.save();
  const modelJson = JSON.parse(JSON.stringify(saved.modelJson));
  modelJson.modelTopology.config.layers[2].config.kernel_initializer = { class_name: 'Orthogonal', config: { gain: 1 } };
  const edited = { modelJson, weights: saved.weights };
  // The full engine reads initializers, for the weights a model has no values for, and refuses this one.
  await expect(loadModel(edited)).rejects.toThrow(/layer 'dense' \(Dense\): kernel_initializer 'Orthogonal' is not supported/);
  const x = new Tensor(randomInput([2, 5, 5, 1], 3), [2, 5, 5, 1]);
  expect((await inferLoadModel(edited)).predict(x).data).toEqual(model.predict(x).data);
});

/** A layer's weights drawn from [0.5, 1.5] (a variance stays positive), so a prediction shows the file's values, not a layer's start. */
function fillWeights(model: Sequential, seed: number): void {
  const rng = new Rng(seed);
  model.setWeights(model.getWeights().map((w) => new Tensor(new Float32Array(w.size).map(() => rng.uniform(0.5, 1.5)), w.shape)));
}

const orthogonal = { class_name: 'Orthogonal', config: { gain: 1 } };

// Each layer class that starts a weight with an initializer, and one the full engine refuses on it:
// [layer class, the opt-in set that brings it, the key, its value, the full engine's refusal, the model's layers, its input shape].
test.each([
  ['BatchNormalization', 'modernCnnLayers', 'gamma_initializer', { class_name: 'RandomNormal', config: { mean: 1, stddev: 0.02 } }, /gamma_initializer RandomNormal with mean 1 /,
    () => [new BatchNormalization({ inputShape: [3, 3, 2] })], [2, 3, 3, 2]],
  ['BatchNormalization', 'modernCnnLayers', 'beta_initializer', orthogonal, /beta_initializer 'Orthogonal' is not supported/,
    () => [new BatchNormalization({ inputShape: [3, 3, 2] })], [2, 3, 3, 2]],
  // tatami's layer starts its moving statistics only at zeros / ones; tatami/infer takes them from the file.
  ['BatchNormalization', 'modernCnnLayers', 'moving_variance_initializer', { class_name: 'Constant', config: { value: 2 } }, /moving_variance_initializer 'Constant' is not supported/,
    () => [new BatchNormalization({ inputShape: [3, 3, 2] })], [2, 3, 3, 2]],
  ['BatchNormalization', 'modernCnnLayers', 'moving_mean_initializer', 'Ones', /moving_mean_initializer \/ moving_variance_initializer must be Zeros \/ Ones/,
    () => [new BatchNormalization({ inputShape: [3, 3, 2] })], [2, 3, 3, 2]],
  ['DepthwiseConv2D', 'modernCnnLayers', 'depthwise_initializer', orthogonal, /depthwise_initializer 'Orthogonal' is not supported/,
    () => [new DepthwiseConv2D({ kernelSize: 2, depthMultiplier: 2, inputShape: [4, 4, 2] })], [2, 4, 4, 2]],
  ['DepthwiseConv2D', 'modernCnnLayers', 'bias_initializer', { class_name: 'Constant', config: { value: 0.1 } }, /bias_initializer 'Constant' is not supported/,
    () => [new DepthwiseConv2D({ kernelSize: 2, inputShape: [4, 4, 2] })], [2, 4, 4, 2]],
  ['SeparableConv2D', 'allLayers', 'pointwise_initializer', orthogonal, /pointwise_initializer 'Orthogonal' is not supported/,
    () => [new SeparableConv2D({ filters: 3, kernelSize: 2, inputShape: [4, 4, 2] })], [2, 4, 4, 2]],
  ['SeparableConv2D', 'allLayers', 'depthwise_initializer', 'identity', /depthwise_initializer 'identity' is not supported/,
    () => [new SeparableConv2D({ filters: 3, kernelSize: 2, inputShape: [4, 4, 2] })], [2, 4, 4, 2]],
  ['PReLU', 'allLayers', 'alpha_initializer', { class_name: 'Constant', config: { value: 0.25 } }, /alpha_initializer 'Constant' is not supported/,
    () => [new PReLU({ inputShape: [3, 2] })], [2, 3, 2]],
  ['Embedding', 'allLayers', 'embeddings_initializer', { class_name: 'RandomUniform', config: { minval: -1, maxval: 1 } }, /embeddings_initializer RandomUniform with minval -1 /,
    () => [new Embedding({ inputDim: 5, outputDim: 3, inputShape: [4] })], [2, 4]],
  ['LayerNormalization', 'allLayers', 'gamma_initializer', orthogonal, /gamma_initializer 'Orthogonal' is not supported/,
    () => [new LayerNormalization({ inputShape: [3, 2] })], [2, 3, 2]],
] as const)("tatami/infer takes %s's initializers as inert (with %s): %s", async (cls, set, key, value, refusal, layers, shape) => {
  const model = new Sequential([...layers()], { seed: 2 });
  fillWeights(model, 3);
  const saved = await model.save();
  const modelJson = JSON.parse(JSON.stringify(saved.modelJson));
  const entry = modelJson.modelTopology.config.layers.find((l: { class_name: string }) => l.class_name === cls);
  entry.config[key] = value;
  const edited = { modelJson, weights: saved.weights };
  await expect(loadModel(edited)).rejects.toThrow(new RegExp(`\\(${cls}\\): ${refusal.source}`));
  const rng = new Rng(4);
  const data = new Float32Array(shape.reduce((p, d) => p * d, 1)).map(() => (cls === 'Embedding' ? Math.floor(rng.uniform(0, 5)) : rng.uniform(-1, 1)));
  const x = new Tensor(data, [...shape]);
  const loaded = await inferLoadModel(edited, { layers: { modernCnnLayers, allLayers }[set] });
  expect(loaded.predict(x).data).toEqual(model.predict(x).data);
});
