import type { Tensor } from '../tensor.js';
import { depthwiseConv2d } from '../ops/depthwise-conv2d.js';
import { conv2d } from '../ops/conv2d.js';
import { type InitializerSpec, checkInitializer, initializerConfig } from '../initializer-spec.js';
import { KernelBias } from './kernel-bias.js';
import { type RegularizerSpec, checkRegularizer, regularizerConfig } from '../regularizer-spec.js';
import { type ConvWindow, type ConvWindowArgs, convWindow, convWindowConfig, positiveInt, nhwcInput, depthwiseOutputSize } from './conv-window.js';
import { Layer, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

export interface SeparableConv2DArgs extends LayerArgs, ConvWindowArgs {
  /** Output channels of the pointwise (1×1) step. */
  filters: number;
  /** Filters per input channel in the depthwise step, M (default 1). */
  depthMultiplier?: number;
  /** Default 'linear' (none). */
  activation?: string | null;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorot_uniform'. */
  depthwiseInitializer?: InitializerSpec;
  /** Default 'glorot_uniform'. */
  pointwiseInitializer?: InitializerSpec;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
  /** Penalties added to fit's loss (`l1()`, `l2()`, `l1l2()`) on each weight; default none. */
  depthwiseRegularizer?: RegularizerSpec;
  pointwiseRegularizer?: RegularizerSpec;
  biasRegularizer?: RegularizerSpec;
}

/**
 * Depthwise-separable 2-D convolution, as Keras SeparableConv2D: a depthwise convolution (each
 * input channel with its own M filters, with the strides, padding and dilation given here), then a
 * 1×1 convolution that mixes the CI·M channels into `filters`, then bias and activation:
 *
 *   y = activation(conv2d(depthwiseConv2d(x, depthwise_kernel), pointwise_kernel) + bias)
 *
 * NHWC input [N, H, W, CI]; weights `depthwise_kernel` [KH, KW, CI, M], `pointwise_kernel`
 * [1, 1, CI·M, filters], `bias` [filters]. Parameters: KH·KW·CI·M + CI·M·filters + filters.
 */
export class SeparableConv2D extends Layer {
  readonly className = 'SeparableConv2D';
  readonly filters: number;
  readonly window: ConvWindow;
  readonly depthMultiplier: number;
  private readonly kb: KernelBias;
  private readonly pointwiseInitializer: InitializerSpec;
  private readonly pointwiseRegularizer: RegularizerSpec;
  private depthwiseKernel: Tensor | null = null;
  private pointwiseKernel: Tensor | null = null;
  private bias: Tensor | null = null;

  constructor(args: SeparableConv2DArgs) {
    super(args);
    const {
      filters, depthMultiplier = 1, depthwiseInitializer = 'glorot_uniform', pointwiseInitializer = 'glorot_uniform',
      activation, useBias, biasInitializer,
    } = args;
    this.filters = positiveInt('SeparableConv2D', 'filters', filters);
    this.window = convWindow('SeparableConv2D', args);
    this.depthMultiplier = positiveInt('SeparableConv2D', 'depthMultiplier', depthMultiplier);
    const { depthwiseRegularizer: kernelRegularizer, biasRegularizer } = args;
    this.kb = new KernelBias('SeparableConv2D', { activation, useBias, biasInitializer, kernelInitializer: depthwiseInitializer, kernelRegularizer, biasRegularizer });
    this.pointwiseInitializer = checkInitializer(pointwiseInitializer, 'SeparableConv2D');
    this.pointwiseRegularizer = checkRegularizer(args.pointwiseRegularizer, 'SeparableConv2D');
  }

  get activation(): string {
    return this.kb.activation;
  }

  get useBias(): boolean {
    return this.kb.useBias;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const fail = (expected: string): never => this.shapeError(inputShape, expected);
    const [n, h, w, c] = nhwcInput(inputShape, this.depthwiseKernel?.shape[2], fail);
    return [n, ...depthwiseOutputSize(this.window, this.depthMultiplier, h, w, c, fail), this.filters];
  }

  override build(inputShape: SymbolicShape): void {
    const ci = inputShape[3] as number;
    const m = this.depthMultiplier;
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [...this.window.kernelSize, ci, m], this.kb.kernelInitializer, true, this.kb.kernelRegularizer);
    this.pointwiseKernel = this.addWeight('pointwise_kernel', [1, 1, ci * m, this.filters], this.pointwiseInitializer, true, this.pointwiseRegularizer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.kb.biasInitializer, true, this.kb.biasRegularizer);
    this.built = true;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const { strides, padding, dilationRate } = this.window;
    const h = depthwiseConv2d(x, this.depthwiseKernel as Tensor, { strides, padding, dilation: dilationRate });
    // The pointwise step is a 1×1 conv: a GEMM over the pixels, with bias and ReLU in its output pass.
    const relu = this.activation === 'relu';
    const y = conv2d(h, this.pointwiseKernel as Tensor, { bias: this.bias, relu });
    return relu ? y : this.kb.activate(y);
  }

  override getConfig(): Record<string, unknown> {
    const { kernel_initializer: _kernel, kernel_regularizer: _regularizer, ...kb } = this.kb.config();
    return {
      ...super.getConfig(),
      filters: this.filters,
      ...convWindowConfig(this.window),
      depth_multiplier: this.depthMultiplier,
      ...kb,
      depthwise_initializer: initializerConfig(this.kb.kernelInitializer),
      pointwise_initializer: initializerConfig(this.pointwiseInitializer),
      depthwise_regularizer: regularizerConfig(this.kb.kernelRegularizer),
      pointwise_regularizer: regularizerConfig(this.pointwiseRegularizer),
    };
  }
}
