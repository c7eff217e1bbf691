// TensorFlow.js as a peer: its pure-JS CPU backend and its WebAssembly backend, in this process.
//
// Both backends live in one tfjs engine; a version switches to its backend in `prepare` (untimed).
// The WASM backend is pointed at the package's own .wasm files (setWasmPaths to its dist folder);
// in Node it runs single-threaded. Kernels are called through the engine's kernel registry
// (`tf.engine().runKernel`), the same call tf.grad makes for a gradient, so a gradient row times
// the backprop kernel alone, without a forward pass. Whether a backend has a kernel is asked of
// the registry (`tf.getKernel`), so a missing one is reported from the facts, not from memory.

import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';

export type Tf = typeof TF;
export type TfBackend = 'cpu' | 'wasm';

let tfPromise: Promise<Tf> | null = null;
let wasmReady: Promise<boolean> | null = null;

/** Loads tfjs once (lazily: families that do not need it do not pay its ~1 s import). */
export function loadTf(): Promise<Tf> {
  tfPromise ??= (async () => {
    // tfjs greets Node users with a banner suggesting tfjs-node (which cannot install here).
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (!args.some((a) => typeof a === 'string' && /tfjs-node|Hi, looks like|Hi there/.test(a))) warn(...args);
    };
    try {
      const tf = await import('@tensorflow/tfjs');
      await tf.setBackend('cpu');
      await tf.ready();
      // …which the CPU backend prints on its first tensor write: mark that write as done.
      (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
      return tf;
    } finally {
      console.warn = warn;
    }
  })();
  return tfPromise;
}

/** Makes `backend` the active tfjs backend (registering the WASM one on first use). */
export async function useBackend(backend: TfBackend): Promise<Tf> {
  const tf = await loadTf();
  if (backend === 'wasm') {
    wasmReady ??= (async () => {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      wasm.setWasmPaths(`${dist}${path.sep}`);
      return true;
    })();
    await wasmReady;
  }
  if (tf.getBackend() !== backend) {
    const ok = await tf.setBackend(backend);
    if (!ok) throw new Error(`tfjs: backend '${backend}' failed to initialize`);
  }
  await tf.ready();
  return tf;
}

/** Whether the backend registers a kernel of that name ('Conv2DBackpropFilter', ...). */
export async function hasKernel(kernel: string, backend: TfBackend): Promise<boolean> {
  const tf = await loadTf();
  if (backend === 'wasm') await useBackend('wasm'); // registers its kernels
  return tf.getKernel(kernel, backend) !== undefined;
}

/** The peer's display name for a backend. */
export function tfName(backend: TfBackend): string {
  return `tfjs-${backend}`;
}

/** A named input of a tfjs version: created as a tensor in `prepare`, outside the timed region. */
export interface TfInput {
  data: Float32Array;
  shape: number[];
}

/**
 * A harness version that runs one tfjs computation on `backend`.
 * `compute` is the timed call; it returns the output tensor(s). The last outputs are kept (and the
 * previous ones disposed) so the work is observably used; `read` turns them into the reference's
 * layout after a call (untimed). `missing` reports a kernel the backend lacks.
 */
export function tfVersion(
  backend: TfBackend,
  spec: {
    inputs: () => Record<string, TfInput>;
    compute: (tf: Tf, t: Record<string, TF.Tensor>) => TF.Tensor | TF.Tensor[];
    read?: (outputs: Float32Array[]) => ArrayLike<number>[];
    missing?: string;
    note?: string;
    name?: string;
  },
): import('../case.js').Version {
  let tf: Tf | null = null;
  let tensors: Record<string, TF.Tensor> = {};
  let last: TF.Tensor[] = [];
  const release = (): void => {
    for (const t of last) t.dispose();
    last = [];
  };
  return {
    name: spec.name ?? tfName(backend),
    engine: tfName(backend),
    missing: spec.missing,
    note: spec.note,
    async prepare() {
      tf = await useBackend(backend);
      const made: Record<string, TF.Tensor> = {};
      for (const [k, v] of Object.entries(spec.inputs())) made[k] = tf.tensor(v.data, v.shape, 'float32');
      tensors = made;
    },
    run() {
      const out = spec.compute(tf as Tf, tensors);
      release();
      last = Array.isArray(out) ? out : [out];
    },
    read() {
      const outs = last.map((t) => t.dataSync() as Float32Array);
      return spec.read !== undefined ? spec.read(outs) : outs;
    },
    dispose() {
      release();
      for (const t of Object.values(tensors)) t.dispose();
      tensors = {};
    },
  };
}
