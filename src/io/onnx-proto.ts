// The ONNX file format, written by hand: just enough protobuf to describe a float inference graph.
// There is no `onnx` or protobuf package here (tatami has no runtime dependency), so the bytes are
// built directly. Used by the exporter (onnx.ts) and by the bench's one-node peer models.
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
//   AttributeProto     name=1  f=2  i=3  s=4  ints=8  type=20 (FLOAT=1, INT=2, STRING=3, INTS=7)
//   TensorProto        dims=1  data_type=2 (FLOAT=1, INT64=7)  name=8  raw_data=9 (little-endian)
//   ValueInfoProto     name=1  type=2
//   TypeProto          tensor_type=1 → { elem_type=1, shape=2 → { dim=1 → { dim_value=1 | dim_param=2 } } }

/** Bytes of one protobuf message under construction. */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private pending: number[] = [];

  /**
   * A varint. JS numbers are exact up to 2^53, far beyond any size here. A negative int64 (an axis
   * of -1) is written as protobuf does: its 64-bit two's complement, ten bytes.
   */
  private varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new Error(`onnx: a varint needs a safe integer, got ${value}`);
    let v = value < 0 ? 2n ** 64n + BigInt(value) : BigInt(value);
    while (v >= 0x80n) {
      this.pending.push(Number(v % 0x80n) | 0x80); // low 7 bits, "more follows"
      v /= 0x80n;
    }
    this.pending.push(Number(v));
  }

  private key(field: number, wireType: 0 | 2 | 5): void {
    this.varint(field * 8 + wireType);
  }

  /** Field of wire type VARINT (int32, int64, enum). */
  int(field: number, value: number): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  /** Field of wire type I32 holding a float32. */
  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.pending.push(...b);
    return this;
  }

  /** Field of wire type LEN holding raw bytes (kept as one chunk: weights can be megabytes). */
  bytes(field: number, data: Uint8Array): this {
    this.key(field, 2);
    this.varint(data.length);
    this.parts.push(Uint8Array.from(this.pending), data);
    this.pending = [];
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  /** A nested message is a LEN field holding that message's bytes. */
  message(field: number, inner: ProtoWriter): this {
    return this.bytes(field, inner.finish());
  }

  /** Repeated int64 written packed: one LEN field holding the varints back to back. */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const all = [...this.parts, Uint8Array.from(this.pending)];
    const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of all) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

const FLOAT = 1; // TensorProto.DataType.FLOAT
const INT64 = 7; // TensorProto.DataType.INT64
const ATTR_FLOAT = 1; // AttributeProto.AttributeType
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

/** An operator attribute: an int, a float or a string (tagged, since JS numbers do not say which), or a list of ints. */
export type OnnxAttribute = number | { readonly float: number } | { readonly string: string } | readonly number[];

/** One axis of a graph input or output: a size, or a name for a size chosen at run time (the batch). */
export type OnnxDim = number | string;

/** ValueInfoProto for a float tensor (a graph input or output). */
export function valueInfo(name: string, dims: readonly OnnxDim[]): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

/** TensorProto holding float32 data as raw little-endian bytes (a constant: weights). */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): ProtoWriter {
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  const t = new ProtoWriter();
  for (const d of dims) t.int(1, d); // repeated int64 dims (unpacked is always accepted)
  return t.int(2, FLOAT).string(8, name).bytes(9, raw);
}

/** TensorProto holding int64 data (shapes for Reshape); values may be negative (-1). */
export function int64Tensor(name: string, data: readonly number[]): ProtoWriter {
  const raw = new Uint8Array(data.length * 8);
  const view = new DataView(raw.buffer);
  data.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return new ProtoWriter().int(1, data.length).int(2, INT64).string(8, name).bytes(9, raw);
}

function attribute(name: string, value: OnnxAttribute): ProtoWriter {
  const a = new ProtoWriter().string(1, name);
  if (typeof value === 'number') return a.int(3, value).int(20, ATTR_INT);
  if ('float' in value) return a.float(2, value.float).int(20, ATTR_FLOAT);
  if ('string' in value) return a.string(4, value.string).int(20, ATTR_STRING);
  return a.packedInts(8, value).int(20, ATTR_INTS);
}

/** NodeProto: `op(inputs) → outputs` with its attributes. */
export function nodeProto(
  op: string, inputs: readonly string[], outputs: readonly string[], name: string, attributes: Readonly<Record<string, OnnxAttribute>> = {},
): ProtoWriter {
  const node = new ProtoWriter();
  for (const i of inputs) node.string(1, i);
  for (const o of outputs) node.string(2, o);
  node.string(3, name).string(4, op);
  for (const [key, value] of Object.entries(attributes)) node.message(5, attribute(key, value));
  return node;
}

/** Everything a ModelProto holds, as the writers above made it. */
export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly ProtoWriter[];
  readonly initializers: readonly ProtoWriter[];
  readonly inputs: readonly ProtoWriter[];
  readonly outputs: readonly ProtoWriter[];
}

/** The IR version that goes with an opset (onnx/docs/Versioning.md): the oldest that knows it. */
function irVersion(opset: number): number {
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  return 11;
}

/** Serializes a ModelProto of the default (ai.onnx) domain at `opset`. */
export function modelProto(graph: OnnxGraph, opset: number, producer: string): Uint8Array {
  const g = new ProtoWriter();
  for (const n of graph.nodes) g.message(1, n);
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, t);
  for (const i of graph.inputs) g.message(11, i);
  for (const o of graph.outputs) g.message(12, o);
  const opsetId = new ProtoWriter().string(1, '').int(2, opset);
  return new ProtoWriter().int(1, irVersion(opset)).string(2, producer).message(7, g).message(8, opsetId).finish();
}
