import type { Tensor } from '../tensor.js';
import { matmul } from '../ops/matmul.js';
import { add } from '../ops/binary.js';
import { KernelBias, type KernelBiasArgs } from './kernel-bias.js';
import { Layer, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

export interface DenseArgs extends LayerArgs, KernelBiasArgs {
  /** Output width. */
  units: number;
}

/**
 * Fully connected layer, as Keras Dense: y = activation(x · kernel + bias), kernel [in, units],
 * bias [units]; on inputs of rank > 2 it acts on the last axis. Parameters: in·units + units.
 */
export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  private readonly kb: KernelBias;
  private kernel: Tensor | null = null;
  private bias: Tensor | null = null;

  constructor(args: DenseArgs) {
    super(args);
    const { units } = args;
    if (!Number.isInteger(units) || units < 1) throw new Error(`Dense: units must be a positive integer, got ${units}`);
    this.units = units;
    this.kb = new KernelBias('Dense', args);
  }

  get activation(): string {
    return this.kb.activation;
  }

  get useBias(): boolean {
    return this.kb.useBias;
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
    this.kernel = this.addWeight('kernel', [inUnits, this.units], this.kb.kernelInitializer, true, this.kb.kernelRegularizer, this.kb.kernelConstraint);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.kb.biasInitializer, true, this.kb.biasRegularizer, this.kb.biasConstraint);
    this.built = true;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    const z = matmul(x, this.kernel as Tensor);
    return this.kb.activate(this.bias === null ? z : add(z, this.bias), ctx.logits);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      ...this.kb.config(),
    };
  }
}
