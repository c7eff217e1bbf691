/**
 * tatami: a convolutional-network engine in pure TypeScript.
 * Everything public is exported from here; kernels are also available as 'tatami/kernels'.
 */
export { Tensor, type NestedArray } from './tensor.js';
export { type Shape } from './shape.js';
export { tensor, zeros, ones, full, arange, randomUniform, randomNormal, type TensorOptions } from './creation.js';
export { Rng } from './rng.js';
export { noGrad, isGradEnabled } from './grad-mode.js';
export { gradCheck, type GradCheckOptions, type GradCheckResult } from './gradcheck.js';

export { add, sub, mul, div, maximum, minimum } from './ops/binary.js';
export { neg, exp, log, sqrt, square, pow, abs, clip, relu, leakyRelu, elu, sigmoid, tanh } from './ops/unary.js';
export { sum, mean, max, type Axes } from './ops/reduce.js';
export { reshape, flatten, transpose, concat, slice } from './ops/shape-ops.js';
export { matmul } from './ops/matmul.js';
export { gather } from './ops/gather.js';
export { softmax, logSoftmax } from './ops/softmax.js';
