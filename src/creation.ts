import { Tensor, type NestedArray } from './tensor.js';
import { allocFloat32 } from './storage.js';
import { type Shape, shapeSize, shapeToString, assertValidShape } from './shape.js';
import type { Rng } from './rng.js';

export interface TensorOptions {
  /** Record gradients for this tensor (default false). */
  requiresGrad?: boolean;
}

/** The shape of a nested array, checking that it is rectangular. */
function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

function flattenInto(values: NestedArray, shape: number[], axis: number, out: number[]): void {
  if (axis === shape.length) {
    if (typeof values !== 'number') throw new Error(`tensor: ragged nested array (expected a number at depth ${axis})`);
    out.push(values);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[axis]) {
    throw new Error(`tensor: ragged nested array (expected ${shape[axis]} elements at depth ${axis})`);
  }
  for (const v of values) flattenInto(v, shape, axis + 1, out);
}

/**
 * Make a tensor from nested arrays, a flat array or a Float32Array (which becomes its storage as is).
 * With a flat array or Float32Array, `shape` defaults to [length]; with nested arrays it is inferred
 * and, if given, must hold the same number of elements (the data is then reshaped).
 *
 * @example tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true })
 */
export function tensor(values: NestedArray | Float32Array, shape?: Shape, options: TensorOptions = {}): Tensor {
  let data: Float32Array;
  let inferred: number[];
  if (values instanceof Float32Array) {
    data = values;
    inferred = [values.length];
  } else if (typeof values === 'number') {
    data = Float32Array.of(values);
    inferred = [];
  } else {
    inferred = inferShape(values);
    const flat: number[] = [];
    flattenInto(values, inferred, 0, flat);
    data = Float32Array.from(flat);
  }
  const finalShape = shape ?? inferred;
  assertValidShape('tensor', finalShape);
  if (shapeSize(finalShape) !== data.length) {
    throw new Error(`tensor: ${data.length} values cannot fill shape ${shapeToString(finalShape)}`);
  }
  return new Tensor(data, finalShape, options.requiresGrad ?? false);
}

/** A tensor of the given shape filled with `value`. */
export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  assertValidShape('full', shape);
  return new Tensor(allocFloat32(shapeSize(shape)).fill(value), shape, options.requiresGrad ?? false);
}

export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 0, options);
}

export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** [start, start+step, ...) up to but excluding `stop`, as a 1-D tensor (NumPy's arange). */
export function arange(start: number, stop?: number, step = 1): Tensor {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be a finite non-zero number, got ${step}`);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`arange: start and stop must be finite, got ${lo} and ${hi}`);
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const data = allocFloat32(n);
  for (let i = 0; i < n; i++) data[i] = lo + i * step;
  return new Tensor(data, [n]);
}

/** Uniform values in [minval, maxval), drawn from `rng`. */
export function randomUniform(shape: Shape, rng: Rng, minval = 0, maxval = 1, options: TensorOptions = {}): Tensor {
  assertValidShape('randomUniform', shape);
  const data = allocFloat32(shapeSize(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(minval, maxval);
  return new Tensor(data, shape, options.requiresGrad ?? false);
}

/** Normal values with the given mean and standard deviation, drawn from `rng`. */
export function randomNormal(shape: Shape, rng: Rng, mean = 0, stddev = 1, options: TensorOptions = {}): Tensor {
  assertValidShape('randomNormal', shape);
  const data = allocFloat32(shapeSize(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal(mean, stddev);
  return new Tensor(data, shape, options.requiresGrad ?? false);
}
