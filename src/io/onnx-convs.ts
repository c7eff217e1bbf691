/**
 * The convolutions in ONNX, all as Conv or ConvTranspose on channels-first values:
 *
 *   Conv2D            Conv, filter HWIO [KH, KW, CI, CO] → OIHW [CO, CI, KH, KW]
 *   DepthwiseConv2D   Conv with group = CI: [KH, KW, CI, M] read as HWIO [KH, KW, 1, CI·M], whose
 *                     output channel ci·M + m is Keras's order
 *   SeparableConv2D   the depthwise Conv (no bias), then a 1×1 Conv with the bias
 *   Conv2DTranspose   ConvTranspose, filter [KH, KW, CO, CI] → [CI, CO, KH, KW] (ONNX's [C_in, C_out, …])
 *   Conv1D            a 1-D Conv on [N, C, steps]; 'causal' pads (K − 1)·dilation steps in front only
 *
 * The activation follows each as its own node (onnx-activations.ts).
 */
import type { Conv2D } from '../layers/conv2d.js';
import type { DepthwiseConv2D } from '../layers/depthwise-conv2d.js';
import type { SeparableConv2D } from '../layers/separable-conv2d.js';
import type { Conv2DTranspose } from '../layers/conv2d-transpose.js';
import type { Conv1D } from '../layers/conv1d.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import type { ConvWindow } from '../layers/conv-window.js';
import { conv2dTransposeShape } from '../../kernels/conv2d-transpose.js';
import type { OnnxGraphBuilder, OnnxValue } from './onnx-graph.js';
import { activate } from './onnx-activations.js';
import { weight, optionalWeight, spatial, pads, hwioToOihw, type OnnxConverter } from './onnx-convert.js';

/** A Conv node on x (channels first) with the filter given in OIHW; returns its output value. */
function convNode(
  g: OnnxGraphBuilder, layer: Layer, x: OnnxValue, oihw: Float32Array, dims: readonly number[], bias: Float32Array | null,
  window: Pick<ConvWindow, 'kernelSize' | 'strides' | 'dilationRate' | 'padding'>, group: number, base: string, shape: SymbolicShape,
): OnnxValue {
  const [H, W] = spatial(layer, x.shape);
  const w = g.constant(`${base}/kernel`, dims, oihw);
  const inputs = bias === null ? [x.name, w] : [x.name, w, g.constant(`${base}/bias`, [dims[0]], bias)];
  const y = g.op('Conv', inputs, `${base}/conv`, {
    kernel_shape: window.kernelSize, strides: window.strides, dilations: window.dilationRate, group,
    pads: pads(H, W, window.kernelSize, window.strides, window.dilationRate, window.padding),
  });
  return { name: y, shape, channelsFirst: true };
}

const conv2d: OnnxConverter = (g, layer, [input], shape) => {
  const conv = layer as Conv2D;
  const [KH, KW] = conv.kernelSize;
  const CI = input.shape[3] as number;
  const CO = conv.filters;
  const oihw = hwioToOihw(weight(layer, 'kernel'), KH, KW, CI, CO);
  const y = convNode(g, layer, g.channelsFirst(input), oihw, [CO, CI, KH, KW], optionalWeight(layer, 'bias'), conv, 1, layer.name, shape);
  return activate(g, y, conv.activation, layer.name);
};

/** The depthwise step of DepthwiseConv2D and SeparableConv2D: CI groups of M filters each. */
function depthwise(g: OnnxGraphBuilder, layer: Layer, input: OnnxValue, window: ConvWindow, M: number, bias: Float32Array | null, base: string, shape: SymbolicShape): OnnxValue {
  const [KH, KW] = window.kernelSize;
  const CI = input.shape[3] as number;
  const oihw = hwioToOihw(weight(layer, 'depthwise_kernel'), KH, KW, 1, CI * M); // (CI·M, 1, KH, KW)
  return convNode(g, layer, g.channelsFirst(input), oihw, [CI * M, 1, KH, KW], bias, window, CI, base, shape);
}

const depthwiseConv2d: OnnxConverter = (g, layer, [input], shape) => {
  const d = layer as DepthwiseConv2D;
  const y = depthwise(g, layer, input, d.window, d.depthMultiplier, optionalWeight(layer, 'bias'), layer.name, shape);
  return activate(g, y, d.activation, layer.name);
};

