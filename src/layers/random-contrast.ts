import { Tensor } from '../tensor.js';
import { mean } from '../ops/reduce.js';
import { add, sub, mul } from '../ops/binary.js';
import { clip } from '../ops/unary.js';
import { Layer, callRng, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';
import { type Factor, readFactor } from './random-geometry.js';

export interface RandomContrastArgs extends LayerArgs {
  /** f → contrast factors in [1 − f, 1 + f]; [lower, upper] → [1 − lower, 1 + upper]. Each in [0, 1]. */
  factor: Factor;
  /** Outputs are clipped to this range; default [0, 255], as Keras 3. */
  valueRange?: readonly [number, number];
}

/**
 * Keras 3 RandomContrast, NHWC: in training each image n draws a factor a ~ U(1 − lower, 1 + upper)
 * and becomes clip((x − m)·a + m, valueRange), m the mean of its channel over height and width;
 * identity in inference.
 */
export class RandomContrast extends Layer {
  readonly className = 'RandomContrast';
  readonly factor: [number, number];
  readonly valueRange: [number, number];

  constructor(args: RandomContrastArgs) {
    super(args);
    const f = readFactor('RandomContrast', 'factor', args?.factor, false);
    if (f[0] < 0 || f[1] > 1) throw new Error(`RandomContrast: factor must lie in [0, 1], got ${JSON.stringify(args.factor)}`);
    this.factor = typeof args.factor === 'number' ? f : [args.factor[0], args.factor[1]];
    const [lo, hi] = args.valueRange ?? [0, 255];
    if (!(lo < hi)) throw new Error(`RandomContrast: valueRange must be [low, high] with low < high, got ${JSON.stringify(args.valueRange)}`);
    this.valueRange = [lo, hi];
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 4) this.shapeError(inputShape, '4-D NHWC input (batch, height, width, channels)');
    return inputShape;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training) return x;
    const n = x.shape[0];
    const rng = callRng(this, ctx);
    const a = new Float32Array(n); // (N, 1, 1, 1)
    for (let i = 0; i < n; i++) a[i] = rng.uniform(1 - this.factor[0], 1 + this.factor[1]);
    const m = mean(x, [1, 2], true);
    return clip(add(mul(sub(x, m), new Tensor(a, [n, 1, 1, 1])), m), this.valueRange[0], this.valueRange[1]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: [...this.factor], value_range: [...this.valueRange], seed: null, data_format: 'channels_last' };
  }
}
