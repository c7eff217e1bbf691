import type { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';
import { add, mul } from '../ops/binary.js';
import { Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface RescalingArgs extends LayerArgs {
  /** Multiplier: a number, or one per channel (last axis). E.g. 1/255 for [0, 255] pixels → [0, 1]. */
  scale: number | readonly number[];
  /** Added after scaling; default 0. E.g. scale 1/127.5, offset −1 → [−1, 1]. */
  offset?: number | readonly number[];
}

/** y = x·scale + offset, as Keras Rescaling (a preprocessing layer, the same in training and inference). */
export class Rescaling extends Layer {
  readonly className = 'Rescaling';
  readonly scale: number | readonly number[];
  readonly offset: number | readonly number[];

  constructor(args: RescalingArgs) {
    super(args);
    const check = (what: string, v: unknown): number | readonly number[] => {
      const ok = typeof v === 'number' ? Number.isFinite(v) : Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'number' && Number.isFinite(e));
      if (!ok) throw new Error(`Rescaling: ${what} must be a finite number or a list of them, got ${JSON.stringify(v)}`);
      return typeof v === 'number' ? v : [...(v as number[])];
    };
    this.scale = check('scale', args?.scale);
    this.offset = check('offset', args?.offset ?? 0);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    for (const v of [this.scale, this.offset]) {
      if (typeof v !== 'number' && v.length !== 1 && inputShape[inputShape.length - 1] !== v.length) {
        this.shapeError(inputShape, `a last axis of ${v.length} (one scale/offset per channel)`);
      }
    }
    return inputShape;
  }

  call(x: Tensor): Tensor {
    const operand = (v: number | readonly number[]): number | Tensor => (typeof v === 'number' ? v : tensor([...v]));
    return add(mul(x, operand(this.scale)), operand(this.offset));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}
