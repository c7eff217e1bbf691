// onnxruntime-node as a peer (native code, CPU execution provider, forward only).
//
// Each version builds a one-node ONNX model with bench/peers/onnx-model.ts, opens a session with
// one intra-op and one inter-op thread (single-threaded, like every other engine here), and times
// `session.run` on an input tensor made once in `prepare`. Layout conversions (NHWC → NCHW in,
// NCHW → NHWC out) happen in `prepare` and `read`, outside the timed region.

import type { Version } from '../case.js';
import type * as Ort from 'onnxruntime-node';

let ortPromise: Promise<typeof Ort> | null = null;

/** Loads onnxruntime-node once, lazily. */
export function loadOrt(): Promise<typeof Ort> {
  ortPromise ??= import('onnxruntime-node');
  return ortPromise;
}

/**
 * A harness version running the single-node model `model()` (called in prepare, untimed) on the
 * graph inputs `inputs()` (already in the model's layout); `read` converts the outputs back.
 */
export function ortVersion(spec: {
  model: () => Uint8Array;
  inputs: () => Record<string, { data: Float32Array; dims: number[] }>;
  output: string;
  read: (out: Float32Array) => ArrayLike<number>[];
  note?: string;
  missing?: string;
}): Version {
  let session: Ort.InferenceSession | null = null;
  let feeds: Record<string, Ort.Tensor> = {};
  let last: Ort.Tensor | null = null;
  return {
    name: 'onnxruntime',
    engine: 'onnxruntime',
    note: spec.note,
    missing: spec.missing,
    async prepare() {
      const ort = await loadOrt();
      session = await ort.InferenceSession.create(spec.model(), {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      const made: Record<string, Ort.Tensor> = {};
      for (const [k, v] of Object.entries(spec.inputs())) made[k] = new ort.Tensor('float32', v.data, v.dims);
      feeds = made;
    },
    async run() {
      const out = await (session as Ort.InferenceSession).run(feeds);
      last = out[spec.output];
      const data = last.data as Float32Array;
      return data[data.length >> 1];
    },
    read() {
      if (last === null) throw new Error('onnxruntime: no output yet');
      return spec.read(last.data as Float32Array);
    },
    async dispose() {
      await session?.release();
      session = null;
      feeds = {};
      last = null;
    },
  };
}
