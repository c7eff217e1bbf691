import type { Tensor } from '../tensor.js';
import { sub } from '../ops/binary.js';
import { addN, averageN, multiplyN, maximumN, minimumN } from '../ops/merge.js';
import { Layer, formatShape, type CallContext, type SymbolicShape } from './layer.js';

/**
 * The base of Keras's merge layers: a layer called on a list of symbolic tensors,
 * `new Add().apply([a, b])`. Merges have no weights. Elementwise merges need inputs of one shape
 * (tatami does not broadcast between them; a batch axis of None fits any size).
 */
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

  /** Elementwise: every input has one shape (None fits any size); the output has it too. */
  protected mergedShape(shapes: readonly SymbolicShape[]): SymbolicShape {
    const rank = shapes[0].length;
    const out = [...shapes[0]];
    for (const s of shapes) {
      if (s.length !== rank) this.misfit(shapes, 'inputs of one shape');
      s.forEach((d, i) => {
        if (d === null) return;
        if (out[i] !== null && out[i] !== d) this.misfit(shapes, 'inputs of one shape');
        out[i] = d;
      });
    }
    return out;
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

  private listShapes(shapes: readonly SymbolicShape[]): string {
    return shapes.length === 0 ? '' : ` ${shapes.map(formatShape).join(', ')}`;
  }
}

/** x_0 + x_1 + …, as Keras Add. */
export class Add extends Merge {
  readonly className = 'Add';
  protected merge(xs: readonly Tensor[]): Tensor {
    return addN(xs);
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
    return multiplyN(xs);
  }
}

/** (x_0 + … + x_{K−1}) / K, as Keras Average. */
export class Average extends Merge {
  readonly className = 'Average';
  protected merge(xs: readonly Tensor[]): Tensor {
    return averageN(xs);
  }
}

/** Elementwise max, as Keras Maximum. On a tie the gradient goes to the first input (TensorFlow's rule, kernels/merge.ts). */
export class Maximum extends Merge {
  readonly className = 'Maximum';
  protected merge(xs: readonly Tensor[]): Tensor {
    return maximumN(xs);
  }
}

/** Elementwise min, as Keras Minimum. On a tie the gradient goes to the first input (TensorFlow's rule, kernels/merge.ts). */
export class Minimum extends Merge {
  readonly className = 'Minimum';
  protected merge(xs: readonly Tensor[]): Tensor {
    return minimumN(xs);
  }
}
