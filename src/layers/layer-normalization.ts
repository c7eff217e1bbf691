import type { Tensor } from '../tensor.js';
import { layerNorm } from '../ops/layer-norm.js';
import { transpose } from '../ops/shape-ops.js';
import { type InitializerSpec, checkInitializer, initializerConfig } from '../initializer-spec.js';
import { Layer, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

export interface LayerNormalizationArgs extends LayerArgs {
  /** The axis or axes normalized together, counted with the batch as 0; default −1 (the last). */
  axis?: number | readonly number[];
  /** Added to the variance; default 1e-3 (Keras's). */
  epsilon?: number;
  /** Learn an offset beta (default true). */
  center?: boolean;
  /** Learn a scale gamma (default true). */
  scale?: boolean;
  /** Default 'zeros'. */
  betaInitializer?: InitializerSpec;
  /** Default 'ones'. */
  gammaInitializer?: InitializerSpec;
}

/**
 * Layer normalization, as Keras LayerNormalization: each sample is normalized over `axis` with its
 * own mean and (biased) variance, y = gamma·(x − μ)/√(σ² + ε) + beta; the same in training and
 * inference. gamma and beta have the shape of the normalized axes: any axes but the batch (−1, or
 * e.g. [1, 2, 3] on NHWC images; trailing axes run in place, others through a transpose).
 * Parameters: 2 × the size of the normalized axes (fewer without center or scale).
 */
export class LayerNormalization extends Layer {
  readonly className = 'LayerNormalization';
  readonly axis: number | readonly number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  /** How gamma and beta start, as given. */
  private readonly inits: [InitializerSpec, InitializerSpec];
  private gamma: Tensor | null = null;
  private beta: Tensor | null = null;
  /** The normalized axes, increasing, fixed when built. */
  private axes: number[] = [];

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    const { axis = -1, epsilon = 1e-3, center = true, scale = true, betaInitializer = 'zeros', gammaInitializer = 'ones' } = args;
    const list = typeof axis === 'number' ? [axis] : axis;
    if (!Array.isArray(list) || list.length === 0 || list.some((a) => !Number.isInteger(a))) {
      throw new Error(`LayerNormalization: axis must be an integer or a non-empty list of them, got ${JSON.stringify(axis)}`);
    }
    if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new Error(`LayerNormalization: epsilon must be a positive number, got ${epsilon}`);
    this.axis = typeof axis === 'number' ? axis : [...axis];
    this.epsilon = epsilon;
    this.center = center;
    this.scale = scale;
    this.inits = [checkInitializer(gammaInitializer, 'LayerNormalization'), checkInitializer(betaInitializer, 'LayerNormalization')];
  }

  /** The normalized axes as non-negative indices for this rank, in the order given (duplicates dropped). */
  axesFor(inputShape: SymbolicShape): number[] {
    const rank = inputShape.length;
    const list = typeof this.axis === 'number' ? [this.axis] : this.axis;
    const axes = [...new Set(list.map((a) => (a < 0 ? a + rank : a)))];
    if (axes.some((a) => a < 1 || a >= rank)) this.shapeError(inputShape, `an input with axis ${JSON.stringify(this.axis)} (not the batch axis)`);
    if (axes.some((a) => inputShape[a] === null)) this.shapeError(inputShape, 'known sizes on the normalized axes');
    return axes;
  }

  /**
   * The shape of gamma and beta for an input shape: the sizes of the normalized axes in the order
   * `axis` lists them, as Keras. Their values are laid over those axes in increasing axis order (Keras
   * reshapes them to broadcast), which is the order the normalized block has after moving it last.
   */
  paramShape(inputShape: SymbolicShape): number[] {
    return this.axesFor(inputShape).map((a) => inputShape[a] as number);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const shape = this.paramShape(inputShape);
    const built = this.gamma ?? this.beta;
    if (built !== null && built.shape.join() !== shape.join()) this.shapeError(inputShape, `normalized axes of shape [${built.shape.join(', ')}]`);
    return inputShape;
  }

  override build(inputShape: SymbolicShape): void {
    const shape = this.paramShape(inputShape);
    this.axes = this.axesFor(inputShape).sort((a, b) => a - b);
    if (this.scale) this.gamma = this.addWeight('gamma', shape, this.inits[0]);
    if (this.center) this.beta = this.addWeight('beta', shape, this.inits[1]);
    this.built = true;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const k = this.axes.length;
    const rank = x.rank;
    if (this.axes.every((a, i) => a === rank - k + i)) return layerNorm(x, k, this.gamma, this.beta, this.epsilon);
    // Other axes: move the normalized ones last (in increasing order), normalize, move them back.
    const perm = [...x.shape.keys()].filter((a) => !this.axes.includes(a)).concat(this.axes);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return transpose(layerNorm(transpose(x, perm), k, this.gamma, this.beta, this.epsilon), inverse);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: typeof this.axis === 'number' ? this.axis : [...this.axis],
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: initializerConfig(this.inits[1]),
      gamma_initializer: initializerConfig(this.inits[0]),
      beta_regularizer: null,
      gamma_regularizer: null,
      beta_constraint: null,
      gamma_constraint: null,
    };
  }
}
