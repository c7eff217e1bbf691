import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { type Shape, shapeToString, shapeSize } from '../shape.js';
import { broadcastShape, binaryBroadcast, broadcastTo } from '../../kernels/elementwise.js';
import { type Operand, asTensor, sumToShape } from './operand.js';

/**
 * Elementwise binary ops with NumPy broadcasting.
 *
 * Each op is its forward f(a, b) and the two partial derivatives ∂f/∂a, ∂f/∂b as functions of
 * (a, b, f(a,b)). The backward multiplies them by the upstream gradient at every output position,
 * then sums each back down to its input's shape (the backward of broadcasting).
 */
type Scalar2 = (a: number, b: number) => number;
type Partial = (a: number, b: number, y: number) => number;

function binaryOp(op: string, aIn: Operand, bIn: Operand, f: Scalar2, dfda: Partial, dfdb: Partial): Tensor {
  const a = asTensor(aIn);
  const b = asTensor(bIn);
  const outShape = broadcastShape(a.shape, b.shape);
  if (outShape === null) {
    throw new Error(`${op}: shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)} cannot be broadcast together`);
  }
  const n = shapeSize(outShape);
  const y = allocFloat32(n);
  binaryBroadcast(y, a.data, a.shape, b.data, b.shape, outShape, f);
  return Tensor.fromOp(op, y, outShape, [a, b], (dout) => {
    // Lay a and b out over the output's shape once, so each partial reads them by output index.
    const ab = expand(a, outShape);
    const bb = expand(b, outShape);
    for (const [input, partial] of [[a, dfda], [b, dfdb]] as const) {
      if (!input.requiresGrad) continue;
      const g = allocFloat32(n);
      for (let i = 0; i < n; i++) g[i] = dout[i] * partial(ab[i], bb[i], y[i]);
      accumulateGrad(input, sumToShape(g, outShape, input.shape), true);
    }
  });
}

/** t's data laid out over `shape` (t's own storage when nothing is broadcast). */
function expand(t: Tensor, shape: Shape): Float32Array {
  if (t.size === shapeSize(shape)) return t.data;
  const out = allocFloat32(shapeSize(shape));
  broadcastTo(out, t.data, t.shape, shape);
  return out;
}

/** a + b */
export function add(a: Operand, b: Operand): Tensor {
  return binaryOp('add', a, b, (x, z) => x + z, () => 1, () => 1);
}

/** a − b */
export function sub(a: Operand, b: Operand): Tensor {
  return binaryOp('sub', a, b, (x, z) => x - z, () => 1, () => -1);
}

/** a · b (elementwise) */
export function mul(a: Operand, b: Operand): Tensor {
  return binaryOp('mul', a, b, (x, z) => x * z, (_x, z) => z, (x) => x);
}

/** a / b (elementwise); ∂/∂b = −a/b² = −y/b */
export function div(a: Operand, b: Operand): Tensor {
  return binaryOp('div', a, b, (x, z) => x / z, (_x, z) => 1 / z, (_x, z, y) => -y / z);
}

// Whether maximum/minimum picks a: on a tie, and when a is NaN (a NaN on either side wins, as in
// tf.maximum and torch.maximum: `x >= z` alone would pick a NaN b but drop a NaN a).
const takesMax = (x: number, z: number): boolean => x >= z || x !== x;
const takesMin = (x: number, z: number): boolean => x <= z || x !== x;

/** max(a, b) elementwise, NaN if either is; on a tie the gradient goes to a. */
export function maximum(a: Operand, b: Operand): Tensor {
  return binaryOp('maximum', a, b, (x, z) => (takesMax(x, z) ? x : z), (x, z) => (takesMax(x, z) ? 1 : 0), (x, z) => (takesMax(x, z) ? 0 : 1));
}

/** min(a, b) elementwise, NaN if either is; on a tie the gradient goes to a. */
export function minimum(a: Operand, b: Operand): Tensor {
  return binaryOp('minimum', a, b, (x, z) => (takesMin(x, z) ? x : z), (x, z) => (takesMin(x, z) ? 1 : 0), (x, z) => (takesMin(x, z) ? 0 : 1));
}
