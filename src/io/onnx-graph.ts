/**
 * The ONNX graph under construction: the nodes and constants the layer converters add, and the
 * layout of every value.
 *
 * Layout: tatami's tensors are channels-last (NHWC), and so are the exported graph's inputs and
 * outputs. ONNX's Conv, pools and BatchNormalization want the channels at axis 1 (NCHW). A value
 * therefore records which it is, and a converter asks for the layout it needs: channelsFirst(v) or
 * channelsLast(v) add one Transpose only when the value is in the other layout, and only once per
 * value. So a stack of convs and pools stays NCHW between them, and a Flatten or Dense gets its
 * input back in NHWC order, which is the order tatami's Flatten flattens in.
 *
 * Names: a converter names its nodes and constants after its layer; the builder puts them under
 * the current scope (a nested model's, see onnx.ts), and numbers a name already taken (`_1`, …).
 * A constant asked for again under the same name with the same dims and values is the one made
 * first: a shared layer's or a nested model's later calls reuse its weights, they are not copied.
 */
import type { SymbolicShape } from '../layers/layer.js';
import { floatTensor, int64Tensor, nodeProto, type OnnxAttribute, type ProtoWriter } from './onnx-proto.js';

/** A tensor of the graph: its name, its shape as tatami sees it (channels last), and its layout. */
export interface OnnxValue {
  readonly name: string;
  /** tatami's shape, batch first (null: dynamic), channels last, whatever the layout. */
  readonly shape: SymbolicShape;
  /** True when the graph holds it with the channels moved to axis 1 (rank ≥ 3 only). */
  readonly channelsFirst: boolean;
}

/**
 * Where names go: nodes under `nodes`, constants under `constants`. A nested model's second call
 * (`base/call1/`) names its nodes apart from the first's, and its constants as the first's (`base/`).
 */
export interface OnnxScope {
  readonly nodes: string;
  readonly constants: string;
}

/** A constant already in the graph: what a later request must match to reuse it. */
interface MadeConstant {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: ArrayLike<number>;
}

/** Same length and the same values, bit for bit (NaN equals NaN, −0 differs from 0). */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Transpose permutations between channels-last and channels-first for rank r. */
function toFirstPerm(r: number): number[] {
  return [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)]; // NHWC → NCHW for r = 4
}
function toLastPerm(r: number): number[] {
  return [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1]; // NCHW → NHWC for r = 4
}

export class OnnxGraphBuilder {
  /** The opset being written: a converter picks the newer operator where it exists (Gelu, LayerNormalization). */
  readonly opset: number;
  readonly nodes: ProtoWriter[] = [];
  readonly initializers: ProtoWriter[] = [];
  private readonly used = new Set<string>();
  // The other-layout twin of a value already transposed, by the value's name.
  private readonly transposed = new Map<string, OnnxValue>();
  // The constants made so far, by the name they were asked for (float and int64 apart).
  private readonly made = new Map<string, MadeConstant[]>();
  private scope: OnnxScope = { nodes: '', constants: '' };

  constructor(opset: number) {
    this.opset = opset;
  }

  /** `base`, or `base_1`, `base_2`, …: a name no other value or constant of the graph has. */
  unique(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Run `convert` with its names under `scope`; the scope before is restored after. */
  within<T>(scope: OnnxScope, convert: () => T): T {
    const outer = this.scope;
    this.scope = scope;
    try {
      return convert();
    } finally {
      this.scope = outer;
    }
  }

  /** Add `op(inputs) → a new value named after `base`` (in the scope); returns the value's name. */
  op(op: string, inputs: readonly string[], base: string, attributes: Readonly<Record<string, OnnxAttribute>> = {}): string {
    return this.node(op, inputs, this.scope.nodes + base, attributes);
  }

  /** Add a node named `base` as it is (numbered if taken): a twin's name comes from a value's, scoped already. */
  private node(op: string, inputs: readonly string[], base: string, attributes: Readonly<Record<string, OnnxAttribute>> = {}): string {
    const out = this.unique(base);
    this.nodes.push(nodeProto(op, inputs, [out], out, attributes));
    return out;
  }

  /** A float constant (weights); returns its name. */
  constant(base: string, dims: readonly number[], data: Float32Array): string {
    return this.reuseOrMake('float', base, dims, data, (name) => floatTensor(name, dims, data));
  }

  /** A float scalar constant (an operand that broadcasts over anything); returns its name. */
  scalar(base: string, value: number): string {
    return this.constant(base, [], Float32Array.of(value));
  }

  /** A 1-D int64 constant (a shape for Reshape, starts and ends for Slice); returns its name. */
  int64Constant(base: string, data: readonly number[]): string {
    return this.reuseOrMake('int64', base, [data.length], data, (name) => int64Tensor(name, data));
  }

  /** The constant asked for as `base` (in the scope) with these dims and values, made if none is yet. */
  private reuseOrMake(kind: 'float' | 'int64', base: string, dims: readonly number[], data: ArrayLike<number>, tensor: (name: string) => ProtoWriter): string {
    const key = `${kind}:${this.scope.constants}${base}`;
    const made = this.made.get(key) ?? [];
    const same = made.find((c) => sameValues(c.dims, dims) && sameValues(c.data, data));
    if (same !== undefined) return same.name;
    const name = this.unique(this.scope.constants + base);
    this.initializers.push(tensor(name));
    this.made.set(key, [...made, { name, dims, data }]);
    return name;
  }

  /** Mark a name as taken: the graph's inputs, and its outputs until {@link output} names them. */
  reserve(name: string): void {
    this.used.add(name);
  }

  /** Make the reserved name `name` a copy of value `from` (an Identity): a graph output's exact name. */
  output(from: string, name: string): void {
    this.nodes.push(nodeProto('Identity', [from], [name], name));
  }

  /** v with its channels at axis 1 (a Transpose unless it is already so). Rank ≥ 3. */
  channelsFirst(v: OnnxValue): OnnxValue {
    if (v.channelsFirst) return v;
    return this.twin(v, true, toFirstPerm(v.shape.length), 'nchw');
  }

  /** v in tatami's own layout, channels last (a Transpose unless it is already so). */
  channelsLast(v: OnnxValue): OnnxValue {
    if (!v.channelsFirst) return v;
    return this.twin(v, false, toLastPerm(v.shape.length), 'nhwc');
  }

  private twin(v: OnnxValue, channelsFirst: boolean, perm: number[], suffix: string): OnnxValue {
    const known = this.transposed.get(v.name);
    if (known !== undefined) return known;
    const name = this.node('Transpose', [v.name], `${v.name}/${suffix}`, { perm });
    const twin = { name, shape: v.shape, channelsFirst };
    this.transposed.set(v.name, twin);
    return twin;
  }
}
