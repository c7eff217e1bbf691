import type { Tensor } from '../tensor.js';
import { type ActivationFn, activationName, getActivation } from '../activations.js';
import { type InitializerSpec, checkInitializer, initializerConfig } from '../initializer-spec.js';
import { type RegularizerSpec, checkRegularizer, regularizerConfig } from '../regularizer-spec.js';
import type { Constraint } from '../constraints.js';

/** The options Conv2D and Dense share: y = activation(x ∘ kernel + bias), and how the weights start. */
export interface KernelBiasArgs {
  /** Default 'linear' (none). */
  activation?: string | null;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorot_uniform' (as Keras; tfjs defaults to glorotNormal). */
  kernelInitializer?: InitializerSpec;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
  /** A penalty on the kernel added to fit's loss: `l1()`, `l2()`, `l1l2()` or their names; default none. */
  kernelRegularizer?: RegularizerSpec;
  /** The same on the bias; default none. */
  biasRegularizer?: RegularizerSpec;
  /** A projection fit applies to the kernel after each step: `new MaxNorm(2)`, `new NonNeg()`, …; default none. */
  kernelConstraint?: Constraint | null;
  /** The same on the bias; default none. */
  biasConstraint?: Constraint | null;
}

/**
 * Those options with Keras's defaults; names are checked here, so a typo fails when the layer is made,
 * naming the layer (`who`). The initializers and regularizers are kept as given (a name, a function
 * or an L1L2): the training Model resolves them (initializers.ts, regularizers.ts).
 */
export class KernelBias {
  readonly activation: string;
  readonly activationFn: ActivationFn;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;
  readonly kernelRegularizer: RegularizerSpec;
  readonly biasRegularizer: RegularizerSpec;
  readonly kernelConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;

  constructor(who: string, args: KernelBiasArgs) {
    const { activation = 'linear', useBias = true, kernelInitializer = 'glorot_uniform', biasInitializer = 'zeros' } = args;
    this.activation = activationName(activation, who);
    this.activationFn = getActivation(this.activation);
    this.useBias = useBias;
    this.kernelInitializer = checkInitializer(kernelInitializer, who);
    this.biasInitializer = checkInitializer(biasInitializer, who);
    this.kernelRegularizer = checkRegularizer(args.kernelRegularizer, who);
    this.biasRegularizer = checkRegularizer(args.biasRegularizer, who);
    this.kernelConstraint = args.kernelConstraint ?? null;
    this.biasConstraint = args.biasConstraint ?? null;
  }

  /** activation(z), or z itself when the caller asks for the logits (CallContext.logits). */
  activate(z: Tensor, logits = false): Tensor {
    return logits ? z : this.activationFn(z);
  }

  /** The Keras JSON keys these options write. */
  config(): Record<string, unknown> {
    return {
      activation: this.activation,
      use_bias: this.useBias,
      kernel_initializer: initializerConfig(this.kernelInitializer),
      bias_initializer: initializerConfig(this.biasInitializer),
      kernel_regularizer: regularizerConfig(this.kernelRegularizer),
      bias_regularizer: regularizerConfig(this.biasRegularizer),
      // Written only when set, so the layers that share these keys without constraints keep their configs.
      ...(this.kernelConstraint === null ? {} : { kernel_constraint: this.kernelConstraint.config() }),
      ...(this.biasConstraint === null ? {} : { bias_constraint: this.biasConstraint.config() }),
    };
  }
}
