/**
 * ONNX export of graph models: the plan follows the real wiring (fan-out, several inputs and outputs,
 * a shared layer's calls as values of their own, its weights written once), and onnxruntime gives
 * tatami's predictions (merge layers: onnx-graph-models.test.ts).
 */
import { describe, it, expect } from 'vitest';
import * as ort from 'onnxruntime-node';
import { toOnnx, onnxPlan, input, Model, Dense, Tensor, Rng, randomNormal } from '../../src/index.js';
import { expectClose } from '../helpers.js';
import { readOnnxGraph } from './onnx-reader.js';

describe('ONNX export of graphs', () => {
  it('two inputs, a shared Dense, fan-out into two outputs: the plan and onnxruntime agree with tatami', async () => {
    const a = input({ shape: [3], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const shared = new Dense({ units: 4, activation: 'tanh', name: 'shared' });
    const ha = shared.apply(a);
    const hb = shared.apply(b);
    const model = new Model({ inputs: [a, b], outputs: [new Dense({ units: 2, name: 'left' }).apply(ha), new Dense({ units: 1, name: 'right' }).apply(hb), ha], seed: 3 });
    const plan = onnxPlan(model);
    expect(plan.inputs.map((i) => i.name)).toEqual(['a', 'b']);
    expect(plan.nodes.map((n) => `${n.inputNames.join('+')}→${n.outputName}`)).toEqual(['a→shared', 'shared→left', 'b→shared/call1', 'shared/call1→right']);
    expect(plan.outputs).toEqual(['left', 'right', 'shared']);
    const rng = new Rng(4);
    const xs = [randomNormal([5, 3], rng), randomNormal([5, 3], rng)];
    const want = model.predict<Tensor[]>(xs);
    const bytes = toOnnx(model);
    // The shared Dense's second call reuses its first call's weights: each weight is one initializer.
    expect(readOnnxGraph(bytes).initializers.map((t) => t.name).sort()).toEqual(['left/bias', 'left/kernel', 'right/bias', 'right/kernel', 'shared/bias', 'shared/kernel']);
    const session = await ort.InferenceSession.create(bytes);
    try {
      const out = await session.run({ a: new ort.Tensor('float32', Float32Array.from(xs[0].data), [5, 3]), b: new ort.Tensor('float32', Float32Array.from(xs[1].data), [5, 3]) });
      ['left', 'right', 'shared'].forEach((name, i) => expectClose(out[name].data as Float32Array, want[i].data, 1e-5, 1e-5, name));
    } finally {
      await session.release();
    }
  });
});
