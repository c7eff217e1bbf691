import type { Tensor } from '../tensor.js';
import { add, sub, mul, maximum, minimum } from '../ops/binary.js';
import { shapesEqual } from '../shape.js';
import { addN, averageN, multiplyN, maximumN, minimumN } from '../ops/merge.js';
import { Layer, formatShape, type CallContext, type SymbolicShape } from './layer.js';

/**
 * The base of Keras's merge layers: a layer called on a list of symbolic tensors,
 * `new Add().apply([a, b])`. Merges have no weights. Elementwise merges take inputs of one rank whose
 * sizes agree or are 1 (broadcast, as Keras: a squeeze-and-excitation gate [N, 1, 1, C] times a map
 * [N, H, W, C]); inputs of one shape go through the n-ary kernels (kernels/merge.ts), others through
 * the broadcasting binary ops, folded left to right (as Keras folds them).
 */
const oneShape = (xs: readonly Tensor[]): boolean => xs.every((x) => shapesEqual(x.shape, xs[0].shape));

export abstract class Merge extends Layer {
  /** How many inputs a call takes: [least, most]. */
  protected readonly arity: readonly [number, number] = [2, Infinity];

  /** The merge itself, on a call's concrete inputs (already checked to fit). */
  protected abstract merge(xs: readonly Tensor[]): Tensor;

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.computeOutputShapes([inputShape]);
  }

  override computeOutputShapes(inputShapes: readonly SymbolicShape[]): SymbolicShape {
    const [least, most] = this.arity;
    if (inputShapes.length < least || inputShapes.length > most) {
      const wanted = least === most ? `exactly ${least}` : `at least ${least}`;
      throw new Error(`${this.describe()}: takes a list of ${wanted} inputs, got ${inputShapes.length}${this.listShapes(inputShapes)}`);
    }
    return this.mergedShape(inputShapes);
  }

  /** Elementwise: on each axis the sizes agree or are 1 (None: unknown, fits any size). */
  protected mergedShape(shapes: readonly SymbolicShape[]): SymbolicShape {
    const expected = 'inputs of one rank whose sizes agree or are 1';
    const rank = shapes[0].length;
    if (shapes.some((s) => s.length !== rank)) this.misfit(shapes, expected);
    return shapes[0].map((_, i) => {
      const dims = shapes.map((s) => s[i]);
      const sizes = new Set(dims.filter((d): d is number => d !== null && d !== 1));
      if (sizes.size > 1) this.misfit(shapes, expected);
      if (sizes.size === 1) return [...sizes][0];
      return dims.includes(null) ? null : 1;
    });
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    return this.callInputs([x], ctx);
  }

  override callInputs(xs: readonly Tensor[], _ctx: CallContext): Tensor {
    this.computeOutputShapes(xs.map((x) => x.shape));
    return this.merge(xs);
  }

  protected misfit(shapes: readonly SymbolicShape[], expected: string): never {
    throw new Error(`${this.describe()}: expected ${expected}, got input shapes${this.listShapes(shapes)}`);
  }

  /** The n-ary op for inputs of one shape, else `binary` folded left to right (broadcasting). */
  protected elementwise(xs: readonly Tensor[], nary: (xs: readonly Tensor[]) => Tensor, binary: (a: Tensor, b: Tensor) => Tensor): Tensor {
    return oneShape(xs) ? nary(xs) : xs.reduce((a, b) => binary(a, b));
  }

  private listShapes(shapes: readonly SymbolicShape[]): string {
    return shapes.length === 0 ? '' : ` ${shapes.map(formatShape).join(', ')}`;
  }
}

/** x_0 + x_1 + …, as Keras Add. */
export class Add extends Merge {
  readonly className = 'Add';
  protected merge(xs: readonly Tensor[]): Tensor {
    return this.elementwise(xs, addN, add);
  }
}

/** x_0 − x_1 (exactly two inputs), as Keras Subtract. */
export class Subtract extends Merge {
  readonly className = 'Subtract';
  protected override readonly arity = [2, 2] as const;
  protected merge(xs: readonly Tensor[]): Tensor {
    return sub(xs[0], xs[1]);
  }
}

/** x_0 · x_1 · … elementwise, as Keras Multiply. */
export class Multiply extends Merge {
  readonly className = 'Multiply';
  protected merge(xs: readonly Tensor[]): Tensor {
    return this.elementwise(xs, multiplyN, mul);
  }
}

/** (x_0 + … + x_{K−1}) / K, as Keras Average. */
export class Average extends Merge {
  readonly className = 'Average';
  protected merge(xs: readonly Tensor[]): Tensor {
    return oneShape(xs) ? averageN(xs) : mul(xs.reduce((a, b) => add(a, b)), 1 / xs.length);
  }
}

/** Elementwise max, as Keras Maximum. On a tie the gradient goes to the first input (TensorFlow's rule, kernels/merge.ts). */
export class Maximum extends Merge {
  readonly className = 'Maximum';
  protected merge(xs: readonly Tensor[]): Tensor {
    return this.elementwise(xs, maximumN, maximum);
  }
}

/** Elementwise min, as Keras Minimum. On a tie the gradient goes to the first input (TensorFlow's rule, kernels/merge.ts). */
export class Minimum extends Merge {
  readonly className = 'Minimum';
  protected merge(xs: readonly Tensor[]): Tensor {
    return this.elementwise(xs, minimumN, minimum);
  }
}
