import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeToString } from '../shape.js';
import type { AffineShape, FillMode, AffineInterpolation } from '../../kernels/affine-transform.js';
import { affineTransformKernels, oneVersionBackwardKernels } from '../kernel-tables/single-version.js';

export type { FillMode, AffineInterpolation };

export interface AffineTransformOptions {
  /** How points outside the image are read: 'reflect' (default, as Keras), 'wrap', 'constant', 'nearest'. */
  fillMode?: FillMode;
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: AffineInterpolation;
  /** The value read outside the image with fillMode 'constant' (default 0). */
  fillValue?: number;
}

const FILL_MODES: readonly FillMode[] = ['reflect', 'wrap', 'constant', 'nearest'];

/** Check the options of an affine transform; the error names `who`. */
export function checkAffineOptions(who: string, o: AffineTransformOptions): Required<AffineTransformOptions> {
  const { fillMode = 'reflect', interpolation = 'bilinear', fillValue = 0 } = o;
  if (!FILL_MODES.includes(fillMode)) throw new Error(`${who}: fillMode must be one of ${FILL_MODES.join(', ')}, got '${String(fillMode)}'`);
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') throw new Error(`${who}: interpolation must be 'nearest' or 'bilinear', got '${String(interpolation)}'`);
  if (!Number.isFinite(fillValue)) throw new Error(`${who}: fillValue must be a finite number, got ${String(fillValue)}`);
  return { fillMode, interpolation, fillValue };
}

/**
 * Transform each NHWC image by its own projective transform (8 numbers per image, output pixel →
 * input point; see kernels/affine-transform.ts), as Keras 3's ops.image.affine_transform. The
 * gradient flows to x (not to the transforms).
 */
export function affineTransform(x: Tensor, transforms: Float64Array, options: AffineTransformOptions = {}): Tensor {
  if (x.rank !== 4) throw new Error(`affineTransform: expected a 4-D NHWC input, got shape ${shapeToString(x.shape)}`);
  const [N, H, W, C] = x.shape;
  if (transforms.length !== N * 8) throw new Error(`affineTransform: expected ${N * 8} transform values (8 per image) for input ${shapeToString(x.shape)}, got ${transforms.length}`);
  const s: AffineShape = { N, H, W, C, ...checkAffineOptions('affineTransform', options) };
  const y = allocFloat32(x.size);
  affineTransformKernels.affineTransformForward(y, x.data, transforms, s);
  return Tensor.fromOp('affineTransform', y, x.shape, [x], (dout) => {
    const dx = allocFloat32(x.size);
    oneVersionBackwardKernels().affineTransformBackward(dx, dout, transforms, s);
    accumulateGrad(x, dx, true);
  });
}
