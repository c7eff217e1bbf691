import type { Tensor } from '../tensor.js';
import { matmul } from '../ops/matmul.js';
import { add } from '../ops/binary.js';
import { type ActivationFn, activationName, getActivation } from '../activations.js';
import { type InitializerSpec, resolveInitializer, initializerConfig } from '../initializers.js';
import { Layer, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

export interface DenseArgs extends LayerArgs {
  /** Output width. */
  units: number;
  /** Default 'linear' (none). */
  activation?: string | null;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorot_uniform' (as Keras). */
  kernelInitializer?: InitializerSpec;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
}

/**
 * Fully connected layer, as Keras Dense: y = activation(x · kernel + bias), kernel [in, units],
 * bias [units]; on inputs of rank > 2 it acts on the last axis. Parameters: in·units + units.
 */
export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: string;
  readonly useBias: boolean;
  private readonly activationFn: ActivationFn;
  private readonly kernelInit: InitializerSpec;
  private readonly biasInit: InitializerSpec;
  private kernel: Tensor | null = null;
  private bias: Tensor | null = null;

  constructor(args: DenseArgs) {
    super(args);
    const { units, activation = 'linear', useBias = true, kernelInitializer = 'glorot_uniform', biasInitializer = 'zeros' } = args;
    if (!Number.isInteger(units) || units < 1) throw new Error(`Dense: units must be a positive integer, got ${units}`);
    this.units = units;
    this.activation = activationName(activation, 'Dense');
    this.activationFn = getActivation(this.activation);
    this.useBias = useBias;
    resolveInitializer(kernelInitializer, 'Dense');
    resolveInitializer(biasInitializer, 'Dense');
    this.kernelInit = kernelInitializer;
    this.biasInit = biasInitializer;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length < 2 || inputShape[inputShape.length - 1] === null) {
      this.shapeError(inputShape, 'an input of rank ≥ 2 with a known last axis (add Flatten before Dense for images)');
    }
    const inUnits = this.kernel?.shape[0];
    if (inUnits !== undefined && inputShape[inputShape.length - 1] !== inUnits) {
      this.shapeError(inputShape, `last axis ${inUnits}`);
    }
    return [...inputShape.slice(0, -1), this.units];
  }

  override build(inputShape: SymbolicShape): void {
    const inUnits = inputShape[inputShape.length - 1] as number;
    this.kernel = this.addWeight('kernel', [inUnits, this.units], resolveInitializer(this.kernelInit, 'Dense'));
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], resolveInitializer(this.biasInit, 'Dense'));
    this.built = true;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const z = matmul(x, this.kernel as Tensor);
    return this.activationFn(this.bias === null ? z : add(z, this.bias));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      use_bias: this.useBias,
      kernel_initializer: initializerConfig(this.kernelInit),
      bias_initializer: initializerConfig(this.biasInit),
    };
  }
}
