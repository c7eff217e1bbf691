import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { type Shape, shapesEqual, shapeSize } from '../shape.js';
import { reduceSumTo } from '../../kernels/reduce.js';

/** A tensor or a plain number (treated as a scalar tensor). */
export type Operand = Tensor | number;

export function asTensor(v: Operand): Tensor {
  return v instanceof Tensor ? v : new Tensor(Float32Array.of(v), []);
}

/**
 * The backward of broadcasting: sum a gradient laid out as `from` down to `to`.
 * Returns `g` itself when nothing was broadcast.
 */
export function sumToShape(g: Float32Array, from: Shape, to: Shape): Float32Array {
  if (shapesEqual(from, to)) return g;
  const out = allocFloat32(shapeSize(to));
  reduceSumTo(out, g, from, to);
  return out;
}
