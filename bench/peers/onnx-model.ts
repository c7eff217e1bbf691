// A minimal ONNX model writer: just enough protobuf to describe one operator (Conv, MaxPool,
// AveragePool) so onnxruntime-node can run it. There is no Python and no `onnx` package here,
// so the bench builds the model bytes itself.
//
// Protobuf wire format in brief (https://protobuf.dev/programming-guides/encoding/):
//   every field is a key, then a value;  key = (field number << 3) | wire type
//   wire type 0 (VARINT): integers, 7 bits per byte, low bits first, high bit = "more follows"
//   wire type 2 (LEN):    a varint byte length, then the bytes (strings, nested messages,
//                         packed repeated scalars, raw tensor data)
//   wire type 5 (I32):    4 little-endian bytes (a float)
// A message is just its fields concatenated; a repeated field is the field written once per item.
//
// ONNX messages used (field numbers from onnx/onnx.proto3):
//   ModelProto         ir_version=1 (int64)  producer_name=2  graph=7  opset_import=8
//   OperatorSetIdProto domain=1  version=2
//   GraphProto         node=1  name=2  initializer=5  input=11  output=12
//   NodeProto          input=1  output=2  name=3  op_type=4  attribute=5
//   AttributeProto     name=1  i=3  ints=8  type=20 (INT=2, INTS=7)
//   TensorProto        dims=1  data_type=2 (FLOAT=1)  name=8  raw_data=9 (little-endian floats)
//   ValueInfoProto     name=1  type=2
//   TypeProto          tensor_type=1 → { elem_type=1, shape=2 → { dim=1 → { dim_value=1 } } }
//
// The models are NCHW (ONNX's only Conv layout) with an OIHW filter; the bench transposes its
// NHWC input and HWIO filter once, outside the timed region.

/** Bytes of one protobuf message under construction. */
class Writer {
  private readonly bytes: number[] = [];

  /** An unsigned varint; JS numbers are exact up to 2^53, far beyond any size here. */
  private varint(value: number): void {
    if (!Number.isInteger(value) || value < 0) throw new Error(`onnx-model: varint needs a non-negative integer, got ${value}`);
    let v = value;
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80); // low 7 bits, "more follows"
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }

  private key(field: number, wireType: 0 | 2 | 5): void {
    this.varint(field * 8 + wireType);
  }

  /** Field of wire type VARINT (int32, int64, enum). Negative numbers are not needed here. */
  int(field: number, value: number): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  /** Field of wire type LEN holding raw bytes. */
  bytesField(field: number, data: Uint8Array): this {
    this.key(field, 2);
    this.varint(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }

  string(field: number, text: string): this {
    return this.bytesField(field, new TextEncoder().encode(text));
  }

  /** A nested message is a LEN field holding that message's bytes. */
  message(field: number, inner: Writer): this {
    return this.bytesField(field, inner.finish());
  }

  /** Repeated int64 written packed: one LEN field holding the varints back to back. */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new Writer();
    for (const v of values) inner.varint(v);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_INT = 2; // AttributeProto.AttributeType.INT
const ATTR_INTS = 7; // AttributeProto.AttributeType.INTS

/** One operator attribute: an int or a list of ints (all the Conv/Pool attributes are). */
export type OnnxAttribute = number | readonly number[];

/** ValueInfoProto for a float tensor of a fixed shape. */
function valueInfo(name: string, dims: readonly number[]): Writer {
  const shape = new Writer();
  for (const d of dims) shape.message(1, new Writer().int(1, d)); // dim { dim_value }
  const tensorType = new Writer().int(1, FLOAT).message(2, shape);
  return new Writer().string(1, name).message(2, new Writer().message(1, tensorType));
}

/** TensorProto holding float32 data as raw little-endian bytes. */
function tensorProto(name: string, dims: readonly number[], data: Float32Array): Writer {
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  const t = new Writer();
  for (const d of dims) t.int(1, d); // repeated int64 dims (unpacked is always accepted)
  return t.int(2, FLOAT).string(8, name).bytesField(9, raw);
}

function attribute(name: string, value: OnnxAttribute): Writer {
  const a = new Writer().string(1, name);
  if (typeof value === 'number') return a.int(3, value).int(20, ATTR_INT);
  return a.packedInts(8, value).int(20, ATTR_INTS);
}

/** A float input or constant of the single-node graph. */
export interface OnnxTensorSpec {
  name: string;
  dims: readonly number[];
  /** Given: stored in the model as an initializer (a constant). Omitted: a graph input. */
  data?: Float32Array;
}

/**
 * Serializes a ModelProto (IR version 7, opset 13) whose graph is one node
 * `op(inputs...) → output`. Returns the bytes for `InferenceSession.create(bytes)`.
 */
export function singleNodeModel(
  op: string, inputs: readonly OnnxTensorSpec[], output: { name: string; dims: readonly number[] },
  attributes: Record<string, OnnxAttribute>,
): Uint8Array {
  const node = new Writer();
  for (const i of inputs) node.string(1, i.name);
  node.string(2, output.name).string(3, `${op.toLowerCase()}0`).string(4, op);
  for (const [name, value] of Object.entries(attributes)) node.message(5, attribute(name, value));

  const graph = new Writer().message(1, node).string(2, 'tatami_bench');
  for (const i of inputs) {
    if (i.data !== undefined) graph.message(5, tensorProto(i.name, i.dims, i.data));
  }
  for (const i of inputs) {
    if (i.data === undefined) graph.message(11, valueInfo(i.name, i.dims));
  }
  graph.message(12, valueInfo(output.name, output.dims));

  const opset = new Writer().string(1, '').int(2, 13); // the default ai.onnx domain, opset 13
  return new Writer().int(1, 7).string(2, 'tatami-bench').message(7, graph).message(8, opset).finish();
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

/** HWIO filter [KH,KW,CI,CO] → OIHW [CO,CI,KH,KW], a fresh array. */
export function hwioToOihw(w: Float32Array, KH: number, KW: number, CI: number, CO: number): Float32Array {
  const out = new Float32Array(w.length); // (CO, CI, KH, KW)
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      for (let ci = 0; ci < CI; ci++) {
        for (let co = 0; co < CO; co++) out[((co * CI + ci) * KH + kh) * KW + kw] = w[((kh * KW + kw) * CI + ci) * CO + co];
      }
    }
  }
  return out;
}
