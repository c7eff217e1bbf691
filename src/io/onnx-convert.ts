/**
 * What every ONNX layer converter shares: its signature, a layer's weights by Keras name, the
 * spatial size a window needs, explicit pads for TensorFlow's 'same', and the HWIO → OIHW filter
 * layout.
 *
 * Padding: ONNX takes explicit pads [top, left, bottom, right]. 'same' is computed as TensorFlow
 * does (conv-shape.ts): the total is split with the extra row/column at the bottom/right, and
 * padded cells never count in an average (count_include_pad = 0) nor win a max.
 */
import { formatShape, type Layer, type SymbolicShape } from '../layers/layer.js';
import { conv2dShape, type Padding } from '../../kernels/conv-shape.js';
import type { OnnxGraphBuilder, OnnxValue } from './onnx-graph.js';

/** Adds `layer` applied to `inputs` (whose output has tatami's shape `shape`) and returns its output. */
export type OnnxConverter = (g: OnnxGraphBuilder, layer: Layer, inputs: readonly OnnxValue[], shape: SymbolicShape) => OnnxValue;

/** A layer's weight by its Keras name; throws naming the layer when it has none. */
export function weight(layer: Layer, name: string): Float32Array {
  const w = optionalWeight(layer, name);
  if (w === null) throw new Error(`toOnnx: ${layer.describe()} has no weight '${name}'`);
  return w;
}

/** A layer's weight by its Keras name, or null (a bias the layer does without). */
export function optionalWeight(layer: Layer, name: string): Float32Array | null {
  return layer.weights.find((w) => w.name === name)?.value.data ?? null;
}

/** The layer's height and width, which ONNX needs known to turn 'same' into pads. */
export function spatial(layer: Layer, shape: SymbolicShape): [number, number] {
  const [, H, W] = shape;
  if (shape.length !== 4 || H === null || W === null) {
    throw new Error(`toOnnx: ${layer.describe()} needs a 4-D input with known height and width, got ${formatShape(shape)}`);
  }
  return [H, W];
}

/**
 * ONNX pads [top, left, bottom, right] for a window over H×W. The leading pads and output size are
 * tatami's own (conv-shape.ts, TensorFlow's rule); the trailing pad is what the last window needs
 * beyond the input: (out − 1)·stride + (k − 1)·dilation + 1 − size − leading, never negative.
 */
export function pads(H: number, W: number, k: readonly [number, number], strides: readonly [number, number], dilation: readonly [number, number], padding: Padding): number[] {
  const s = conv2dShape(1, H, W, 1, k[0], k[1], 1, strides, dilation, padding);
  const trailing = (out: number, i: 0 | 1, size: number, leading: number): number =>
    Math.max((out - 1) * strides[i] + (k[i] - 1) * dilation[i] + 1 - size - leading, 0);
  return [s.padTop, s.padLeft, trailing(s.OH, 0, H, s.padTop), trailing(s.OW, 1, W, s.padLeft)];
}

/** HWIO [KH, KW, CI, CO] → OIHW [CO, CI, KH, KW], a fresh array. */
export function hwioToOihw(w: Float32Array, KH: number, KW: number, CI: number, CO: number): Float32Array {
  const out = new Float32Array(w.length); // (CO, CI, KH, KW)
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      for (let ci = 0; ci < CI; ci++) {
        for (let co = 0; co < CO; co++) out[((co * CI + ci) * KH + kh) * KW + kw] = w[((kh * KW + kw) * CI + ci) * CO + co];
      }
    }
  }
  return out;
}
