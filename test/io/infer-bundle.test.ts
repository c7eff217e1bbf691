/**
 * The inference-only entry, tatami/infer, bundled as a browser would get it (esbuild, minified,
 * platform browser): no `node:` import, no training code (optimizers, losses, fit, the reference
 * kernels), no code of the layers outside its default set (batch-norm, depthwise), no WebAssembly
 * (its default kernels are plain JS; `fastKernels` brings every SIMD module), a size under its
 * ceiling, and, imported from the bundle file itself, predictions equal to the full engine's for the
 * CLI zoo's plain CNNs and the layers that act in training only; with `modernCnnLayers` (its size
 * under its own ceiling) for the zoo's ResNet and MobileNet and Teachable Machine's nested models. A
 * layer outside the set given is refused naming the import that brings it, and with that import it
 * predicts as the full engine does.
 */
import { test, expect, beforeAll } from 'vitest';
import { gzipSync } from 'node:zlib';
import {
  classicCnn, convnet, resnet, mobilenet, loadModel, input, Sequential, Conv2D, Conv2DTranspose, LayerNormalization, Flatten, Dense,
  Dropout, GaussianNoise, RandomFlip, ReLU, Softmax, MaxNorm, NonNeg, Rng, Tensor, SUPPORTED_LAYERS, type Model,
} from '../../src/index.js';
import { chosenKernels, selectKernels } from '../../src/kernel-table.js';
import { inferenceKernels } from '../../src/kernel-tables/inference.js';
import type { KernelTables } from '../../src/kernel-table.js';
import { coreLayers, MODERN_CNN_LAYERS, OPT_IN_LAYERS } from '../../src/io/inference-layers.js';
import { modernCnnLayers } from '../../src/io/modern-cnn-set.js';
import { randomInput, tfjsArtifacts, asModelJson, maxDiff, artifactsOf } from './io-helpers.js';
import { browserBundle } from './browser-bundle.js';
import { trainedTfTeachable, SHAPE } from './teachable-model.js';

/**
 * Ceilings just above the size measured (2026-11-29, esbuild 0.28), minified and gzipped:
 * - the default: 69,499 / 24,540 bytes: issue #17 asks ≤ 25 kB gzipped (ISSUE_LIMIT_GZIPPED below);
 * - with fastKernels from 'tatami/infer/kernels': 127,354 / 45,437;
 * - with modernCnnLayers: 91,900 / 31,088.
 * See the README's Embed section for where the bytes are.
 * History: 101 kB / 35 kB with the first 12 layer types; 203 kB / 63.2 kB once the loader carried
 * every layer, both kernel tables and the training Model; 146 kB / 47.8 kB with the inference-only
 * model class and the core layer set; then the issues #15 and #16 kernels (the direct SIMD and
 * Winograd convolutions, their gradients, the heap chunks) grew it to 160–171 kB / 54–58 kB, and one
 * kernel table per op family, the smaller default layer set and "sideEffects" brought it to
 * 134.3 kB / 47.7 kB (166.3 / 57.7 with modernCnnLayers). Then tatami/infer's own tables: no backward
 * kernel, im2col + GEMM for every convolution (Winograd and the direct SIMD conv opt-in with
 * fastKernels), plain loops for the elementwise and ReLU passes: 97.3 kB / 34.0 kB (134.0 / 47.3 with
 * fastKernels, 123.8 / 42.2 with modernCnnLayers); regularizers read as inert, as constraints are:
 * 96.8 kB / 33.9 kB (133.5 / 47.1, 123.4 / 42.0); issue #15's fused small-channel Winograd forward
 * and input gradient (kernels/conv2d-winograd-small.ts and its module) in fastKernels: 139.3 / 49.3;
 * 139.4 / 49.3 once fastKernels was written as the default's differences
 * (src/kernel-tables/inference.ts); batch norm's SIMD passes in chunks of rows: 139.5 / 49.3
 * (123.5 / 42.1 with modernCnnLayers). Then, the same session, each cut measured alone on the default:
 * its kernels all plain JS (the blocked GEMM, the JS max-pool, batch norm and depthwise conv), every
 * WebAssembly SIMD module in fastKernels: −5.2 kB gzipped; no initializer, regularizer or Rng code
 * (layers keep specs, the training Model resolves them): −2.1; the loader's checks with one message
 * for each malformed value and no check done twice: −1.2; nested models with modernCnnLayers, the
 * reductions and transpose through getters of their own: −0.6. Together: 68.9 kB / 24.3 kB (126.8 /
 * 45.3 with fastKernels, 91.3 / 30.9 with modernCnnLayers); a review's fixes to the loader's messages
 * (the limits and the reason of a refusal named again, control characters shown escaped): 69.5 / 24.5
 * (127.4 / 45.4, 91.9 / 31.1).
 */
