/**
 * Running an exported model in onnxruntime-node (a dev dependency, live) beside tatami's predict.
 */
import { beforeAll, expect } from 'vitest';
import type * as Ort from 'onnxruntime-node';
import { toOnnx, Model, Tensor, Rng, randomNormal, randomUniform, Layer, type SymbolicShape } from '../../src/index.js';
import { expectClose } from '../helpers.js';

let ort: typeof Ort;
beforeAll(async () => {
  ort = await import('onnxruntime-node');
});

/** Give every weight random values (variances positive), so nothing is a trivial 0 or 1. */
export function randomizeWeights(model: Model, seed: number): void {
  const rng = new Rng(seed);
  const weights = model.getWeights();
  const names = model.layers.flatMap((l) => l.weights.map((w) => w.name)); // a nested model's: 'bn/moving_variance'
  const isVariance = (name: string): boolean => name === 'moving_variance' || name.endsWith('/moving_variance');
  model.setWeights(weights.map((w, i) => (isVariance(names[i]) ? randomUniform(w.shape, rng, 0.5, 2) : randomNormal(w.shape, rng, 0, 0.5))));
}

/** Run the exported bytes in onnxruntime on xs (one per graph input, in order); returns each output with its dims. */
export async function runOnnx(bytes: Uint8Array, xs: readonly Tensor[]): Promise<{ data: Float32Array; dims: readonly number[] }[]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    expect(session.inputNames).toHaveLength(xs.length);
    const feeds = Object.fromEntries(session.inputNames.map((name, i) => [name, new ort.Tensor('float32', Float32Array.from(xs[i].data), [...xs[i].shape])]));
    const out = await session.run(feeds);
    return session.outputNames.map((name) => ({ data: out[name].data as Float32Array, dims: out[name].dims }));
  } finally {
    await session.release();
  }
}

/**
 * Export at `opset` and compare onnxruntime with tatami's predict, every output, on batches of 1 and
 * 5 (the batch axis is dynamic). `makeInputs` gives one tensor per model input.
 */
export async function expectSamePredictions(model: Model, makeInputs: (batch: number) => Tensor | Tensor[], opset: number): Promise<void> {
  const bytes = toOnnx(model, { opset });
  for (const batch of [1, 5]) {
    const made = makeInputs(batch);
    const xs = Array.isArray(made) ? made : [made];
    const want = model.predict<Tensor | Tensor[]>(xs.length === 1 ? xs[0] : xs);
    const wants = Array.isArray(want) ? want : [want];
    const got = await runOnnx(bytes, xs);
    expect(got).toHaveLength(wants.length);
    got.forEach((g, o) => {
      expect(g.dims).toEqual(wants[o].shape);
      expectClose(g.data, wants[o].data, 1e-5, 1e-5, `${model.name} opset ${opset} batch ${batch} output ${o}`);
    });
  }
}

export const images = (shape: readonly number[], seed: number) => (batch: number): Tensor => randomNormal([batch, ...shape], new Rng(seed + batch));

/** A custom layer with no ONNX form (y = 2x), for the refusals. */
export class Doubler extends Layer {
  readonly className = 'Doubler';
  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }
  call(x: Tensor): Tensor {
    return new Tensor(x.data.map((v) => 2 * v), x.shape);
  }
}
