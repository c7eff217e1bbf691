// onnxruntime-node as a predict peer of the models family (bench/models.ts): tatami's own model,
// exported whole with toOnnx (opset 13), run by onnxruntime's CPU provider on one thread (one
// intra-op, one inter-op), on the same batches. The input tensors are made once, outside the timing.
// Forward only: onnxruntime-node does not train.

import { toOnnx } from '../src/index.js';
import { loadOrt } from './peers/onnx.js';
import type { Batches, ModelName, ModelOp, Step } from './models.js';
import { buildModel } from './models-tatami.js';

/** onnxruntime's predict step for a model, or why it has none. */
export async function ortModelSteps(name: ModelName, op: ModelOp, data: Batches): Promise<{ step: Step; dispose: () => Promise<void> } | { missing: string }> {
  if (op === 'train') return { missing: 'forward only (onnxruntime-node runs inference)' };
  if (name === 'ownloop') return { missing: 'tatami\'s op API; compare the classic CNN 3×3 row' };
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(toOnnx(buildModel(name)), {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const feeds = data.images.map((x) => ({ [session.inputNames[0]]: new ort.Tensor('float32', x, [data.batch, 28, 28, 1]) }));
  let i = 0;
  const step: Step = async () => {
    const out = await session.run(feeds[i++ % feeds.length]);
    return (out[session.outputNames[0]].data as Float32Array)[0];
  };
  return { step, dispose: () => session.release() };
}