const MAX_MINIFIED = 69_700;
const MAX_GZIPPED = 24_700;
/** What issue #17 asks of the default, gzipped: the ceiling above stays under it. */
const ISSUE_LIMIT_GZIPPED = 25_000;
/** With fastKernels. */
const MAX_FAST_MINIFIED = 127_600;
const MAX_FAST_GZIPPED = 45_600;
/** With modernCnnLayers. */
const MAX_MODERN_MINIFIED = 92_100;
const MAX_MODERN_GZIPPED = 31_300;

/** Source folders and files of training that must not reach the bundle. */
const TRAINING_CODE = [
  /^src\/optimizers\//, /^src\/losses\//, /^src\/metrics\.ts$/, /^src\/models\/(training|compile|progbar|callbacks|summary|model|sequential)\.ts$/,
  /^src\/io\/(optimizer-state|save|model-to-json|all-layers)\.ts$/, /^src\/(reference|training|fast)-kernels\.ts$/,
  /^kernels\/(optimizers|optimizers-fast|adam-simd|cross-entropy)\.ts$/, /^kernels\/wasm\/adam-module\.ts$/,
  // Weight constraints and regularizers act in fit only: tatami/infer takes them as inert.
  /^src\/constraints\.ts$/, /^src\/io\/(constraint|regularizer)-config\.ts$/,
  // The modules that hold backward kernels only (the others hold a forward too, which the bundle keeps).
  /^kernels\/(relu-fast|relu-simd|conv2d-winograd-dw|dropout-mask|dropout-mask-simd)\.ts$/, /^kernels\/wasm\/dropout-module\.ts$/,
];

/**
 * The fast convolutions and every WebAssembly SIMD kernel, which come with fastKernels only: the
 * default runs plain JS, on any engine.
 */
const FAST_KERNELS_CODE = [
  /^src\/kernel-tables\/fast-inference\.ts$/, /^src\/conv2d-winograd-choice\.ts$/, /^kernels\/conv2d-(winograd|direct|fast)/,
  // Every file of kernels/wasm/ (the modules, their assembler and heap), every *-simd*.ts beside
  // them, and the *-fast.ts switches that pick SIMD (batch-norm-fast.ts is JS: the default's).
  /^kernels\/wasm\//, /^kernels\/[\w-]+-simd(-thin|-heap)?\.ts$/, /^kernels\/(?!batch-norm-)[\w-]+-fast\.ts$/,
];

/** The SIMD GEMM and max-pool (and their modules, assembler and heap), which fastKernels must bring. */
const SIMD_GEMM_AND_POOL = [
  'kernels/gemm-fast.ts', 'kernels/gemm-simd.ts', 'kernels/gemm-simd-thin.ts', 'kernels/wasm/gemm-simd-module.ts',
  'kernels/max-pool2d-fast.ts', 'kernels/max-pool2d-simd.ts', 'kernels/wasm/max-pool2d-module.ts',
  'kernels/wasm/assembler.ts', 'kernels/wasm/heap.ts',
];

type Infer = typeof import('../../src/infer.js');
type InferWithModern = Infer & Pick<typeof import('../../src/infer-layers.js'), 'modernCnnLayers'>;
type InferWithFast = InferWithModern & typeof import('../../src/infer-kernels.js');
type InferWithLayers = Infer & typeof import('../../src/infer-layers.js');

