import type { Tensor } from '../tensor.js';
import { reluGeneral, leakyRelu, elu } from '../ops/unary.js';
import { softmax } from '../ops/softmax.js';
import { Layer, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

/** Activation layers with options (Keras's advanced activations); none has weights, shapes pass through. */
abstract class ElementwiseLayer extends Layer {
  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }
}

function finite(who: string, what: string, v: number, min = -Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new Error(`${who}: ${what} must be a finite number${min > -Infinity ? ` ≥ ${min}` : ''}, got ${String(v)}`);
  return v;
}

export interface ReLUArgs extends LayerArgs {
  /** Upper bound of the output; default none (null). ReLU({ maxValue: 6 }) is MobileNet's ReLU6. */
  maxValue?: number | null;
  /** Slope below the threshold; default 0. */
  negativeSlope?: number;
  /** Default 0. */
  threshold?: number;
}

/**
 * Keras ReLU: y = min(x, maxValue) for x > threshold (and ≥ 0), negativeSlope·(x − threshold)
 * otherwise. Defaults: no maxValue, negativeSlope 0, threshold 0 (plain max(x, 0)).
 */
export class ReLU extends ElementwiseLayer {
  readonly className = 'ReLU';
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(args);
    const { maxValue = null, negativeSlope = 0, threshold = 0 } = args;
    this.maxValue = maxValue === null ? null : finite('ReLU', 'maxValue', maxValue, 0);
    this.negativeSlope = finite('ReLU', 'negativeSlope', negativeSlope, 0);
    this.threshold = finite('ReLU', 'threshold', threshold);
  }

  call(x: Tensor): Tensor {
    return reluGeneral(x, { maxValue: this.maxValue, negativeSlope: this.negativeSlope, threshold: this.threshold });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), max_value: this.maxValue, negative_slope: this.negativeSlope, threshold: this.threshold };
  }
}

export interface LeakyReLUArgs extends LayerArgs {
  /** Slope below 0; default 0.3 (Keras's LeakyReLU layer; Keras 3 calls it negative_slope). */
  alpha?: number;
}

/** Keras LeakyReLU: y = x for x > 0, alpha·x otherwise; default alpha 0.3 (the leaky_relu activation's is 0.2). */
export class LeakyReLU extends ElementwiseLayer {
  readonly className = 'LeakyReLU';
  readonly alpha: number;

  constructor(args: LeakyReLUArgs = {}) {
    super(args);
    this.alpha = finite('LeakyReLU', 'alpha', args.alpha ?? 0.3);
  }

  call(x: Tensor): Tensor {
    return leakyRelu(x, this.alpha);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

export interface ELUArgs extends LayerArgs {
  /** Scale of the negative part; default 1. */
  alpha?: number;
}

/** Keras ELU: y = x for x > 0, alpha·(eˣ − 1) otherwise; default alpha 1. */
export class ELU extends ElementwiseLayer {
  readonly className = 'ELU';
  readonly alpha: number;

  constructor(args: ELUArgs = {}) {
    super(args);
    this.alpha = finite('ELU', 'alpha', args.alpha ?? 1);
  }

  call(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

export interface SoftmaxArgs extends LayerArgs {
  /** The axis normalized; default −1 (the last), as Keras (tfjs's layer defaults to 1). */
  axis?: number;
}

/** Keras Softmax layer: exp(x) / Σ exp(x) along one axis. */
export class Softmax extends ElementwiseLayer {
  readonly className = 'Softmax';
  readonly axis: number;

  constructor(args: SoftmaxArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) throw new Error(`Softmax: axis must be an integer, got ${String(axis)}`);
    this.axis = axis;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const rank = inputShape.length;
    if (this.axis >= rank || this.axis < -rank || this.axis === 0 || this.axis === -rank) {
      this.shapeError(inputShape, `an input with axis ${this.axis} other than the batch axis`);
    }
    return inputShape;
  }

  /**
   * 'softmax' when it normalizes the last axis, as an output activation: compile then fuses it with
   * a cross-entropy loss and asks this layer for its logits (ctx.logits), as for Dense's activation.
   */
  get activation(): string | null {
    return this.axis === -1 ? 'softmax' : null;
  }

  call(x: Tensor, ctx?: CallContext): Tensor {
    return ctx?.logits === true && this.axis === -1 ? x : softmax(x, this.axis);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
