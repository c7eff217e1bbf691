/**
 * The keys every layer with a kernel and a bias shares in Keras configs (Dense, Conv2D,
 * Conv2DTranspose, Conv1D; see KernelBias): activation, use_bias, both initializers, both
 * regularizers and both constraints (read as the loader says: LayerSet.constraints).
 */
import type { ConfigReader } from './config-reader.js';
import { readActivation, readInitializer } from './keras-values.js';
import { readRegularizer } from './regularizer-config.js';
import type { KernelBiasArgs } from '../layers/kernel-bias.js';
import type { ConstraintReader } from './layer-from-config.js';

export function readKernelBias(r: ConfigReader, constraints: ConstraintReader): KernelBiasArgs {
  return {
    activation: readActivation(r),
    useBias: r.bool('use_bias', true),
    kernelInitializer: readInitializer(r, 'kernel_initializer', 'glorot_uniform'),
    biasInitializer: readInitializer(r, 'bias_initializer', 'zeros'),
    kernelRegularizer: readRegularizer(r, 'kernel_regularizer'),
    biasRegularizer: readRegularizer(r, 'bias_regularizer'),
    kernelConstraint: constraints(r, 'kernel_constraint'),
    biasConstraint: constraints(r, 'bias_constraint'),
  };
}