const separableConv2d: OnnxConverter = (g, layer, [input], shape) => {
  const s = layer as SeparableConv2D;
  const CM = (input.shape[3] as number) * s.depthMultiplier;
  const [, OH, OW] = shape;
  const h = depthwise(g, layer, input, s.window, s.depthMultiplier, null, `${layer.name}/depthwise`, [shape[0], OH, OW, CM]);
  const pointwise = hwioToOihw(weight(layer, 'pointwise_kernel'), 1, 1, CM, s.filters); // (F, CI·M, 1, 1)
  const oneByOne = { kernelSize: [1, 1] as [number, number], strides: [1, 1] as [number, number], dilationRate: [1, 1] as [number, number], padding: 'valid' as const };
  const y = convNode(g, layer, h, pointwise, [s.filters, CM, 1, 1], optionalWeight(layer, 'bias'), oneByOne, 1, `${layer.name}/pointwise`, shape);
  return activate(g, y, s.activation, layer.name);
};

/**
 * ConvTranspose's output is stride·(in − 1) + (K − 1)·dilation + 1 + output_padding − pads on each
 * axis. tatami fixes the leading pad and the output size (TensorFlow's rule, conv2d-transpose.ts);
 * the trailing pad makes up the rest, and where the output is longer than that formula gives without
 * padding (outputPadding, or 'same' with a kernel shorter than the stride), output_padding adds it.
 */
const conv2dTranspose: OnnxConverter = (g, layer, [input], shape) => {
  const t = layer as Conv2DTranspose;
  const [H, W] = spatial(layer, input.shape);
  const { kernelSize: [KH, KW], strides, dilationRate, padding } = t.window;
  const CI = input.shape[3] as number;
  const CO = t.filters;
  const s = conv2dTransposeShape(1, H, W, CI, KH, KW, CO, strides, dilationRate, padding, t.outputPadding);
  const trailing = (size: number, out: number, k: number, i: 0 | 1, leading: number): number =>
    (size - 1) * strides[i] + (k - 1) * dilationRate[i] + 1 - leading - out;
  const ends = [trailing(H, s.OH, KH, 0, s.padTop), trailing(W, s.OW, KW, 1, s.padLeft)];
  const w = g.constant(`${layer.name}/kernel`, [CI, CO, KH, KW], hwioToOihw(weight(layer, 'kernel'), KH, KW, CO, CI));
  const bias = optionalWeight(layer, 'bias');
  const inputs = [g.channelsFirst(input).name, w, ...(bias === null ? [] : [g.constant(`${layer.name}/bias`, [CO], bias)])];
  const y = g.op('ConvTranspose', inputs, `${layer.name}/conv_transpose`, {
    kernel_shape: [KH, KW], strides, dilations: dilationRate, group: 1,
    pads: [s.padTop, s.padLeft, Math.max(ends[0], 0), Math.max(ends[1], 0)],
    output_padding: ends.map((e) => Math.max(-e, 0)),
  });
  return activate(g, { name: y, shape, channelsFirst: true }, t.activation, layer.name);
};

const conv1d: OnnxConverter = (g, layer, [input], shape) => {
  const c = layer as Conv1D;
  const K = c.kernelSize;
  const CI = input.shape[2] as number;
  const steps = input.shape[1];
  let p = [0, 0];
  if (c.padding === 'causal') p = [(K - 1) * c.dilationRate, 0];
  if (c.padding === 'same') {
    if (steps === null) throw new Error(`toOnnx: ${layer.describe()} with 'same' padding needs a known number of steps`);
    const [, left, , right] = pads(1, steps, [1, K], [1, c.strides], [1, c.dilationRate], 'same');
    p = [left, right];
  }
  const w = g.constant(`${layer.name}/kernel`, [c.filters, CI, K], hwioToOihw(weight(layer, 'kernel'), 1, K, CI, c.filters));
  const bias = optionalWeight(layer, 'bias');
  const inputs = [g.channelsFirst(input).name, w, ...(bias === null ? [] : [g.constant(`${layer.name}/bias`, [c.filters], bias)])];
  const y = g.op('Conv', inputs, `${layer.name}/conv`, { kernel_shape: [K], strides: [c.strides], dilations: [c.dilationRate], group: 1, pads: p });
  return activate(g, { name: y, shape, channelsFirst: true }, c.activation, layer.name);
};

/** The convolutions' converters, by class name. */
export const CONV_CONVERTERS: Readonly<Record<string, OnnxConverter>> = {
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  Conv2DTranspose: conv2dTranspose,
  Conv1D: conv1d,
};
