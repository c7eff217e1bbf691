import type { Tensor } from '../tensor.js';
import { zeroPad2d, crop2d, type Sides2 } from '../ops/pad2d.js';
import { Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/** Rows/columns at each side: n (all four), [h, w] (top = bottom = h, left = right = w), or [[top, bottom], [left, right]]. */
export type SidesSpec = number | readonly [number, number] | Sides2;

/** A SidesSpec in the [[top, bottom], [left, right]] form, or an Error naming the layer. */
export function readSides(who: string, what: string, spec: SidesSpec): Sides2 {
  const bad = (): never => {
    throw new Error(`${who}: ${what} must be an integer ≥ 0, [h, w], or [[top, bottom], [left, right]], got ${JSON.stringify(spec)}`);
  };
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (ok(spec)) return [[spec, spec], [spec, spec]];
  if (!Array.isArray(spec) || spec.length !== 2) return bad();
  const [a, b] = spec as unknown[];
  if (ok(a) && ok(b)) return [[a, a], [b, b]];
  const pair = (p: unknown): [number, number] => (Array.isArray(p) && p.length === 2 && ok(p[0]) && ok(p[1]) ? [p[0], p[1]] : bad());
  return [pair(a), pair(b)];
}

const NHWC = '4-D NHWC input (batch, height, width, channels)';

export interface ZeroPadding2DArgs extends LayerArgs {
  /** Default 1 (one row and column of zeros on every side), as Keras. */
  padding?: SidesSpec;
}

/**
 * Zeros around each image, as Keras ZeroPadding2D: NHWC [N, H, W, C] → [N, H + top + bottom,
 * W + left + right, C]. Asymmetric padding ([[0, 1], [0, 1]]) is how Keras models emulate
 * TensorFlow's 'same' before a strided 'valid' convolution. No weights.
 */
export class ZeroPadding2D extends Layer {
  readonly className = 'ZeroPadding2D';
  readonly padding: Sides2;

  constructor(args: ZeroPadding2DArgs = {}) {
    super(args);
    this.padding = readSides('ZeroPadding2D', 'padding', args.padding ?? 1);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 4) this.shapeError(inputShape, NHWC);
    const [n, h, w, c] = inputShape;
    const [[t, b], [l, r]] = this.padding;
    return [n, h === null ? null : h + t + b, w === null ? null : w + l + r, c];
  }

  call(x: Tensor): Tensor {
    return zeroPad2d(x, this.padding);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.padding.map((p) => [...p]), data_format: 'channels_last' };
  }
}

export interface Cropping2DArgs extends LayerArgs {
  /** Default 0 (nothing cropped), as Keras. */
  cropping?: SidesSpec;
}

/**
 * Removes rows and columns at the sides of each image, as Keras Cropping2D: NHWC [N, H, W, C] →
 * [N, H − top − bottom, W − left − right, C]. No weights.
 */
export class Cropping2D extends Layer {
  readonly className = 'Cropping2D';
  readonly cropping: Sides2;

  constructor(args: Cropping2DArgs = {}) {
    super(args);
    this.cropping = readSides('Cropping2D', 'cropping', args.cropping ?? 0);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 4) this.shapeError(inputShape, NHWC);
    const [n, h, w, c] = inputShape;
    const [[t, b], [l, r]] = this.cropping;
    const oh = h === null ? null : h - t - b;
    const ow = w === null ? null : w - l - r;
    if ((oh !== null && oh < 1) || (ow !== null && ow < 1)) this.shapeError(inputShape, `an input larger than the cropping ${JSON.stringify(this.cropping)}`);
    return [n, oh, ow, c];
  }

  call(x: Tensor): Tensor {
    return crop2d(x, this.cropping);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: this.cropping.map((p) => [...p]), data_format: 'channels_last' };
  }
}
