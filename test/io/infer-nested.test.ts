/**
 * Nested models (a Sequential or functional model used as a layer) in tatami/infer: they come with
 * `modernCnnLayers` (and `allLayers`), like the layers of modern CNNs. The default set refuses one,
 * naming its class and the import that brings it, and its bundle carries no nested-model code; a set
 * made by spreading `modernCnnLayers` keeps the nesting, one spread from `coreLayers` does not.
 */
import { test, expect } from 'vitest';
import { input, Model, Sequential, Conv2D, Flatten, Dense, Rng, Tensor } from '../../src/index.js';
import { loadModel, tensor } from '../../src/infer.js';
import { modernCnnLayers, allLayers } from '../../src/infer-layers.js';
import { coreLayers } from '../../src/io/inference-layers.js';
import { randomInput, artifactsOf } from './io-helpers.js';
import { browserBundle } from './browser-bundle.js';

/** A functional base (Conv2D, Flatten) inside a Sequential, then a Sequential head inside that: two nested models of both kinds. */
function nestedModel(): Sequential {
  const x = input({ shape: [6, 6, 2] });
  const base = new Model({ inputs: x, outputs: new Flatten().apply(new Conv2D({ filters: 3, kernelSize: 3, activation: 'relu' }).apply(x)), name: 'base' });
  const head = new Sequential([new Dense({ units: 4, activation: 'softmax' })], { name: 'head' });
  const model = new Sequential([base, head], { seed: 3 });
  const rng = new Rng(4);
  model.setWeights(model.getWeights().map((w) => new Tensor(w.data.map(() => rng.uniform(-0.5, 0.5)), w.shape)));
  return model;
}

const refusal = (layer: string, cls: string): string =>
  `loadModel: layer '${layer}' has class ${cls}, which this loader was not given: import { modernCnnLayers } from 'tatami/infer/layers' and call loadModel(source, { layers: modernCnnLayers })`;

test('the default set refuses a nested model naming its class and modernCnnLayers, as for sets spread from coreLayers', async () => {
  const artifacts = await artifactsOf(nestedModel());
  await expect(loadModel(artifacts)).rejects.toThrow(refusal('base', 'Model'));
  await expect(loadModel(artifacts, { layers: { ...coreLayers } })).rejects.toThrow(refusal('base', 'Model'));
  // A nested Sequential first (the head alone inside an outer Sequential): named as Sequential.
  const head = new Sequential([input({ shape: [5] }), new Dense({ units: 2, name: 'd' })], { name: 'inner' });
  const outer = new Sequential([head], { seed: 1 });
  await expect(loadModel(await artifactsOf(outer))).rejects.toThrow(refusal('inner', 'Sequential'));
  // A Keras 3 file names a functional model Functional.
  const k3 = JSON.parse(artifacts.modelJson) as { modelTopology: { config: { layers: Array<{ class_name: string }> } } };
  k3.modelTopology.config.layers[0].class_name = 'Functional';
  await expect(loadModel({ ...artifacts, modelJson: JSON.stringify(k3) })).rejects.toThrow(refusal('base', 'Functional'));
});

test('with modernCnnLayers, allLayers or a set spread from modernCnnLayers, nested models load and predict as the full engine', async () => {
  const model = nestedModel();
  const artifacts = await artifactsOf(model);
  const x = randomInput([3, 6, 6, 2], 9);
  const full = model.predict(new Tensor(x, [3, 6, 6, 2])).data;
  for (const layers of [modernCnnLayers, allLayers, { ...modernCnnLayers, Extra: coreLayers.Dense }]) {
    const loaded = await loadModel(artifacts, { layers });
    expect(loaded.layers.map((l) => `${l.className} ${l.name}`)).toEqual(['Model base', 'Sequential head']);
    expect(loaded.predict(tensor(x, [3, 6, 6, 2])).data).toEqual(full);
  }
});

test("tatami/infer's default bundle carries no nested-model code; with modernCnnLayers it does", async () => {
  const nested = 'src/models/nested-model.ts';
  expect((await browserBundle(`export * from './src/infer.ts';`)).inputs).not.toContain(nested);
  expect((await browserBundle(`export * from './src/infer.ts'; export { modernCnnLayers } from './src/infer-layers.ts';`)).inputs).toContain(nested);
});
