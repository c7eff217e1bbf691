import type { Tensor } from '../tensor.js';
import { conv2d } from '../ops/conv2d.js';
import { type Size2, pair } from '../ops/conv2d.js';
import { conv2dShape, type Padding } from '../../kernels/conv-shape.js';
import { KernelBias, type KernelBiasArgs } from './kernel-bias.js';
import { Layer, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

export interface Conv2DArgs extends LayerArgs, KernelBiasArgs {
  /** Number of output channels. */
  filters: number;
  /** Kernel height and width. */
  kernelSize: Size2;
  /** Default 1. */
  strides?: Size2;
  /** 'valid' (default) or 'same' (TensorFlow's). */
  padding?: Padding;
  /** Default 1. */
  dilationRate?: Size2;
}

/**
 * 2-D convolution layer, as Keras Conv2D: NHWC input [N, H, W, CI], kernel HWIO [KH, KW, CI, filters],
 * bias [filters]; output [N, OH, OW, filters] = activation(conv2d(x, kernel) + bias).
 * Parameters: KH·KW·CI·filters + filters (1,280 for 3×3, 1 → 128).
 */
export class Conv2D extends Layer {
  readonly className = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilationRate: [number, number];
  private readonly kb: KernelBias;
  private kernel: Tensor | null = null;
  private bias: Tensor | null = null;

  constructor(args: Conv2DArgs) {
    super(args);
    const {
      filters, kernelSize, strides = 1, padding = 'valid', dilationRate = 1,
    } = args;
    if (!Number.isInteger(filters) || filters < 1) throw new Error(`Conv2D: filters must be a positive integer, got ${filters}`);
    if (kernelSize === undefined) throw new Error('Conv2D: kernelSize is required');
    if (padding !== 'valid' && padding !== 'same') throw new Error(`Conv2D: padding must be 'valid' or 'same', got '${String(padding)}'`);
    this.filters = filters;
    this.kernelSize = pair('Conv2D', 'kernelSize', kernelSize);
    this.strides = pair('Conv2D', 'strides', strides);
    this.dilationRate = pair('Conv2D', 'dilationRate', dilationRate);
    this.padding = padding;
    this.kb = new KernelBias('Conv2D', args);
  }

  get activation(): string {
    return this.kb.activation;
  }

  get useBias(): boolean {
    return this.kb.useBias;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 4) this.shapeError(inputShape, '4-D NHWC input (batch, height, width, channels)');
    const [n, h, w, c] = inputShape;
    try {
      const s = conv2dShape(1, h ?? 1, w ?? 1, c ?? 1, this.kernelSize[0], this.kernelSize[1], this.filters, this.strides, this.dilationRate, this.padding);
      return [n, s.OH, s.OW, this.filters];
    } catch (e) {
      return this.shapeError(inputShape, `an input the ${this.kernelSize.join('x')} kernel fits (${(e as Error).message})`);
    }
  }

  override build(inputShape: SymbolicShape): void {
    const ci = inputShape[3] as number;
    this.kernel = this.addWeight('kernel', [...this.kernelSize, ci, this.filters], this.kb.kernelInitializer, true, this.kb.kernelRegularizer, this.kb.kernelConstraint);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.kb.biasInitializer, true, this.kb.biasRegularizer, this.kb.biasConstraint);
    this.built = true;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    // ReLU, the common case, is fused into the convolution's output pass.
    const relu = this.activation === 'relu' && ctx.logits !== true;
    const y = conv2d(x, this.kernel as Tensor, { strides: this.strides, padding: this.padding, dilation: this.dilationRate, bias: this.bias, relu });
    return relu ? y : this.kb.activate(y, ctx.logits);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      data_format: 'channels_last',
      dilation_rate: this.dilationRate,
      ...this.kb.config(),
    };
  }
}
