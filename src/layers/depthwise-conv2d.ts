import type { Tensor } from '../tensor.js';
import { depthwiseConv2d } from '../ops/depthwise-conv2d.js';
import { type InitializerSpec, initializerConfig } from '../initializer-spec.js';
import { KernelBias } from './kernel-bias.js';
import { type RegularizerSpec, regularizerConfig } from '../regularizer-spec.js';
import { type ConvWindow, type ConvWindowArgs, convWindow, convWindowConfig, positiveInt, nhwcInput, depthwiseOutputSize } from './conv-window.js';
import { Layer, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

export interface DepthwiseConv2DArgs extends LayerArgs, ConvWindowArgs {
  /** Filters per input channel, M (default 1): the output has CI·M channels. */
  depthMultiplier?: number;
  /** Default 'linear' (none). */
  activation?: string | null;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorot_uniform' (Keras; fans from the kernel [KH, KW, CI, M]). */
  depthwiseInitializer?: InitializerSpec;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
  /** A penalty on depthwise_kernel added to fit's loss (`l1()`, `l2()`, `l1l2()`); default none. */
  depthwiseRegularizer?: RegularizerSpec;
  /** A penalty on the bias; default none. */
  biasRegularizer?: RegularizerSpec;
}

/**
 * Depthwise 2-D convolution layer, as Keras DepthwiseConv2D: every input channel is convolved with
 * its own `depthMultiplier` filters and channels never mix (MobileNet's spatial step; a 1×1 Conv2D
 * then mixes them). NHWC input [N, H, W, CI], kernel `depthwise_kernel` [KH, KW, CI, M], bias
 * [CI·M]; output [N, OH, OW, CI·M], with channel ci·M + m from filter m of channel ci.
 * Parameters: KH·KW·CI·M + CI·M (3×3 on 32 channels, M = 1: 320).
 */
export class DepthwiseConv2D extends Layer {
  readonly className = 'DepthwiseConv2D';
  readonly window: ConvWindow;
  readonly depthMultiplier: number;
  private readonly kb: KernelBias;
  private kernel: Tensor | null = null;
  private bias: Tensor | null = null;

  constructor(args: DepthwiseConv2DArgs) {
    super(args);
    const { depthMultiplier = 1, depthwiseInitializer = 'glorot_uniform', activation, useBias, biasInitializer, biasRegularizer } = args;
    this.window = convWindow('DepthwiseConv2D', args);
    this.depthMultiplier = positiveInt('DepthwiseConv2D', 'depthMultiplier', depthMultiplier);
    const kernelRegularizer = args.depthwiseRegularizer;
    this.kb = new KernelBias('DepthwiseConv2D', { activation, useBias, biasInitializer, kernelInitializer: depthwiseInitializer, kernelRegularizer, biasRegularizer });
  }

  get activation(): string {
    return this.kb.activation;
  }

  get useBias(): boolean {
    return this.kb.useBias;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const fail = (expected: string): never => this.shapeError(inputShape, expected);
    const [n, h, w, c] = nhwcInput(inputShape, this.kernel?.shape[2], fail);
    return [n, ...depthwiseOutputSize(this.window, this.depthMultiplier, h, w, c, fail), c * this.depthMultiplier];
  }

  override build(inputShape: SymbolicShape): void {
    const ci = inputShape[3] as number;
    this.kernel = this.addWeight('depthwise_kernel', [...this.window.kernelSize, ci, this.depthMultiplier], this.kb.kernelInitializer, true, this.kb.kernelRegularizer);
    if (this.useBias) this.bias = this.addWeight('bias', [ci * this.depthMultiplier], this.kb.biasInitializer, true, this.kb.biasRegularizer);
    this.built = true;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const { strides, padding, dilationRate } = this.window;
    return this.kb.activate(depthwiseConv2d(x, this.kernel as Tensor, { strides, padding, dilation: dilationRate, bias: this.bias }));
  }

  override getConfig(): Record<string, unknown> {
    const { kernel_initializer: _kernel, kernel_regularizer: _regularizer, ...kb } = this.kb.config();
    return {
      ...super.getConfig(),
      ...convWindowConfig(this.window),
      depth_multiplier: this.depthMultiplier,
      ...kb,
      depthwise_initializer: initializerConfig(this.kb.kernelInitializer),
      depthwise_regularizer: regularizerConfig(this.kb.kernelRegularizer),
    };
  }
}
