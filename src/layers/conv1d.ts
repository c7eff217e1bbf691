import type { Tensor } from '../tensor.js';
import { conv1d, type Conv1dPadding } from '../ops/conv1d.js';
import { conv2dShape } from '../../kernels/conv-shape.js';
import { KernelBias, type KernelBiasArgs } from './kernel-bias.js';
import { positiveInt } from './conv-window.js';
import { Layer, type LayerArgs, type SymbolicShape, type CallContext } from './layer.js';

export interface Conv1DArgs extends LayerArgs, KernelBiasArgs {
  /** Number of output channels. */
  filters: number;
  /** Window length K (a number, or [K] as Keras writes it). */
  kernelSize: number | readonly [number];
  /** Default 1. */
  strides?: number | readonly [number];
  /** 'valid' (default), 'same' (TensorFlow's) or 'causal' (zeros before the start only). */
  padding?: Conv1dPadding;
  /** Default 1. */
  dilationRate?: number | readonly [number];
}

const one = (v: number | readonly [number]): number => (typeof v === 'number' ? v : v[0]);

/**
 * 1-D convolution layer over sequences, as Keras Conv1D: input [N, steps, CI], kernel [K, CI,
 * filters], bias [filters]; output [N, steps', filters] = activation(conv1d(x, kernel) + bias).
 * 'causal' padding puts (K − 1)·dilation zeros before the first step, so output t never sees a
 * later input (WaveNet-style). Parameters: K·CI·filters + filters.
 */
export class Conv1D extends Layer {
  readonly className = 'Conv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: Conv1dPadding;
  readonly dilationRate: number;
  private readonly kb: KernelBias;
  private kernel: Tensor | null = null;
  private bias: Tensor | null = null;

  constructor(args: Conv1DArgs) {
    super(args);
    const { filters, kernelSize, strides = 1, padding = 'valid', dilationRate = 1 } = args;
    if (kernelSize === undefined) throw new Error('Conv1D: kernelSize is required');
    if (padding !== 'valid' && padding !== 'same' && padding !== 'causal') {
      throw new Error(`Conv1D: padding must be 'valid', 'same' or 'causal', got '${String(padding)}'`);
    }
    this.filters = positiveInt('Conv1D', 'filters', filters);
    this.kernelSize = positiveInt('Conv1D', 'kernelSize', one(kernelSize));
    this.strides = positiveInt('Conv1D', 'strides', one(strides));
    this.dilationRate = positiveInt('Conv1D', 'dilationRate', one(dilationRate));
    this.padding = padding;
    this.kb = new KernelBias('Conv1D', args);
  }

  get activation(): string {
    return this.kb.activation;
  }

  get useBias(): boolean {
    return this.kb.useBias;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 3 || inputShape[2] === null) this.shapeError(inputShape, '3-D input (batch, steps, channels) with known channels');
    const [n, steps, c] = inputShape;
    const built = this.kernel?.shape[1];
    if (built !== undefined && c !== built) this.shapeError(inputShape, `${built} channels (the layer is built for them)`);
    if (steps === null) return [n, null, this.filters];
    // 'causal' is 'valid' on the input lengthened by (K − 1)·d zeros.
    const length = this.padding === 'causal' ? steps + (this.kernelSize - 1) * this.dilationRate : steps;
    try {
      const s = conv2dShape(1, 1, length, c as number, 1, this.kernelSize, this.filters, [1, this.strides], [1, this.dilationRate], this.padding === 'same' ? 'same' : 'valid');
      return [n, s.OW, this.filters];
    } catch (e) {
      return this.shapeError(inputShape, `an input the kernel of ${this.kernelSize} fits (${(e as Error).message})`);
    }
  }

  override build(inputShape: SymbolicShape): void {
    const ci = inputShape[2] as number;
    this.kernel = this.addWeight('kernel', [this.kernelSize, ci, this.filters], this.kb.kernelInitializer, true, this.kb.kernelRegularizer, this.kb.kernelConstraint);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.kb.biasInitializer, true, this.kb.biasRegularizer, this.kb.biasConstraint);
    this.built = true;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    // ReLU, the common case, is fused into the convolution's output pass.
    const relu = this.activation === 'relu';
    const y = conv1d(x, this.kernel as Tensor, { stride: this.strides, padding: this.padding, dilation: this.dilationRate, bias: this.bias, relu });
    return relu ? y : this.kb.activate(y);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: [this.kernelSize],
      strides: [this.strides],
      padding: this.padding,
      data_format: 'channels_last',
      dilation_rate: [this.dilationRate],
      ...this.kb.config(),
    };
  }
}
