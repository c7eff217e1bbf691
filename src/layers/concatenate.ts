import type { Tensor } from '../tensor.js';
import { concat } from '../ops/shape-ops.js';
import type { LayerArgs, SymbolicShape } from './layer.js';
import { Merge } from './merge.js';

export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along (default -1, the channels of NHWC); not the batch axis. */
  axis?: number;
}

/**
 * Joins its inputs along one axis, as Keras Concatenate: every other axis must agree. The Inception
 * module's merge: [N, H, W, C1], [N, H, W, C2], … → [N, H, W, C1 + C2 + …].
 */
export class Concatenate extends Merge {
  readonly className = 'Concatenate';
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    const { axis = -1 } = args;
    if (!Number.isInteger(axis)) throw new Error(`Concatenate: axis must be an integer, got ${axis}`);
    this.axis = axis;
  }

  protected override mergedShape(shapes: readonly SymbolicShape[]): SymbolicShape {
    const rank = shapes[0].length;
    const ax = this.axis < 0 ? this.axis + rank : this.axis;
    if (ax < 1 || ax >= rank) this.misfit(shapes, `inputs of rank > 1 with an axis ${this.axis} after the batch axis`);
    const out = [...shapes[0]];
    for (const s of shapes) {
      if (s.length !== rank) this.misfit(shapes, `inputs of one rank that agree outside axis ${this.axis}`);
      s.forEach((d, i) => {
        if (i === ax || d === null) return;
        if (out[i] !== null && out[i] !== d) this.misfit(shapes, `inputs that agree outside axis ${this.axis}`);
        out[i] = d;
      });
    }
    out[ax] = shapes.some((s) => s[ax] === null) ? null : shapes.reduce((p, s) => p + (s[ax] as number), 0);
    return out;
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    return concat(xs, this.axis);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
