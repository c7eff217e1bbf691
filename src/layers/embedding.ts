import type { Tensor } from '../tensor.js';
import { gather } from '../ops/gather.js';
import { type InitializerSpec, checkInitializer, initializerConfig } from '../initializer-spec.js';
import { type RegularizerSpec, checkRegularizer, regularizerConfig } from '../regularizer-spec.js';
import { Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface EmbeddingArgs extends LayerArgs {
  /** Vocabulary size: indices run over 0..inputDim-1. */
  inputDim: number;
  /** Width of each embedding vector. */
  outputDim: number;
  /** Default 'uniform' (U(−0.05, 0.05), as Keras). */
  embeddingsInitializer?: InitializerSpec;
  /** A penalty on the whole table added to fit's loss (`l1()`, `l2()`, `l1l2()`); default none. */
  embeddingsRegularizer?: RegularizerSpec;
}

/**
 * Integer indices → rows of a trainable table [inputDim, outputDim], as Keras Embedding:
 * [N, ...] → [N, ..., outputDim]. Inputs are float tensors holding integers.
 */
export class Embedding extends Layer {
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  private readonly init: InitializerSpec;
  private readonly regularizer: RegularizerSpec;
  private table: Tensor | null = null;

  constructor(args: EmbeddingArgs) {
    super(args);
    const { inputDim, outputDim, embeddingsInitializer = 'uniform' } = args;
    for (const [k, v] of [['inputDim', inputDim], ['outputDim', outputDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`Embedding: ${k} must be a positive integer, got ${v}`);
    }
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.init = checkInitializer(embeddingsInitializer, 'Embedding');
    this.regularizer = checkRegularizer(args.embeddingsRegularizer, 'Embedding');
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape, this.outputDim];
  }

  override build(): void {
    this.table = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.init, true, this.regularizer);
    this.built = true;
  }

  call(x: Tensor): Tensor {
    try {
      return gather(this.table as Tensor, x);
    } catch (e) {
      throw new Error(`${this.describe()}: ${(e as Error).message} (inputDim ${this.inputDim})`);
    }
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      // Keras's 'uniform' alias is the class RandomUniform (tfjs knows no 'Uniform').
      embeddings_initializer: initializerConfig(this.init === 'uniform' ? 'random_uniform' : this.init),
      embeddings_regularizer: regularizerConfig(this.regularizer),
      mask_zero: false,
    };
  }
}