/** The code of a layer outside tatami/infer's default set, which its bundle must not carry. */
const OPT_IN_CODE = [/^src\/layers\/(batch-normalization|depthwise-conv2d|merge|padding2d)\.ts$/, /^kernels\/(batch-norm|depthwise-conv2d)/, /^kernels\/wasm\/(batch-norm|depthwise-conv2d)-module\.ts$/];

/** Bundle `contents` (an entry importing from src/) as a browser would get it, and import the bundle. */
async function bundle(contents: string): Promise<{ code: string; inputs: string[]; module: unknown }> {
  const b = await browserBundle(contents);
  return { code: b.code, inputs: b.inputs, module: await b.load() };
}

let infer: Infer;
let code: string;
let inputs: string[];
let modern: InferWithModern;
let modernCode: string;
let modernInputs: string[];
let fastCode: string;
let fastInputs: string[];
/** Each bundle is its own copy of tatami/infer, with its own kernel choice: this one's models load with fastKernels. */
let fast: InferWithFast;

beforeAll(async () => {
  const b = await bundle(`export * from './src/infer.ts';`);
  infer = b.module as Infer;
  ({ code, inputs } = b);
  const m = await bundle(`export * from './src/infer.ts'; export { modernCnnLayers } from './src/infer-layers.ts';`);
  modern = m.module as InferWithModern;
  modernCode = m.code;
  modernInputs = m.inputs;
  const f = await bundle(`export * from './src/infer.ts'; export { fastKernels } from './src/infer-kernels.ts';`);
  fastCode = f.code;
  fastInputs = f.inputs;
  fast = (await bundle(`export * from './src/infer.ts'; export * from './src/infer-kernels.ts'; export { modernCnnLayers } from './src/infer-layers.ts';`)).module as InferWithFast;
});

/** Every weight of `model` set to seeded values (variances positive), so no layer is trivial. */
function randomizeWeights(model: Model, seed: number): void {
  const rng = new Rng(seed);
  const names = model.layers.flatMap((l) => l.weights.map((w) => w.name));
  model.setWeights(model.getWeights().map((w, i) => new Tensor(w.data.map(() => (names[i].endsWith('moving_variance') ? rng.uniform(0.5, 1.5) : rng.uniform(-0.5, 0.5))), w.shape)));
}

