/**
 * One digit through the network, stage by stage, with the numbers the page shows and explains.
 *
 * tatami's Model gives only its final output, so this runs the model's layers one after another
 * (each layer's public `call`) and keeps every intermediate tensor. The page expects the classic
 * CNN's shape: Conv2D over one grey channel (with ReLU, stride 1, no padding), a 2×2 max-pool, then
 * layers that end in ten probabilities.
 */
import { Conv2D, MaxPooling2D, noGrad, Rng, Tensor, type Model } from '../../src/index.js';

export interface Stages {
  /** The 28×28 input, row by row. */
  readonly input: Float32Array;
  /** Filter side. */
  readonly k: number;
  /** Number of filters (= feature maps = pooled maps). */
  readonly filters: number;
  /** Conv kernel [K, K, 1, F] as stored (HWIO): weight (kh, kw) of filter f at (kh·K + kw)·F + f. */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  /** Feature maps after ReLU, [OH, OW, F] (channel last, as the engine's NHWC). */
  readonly conv: Float32Array;
  readonly convSize: readonly [number, number];
  /** Pooled maps, [PH, PW, F]. */
  readonly pooled: Float32Array;
  readonly pooledSize: readonly [number, number];
  /** The ten class probabilities. */
  readonly probs: Float32Array;
}

/** Why a model cannot be shown, or null when it has the classic CNN's shape. */
export function unsupportedReason(model: Model): string | null {
  const conv = model.layers.find((l) => l instanceof Conv2D);
  if (!(conv instanceof Conv2D)) return 'the model has no Conv2D layer';
  // The explanation assumes each output pixel comes from the K×K patch at its own position.
  if (conv.strides.join() !== '1,1' || conv.padding !== 'valid' || conv.dilationRate.join() !== '1,1') return 'the page explains Conv2D with stride 1, no padding, no dilation';
  if (conv.activation !== 'relu') return `the page explains Conv2D with ReLU, this one uses '${conv.activation}'`;
  const kernel = conv.weights.find((w) => w.name === 'kernel')?.value;
  const shape = model.inputShape;
  if (shape.length !== 4 || shape[1] !== 28 || shape[2] !== 28 || shape[3] !== 1) return `the page shows 28×28 grey digits, the model takes ${shape.join('×')}`;
  if (kernel === undefined || kernel.shape[0] !== kernel.shape[1]) return 'the Conv2D kernel must be square';
  const pool = model.layers[model.layers.indexOf(conv) + 1];
  if (!(pool instanceof MaxPooling2D) || pool.poolSize.join() !== '2,2' || pool.strides.join() !== '2,2') return 'the page explains a 2×2 MaxPooling2D right after the Conv2D';
  const out = model.outputShape;
  if (out[out.length - 1] !== 10) return 'the model does not end in ten classes';
  return null;
}

/** Run `model` on one 28×28 digit and keep every stage. */
export function runStages(model: Model, input: Float32Array): Stages {
  const ctx = { training: false, rng: new Rng(0) };
  const outputs = new Map<string, Tensor>();
  const probs = noGrad(() => {
    let h = new Tensor(Float32Array.from(input), [1, 28, 28, 1]);
    for (const layer of model.layers) {
      h = layer.call(h, ctx);
      if (!outputs.has(layer.className)) outputs.set(layer.className, h);
    }
    return h;
  });
  const convLayer = model.layers.find((l) => l.className === 'Conv2D');
  const kernel = convLayer?.weights.find((w) => w.name === 'kernel')?.value;
  const bias = convLayer?.weights.find((w) => w.name === 'bias')?.value;
  const conv = outputs.get('Conv2D');
  const pooled = outputs.get('MaxPooling2D');
  if (kernel === undefined || conv === undefined || pooled === undefined) throw new Error('runStages: not a classic CNN (see unsupportedReason)');
  return {
    input,
    k: kernel.shape[0],
    filters: kernel.shape[3],
    kernel: kernel.data,
    bias: bias?.data ?? new Float32Array(kernel.shape[3]),
    conv: conv.data,
    convSize: [conv.shape[1], conv.shape[2]],
    pooled: pooled.data,
    pooledSize: [pooled.shape[1], pooled.shape[2]],
    probs: probs.data,
  };
}
