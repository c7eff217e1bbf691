import { type Size2, pair } from '../ops/conv2d.js';
import type { Padding } from '../../kernels/conv-shape.js';
import { depthwiseConv2dShape } from '../../kernels/depthwise-conv2d.js';
import type { SymbolicShape } from './layer.js';

/** The window options the 2-D convolution layers share (Keras names, camelCase). */
export interface ConvWindowArgs {
  /** Kernel height and width. */
  kernelSize: Size2;
  /** Default 1. */
  strides?: Size2;
  /** 'valid' (default) or 'same' (TensorFlow's). */
  padding?: Padding;
  /** Default 1. */
  dilationRate?: Size2;
}

/** Those options checked once, as pairs. */
export interface ConvWindow {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilationRate: [number, number];
}

/** Check the window options when the layer is made; errors name the layer (`who`). */
export function convWindow(who: string, args: ConvWindowArgs): ConvWindow {
  const { kernelSize, strides = 1, padding = 'valid', dilationRate = 1 } = args;
  if (kernelSize === undefined) throw new Error(`${who}: kernelSize is required`);
  if (padding !== 'valid' && padding !== 'same') throw new Error(`${who}: padding must be 'valid' or 'same', got '${String(padding)}'`);
  return {
    kernelSize: pair(who, 'kernelSize', kernelSize),
    strides: pair(who, 'strides', strides),
    padding,
    dilationRate: pair(who, 'dilationRate', dilationRate),
  };
}

/** The Keras JSON keys of a window. */
export function convWindowConfig(w: ConvWindow): Record<string, unknown> {
  return { kernel_size: w.kernelSize, strides: w.strides, padding: w.padding, data_format: 'channels_last', dilation_rate: w.dilationRate };
}

/** A positive integer option, or an Error naming the layer. */
export function positiveInt(who: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${who}: ${name} must be a positive integer, got ${v}`);
  return v;
}

/** How a layer reports an input shape it cannot take (its `shapeError`, bound to the input). */
export type ShapeFail = (expected: string) => never;

/**
 * The NHWC input of a 2-D convolution layer: 4-D with known channels, and once the layer is built,
 * the channels it was built for. Returns (N, H, W, C) with H and W possibly unknown (null).
 */
export function nhwcInput(inputShape: SymbolicShape, builtChannels: number | undefined, fail: ShapeFail): [number | null, number | null, number | null, number] {
  if (inputShape.length !== 4 || inputShape[3] === null) fail('4-D NHWC input (batch, height, width, channels) with known channels');
  const [n, h, w, c] = inputShape;
  if (builtChannels !== undefined && c !== builtChannels) fail(`${builtChannels} channels (the layer is built for them)`);
  return [n, h, w, c as number];
}

/** (OH, OW) of a depthwise window with `m` outputs per channel; an unknown (null) size stays unknown. */
export function depthwiseOutputSize(window: ConvWindow, m: number, h: number | null, w: number | null, c: number, fail: ShapeFail): [number | null, number | null] {
  const { kernelSize: [KH, KW], strides, dilationRate, padding } = window;
  try {
    // An unknown size is stood in for by the smallest the dilated kernel fits.
    const s = depthwiseConv2dShape(1, h ?? (KH - 1) * dilationRate[0] + 1, w ?? (KW - 1) * dilationRate[1] + 1, c, KH, KW, m, strides, dilationRate, padding);
    return [h === null ? null : s.OH, w === null ? null : s.OW];
  } catch (e) {
    return fail(`an input the ${KH}x${KW} kernel fits (${(e as Error).message})`);
  }
}
