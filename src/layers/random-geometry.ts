import type { Tensor } from '../tensor.js';
import type { Rng } from '../rng.js';
import { affineTransform, checkAffineOptions, type AffineTransformOptions, type FillMode, type AffineInterpolation } from '../ops/affine-transform.js';
import { Layer, callRng, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

/**
 * Keras's random geometric augmentations, NHWC. In training each image gets its own transform drawn
 * from the model's seeded Rng (`ctx.rng`); in inference they are the identity. A transform maps an
 * output pixel (x, y) — x the column, y the row — to the input point it reads, as Keras 3's
 * affine_transform (kernels/affine-transform.ts), with its fill modes and bilinear interpolation.
 */

/** A factor f (→ [−f, f]) or a [lower, upper] pair, as Keras's random layers take them. */
export type Factor = number | readonly [number, number];

export function readFactor(who: string, what: string, f: Factor, symmetric = true): [number, number] {
  if (typeof f !== 'number' && !(Array.isArray(f) && f.length === 2)) throw new Error(`${who}: ${what} must be a number or [lower, upper], got ${JSON.stringify(f)}`);
  const pair: [number, number] = typeof f === 'number' ? (symmetric ? [-Math.abs(f), Math.abs(f)] : [f, f]) : [f[0], f[1]];
  if (pair.some((v) => typeof v !== 'number' || !Number.isFinite(v))) throw new Error(`${who}: ${what} must be a number or [lower, upper], got ${JSON.stringify(f)}`);
  return pair[0] <= pair[1] ? pair : [pair[1], pair[0]];
}

export interface RandomTransformArgs extends LayerArgs, AffineTransformOptions {}

/** Shared by the four layers: shape checks, the draw per image, the call, the config keys. */
abstract class RandomTransform extends Layer {
  readonly fillMode: FillMode;
  readonly interpolation: AffineInterpolation;
  readonly fillValue: number;

  constructor(who: string, args: RandomTransformArgs) {
    super(args);
    const o = checkAffineOptions(who, args);
    this.fillMode = o.fillMode;
    this.interpolation = o.interpolation;
    this.fillValue = o.fillValue;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 4) this.shapeError(inputShape, '4-D NHWC input (batch, height, width, channels)');
    return inputShape;
  }

  /** The 8 transform values for one image of height H and width W. */
  abstract draw(rng: Rng, H: number, W: number): number[];

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training) return x;
    const [N, H, W] = x.shape;
    const rng = callRng(this, ctx);
    const transforms = new Float64Array(N * 8); // (N, 8)
    for (let n = 0; n < N; n++) transforms.set(this.draw(rng, H, W), n * 8);
    return affineTransform(x, transforms, { fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fill_mode: this.fillMode, interpolation: this.interpolation, fill_value: this.fillValue, seed: null, data_format: 'channels_last' };
  }
}

export type FlipMode = 'horizontal' | 'vertical' | 'horizontal_and_vertical';

export interface RandomFlipArgs extends LayerArgs {
  /** Which flips may happen, each with probability ½ per image; default 'horizontal_and_vertical'. */
  mode?: FlipMode;
}

/** Keras RandomFlip: each image is mirrored left–right and/or top–bottom with probability ½ each. */
export class RandomFlip extends RandomTransform {
  readonly className = 'RandomFlip';
  readonly mode: FlipMode;

  constructor(args: RandomFlipArgs = {}) {
    super('RandomFlip', { ...args, interpolation: 'nearest' });
    this.mode = args.mode ?? 'horizontal_and_vertical';
    if (!['horizontal', 'vertical', 'horizontal_and_vertical'].includes(this.mode)) {
      throw new Error(`RandomFlip: mode must be 'horizontal', 'vertical' or 'horizontal_and_vertical', got '${String(this.mode)}'`);
    }
  }

  draw(rng: Rng, H: number, W: number): number[] {
    const h = this.mode !== 'vertical' && rng.uniform() < 0.5;
    const v = this.mode !== 'horizontal' && rng.uniform() < 0.5;
    // A mirror reads column W − 1 − x (row H − 1 − y): exact at pixel centres.
    return [h ? -1 : 1, 0, h ? W - 1 : 0, 0, v ? -1 : 1, v ? H - 1 : 0, 0, 0];
  }

  override getConfig(): Record<string, unknown> {
    // A flip samples pixel centres exactly: the fill and interpolation keys do not apply.
    const { fill_mode: _f, interpolation: _i, fill_value: _v, ...rest } = super.getConfig();
    return { ...rest, mode: this.mode };
  }
}

