/**
 * The reductions (sum, mean, max) and transpose read their kernels through getters of their own
 * (kernel-tables/elementwise.ts's reductionKernels, layout.ts's transposeKernels), so that a bundle
 * whose ops never reduce or transpose (a plain CNN's: the elementwise passes, concat) carries none of
 * those kernels, and one that does (the global pools of modernCnnLayers) predicts as the full engine.
 * In tatami/infer's default tables, the sum down to a shape is only the gradient of broadcasting,
 * and refuses, naming itself and 'tatami', as the other gradient kernels.
 */
import { test, expect } from 'vitest';
import { input, Model, Conv2D, Dense, Flatten, GlobalAveragePooling2D, GlobalMaxPooling2D, Concatenate, Rng, Tensor } from '../../src/index.js';
import { randomInput, maxDiff } from './io-helpers.js';
import { browserBundle as bundle } from './browser-bundle.js';

const REDUCE = 'kernels/reduce.ts';
const TRANSPOSE = 'kernels/transpose.ts';

test('the elementwise ops and concat carry no reduction or transpose kernel; the reductions and transpose carry theirs', async () => {
  const passes = await bundle(`export { add, mul, maximum } from './src/ops/binary.ts'; export { exp } from './src/ops/unary.ts'; export { concat } from './src/ops/shape-ops.ts';`);
  expect([passes.bytes(REDUCE), passes.bytes(TRANSPOSE)]).toEqual([0, 0]);
  expect(passes.bytes('kernels/elementwise.ts')).toBeGreaterThan(0);
  for (const op of ['sum', 'mean', 'max']) expect((await bundle(`export { ${op} } from './src/ops/reduce.ts';`)).bytes(REDUCE)).toBeGreaterThan(0);
  expect((await bundle(`export { transpose } from './src/ops/shape-ops.ts';`)).bytes(TRANSPOSE)).toBeGreaterThan(0);
});

type Infer = typeof import('../../src/infer.js') & Pick<typeof import('../../src/infer-layers.js'), 'modernCnnLayers'>;

test("through tatami/infer with modernCnnLayers, the global pools predict as the full engine, and a gradient through a broadcast add stops at reduceSumTo, naming 'tatami'", async () => {
  const x = input({ shape: [5, 5, 2] });
  const h = new Conv2D({ filters: 4, kernelSize: 3 }).apply(x);
  const pooled = new Concatenate().apply([new GlobalAveragePooling2D().apply(h), new GlobalMaxPooling2D({}).apply(h)]);
  const model = new Model({ inputs: x, outputs: new Dense({ units: 3 }).apply(new Flatten().apply(pooled)), seed: 2 });
  const rng = new Rng(3);
  model.setWeights(model.getWeights().map((w) => new Tensor(w.data.map(() => rng.uniform(-0.5, 0.5)), w.shape)));
  const saved = await model.save();
  const infer = (await (await bundle(`export * from './src/infer.ts'; export { modernCnnLayers } from './src/infer-layers.ts';`)).load()) as Infer;
  const loaded = await infer.loadModel({ modelJson: JSON.stringify(saved.modelJson), weights: saved.weights }, { layers: infer.modernCnnLayers });
  const data = randomInput([2, 5, 5, 2], 4);
  // Within rounding: the full engine runs the fast convolution and sums (another order of the same
  // float32 sums), the default the readable ones; the bound is infer-bundle.test.ts's (max |a − b| ≤ 1e-5).
  const ours = loaded.predict(infer.tensor(data, [2, 5, 5, 2])).data;
  expect(ours.length).toBe(6);
  expect(maxDiff(ours, model.predict(new Tensor(data, [2, 5, 5, 2])).data)).toBeLessThanOrEqual(1e-5);
  // The gradient of the Dense layer's bias: its add, [2, 3] + [3], is the last op, and its backward
  // sums the output gradient down to the bias's shape.
  const dense = loaded.layers[loaded.layers.length - 1];
  expect(dense.className).toBe('Dense');
  dense.weights[1].value.requiresGrad = true;
  const [y] = loaded.callAll([infer.tensor(data, [2, 5, 5, 2])], { training: false, rng: new Rng(1) });
  expect(() => y.backward()).toThrow(
    "reduceSumTo: tatami/infer runs models for inference only and carries no gradient or training kernels; to train or take gradients, import from 'tatami'",
  );
});
