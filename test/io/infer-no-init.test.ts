/**
 * tatami/infer gets every weight from the file: it never initializes a weight, computes a penalty or
 * draws a random number. Its bundles (esbuild, minified, platform browser, as infer-bundle.test.ts
 * builds them) must carry no byte of the initializers, the regularizers or the random generator;
 * layers check those options by name only (initializer-spec.ts, regularizer-spec.ts). Its loader
 * takes a file's initializers as inert, as it takes constraints and regularizers.
 */
import { test, expect } from 'vitest';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { loadModel as inferLoadModel } from '../../src/infer.js';
import { loadModel, Sequential, Conv2D, Flatten, Dense, Tensor } from '../../src/index.js';
import { randomInput } from './io-helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Training-side modules: the training Model resolves specs and draws from an Rng with them. */
const TRAINING_ONLY = ['src/initializers.ts', 'src/regularizers.ts', 'src/rng.ts'];

/** Bytes each source file puts in the minified bundle of `contents`. */
async function bytesByInput(contents: string): Promise<Record<string, number>> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true, minify: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  return Object.fromEntries(Object.entries(output.inputs).map(([file, v]) => [file, v.bytesInOutput]));
}

test.each([
  ['the default', `export * from './src/infer.ts';`],
  ['with every opt-in layer and fastKernels', `export * from './src/infer.ts'; export * from './src/infer-layers.ts'; export * from './src/infer-kernels.ts';`],
])('tatami/infer (%s) bundles no initializer, regularizer or Rng code', async (_name, entry) => {
  const bytes = await bytesByInput(entry);
  // The bundle is real: the layers' name checks are in it.
  expect(bytes['src/initializer-spec.ts']).toBeGreaterThan(0);
  expect(Object.fromEntries(TRAINING_ONLY.map((f) => [f, bytes[f] ?? 0]))).toEqual(Object.fromEntries(TRAINING_ONLY.map((f) => [f, 0])));
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