export interface RandomTranslationArgs extends RandomTransformArgs {
  /** Vertical shift as a fraction of the height: f → [−f, f], or [lower, upper]. */
  heightFactor: Factor;
  /** Horizontal shift as a fraction of the width. */
  widthFactor: Factor;
}

/** Keras RandomTranslation: each image is shifted by dy = u·H rows and dx = v·W columns, u and v drawn uniformly from the factors. */
export class RandomTranslation extends RandomTransform {
  readonly className = 'RandomTranslation';
  readonly heightFactor: [number, number];
  readonly widthFactor: [number, number];

  constructor(args: RandomTranslationArgs) {
    super('RandomTranslation', args);
    this.heightFactor = readFactor('RandomTranslation', 'heightFactor', args?.heightFactor);
    this.widthFactor = readFactor('RandomTranslation', 'widthFactor', args?.widthFactor);
  }

  draw(rng: Rng, H: number, W: number): number[] {
    const dy = rng.uniform(...this.heightFactor) * H;
    const dx = rng.uniform(...this.widthFactor) * W;
    // Output (x, y) reads input (x − dx, y − dy): the content moves by (+dx, +dy).
    return [1, 0, -dx, 0, 1, -dy, 0, 0];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height_factor: [...this.heightFactor], width_factor: [...this.widthFactor] };
  }
}

export interface RandomRotationArgs extends RandomTransformArgs {
  /** Angle as a fraction of a full turn (2π): f → [−f, f], or [lower, upper]. Positive is counter-clockwise. */
  factor: Factor;
}

/**
 * Keras RandomRotation: each image is rotated about its centre by θ = 2π·u, u drawn from the factor.
 * With (cx, cy) = ((W − 1)/2, (H − 1)/2), output (x, y) reads
 *   x_in = cos θ·(x − cx) − sin θ·(y − cy) + cx,   y_in = sin θ·(x − cx) + cos θ·(y − cy) + cy.
 * Rows grow downwards, so a positive θ turns the picture counter-clockwise on screen.
 */
export class RandomRotation extends RandomTransform {
  readonly className = 'RandomRotation';
  readonly factor: [number, number];

  constructor(args: RandomRotationArgs) {
    super('RandomRotation', args);
    this.factor = readFactor('RandomRotation', 'factor', args?.factor);
  }

  /** The transform of a rotation by θ radians of an H×W image. */
  static matrix(theta: number, H: number, W: number): number[] {
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const cx = (W - 1) / 2;
    const cy = (H - 1) / 2;
    return [cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy, 0, 0];
  }

  draw(rng: Rng, H: number, W: number): number[] {
    return RandomRotation.matrix(rng.uniform(...this.factor) * 2 * Math.PI, H, W);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: [...this.factor] };
  }
}

export interface RandomZoomArgs extends RandomTransformArgs {
  /** Vertical zoom: the image is scaled by 1/(1 + u), u from the factor; positive u zooms out. */
  heightFactor: Factor;
  /** Horizontal zoom; default null: the same draw as the height (aspect ratio kept). */
  widthFactor?: Factor | null;
}

/**
 * Keras RandomZoom: output (x, y) reads x_in = zx·(x − cx) + cx, y_in = zy·(y − cy) + cy with
 * zy = 1 + u (u from heightFactor), zx = 1 + v (v from widthFactor, or zx = zy when it is null):
 * z > 1 shows more of the image (zoom out), z < 1 less (zoom in).
 */
export class RandomZoom extends RandomTransform {
  readonly className = 'RandomZoom';
  readonly heightFactor: [number, number];
  readonly widthFactor: [number, number] | null;

  constructor(args: RandomZoomArgs) {
    super('RandomZoom', args);
    this.heightFactor = readFactor('RandomZoom', 'heightFactor', args?.heightFactor);
    this.widthFactor = args.widthFactor == null ? null : readFactor('RandomZoom', 'widthFactor', args.widthFactor);
    for (const f of [this.heightFactor, this.widthFactor]) {
      if (f !== null && f[0] <= -1) throw new Error(`RandomZoom: factors must be > −1 (a zoom of 1 + factor), got ${JSON.stringify(f)}`);
    }
  }

  draw(rng: Rng, H: number, W: number): number[] {
    const zy = 1 + rng.uniform(...this.heightFactor);
    const zx = this.widthFactor === null ? zy : 1 + rng.uniform(...this.widthFactor);
    const cx = (W - 1) / 2;
    const cy = (H - 1) / 2;
    return [zx, 0, cx * (1 - zx), 0, zy, cy * (1 - zy), 0, 0];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height_factor: [...this.heightFactor], width_factor: this.widthFactor === null ? null : [...this.widthFactor] };
  }
}
