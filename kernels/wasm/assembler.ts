// A small WebAssembly assembler: just enough of the binary format to write tatami's SIMD kernels
// as readable TypeScript instead of committing a .wasm file or depending on a toolchain.
//
// How a kernel is written with it: every instruction is a function named after its text-format
// mnemonic that returns its bytes (an `Instr`), grouped the way the text format groups them:
//
//     local.get(p), v128.load(16), f32x4.mul(), ...        ≙   local.get $p  v128.load offset=16  f32x4.mul
//
// A function body is a list of such instructions; `loop(...)`, `block(...)` and `if_(...)` wrap
// a nested list and append the closing `end`. `assembleModule` lays the functions out as a
// module (type, import, function, export and code sections) and returns its bytes.
//
// References: the WebAssembly core spec, section 5 "Binary Format", the fixed-width SIMD
// proposal (merged in WebAssembly 2.0) for the 0xFD-prefixed vector opcodes, and the relaxed-SIMD
// proposal (WebAssembly 3.0) for `f32x4.relaxed_madd`.
//
// Deliberately missing: everything tatami's kernels do not use (globals, tables, imported
// functions, data segments, multi-value blocks). Add an opcode here, with its spec name, when a
// kernel needs it.

/** The bytes of one instruction (opcode plus immediates), or of a nested sequence of them. */
export type Instr = readonly number[];

// ---------------------------------------------------------------------------------------------
// Encodings
// ---------------------------------------------------------------------------------------------

/** Unsigned LEB128: 7 bits per byte, low bits first, the high bit set on every byte but the last. */
export function uleb(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`uleb: ${value} is not a u32`);
  const out: number[] = [];
  let v = value;
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128); // not `>>> 7`: keeps values ≥ 2³¹ positive
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/**
 * Signed LEB128 (two's complement): stop once the remaining bits are all copies of the sign bit
 * and the last byte's bit 6 already says that sign.
 */
export function sleb(value: number): number[] {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw new Error(`sleb: ${value} is not an i32`);
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7; // arithmetic shift keeps the sign
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A name: its UTF-8 byte length, then the bytes. */
function utf8(name: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(name));
  return [...uleb(bytes.length), ...bytes];
}

/** A vector: the item count, then the items' bytes. */
function vec(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A section: its id, its byte length, then its contents. */
function section(id: number, contents: readonly number[]): number[] {
  return [id, ...uleb(contents.length), ...contents];
}

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** Value types (spec 5.3.1). */
export const valType = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
} as const;
export type ValType = (typeof valType)[keyof typeof valType];

// ---------------------------------------------------------------------------------------------
// Instructions (spec 5.4), named as in the text format
// ---------------------------------------------------------------------------------------------

/**
 * A memory immediate: the alignment hint as a power of two, then a constant byte offset added to
 * the address on the stack. The offset lets a kernel walk a row with one pointer and fixed
 * offsets instead of an add per load. The hint is only a promise for the engine; a wrong one is
 * still correct, just maybe slower.
 */
function memarg(alignLog2: number, offset: number): number[] {
  return [...uleb(alignLog2), ...uleb(offset)];
}

/** Structured control: the nested instructions, then `end` (0x0B). Block type 0x40 = no result. */
const END = 0x0b;
const EMPTY_BLOCK = 0x40;
function structured(opcode: number, body: readonly Instr[]): Instr {
  return [opcode, EMPTY_BLOCK, ...body.flat(), END];
}

/** `block ... end`: a `br` to it jumps forward, past its end. */
export function block(...body: Instr[]): Instr {
  return structured(0x02, body);
}

/** `loop ... end`: a `br` to it jumps back to its start (the loop runs once unless branched to). */
export function loop(...body: Instr[]): Instr {
  return structured(0x03, body);
}

/** `if ... end`: pops an i32 and runs the body when it is non-zero. (`if` is a reserved word in TS.) */
export function if_(...body: Instr[]): Instr {
  return structured(0x04, body);
}

/** `if ... else ... end`. */
export function ifElse(then: readonly Instr[], otherwise: readonly Instr[]): Instr {
  return [0x04, EMPTY_BLOCK, ...then.flat(), 0x05, ...otherwise.flat(), END];
}

/** Branches; `depth` counts enclosing blocks/loops outward from 0 = the innermost. */
export const br = (depth: number): Instr => [0x0c, ...uleb(depth)];
export const br_if = (depth: number): Instr => [0x0d, ...uleb(depth)];

export const local = {
  get: (index: number): Instr => [0x20, ...uleb(index)],
  set: (index: number): Instr => [0x21, ...uleb(index)],
  /** Sets the local and leaves the value on the stack. */
  tee: (index: number): Instr => [0x22, ...uleb(index)],
};

