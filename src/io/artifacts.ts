/** The shapes of model files in memory: what `model.save()` returns and `loadModel` takes. */

/** One weights group of model.json: its shard files and the weights laid out in them, in order. */
export interface WeightsGroup {
  paths: string[];
  weights: { name: string; shape: number[]; dtype: 'float32' | 'int32'; quantization?: { dtype: string; scale?: number; min?: number } }[];
}

/** model.json as tatami writes it (tfjs's Layers format plus the optional `tatamiTraining` key). */
export interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string | null;
  modelTopology: Record<string, unknown>;
  weightsManifest: WeightsGroup[];
  /** Optimizer state for resuming training (tfjs ignores this key); see optimizer-state.ts. */
  tatamiTraining?: Record<string, unknown>;
}

/**
 * A model in memory: model.json (an object, or its JSON text) and the bytes of its weight files.
 * `weights` is the concatenation of the shards of `weightsManifest` in order (just weights.bin for
 * tatami's files); `optimizerWeights` likewise for `tatamiTraining.weightsManifest` (optimizer.bin).
 */
export interface ModelArtifacts {
  modelJson: ModelJson | Record<string, unknown> | string;
  weights: ArrayBuffer | ArrayBufferView;
  optimizerWeights?: ArrayBuffer | ArrayBufferView;
}

/** Artifacts as `save()` returns them: model.json as an object, bytes as ArrayBuffers. */
export interface SavedArtifacts extends ModelArtifacts {
  modelJson: ModelJson;
  weights: ArrayBuffer;
  optimizerWeights?: ArrayBuffer;
}

/** Bytes of an ArrayBuffer or view, without copying; `what` names the value in errors. */
export function bytesOf(b: ArrayBuffer | ArrayBufferView | undefined, what: string): Uint8Array {
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  throw new Error(`${what} must be an ArrayBuffer or a typed array, got ${typeof b}`);
}
