/**
 * tatami/infer's default tables as one set: what each family module gives when no table is
 * installed (kernel-table.ts), gathered so that `fastKernels` (fast-inference.ts) can be written as
 * its differences and a benchmark can switch back to it (bench/infer-kernels.ts). tatami/infer's
 * default bundle never imports this module: each op reads its family's default directly.
 */
import type { KernelTables } from '../kernel-table.js';
import { inferencePassKernels, inferenceReductionKernels } from './elementwise.js';
import { inferenceReluKernels } from './relu.js';
import { inferenceGemmKernels } from './gemm.js';
import { inferenceBiasGradientKernels } from './bias-gradient.js';
import { inferenceConv2dKernels } from './conv2d.js';
import { inferenceDepthwiseConv2dKernels } from './depthwise-conv2d.js';
import { inferenceConv2dTransposeKernels } from './conv2d-transpose.js';
import { inferencePool2dKernels } from './pool2d.js';
import { inferenceBatchNormKernels } from './batch-norm.js';
import { inferenceMergeKernels } from './merge.js';
import { inferenceConcatKernels, inferenceTransposeKernels } from './layout.js';
import { inferenceDropoutKernels } from './dropout.js';
import { inferenceOneVersionBackwardKernels } from './single-version.js';

export const inferenceKernels: KernelTables = {
  name: 'fast',
  trains: false,
  // The reductions' table last: its reduceSumTo (the sum of sum and mean) replaces the passes' throwing one.
  elementwise: { ...inferencePassKernels, ...inferenceReductionKernels },
  relu: inferenceReluKernels,
  gemm: inferenceGemmKernels,
  biasGradient: inferenceBiasGradientKernels,
  conv2d: inferenceConv2dKernels,
  depthwiseConv2d: inferenceDepthwiseConv2dKernels,
  conv2dTranspose: inferenceConv2dTransposeKernels,
  pool2d: inferencePool2dKernels,
  batchNorm: inferenceBatchNormKernels,
  merge: inferenceMergeKernels,
  layout: { ...inferenceTransposeKernels, ...inferenceConcatKernels },
  dropout: inferenceDropoutKernels,
  oneVersionBackward: inferenceOneVersionBackwardKernels,
};