export const i32 = {
  const: (value: number): Instr => [0x41, ...sleb(value)],
  eqz: (): Instr => [0x45],
  ne: (): Instr => [0x47],
  add: (): Instr => [0x6a],
  sub: (): Instr => [0x6b],
  mul: (): Instr => [0x6c],
  shl: (): Instr => [0x74],
  div_u: (): Instr => [0x6e],
  /** Logical (unsigned) shift right: a byte offset >> 2 is a float index. */
  shr_u: (): Instr => [0x76],
  /** `i32.load`: the four bytes at the address on the stack (plus `offset`), as an i32. */
  load: (offset = 0): Instr => [0x28, ...memarg(2, offset)],
};

export const f32 = {
  /** `f32.const`: the value rounded to float32, as its 4 little-endian IEEE bytes. */
  const: (value: number): Instr => [0x43, ...new Uint8Array(Float32Array.of(value).buffer)],
  load: (offset = 0): Instr => [0x2a, ...memarg(2, offset)],
  store: (offset = 0): Instr => [0x38, ...memarg(2, offset)],
};

// Vector instructions are the prefix byte 0xFD followed by a u32 LEB128 opcode.
const SIMD = 0xfd;
const simd = (opcode: number, ...immediates: number[]): Instr => [SIMD, ...uleb(opcode), ...immediates];

export const v128 = {
  /** Loads 16 bytes from address + offset. Alignment hint 2⁴ = 16 bytes. */
  load: (offset = 0): Instr => simd(0x00, ...memarg(4, offset)),
  /** Loads one f32/i32 from address + offset and copies it to all four lanes (x64: vbroadcastss). */
  load32_splat: (offset = 0): Instr => simd(0x09, ...memarg(2, offset)),
  store: (offset = 0): Instr => simd(0x0b, ...memarg(4, offset)),
  /** A 16-byte constant, all lanes zero. */
  zero: (): Instr => simd(0x0c, ...new Array<number>(16).fill(0)),
  /** `v128.const i32x4 a b c d`: four i32 lanes, each stored little-endian (lane 0 first). */
  const_i32x4: (a: number, b: number, c: number, d: number): Instr =>
    simd(0x0c, ...[a, b, c, d].flatMap((x) => [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff])),
  /** Bitwise a & b: with a comparison's all-ones/all-zeros lanes as b, a mask that keeps or zeroes. */
  and: (): Instr => simd(0x4e),
  /** Bitwise a & ~b: with a comparison's lanes as b, zeroes the lanes where it held. */
  andnot: (): Instr => simd(0x4f),
  /**
   * `v128.bitselect(a, b, c)` = (a & c) | (b & ~c): per bit, a where the mask c is 1, else b.
   * With c from a lane comparison this is a per-lane select (x64: vpblendvb or and/andn/or).
   */
  bitselect: (): Instr => simd(0x52),
};

export const i8x16 = {
  splat: (): Instr => simd(0x0f),
  /**
   * `i8x16.shuffle(a, b)`: byte i of the result is byte lanes[i] of the 32-byte concatenation a‖b.
   * The 16 lane indices are immediates.
   */
  shuffle: (lanes: readonly number[]): Instr => {
    if (lanes.length !== 16 || lanes.some((l) => !Number.isInteger(l) || l < 0 || l > 31)) {
      throw new Error(`i8x16.shuffle: need 16 lane indices in [0, 31], got ${lanes.join(',')}`);
    }
    return simd(0x0d, ...lanes);
  },
};

export const i32x4 = {
  /** Copies an i32 to all four lanes. */
  splat: (): Instr => simd(0x11),
  add: (): Instr => simd(0xae),
  /** Lane-wise a ≥ b, the lanes read as unsigned 32-bit integers: all-ones (true) or all-zeros. */
  ge_u: (): Instr => simd(0x40),
};

export const f32x4 = {
  splat: (): Instr => simd(0x13),
  /**
   * Lane-wise a > b as all-ones (true) or all-zeros (false); false whenever either lane is NaN,
   * exactly like JS `>`, which is what lets SIMD kernels resolve NaN and ties as the JS ones do.
   */
  gt: (): Instr => simd(0x44),
  /** Lane-wise a < b, likewise (false for NaN). */
  lt: (): Instr => simd(0x43),
  /** Lane-wise a <= b, likewise (false for NaN). */
  le: (): Instr => simd(0x45),
  /** Lane-wise a == b, likewise (false for NaN: `eq(v, v)` is the lanes that are not NaN). */
  eq: (): Instr => simd(0x41),
  /** Lane-wise |a| (clears the sign bit; NaN stays NaN). */
  abs: (): Instr => simd(0xe0),
  /** Lane-wise square root, correctly rounded (IEEE), as Math.fround(Math.sqrt(x)) for a float32 x. */
  sqrt: (): Instr => simd(0xe3),
  add: (): Instr => simd(0xe4),
  sub: (): Instr => simd(0xe5),
  mul: (): Instr => simd(0xe6),
  div: (): Instr => simd(0xe7),
  /**
   * `f32x4.relaxed_madd(a, b, c)` = a·b + c lane-wise, from the relaxed-SIMD proposal (opcode
   * 0x105). The engine may round once (a fused multiply-add: x64 vfmadd231ps where the CPU has
   * FMA3) or twice (mul then add), so results can differ in the last bit between machines, never
   * between two runs on one machine. Validation of a whole module fails where relaxed SIMD is off
   * (Node 20 without --experimental-wasm-relaxed-simd): probe before using it.
   */
  relaxed_madd: (): Instr => simd(0x105),
};

