/**
 * The ops' kernels that have one version only: the readable loop is also the one that runs, under
 * both settings of setKernels. One small table per op family, so that a bundle carries only the
 * families its ops reach.
 */
import { softmaxForward, softmaxBackward } from '../../kernels/softmax.js';
import { layerNormForward, layerNormBackward } from '../../kernels/layer-norm.js';
import { pad2dForward, pad2dBackward, crop2dForward, crop2dBackward } from '../../kernels/pad2d.js';
import { resizeNearestForward, resizeNearestBackward, resizeBilinearForward, resizeBilinearBackward } from '../../kernels/resize2d.js';
import { gatherRows, scatterAddRows } from '../../kernels/gather.js';
import { affineTransformForward, affineTransformBackward } from '../../kernels/affine-transform.js';

/** ops/softmax.ts. */
export const softmaxKernels = { softmaxForward, softmaxBackward };
/** ops/layer-norm.ts. */
export const layerNormKernels = { layerNormForward, layerNormBackward };
/** ops/pad2d.ts. */
export const pad2dKernels = { pad2dForward, pad2dBackward, crop2dForward, crop2dBackward };
/** ops/resize2d.ts. */
export const resize2dKernels = { resizeNearestForward, resizeNearestBackward, resizeBilinearForward, resizeBilinearBackward };
/** ops/gather.ts. */
export const gatherKernels = { gatherRows, scatterAddRows };
/** ops/affine-transform.ts. */
export const affineTransformKernels = { affineTransformForward, affineTransformBackward };
