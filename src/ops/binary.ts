import { Tensor } from '../tensor.js';
import { allocFloat32, releaseFloat32 } from '../storage.js';
import { type Shape, shapeToString, shapeSize } from '../shape.js';
import { type BinaryKind, broadcastShape } from '../../kernels/elementwise.js';
import { elementwiseKernels } from '../kernel-tables/elementwise.js';
import { type Operand, asTensor, passGrad } from './operand.js';

/**
 * Elementwise binary ops with NumPy broadcasting: y = a ∘ b.
 *
 * The forward is one call to the table's binaryBroadcast (src/kernel-tables/elementwise.ts). Each op's backward, written under it, forms the
 * gradient of each input over the output's shape (dout · ∂y/∂input) and passes it down with
 * passGrad, which sums it back to the input's shape (the backward of broadcasting). Gradients that
 * are dout itself (add, sub) are passed without forming anything (passIdentity).
 */
type BinaryBackward = (dout: Float32Array, a: Tensor, b: Tensor, y: Float32Array, shape: Shape, owned: boolean) => void;

function binaryOp(kind: BinaryKind, aIn: Operand, bIn: Operand, backward: BinaryBackward): Tensor {
  const a = asTensor(aIn);
  const b = asTensor(bIn);
  const outShape = broadcastShape(a.shape, b.shape);
  if (outShape === null) {
    throw new Error(`${kind}: shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)} cannot be broadcast together`);
  }
  const y = allocFloat32(shapeSize(outShape)); // (outShape)
  elementwiseKernels().binaryBroadcast(y, kind, a.data, a.shape, b.data, b.shape, outShape);
  return Tensor.fromOp(kind, y, outShape, [a, b], (dout, owned) => backward(dout, a, b, y, outShape, owned));
}

/** dout ∘ t over `shape` (t broadcast), in a fresh buffer. */
function withOperand(kind: BinaryKind, dout: Float32Array, t: Tensor, shape: Shape): Float32Array {
  const g = allocFloat32(dout.length); // (shape)
  elementwiseKernels().binaryBroadcast(g, kind, dout, shape, t.data, t.shape, shape);
  return g;
}

/**
 * The backward of add and sub: a gets scaleA · dout, b gets scaleB · dout. When backward() hands dout
 * over (owned), the input laid out like dout (not broadcast) takes it as its gradient's storage,
 * negated in place for sub's b, instead of a copy: it goes second, after the other input has read
 * dout. (The bias of add(conv2d(x, w), b) reads it for its channel sums, then x's side takes it.)
 */
function passIdentity(dout: Float32Array, a: Tensor, b: Tensor, shape: Shape, scaleA: 1 | -1, scaleB: 1 | -1, owned: boolean): void {
  if (b.requiresGrad && b.size === dout.length) {
    passGrad(a, dout, shape, scaleA);
    passGrad(b, dout, shape, scaleB, owned);
  } else {
    passGrad(b, dout, shape, scaleB);
    // A broadcast a only reads dout (summed down into a buffer of its own): dout then stays
    // backward()'s to give back, after this closure, so no allocation in between can be handed it.
    passGrad(a, dout, shape, scaleA, owned && a.size === dout.length);
  }
}

/** a + b */
export function add(a: Operand, b: Operand): Tensor {
  return binaryOp('add', a, b, (dout, a, b, _y, shape, owned) => passIdentity(dout, a, b, shape, 1, 1, owned));
}

/** a − b */
export function sub(a: Operand, b: Operand): Tensor {
  return binaryOp('sub', a, b, (dout, a, b, _y, shape, owned) => passIdentity(dout, a, b, shape, 1, -1, owned));
}

/** a · b (elementwise): ∂/∂a = b, ∂/∂b = a */
export function mul(a: Operand, b: Operand): Tensor {
  return binaryOp('mul', a, b, (dout, a, b, _y, shape) => {
    if (a.requiresGrad) passGrad(a, withOperand('mul', dout, b, shape), shape, 1, true);
    if (b.requiresGrad) passGrad(b, withOperand('mul', dout, a, shape), shape, 1, true);
  });
}

/** a / b (elementwise): ∂/∂a = 1/b, ∂/∂b = −a/b² = −y/b */
export function div(a: Operand, b: Operand): Tensor {
  return binaryOp('div', a, b, (dout, a, b, y, shape) => {
    if (a.requiresGrad) passGrad(a, withOperand('div', dout, b, shape), shape, 1, true);
    if (b.requiresGrad) {
      // −(dout · y) / b, formed in one buffer: dout · y (same shape), then divided in place.
      const g = allocFloat32(y.length); // (shape)
      elementwiseKernels().binaryBroadcast(g, 'mul', dout, shape, y, shape, shape);
      elementwiseKernels().binaryBroadcast(g, 'div', g, shape, b.data, b.shape, shape);
      passGrad(b, g, shape, -1, true);
    }
  });
}

/**
 * The backward of maximum and minimum: the gradient goes where the value came from. y took a's value
 * on a tie and where a is NaN (a NaN on either side wins); elsewhere `y === a` says which side won
 * (where b is NaN, y is that NaN and not a). b gets the rest.
 */
function selectBackward(dout: Float32Array, a: Tensor, b: Tensor, y: Float32Array, shape: Shape): void {
  const n = y.length;
  let aOver = a.data; // (shape): a laid out over the output
  if (a.size !== n) {
    aOver = allocFloat32(n);
    elementwiseKernels().broadcastTo(aOver, a.data, a.shape, shape);
  }
  const da = a.requiresGrad ? allocFloat32(n) : null; // (shape)
  const db = b.requiresGrad ? allocFloat32(n) : null; // (shape)
  for (let i = 0; i < n; i++) {
    const av = aOver[i];
    if (y[i] === av || av !== av) {
      if (da !== null) da[i] = dout[i];
    } else if (db !== null) {
      db[i] = dout[i];
    }
  }
  if (aOver !== a.data) releaseFloat32([aOver]);
  if (da !== null) passGrad(a, da, shape, 1, true);
  if (db !== null) passGrad(b, db, shape, 1, true);
}

/** max(a, b) elementwise, NaN if either is (as tf.maximum); on a tie the value and the gradient go to a. */
export function maximum(a: Operand, b: Operand): Tensor {
  return binaryOp('maximum', a, b, selectBackward);
}

/** min(a, b) elementwise, NaN if either is (as tf.minimum); on a tie the value and the gradient go to a. */
export function minimum(a: Operand, b: Operand): Tensor {
  return binaryOp('minimum', a, b, selectBackward);
}