/**
 * Two float64 lanes. JS sums float32 values in float64; doing the same additions on f64x2 lanes
 * widened exactly from f32 gives the very same bits (addition is IEEE correctly rounded).
 */
export const f64x2 = {
  /** Lanes 0 and 1 of an f32x4, widened exactly to f64. */
  promote_low_f32x4: (): Instr => simd(0x5f),
  add: (): Instr => simd(0xf0),
  mul: (): Instr => simd(0xf2),
};


export const drop = (): Instr => [0x1a];

/**
 * Bulk memory (WebAssembly 2.0): `memory.copy` pops (destination, source, byte count) and copies
 * like memmove, within memory 0 (the two trailing zeros are the destination and source memories).
 */
export const memory = {
  copy: (): Instr => [0xfc, ...uleb(10), 0x00, 0x00],
};

// ---------------------------------------------------------------------------------------------
// Idioms the kernels share (short sequences, not instructions)
// ---------------------------------------------------------------------------------------------

/** `x += by` for an i32 local x; `by` pushes the i32 to add (`i32.const(n)` or `local.get(y)`). */
export const increment = (x: number, by: Instr): Instr => [...local.get(x), ...by, ...i32.add(), ...local.set(x)];

/** `x -= 1`, then branch back to the enclosing loop while x ≠ 0 (a do-while: counts start ≥ 1). */
export const decrementAndLoop = (x: number): Instr => [...local.get(x), ...i32.const(1), ...i32.sub(), ...local.tee(x), ...br_if(0)];

// ---------------------------------------------------------------------------------------------
// Modules (spec 5.5)
// ---------------------------------------------------------------------------------------------

/** One function: its signature, its extra locals (numbered after the params) and its body. */
export interface FunctionDef {
  /** The export name. */
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly locals: readonly ValType[];
  readonly body: readonly Instr[];
}

/** What a module holds: optionally one imported memory, then functions, all exported. */
export interface ModuleDef {
  /** Imports a memory as `module.name` with at least `minPages` 64 KiB pages; no maximum. */
  readonly memory?: { readonly module: string; readonly name: string; readonly minPages: number };
  readonly functions: readonly FunctionDef[];
}

// Section ids, import/export kinds and the function-type tag.
const SECTION_TYPE = 1, SECTION_IMPORT = 2, SECTION_FUNCTION = 3, SECTION_EXPORT = 7, SECTION_CODE = 10;
const KIND_FUNC = 0x00, KIND_MEMORY = 0x02;
const FUNC_TYPE = 0x60;
const LIMITS_MIN_ONLY = 0x00;

/** Locals are declared as runs of (count, type); consecutive equal types share one run. */
function localRuns(locals: readonly ValType[]): number[][] {
  const runs: number[][] = [];
  for (let i = 0; i < locals.length;) {
    let j = i;
    while (j < locals.length && locals[j] === locals[i]) j++;
    runs.push([...uleb(j - i), locals[i]]);
    i = j;
  }
  return runs;
}

/** Assembles a module: the magic "\0asm", version 1, then the sections in the order the spec requires. */
export function assembleModule(def: ModuleDef): Uint8Array<ArrayBuffer> {
  const fns = def.functions;
  // One type per function (no deduplication: the modules here have a handful of functions).
  const types = fns.map((f) => [FUNC_TYPE, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const imports = def.memory === undefined ? [] : [[
    ...utf8(def.memory.module), ...utf8(def.memory.name), KIND_MEMORY, LIMITS_MIN_ONLY, ...uleb(def.memory.minPages),
  ]];
  // Only a memory is imported, so function i has index i.
  const funcTypes = fns.map((_, i) => uleb(i));
  const exports = fns.map((f, i) => [...utf8(f.name), KIND_FUNC, ...uleb(i)]);
  const codes = fns.map((f) => {
    const body = [...vec(localRuns(f.locals)), ...f.body.flat(), END];
    return [...uleb(body.length), ...body];
  });
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, // "\0asm"
    0x01, 0x00, 0x00, 0x00, // version 1
    ...section(SECTION_TYPE, vec(types)),
    ...(imports.length > 0 ? section(SECTION_IMPORT, vec(imports)) : []),
    ...section(SECTION_FUNCTION, vec(funcTypes)),
    ...section(SECTION_EXPORT, vec(exports)),
    ...section(SECTION_CODE, vec(codes)),
  ];
  return Uint8Array.from(bytes);
}
