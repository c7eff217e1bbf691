import type { Tensor } from '../tensor.js';
import { conv2dTranspose } from '../ops/conv2d-transpose.js';
import type { Size2 } from '../ops/conv2d.js';
import { conv2dTransposeShape } from '../../kernels/conv2d-transpose.js';
import { KernelBias, type KernelBiasArgs } from './kernel-bias.js';
import { type ConvWindow, type ConvWindowArgs, convWindow, convWindowConfig, positiveInt, nhwcInput } from './conv-window.js';
import { Layer, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

export interface Conv2DTransposeArgs extends LayerArgs, ConvWindowArgs, KernelBiasArgs {
  /** Number of output channels. */
  filters: number;
  /** Extra rows/columns at the bottom/right, each below its stride (default null: Keras's sizes below). */
  outputPadding?: Size2 | null;
}

/**
 * Transposed 2-D convolution layer, as Keras Conv2DTranspose (the upsampling convolution of U-Net
 * decoders and GANs): each input pixel stamps the kernel, scaled, onto the output every `strides`
 * pixels. NHWC input [N, H, W, CI], kernel [KH, KW, filters, CI] (out before in, as Keras), bias
 * [filters]. Output size per axis (Keras's deconv_output_length, TensorFlow's padding):
 * 'same' H·s, 'valid' H·s + max(K − s, 0); with outputPadding p, (H − 1)·s + K − 2·⌊K/2⌋ + p
 * ('same') or (H − 1)·s + K + p ('valid'). Parameters: KH·KW·filters·CI + filters.
 */
export class Conv2DTranspose extends Layer {
  readonly className = 'Conv2DTranspose';
  readonly filters: number;
  readonly window: ConvWindow;
  readonly outputPadding: [number, number] | null;
  private readonly kb: KernelBias;
  private kernel: Tensor | null = null;
  private bias: Tensor | null = null;

  constructor(args: Conv2DTransposeArgs) {
    super(args);
    const { filters, outputPadding = null } = args;
    this.filters = positiveInt('Conv2DTranspose', 'filters', filters);
    this.window = convWindow('Conv2DTranspose', args);
    if (outputPadding === null) {
      this.outputPadding = null;
    } else {
      const p: [number, number] = typeof outputPadding === 'number' ? [outputPadding, outputPadding] : [outputPadding[0], outputPadding[1]];
      if (!p.every((v, i) => Number.isInteger(v) && v >= 0 && v < this.window.strides[i])) {
        throw new Error(`Conv2DTranspose: outputPadding must be integers in [0, stride), got ${String(outputPadding)} with strides [${this.window.strides.join(', ')}]`);
      }
      this.outputPadding = p;
    }
    this.kb = new KernelBias('Conv2DTranspose', args);
  }

  get activation(): string {
    return this.kb.activation;
  }

  get useBias(): boolean {
    return this.kb.useBias;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const [n, h, w, c] = nhwcInput(inputShape, this.kernel?.shape[3], (expected) => this.shapeError(inputShape, expected));
    const { kernelSize: [KH, KW], strides, dilationRate, padding } = this.window;
    try {
      const s = conv2dTransposeShape(1, h ?? 1, w ?? 1, c, KH, KW, this.filters, strides, dilationRate, padding, this.outputPadding);
      return [n, h === null ? null : s.OH, w === null ? null : s.OW, this.filters];
    } catch (e) {
      return this.shapeError(inputShape, `an input this ${KH}x${KW} transposed convolution can upsample (${(e as Error).message})`);
    }
  }

  override build(inputShape: SymbolicShape): void {
    const ci = inputShape[3] as number;
    this.kernel = this.addWeight('kernel', [...this.window.kernelSize, this.filters, ci], this.kb.kernelInitializer, true, this.kb.kernelRegularizer, this.kb.kernelConstraint);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.kb.biasInitializer, true, this.kb.biasRegularizer, this.kb.biasConstraint);
    this.built = true;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const { strides, padding, dilationRate } = this.window;
    return this.kb.activate(conv2dTranspose(x, this.kernel as Tensor, { strides, padding, dilation: dilationRate, outputPadding: this.outputPadding, bias: this.bias }));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      ...convWindowConfig(this.window),
      output_padding: this.outputPadding,
      ...this.kb.config(),
    };
  }
}

