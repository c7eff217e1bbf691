import type { Tensor } from '../tensor.js';
import { resize2d, type ResizeInterpolation } from '../ops/resize2d.js';
import { crop2d, type Sides2 } from '../ops/pad2d.js';
import { Layer, type LayerArgs, type SymbolicShape } from './layer.js';

const NHWC = '4-D NHWC input (batch, height, width, channels)';

function size(who: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${who}: ${what} must be a positive integer, got ${String(v)}`);
  return v;
}

/**
 * Keras's crop to the target aspect ratio (smart_resize, Resizing's crop_to_aspect_ratio): the
 * largest centered window of an H×W input with the ratio width : height of the target, as the rows
 * and columns cut at each side.
 */
export function aspectCrop(H: number, W: number, height: number, width: number): Sides2 {
  const ch = Math.max(Math.min(H, Math.floor((W * height) / width)), 1);
  const cw = Math.max(Math.min(W, Math.floor((H * width) / height)), 1);
  const top = Math.floor((H - ch) / 2);
  const left = Math.floor((W - cw) / 2);
  return [[top, H - ch - top], [left, W - cw - left]];
}

function cropToAspect(x: Tensor, height: number, width: number): Tensor {
  return crop2d(x, aspectCrop(x.shape[1], x.shape[2], height, width));
}

export interface ResizingArgs extends LayerArgs {
  height: number;
  width: number;
  /** 'bilinear' (default) or 'nearest', as TensorFlow 2's tf.image.resize (half-pixel centers). */
  interpolation?: ResizeInterpolation;
  /** Crop the largest centered window with the target's aspect ratio first (default false). */
  cropToAspectRatio?: boolean;
}

/** Resizes NHWC images to [height, width], as Keras Resizing (the same in training and inference). */
export class Resizing extends Layer {
  readonly className = 'Resizing';
  readonly height: number;
  readonly width: number;
  readonly interpolation: ResizeInterpolation;
  readonly cropToAspectRatio: boolean;

  constructor(args: ResizingArgs) {
    super(args);
    this.height = size('Resizing', 'height', args?.height);
    this.width = size('Resizing', 'width', args?.width);
    this.interpolation = args.interpolation ?? 'bilinear';
    if (this.interpolation !== 'nearest' && this.interpolation !== 'bilinear') {
      throw new Error(`Resizing: interpolation must be 'nearest' or 'bilinear', got '${String(this.interpolation)}'`);
    }
    this.cropToAspectRatio = args.cropToAspectRatio ?? false;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 4) this.shapeError(inputShape, NHWC);
    return [inputShape[0], this.height, this.width, inputShape[3]];
  }

  call(x: Tensor): Tensor {
    const src = this.cropToAspectRatio ? cropToAspect(x, this.height, this.width) : x;
    return resize2d(src, [this.height, this.width], this.interpolation);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), height: this.height, width: this.width, interpolation: this.interpolation,
      crop_to_aspect_ratio: this.cropToAspectRatio, data_format: 'channels_last',
    };
  }
}

export interface CenterCropArgs extends LayerArgs {
  height: number;
  width: number;
}

/**
 * The centered [height, width] window of each NHWC image, as Keras CenterCrop: the window starts at
 * ⌊(H − height)/2⌋, ⌊(W − width)/2⌋. An image smaller than the target on either axis is first
 * cropped to the target's aspect ratio and resized (bilinear), as Keras does.
 */
export class CenterCrop extends Layer {
  readonly className = 'CenterCrop';
  readonly height: number;
  readonly width: number;

  constructor(args: CenterCropArgs) {
    super(args);
    this.height = size('CenterCrop', 'height', args?.height);
    this.width = size('CenterCrop', 'width', args?.width);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 4) this.shapeError(inputShape, NHWC);
    return [inputShape[0], this.height, this.width, inputShape[3]];
  }

  call(x: Tensor): Tensor {
    const [, H, W] = x.shape;
    if (H < this.height || W < this.width) return resize2d(cropToAspect(x, this.height, this.width), [this.height, this.width], 'bilinear');
    const top = Math.floor((H - this.height) / 2);
    const left = Math.floor((W - this.width) / 2);
    return crop2d(x, [[top, H - this.height - top], [left, W - this.width - left]]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width, data_format: 'channels_last' };
  }
}
