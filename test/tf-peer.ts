/**
 * TensorFlow.js (pure-JS CPU backend) as a live golden peer: load it quietly in beforeAll, convert
 * tatami tensors to it and back. tfjs is a dev dependency; nothing in src/ uses it.
 */
import type * as TF from '@tensorflow/tfjs';
import { Tensor } from '../src/index.js';

let tfModule: typeof TF | null = null;
const originalWarn = console.warn;
const originalLog = console.log;

/** Import tfjs on the CPU backend, dropping only its "install tfjs-node" banner. */
export async function loadTf(): Promise<typeof TF> {
  if (tfModule !== null) return tfModule;
  const quiet = (original: (...args: unknown[]) => void) => (...args: unknown[]): void => {
    if (!args.some((a) => typeof a === 'string' && /tfjs-node|Hi there|Hi, looks like/.test(a))) original(...args);
  };
  console.warn = quiet(originalWarn);
  console.log = quiet(originalLog);
  try {
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync()); // trigger the banner now
    tfModule = tf;
    return tf;
  } finally {
    console.warn = originalWarn;
    console.log = originalLog;
  }
}

/** The same float32 values as a tfjs tensor. */
export function toTf(tf: typeof TF, t: Tensor): TF.Tensor {
  return tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32');
}

/** A tfjs tensor's values as a tatami tensor. */
export function fromTf(t: TF.Tensor): Tensor {
  return new Tensor(Float32Array.from(t.dataSync() as Float32Array), t.shape);
}
