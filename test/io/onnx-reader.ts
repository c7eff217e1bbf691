/**
 * A reader of the few ModelProto fields the tests look at, written from the protobuf encoding spec
 * and onnx.proto, apart from the writer under test (src/io/onnx-proto.ts): the graph's nodes (name,
 * operator, inputs) and initializers (name, type, dims). onnxruntime runs a file but does not list
 * its initializers.
 *
 *   ModelProto   graph=7
 *   GraphProto   node=1  initializer=5
 *   NodeProto    input=1  output=2  name=3  op_type=4
 *   TensorProto  dims=1  data_type=2  name=8
 */

export interface ReadNode {
  readonly name: string;
  readonly op: string;
  readonly inputs: string[];
}

export interface ReadInitializer {
  readonly name: string;
  /** TensorProto.DataType: 1 float, 7 int64. */
  readonly dataType: number;
  readonly dims: number[];
}

/** One field: its number, and its value (a varint as a number, a LEN field as its bytes). */
type Field = { readonly field: number; readonly value: number | Uint8Array };

/** The fields of one message, in order; fixed-width fields (wire types 1 and 5) are skipped. */
function fields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 1; ; shift *= 128) {
      const b = bytes[at++];
      v += (b & 0x7f) * shift; // multiply, not <<: int64 dims exceed 32 bits in principle
      if (b < 0x80) return v;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const [field, wire] = [Math.floor(key / 8), key % 8];
    if (wire === 0) out.push({ field, value: varint() });
    else if (wire === 2) {
      const length = varint();
      out.push({ field, value: bytes.subarray(at, at + length) });
      at += length;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw new Error(`onnx-reader: wire type ${wire} at byte ${at}`);
  }
  return out;
}

const text = (v: number | Uint8Array): string => new TextDecoder().decode(v as Uint8Array);
const messages = (list: Field[], field: number): Uint8Array[] => list.filter((f) => f.field === field).map((f) => f.value as Uint8Array);

/** The graph's nodes and initializers, in file order. */
export function readOnnxGraph(model: Uint8Array): { nodes: ReadNode[]; initializers: ReadInitializer[] } {
  const [graph] = messages(fields(model), 7);
  const g = fields(graph);
  const nodes = messages(g, 1).map((bytes) => {
    const f = fields(bytes);
    const one = (n: number): string => text(f.find((x) => x.field === n)?.value ?? new Uint8Array());
    return { name: one(3), op: one(4), inputs: f.filter((x) => x.field === 1).map((x) => text(x.value)) };
  });
  const initializers = messages(g, 5).map((bytes) => {
    const f = fields(bytes);
    return {
      name: text(f.find((x) => x.field === 8)?.value ?? new Uint8Array()),
      dataType: f.find((x) => x.field === 2)?.value as number,
      dims: f.filter((x) => x.field === 1).map((x) => x.value as number),
    };
  });
  return { nodes, initializers };
}