test('the bundle holds no Node import, no training code, no backward kernel and no opt-in layer or kernel, and stays under its ceilings', () => {
  expect(code).not.toMatch(/["']node:/);
  const gzipped = gzipSync(code).length;
  const fastGzipped = gzipSync(fastCode).length;
  const modernGzipped = gzipSync(modernCode).length;
  console.log(`tatami/infer: ${code.length} bytes minified, ${gzipped} bytes gzipped; with fastKernels: ${fastCode.length} / ${fastGzipped}; with modernCnnLayers: ${modernCode.length} / ${modernGzipped}`);
  expect(code.length).toBeLessThan(MAX_MINIFIED);
  expect(gzipped).toBeLessThan(MAX_GZIPPED);
  expect(MAX_GZIPPED).toBeLessThanOrEqual(ISSUE_LIMIT_GZIPPED);
  expect(fastCode.length).toBeLessThan(MAX_FAST_MINIFIED);
  expect(fastGzipped).toBeLessThan(MAX_FAST_GZIPPED);
  expect(modernCode.length).toBeLessThan(MAX_MODERN_MINIFIED);
  expect(modernGzipped).toBeLessThan(MAX_MODERN_GZIPPED);
  expect(inputs).toContain('src/models/inference-model.ts');
  expect(inputs).toContain('src/kernel-tables/conv2d.ts');
  expect(inputs.filter((f) => TRAINING_CODE.some((r) => r.test(f)))).toEqual([]);
  expect(inputs.filter((f) => OPT_IN_CODE.some((r) => r.test(f)))).toEqual([]);
  expect(inputs.filter((f) => FAST_KERNELS_CODE.some((r) => r.test(f)))).toEqual([]);
  // modernCnnLayers brings layers, not kernels: still plain JS (batch norm's and depthwise's JS forwards).
  expect(modernInputs).toEqual(expect.arrayContaining(['kernels/batch-norm-fast.ts', 'kernels/depthwise-conv2d-rows.ts']));
  expect(modernInputs.filter((f) => FAST_KERNELS_CODE.some((r) => r.test(f)))).toEqual([]);
  // fastKernels brings the fast forwards and every SIMD module, and still no training code.
  expect(fastInputs).toEqual(expect.arrayContaining([
    'src/conv2d-winograd-choice.ts', 'kernels/conv2d-winograd.ts', 'kernels/conv2d-direct-simd.ts', ...SIMD_GEMM_AND_POOL,
    'kernels/batch-norm-simd.ts', 'kernels/depthwise-conv2d-simd.ts', 'kernels/elementwise-simd.ts',
  ]));
  expect(fastInputs.filter((f) => /^src\/(reference|training|fast)-kernels\.ts$/.test(f) || /^src\/optimizers\//.test(f))).toEqual([]);
});

test('the default layer set and the opt-in sets together are every layer tatami supports', () => {
  const core = Object.keys(coreLayers);
  // The default holds the layers of the training-only kind as identities: those tatami supports for real.
  const coreSupported = core.filter((c) => SUPPORTED_LAYERS.includes(c));
  expect([...coreSupported, ...MODERN_CNN_LAYERS, ...OPT_IN_LAYERS].sort()).toEqual([...SUPPORTED_LAYERS].sort());
  expect(Object.keys(modernCnnLayers).sort()).toEqual([...core, ...MODERN_CNN_LAYERS].sort());
  expect(new Set([...core, ...MODERN_CNN_LAYERS, ...OPT_IN_LAYERS]).size).toBe(core.length + MODERN_CNN_LAYERS.length + OPT_IN_LAYERS.length);
  expect(core).toEqual(expect.arrayContaining(['Conv2D', 'Dense', 'MaxPooling2D', 'AveragePooling2D', 'Flatten', 'Reshape', 'Activation', 'ReLU', 'Softmax', 'Dropout']));
});

/**
 * How far the default bundle's predictions may be from those of 'tatami' (its fast tables). The
 * default runs plain JS: im2col + the blocked JS GEMM, which sums float32 products in float64 and
 * rounds once per block of 256 terms, where 'tatami' runs Winograd, the direct SIMD convolution or
 * the SIMD GEMM, which sum in float32 (with one rounding per fused multiply-add under relaxed SIMD;
 * Winograd also rounds its transforms), and batch norm and the depthwise conv on SIMD. Each output
 * is the same sum of products rounded in another order, so the outputs differ by rounding only:
 * float32 sums of a few hundred terms of size ≤ 1 differ by about 1e-7 to 1e-6, and softmax
 * outputs (≤ 1) by less. Not one bit pattern: the check is a bound, the one the ONNX and tfjs
 * interop tests hold tatami to against other engines, max |a − b| ≤ 1e-5 (test/io/io-helpers.ts's
 * maxDiff, which a NaN on either side fails); measured 1.2e-9 on the classic CNN, 4.2e-7 on the
 * convnet, 1.5e-8 on the ResNet and the MobileNet (2026-11-29). What the default is bit for bit is
 * the full engine running tatami/infer's default tables (the same JS kernels).
 */
const ROUNDING = 1e-5;

/** What `run` gives with the full engine's ops on `tables` (the tables in force before put back). */
function under<T>(tables: KernelTables, run: () => T): T {
  const before = chosenKernels();
  selectKernels(tables);
  try {
    return run();
  } finally {
    if (before !== null) selectKernels(before);
  }
}

/**
 * Predict through a bundle's loaded model and through the full engine, batches of 3 and 1. With
 * fastKernels (`fastKernels`): the bits of 'tatami', which runs the same kernels. With the default:
 * the bits of the full engine running tatami/infer's default tables, and within {@link ROUNDING}
 * of 'tatami'.
 */
function expectSamePredictions(loaded: { predict: Infer['InferenceModel']['prototype']['predict'] }, mod: Infer, model: Model, shape: number[], fastKernels: boolean): void {
  const x = randomInput(shape, 7);
  // Two batches of 3 and 1: predict's batching and buffer reuse, as the full engine's; a batch of 3
  // is enough output pixels (3·11·11 ≥ 256) for the convnet's second conv to run Winograd in 'tatami'.
  const ours = loaded.predict(mod.tensor(x, shape), { batchSize: 3 });
  expect(ours.shape).toEqual([4, 10]);
  const tatami = model.predict(new Tensor(x, shape), { batchSize: 3 }).data;
  if (fastKernels) {
    expect(ours.data).toEqual(tatami);
  } else {
    expect(ours.data).toEqual(under(inferenceKernels, () => model.predict(new Tensor(x, shape), { batchSize: 3 }).data));
    expect(maxDiff(ours.data, tatami)).toBeLessThanOrEqual(ROUNDING);
  }
  // The caller's input is left as it was.
  expect(Array.from(x)).toEqual(Array.from(randomInput(shape, 7)));
}

test("the CLI zoo's plain CNNs predict through the default bundle as the full engine on tatami/infer's default tables, bit for bit, and within rounding of 'tatami'; with fastKernels as 'tatami', bit for bit", async () => {
  for (const model of [classicCnn({ seed: 5 }), convnet({ seed: 6 })]) {
    randomizeWeights(model, 11);
    const artifacts = await artifactsOf(model);
    const loaded = await infer.loadModel(artifacts);
    expect(loaded).toBeInstanceOf(infer.InferenceModel);
    expectSamePredictions(loaded, infer, model, [4, 28, 28, 1], false);
    expectSamePredictions(await fast.loadModel(artifacts, { kernels: fast.fastKernels }), fast, model, [4, 28, 28, 1], true);
  }
});

test("the CLI zoo's ResNet and MobileNet are refused by the default set naming modernCnnLayers, and predict with it as the full engine (on the default tables, or as 'tatami' with fastKernels, bit for bit)", async () => {
  for (const model of [resnet({ seed: 7, width: 4 }), mobilenet({ seed: 8, width: 4 })]) {
    randomizeWeights(model, 11);
    const artifacts = await artifactsOf(model);
    await expect(infer.loadModel(artifacts)).rejects.toThrow(
      /^loadModel: layer '\w+' has class (BatchNormalization|ZeroPadding2D), which this loader was not given: import \{ modernCnnLayers \} from 'tatami\/infer\/layers' and call loadModel\(source, \{ layers: modernCnnLayers \}\)$/,
    );
    const loaded = await modern.loadModel(artifacts, { layers: modern.modernCnnLayers });
    expect(loaded).toBeInstanceOf(modern.InferenceModel);
    expectSamePredictions(loaded, modern, model, [4, 28, 28, 1], false);
    expectSamePredictions(await fast.loadModel(artifacts, { layers: fast.modernCnnLayers, kernels: fast.fastKernels }), fast, model, [4, 28, 28, 1], true);
  }
});

test("a Teachable Machine export (tfjs's nested Sequential and Model) predicts through the bundle with modernCnnLayers as through the full engine (on the default tables bit for bit, within rounding of 'tatami')", async () => {
  const { modelJson, weights } = asModelJson(await tfjsArtifacts(await trainedTfTeachable()));
  const artifacts = { modelJson: JSON.stringify(modelJson), weights };
  const x = () => randomInput([4, ...SHAPE], 3);
  const fullModel = await loadModel(artifacts);
  const full = fullModel.predict(new Tensor(x(), [4, ...SHAPE])).data;
  const ours = (await modern.loadModel(artifacts, { layers: modern.modernCnnLayers })).predict(modern.tensor(x(), [4, ...SHAPE])).data;
  expect(ours).toEqual(under(inferenceKernels, () => fullModel.predict(new Tensor(x(), [4, ...SHAPE])).data));
  expect(maxDiff(ours, full)).toBeLessThanOrEqual(ROUNDING);
  const oursFast = await fast.loadModel(artifacts, { layers: fast.modernCnnLayers, kernels: fast.fastKernels });
  expect(oursFast.predict(fast.tensor(x(), [4, ...SHAPE])).data).toEqual(full);
});

test("a gradient through the bundle's ops stops at the first backward kernel, naming it and 'tatami'", async () => {
  for (const mod of [infer, fast]) {
    const model = classicCnn({ seed: 5, filters: 8 });
    const loaded = await mod.loadModel(await artifactsOf(model));
    const x = new mod.Tensor(randomInput([1, 28, 28, 1], 2), [1, 28, 28, 1], true);
    const [y] = loaded.callAll([x], { training: false, rng: new Rng(1) });
    // The last op is the Dense layer's softmax: its backward is the first to run.
    expect(() => y.backward(new mod.Tensor(new Float32Array(10).fill(1), [1, 10]))).toThrow(
      "softmaxBackward: tatami/infer runs models for inference only and carries no gradient or training kernels; to train or take gradients, import from 'tatami'",
    );
  }
});

test('layers, weight constraints and regularizers that act in training only load as inert and predict as the real ones, beside the default ReLU and Softmax layers', async () => {
  const model = new Sequential([
    input({ shape: [6, 6, 2] }), new RandomFlip({}), new GaussianNoise({ stddev: 0.3 }),
    new Conv2D({ filters: 3, kernelSize: 3, kernelConstraint: new MaxNorm(1.5), kernelRegularizer: 'l2', activityRegularizer: 'l1' }),
    new ReLU({ maxValue: 0.4 }), new Dropout({ rate: 0.5 }), new Flatten(), new Dense({ units: 4, biasConstraint: new NonNeg(), biasRegularizer: 'l1l2' }), new Softmax({}),
  ], { seed: 2 });
  randomizeWeights(model, 4);
  const loaded = await infer.loadModel(await artifactsOf(model));
  expect(loaded.layers.map((l) => l.className)).toEqual(['RandomFlip', 'GaussianNoise', 'Conv2D', 'ReLU', 'Dropout', 'Flatten', 'Dense', 'Softmax']);
  // The file holds the penalties (the full engine reads them back); tatami/infer builds the layers without them.
  const penalties = (layers: readonly { activityRegularizer: unknown; weights: readonly { regularizer: unknown }[] }[]) => layers.flatMap((l) => [l.activityRegularizer, ...l.weights.map((w) => w.regularizer)]).filter((p) => p !== null).length;
  expect(penalties((await loadModel(await artifactsOf(model))).layers)).toBe(3);
  expect(penalties(loaded.layers)).toBe(0);
  const x = randomInput([2, 6, 6, 2], 5);
  // The default's JS kernels: the full engine's bits on the same tables.
  expect(loaded.predict(infer.tensor(x, [2, 6, 6, 2])).data).toEqual(under(inferenceKernels, () => model.predict(new Tensor(x, [2, 6, 6, 2])).data));
  // Identity is right only in inference: asked to train, such a layer says it cannot.
  expect(() => loaded.callAll([infer.tensor(x, [2, 6, 6, 2])], { training: true, rng: new Rng(1) })).toThrow(
    "RandomFlip 'random_flip': loaded for inference only (tatami/infer); load the model with tatami's loadModel to train it",
  );
});

test('a layer outside the sets given is refused naming the import that brings it, and predicts with it', async () => {
  const model = new Sequential([
    input({ shape: [5, 5, 2] }), new Conv2D({ filters: 3, kernelSize: 3 }), new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, name: 'up' }),
    new LayerNormalization({}), new Flatten(), new Dense({ units: 3 }),
  ], { seed: 9 });
  randomizeWeights(model, 6);
  const artifacts = await artifactsOf(model);
  const refusal = "loadModel: layer 'up' has class Conv2DTranspose, which this loader was not given: import { allLayers } from 'tatami/infer/layers' and call loadModel(source, { layers: allLayers })";
  await expect(infer.loadModel(artifacts)).rejects.toThrow(refusal);
  await expect(modern.loadModel(artifacts, { layers: modern.modernCnnLayers })).rejects.toThrow(refusal);
  const withLayers = (await bundle(`export * from './src/infer.ts'; export * from './src/infer-layers.ts';`)).module as InferWithLayers;
  const loaded = await withLayers.loadModel(artifacts, { layers: withLayers.allLayers });
  const x = randomInput([2, 5, 5, 2], 8);
  expect(loaded.predict(withLayers.tensor(x, [2, 5, 5, 2])).data).toEqual(under(inferenceKernels, () => model.predict(new Tensor(x, [2, 5, 5, 2])).data));
});
