import { type Size2, pair } from '../ops/conv2d.js';
import type { Padding } from '../../kernels/conv-shape.js';

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
