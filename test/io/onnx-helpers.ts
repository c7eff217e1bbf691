/**
 * Running an exported model in onnxruntime-node (a dev dependency, live) beside tatami's predict.
 */
import { beforeAll, expect } from 'vitest';
import type * as Ort from 'onnxruntime-node';
import { toOnnx, Model, Tensor, Rng, randomNormal, randomUniform } from '../../src/index.js';
import { expectClose } from '../helpers.js';

let ort: typeof Ort;
beforeAll(async () => {
  ort = await import('onnxruntime-node');
});

/** Give every weight random values (variances positive), so nothing is a trivial 0 or 1. */
export function randomizeWeights(model: Model, seed: number): void {
  const rng = new Rng(seed);
  const weights = model.getWeights();
  const names = model.layers.flatMap((l) => l.weights.map((w) => w.name));
  model.setWeights(weights.map((w, i) => (names[i] === 'moving_variance' ? randomUniform(w.shape, rng, 0.5, 2) : randomNormal(w.shape, rng, 0, 0.5))));
}

/** Run the exported bytes in onnxruntime on x; returns the output and its dims. */
export async function runOnnx(bytes: Uint8Array, x: Tensor): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    expect(session.inputNames).toHaveLength(1);
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(x.data), [...x.shape]) });
    const y = out[session.outputNames[0]];
    return { data: y.data as Float32Array, dims: y.dims };
  } finally {
    await session.release();
  }
}

/** Export at `opset` and compare onnxruntime with tatami's predict on batches of 1 and 5 (dynamic batch). */
export async function expectSamePredictions(model: Model, makeInput: (batch: number) => Tensor, opset: number): Promise<void> {
  const bytes = toOnnx(model, { opset });
  for (const batch of [1, 5]) {
    const x = makeInput(batch);
    const want = model.predict(x);
    const got = await runOnnx(bytes, x);
    expect(got.dims).toEqual(want.shape);
    expectClose(got.data, want.data, 1e-5, 1e-5, `${model.name} opset ${opset} batch ${batch}`);
  }
}

export const images = (shape: readonly number[], seed: number) => (batch: number): Tensor => randomNormal([batch, ...shape], new Rng(seed + batch));

