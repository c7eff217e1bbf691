// The bench's one-node ONNX models (Conv, MaxPool, AveragePool, Gemm), so onnxruntime-node can run
// one operator on the bench's shapes. The protobuf and ONNX message writers are tatami's own
// (src/io/onnx-proto.ts, the same the model exporter uses); this file only picks the node.
//
// The models are NCHW (ONNX's only Conv layout) with an OIHW filter; the bench transposes its
// NHWC input and HWIO filter once, outside the timed region.

import { floatTensor, modelProto, nodeProto, valueInfo, type OnnxAttribute } from '../../src/io/onnx-proto.js';

export type { OnnxAttribute };
/** HWIO filter [KH,KW,CI,CO] → OIHW [CO,CI,KH,KW]: the exporter's own (src/io/onnx-convert.ts). */
export { hwioToOihw } from '../../src/io/onnx-convert.js';

/** A float input or constant of the single-node graph. */
export interface OnnxTensorSpec {
  name: string;
  dims: readonly number[];
  /** Given: stored in the model as an initializer (a constant). Omitted: a graph input. */
  data?: Float32Array;
}

/**
 * Serializes a ModelProto (opset 13) whose graph is one node `op(inputs...) → output`. Returns the
 * bytes for `InferenceSession.create(bytes)`.
 */
export function singleNodeModel(
  op: string, inputs: readonly OnnxTensorSpec[], output: { name: string; dims: readonly number[] },
  attributes: Record<string, OnnxAttribute>,
): Uint8Array {
  return modelProto({
    name: 'tatami_bench',
    nodes: [nodeProto(op, inputs.map((i) => i.name), [output.name], `${op.toLowerCase()}0`, attributes)],
    initializers: inputs.flatMap((i) => (i.data === undefined ? [] : [floatTensor(i.name, i.dims, i.data)])),
    inputs: inputs.flatMap((i) => (i.data === undefined ? [valueInfo(i.name, i.dims)] : [])),
    outputs: [valueInfo(output.name, output.dims)],
  }, 13, 'tatami-bench');
}

/** NHWC [N,H,W,C] → NCHW [N,C,H,W], a fresh array. */
export function nhwcToNchw(x: Float32Array, N: number, H: number, W: number, C: number): Float32Array {
  const out = new Float32Array(x.length); // (N, C, H, W)
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        const src = ((n * H + h) * W + w) * C;
        for (let c = 0; c < C; c++) out[((n * C + c) * H + h) * W + w] = x[src + c];
      }
    }
  }
  return out;
}

/** NCHW [N,C,H,W] → NHWC [N,H,W,C], a fresh array. */
export function nchwToNhwc(x: ArrayLike<number>, N: number, C: number, H: number, W: number): Float32Array {
  const out = new Float32Array(N * C * H * W); // (N, H, W, C)
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let h = 0; h < H; h++) {
        const src = ((n * C + c) * H + h) * W;
        for (let w = 0; w < W; w++) out[((n * H + h) * W + w) * C + c] = x[src + w];
      }
    }
  }
  return out;
}
