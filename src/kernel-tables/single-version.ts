/**
 * The ops' kernels that have one version only: the readable loop is also the one that runs, under
 * both settings of setKernels. The forwards are read from the small per-op tables below, so that a
 * bundle carries only the forwards its ops reach; the backwards sit in one table family of their
 * own, OneVersionBackwardKernels, which only the training side installs (src/fast-kernels.ts), so
 * that tatami/infer carries none of them.
 */
import { softmaxForward, type softmaxBackward } from '../../kernels/softmax.js';
import { layerNormForward, type layerNormBackward } from '../../kernels/layer-norm.js';
import { pad2dForward, crop2dForward, type pad2dBackward, type crop2dBackward } from '../../kernels/pad2d.js';
import { resizeNearestForward, resizeBilinearForward, type resizeNearestBackward, type resizeBilinearBackward } from '../../kernels/resize2d.js';
import { gatherRows, type scatterAddRows } from '../../kernels/gather.js';
import { affineTransformForward, type affineTransformBackward } from '../../kernels/affine-transform.js';
import { chosenKernels } from '../kernel-table.js';
import { inferenceOnly } from './inference-only.js';

/** ops/softmax.ts. */
export const softmaxKernels = { softmaxForward };
/** ops/layer-norm.ts. */
export const layerNormKernels = { layerNormForward };
/** ops/pad2d.ts. */
export const pad2dKernels = { pad2dForward, crop2dForward };
/** ops/resize2d.ts. */
export const resize2dKernels = { resizeNearestForward, resizeBilinearForward };
/** ops/gather.ts. */
export const gatherKernels = { gatherRows };
/** ops/affine-transform.ts. */
export const affineTransformKernels = { affineTransformForward };

/** The backwards of the one-version ops above (each accumulates into its dx; see its kernel file). */
export interface OneVersionBackwardKernels {
  softmaxBackward: typeof softmaxBackward;
  layerNormBackward: typeof layerNormBackward;
  pad2dBackward: typeof pad2dBackward;
  crop2dBackward: typeof crop2dBackward;
  resizeNearestBackward: typeof resizeNearestBackward;
  resizeBilinearBackward: typeof resizeBilinearBackward;
  scatterAddRows: typeof scatterAddRows;
  affineTransformBackward: typeof affineTransformBackward;
}

/** tatami/infer's: no gradients. */
export const inferenceOneVersionBackwardKernels: OneVersionBackwardKernels = {
  softmaxBackward: inferenceOnly('softmaxBackward'),
  layerNormBackward: inferenceOnly('layerNormBackward'),
  pad2dBackward: inferenceOnly('pad2dBackward'),
  crop2dBackward: inferenceOnly('crop2dBackward'),
  resizeNearestBackward: inferenceOnly('resizeNearestBackward'),
  resizeBilinearBackward: inferenceOnly('resizeBilinearBackward'),
  scatterAddRows: inferenceOnly('scatterAddRows'),
  affineTransformBackward: inferenceOnly('affineTransformBackward'),
};

/** The table the ops' backward closures call into now (kernel-table.ts). */
export function oneVersionBackwardKernels(): OneVersionBackwardKernels {
  return chosenKernels()?.oneVersionBackward ?? inferenceOneVersionBackwardKernels;
}
