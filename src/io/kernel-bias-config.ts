/**
 * The keys every layer with a kernel and a bias shares in Keras configs (Dense, Conv2D,
 * Conv2DTranspose, Conv1D; see KernelBias): activation, use_bias, and both initializers, both
 * regularizers and both constraints (read as the loader says: LayerSet.fitOptions).
 */
import type { ConfigReader } from './config-reader.js';
import { readActivation } from './keras-values.js';
import type { KernelBiasArgs } from '../layers/kernel-bias.js';
import type { FitOptionReaders } from './layer-from-config.js';

export function readKernelBias(r: ConfigReader, fit: FitOptionReaders): KernelBiasArgs {
  return {
    activation: readActivation(r),
    useBias: r.bool('use_bias', true),
    kernelInitializer: fit.initializer(r, 'kernel_initializer', 'glorot_uniform'),
    biasInitializer: fit.initializer(r, 'bias_initializer', 'zeros'),
    kernelRegularizer: fit.regularizer(r, 'kernel_regularizer'),
    biasRegularizer: fit.regularizer(r, 'bias_regularizer'),
    kernelConstraint: fit.constraint(r, 'kernel_constraint'),
    biasConstraint: fit.constraint(r, 'bias_constraint'),
  };
}
