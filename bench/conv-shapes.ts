// The conv family's shapes: the four (A, A4, B, C), the small ones of --quick and the test,
// and the `--shape` parser for custom ones.

import { conv2dShape, type Padding } from '../kernels/index.js';

/** A conv shape: input N×H×W×CI, CO filters of KH×KW, padding, stride. */
export interface ConvSpec {
  label: string;
  N: number; H: number; W: number; CI: number; CO: number; KH: number; KW: number;
  padding: Padding;
  stride: number;
}

/**
 * Parses `NxHxWxCI:CO:KHxKW:padding[:stride]`, e.g. `8x28x28x16:32:3x3:same` or
 * `1x32x32x3:16:5x5:valid:2`. Throws a one-line message on a bad spec.
 */
export function parseConvSpec(text: string, label = 'custom'): ConvSpec {
  const usage = `--shape wants NxHxWxCI:CO:KHxKW:valid|same[:stride], e.g. 8x28x28x16:32:3x3:same; got '${text}'`;
  const parts = text.split(':');
  if (parts.length < 4 || parts.length > 5) throw new Error(usage);
  const ints = (s: string, n: number): number[] => {
    const xs = s.split('x').map(Number);
    if (xs.length !== n || xs.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(usage);
    return xs;
  };
  const [N, H, W, CI] = ints(parts[0], 4);
  const [CO] = ints(parts[1], 1);
  const [KH, KW] = ints(parts[2], 2);
  const padding = parts[3];
  if (padding !== 'valid' && padding !== 'same') throw new Error(usage);
  const [stride] = parts.length === 5 ? ints(parts[4], 1) : [1];
  conv2dShape(N, H, W, CI, KH, KW, CO, [stride, stride], [1, 1], padding); // validates
  return { label, N, H, W, CI, CO, KH, KW, padding, stride };
}

/** The shapes. */
export const convShapes: ConvSpec[] = [
  parseConvSpec('64x28x28x1:128:3x3:valid', 'A'),
  parseConvSpec('64x28x28x1:128:4x4:valid', 'A4'),
  parseConvSpec('32x14x14x32:64:3x3:same', 'B'),
  parseConvSpec('8x56x56x64:64:3x3:same', 'C'),
];

/** Small shapes for --quick and the test (odd sizes no unroll factor divides, both paddings). */
export const convQuickShapes: ConvSpec[] = [
  parseConvSpec('2x9x7x3:5:3x3:same', 'q1'),
  parseConvSpec('3x8x8x2:6:4x4:valid', 'q2'),
];

export function specName(c: ConvSpec): string {
  const stride = c.stride === 1 ? '' : ` s${c.stride}`;
  return `${c.label} ${c.N}x${c.H}x${c.W}x${c.CI}→${c.CO} ${c.KH}x${c.KW} ${c.padding}${stride}`;
}
