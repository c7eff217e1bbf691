import type { Tensor } from '../tensor.js';
import { relu, neg } from '../ops/unary.js';
import { add, mul } from '../ops/binary.js';
import { type InitializerSpec, checkInitializer, initializerConfig } from '../initializer-spec.js';
import { Layer, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

export interface PReLUArgs extends LayerArgs {
  /** How the slopes start; default 'zeros' (the layer starts as a ReLU), as Keras. */
  alphaInitializer?: InitializerSpec;
  /**
   * Axes (counted with the batch as 0) along which one slope is shared; e.g. [1, 2] on NHWC images
   * gives one slope per channel. Default: none (one slope per element of a sample).
   */
  sharedAxes?: number | readonly number[] | null;
}

/**
 * Parametric ReLU, as Keras PReLU: y = max(x, 0) − alpha·max(−x, 0), with a trainable alpha of shape
 * inputShape[1:] where every shared axis is 1 (broadcast over it). Parameters: the size of alpha.
 */
export class PReLU extends Layer {
  readonly className = 'PReLU';
  readonly sharedAxes: readonly number[] | null;
  /** How alpha starts, as given (a name or a function). */
  readonly alphaInitializer: InitializerSpec;
  private alpha: Tensor | null = null;

  constructor(args: PReLUArgs = {}) {
    super(args);
    const { alphaInitializer = 'zeros', sharedAxes = null } = args;
    const axes = sharedAxes === null ? null : typeof sharedAxes === 'number' ? [sharedAxes] : [...sharedAxes];
    if (axes !== null && axes.some((a) => !Number.isInteger(a) || a < 1)) {
      throw new Error(`PReLU: sharedAxes must be axes ≥ 1 (0 is the batch), got ${JSON.stringify(sharedAxes)}`);
    }
    this.sharedAxes = axes;
    this.alphaInitializer = checkInitializer(alphaInitializer, 'PReLU');
  }

  /** The shape of alpha for an input shape: the sample's shape with the shared axes set to 1. */
  alphaShape(inputShape: SymbolicShape): number[] {
    return inputShape.slice(1).map((d, i) => (this.sharedAxes?.includes(i + 1) ? 1 : (d as number)));
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length < 2) this.shapeError(inputShape, 'an input with at least one axis after the batch');
    if (this.sharedAxes !== null && this.sharedAxes.some((a) => a >= inputShape.length)) {
      this.shapeError(inputShape, `an input with the shared axes ${JSON.stringify(this.sharedAxes)}`);
    }
    if (inputShape.slice(1).some((d, i) => d === null && !this.sharedAxes?.includes(i + 1))) {
      this.shapeError(inputShape, 'known sizes on every axis that is not shared');
    }
    if (this.alpha !== null && this.alphaShape(inputShape).join() !== this.alpha.shape.join()) {
      this.shapeError(inputShape, `an input matching alpha [${this.alpha.shape.join(', ')}]`);
    }
    return inputShape;
  }

  override build(inputShape: SymbolicShape): void {
    this.alpha = this.addWeight('alpha', this.alphaShape(inputShape), this.alphaInitializer);
    this.built = true;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return add(relu(x), mul(neg(this.alpha as Tensor), relu(neg(x))));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      alpha_initializer: initializerConfig(this.alphaInitializer),
      alpha_regularizer: null,
      alpha_constraint: null,
      shared_axes: this.sharedAxes === null ? null : [...this.sharedAxes],
    };
  }
}
