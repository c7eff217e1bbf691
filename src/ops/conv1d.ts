import type { Tensor } from '../tensor.js';
import { shapeToString } from '../shape.js';
import { zeros } from '../creation.js';
import { conv2d } from './conv2d.js';
import { reshape, concat } from './shape-ops.js';

/** 'valid', 'same' (TensorFlow's), or 'causal': pad only the start, so y[t] sees x[≤ t]. */
export type Conv1dPadding = 'valid' | 'same' | 'causal';

export interface Conv1dOptions {
  /** Step of the window (default 1). */
  stride?: number;
  /** Default 'valid'. */
  padding?: Conv1dPadding;
  /** Spacing between kernel taps (default 1). */
  dilation?: number;
  /** Optional per-output-channel bias [F]. */
  bias?: Tensor | null;
  /** Apply ReLU in the convolution's output pass (default false). */
  relu?: boolean;
}

function positive(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`conv1d: ${name} must be a positive integer, got ${v}`);
  return v;
}

/**
 * 1-D convolution over steps, channels last:
 *
 *   y[n,t,f] = bias[f] + Σ_{k,c} x[n, t·s − pad + k·d, c] · w[k,c,f]
 *
 * x [N, L, C], filter [K, C, F] → [N, LO, F]. 'valid': LO = ⌊(L − KE)/s⌋ + 1; 'same': LO = ⌈L/s⌉
 * (TensorFlow's padding); 'causal': (K − 1)·d zeros before the first step, then 'valid', so LO =
 * ⌊(L − 1)/s⌋ + 1 and no output sees a later step (WaveNet). It is conv2d on a [N, 1, L, C] image
 * with a [1, K, C, F] filter, so it runs (and differentiates) through conv2d's im2col kernels,
 * whose 1×K windows copy as contiguous rows. Matches tf.conv1d and Keras Conv1D.
 */
export function conv1d(x: Tensor, filter: Tensor, options: Conv1dOptions = {}): Tensor {
  const { padding = 'valid', bias = null, relu = false } = options;
  const stride = positive('stride', options.stride ?? 1);
  const dilation = positive('dilation', options.dilation ?? 1);
  const shapes = `input ${shapeToString(x.shape)} and filter ${shapeToString(filter.shape)}`;
  if (x.rank !== 3) throw new Error(`conv1d: input must be 3-D [N, steps, channels], got ${shapes}`);
  if (filter.rank !== 3) throw new Error(`conv1d: filter must be 3-D [K, C, F], got ${shapes}`);
  if (padding !== 'valid' && padding !== 'same' && padding !== 'causal') {
    throw new Error(`conv1d: padding must be 'valid', 'same' or 'causal', got '${String(padding)}'`);
  }
  const [N, L, C] = x.shape;
  const [K, FC, F] = filter.shape;
  if (FC !== C) throw new Error(`conv1d: ${shapes}: the filter expects ${FC} input channels, the input has ${C}`);
  let image = reshape(x, [N, 1, L, C]);
  if (padding === 'causal') {
    // Left padding only: the (K − 1)·d zeros a window reaching back from step 0 needs.
    const pad = (K - 1) * dilation;
    if (pad > 0) image = concat([zeros([N, 1, pad, C]), image], 2);
  }
  let y: Tensor;
  try {
    y = conv2d(image, reshape(filter, [1, K, C, F]), {
      strides: [1, stride], dilation: [1, dilation], padding: padding === 'same' ? 'same' : 'valid', bias, relu,
    });
  } catch (e) {
    throw new Error(`conv1d: ${shapes}: ${(e as Error).message.replace(/^conv2d: input \[[^\]]*\] and filter \[[^\]]*\]: /, '')}`);
  }
  return reshape(y, [N, y.shape[2], F]);
}
