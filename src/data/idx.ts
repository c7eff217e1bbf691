/**
 * A reader for IDX files, the format of MNIST and Fashion-MNIST (Yann LeCun's "idx1-ubyte" and
 * "idx3-ubyte" files). Pure and browser-safe: it takes the file's bytes, already gunzipped (see
 * src/node/idx-files.ts for reading files from disk).
 *
 * Layout (all integers big-endian):
 *
 *   bytes 0–1   0x00 0x00
 *   byte  2     type code: 0x08 = unsigned byte (the only type MNIST uses, and the only one read here)
 *   byte  3     number of dimensions: 1 for labels (magic 0x00000801), 3 for images (0x00000803)
 *   then        one uint32 per dimension, e.g. [60000] or [60000, 28, 28]
 *   then        product(dims) data bytes, row-major, and nothing after them
 *
 * See http://yann.lecun.com/exdb/mnist/ ("FILE FORMATS FOR THE MNIST DATABASE").
 */
import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../storage.js';

/** A parsed IDX file: its dimensions and its data bytes (a view into the input, not a copy). */
export interface IdxData {
  dims: number[];
  data: Uint8Array;
}

const MAGIC_LABELS = 0x00000801;
const MAGIC_IMAGES = 0x00000803;

function hex32(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * Parse an unsigned-byte IDX file (labels 0x00000801 or images 0x00000803).
 *
 * Checks that the header is complete, the magic number is one of the two, and the data is exactly
 * product(dims) bytes long; every error starts with `name` (use the file name) and says what was
 * found. The returned `data` is a view of `bytes`.
 *
 * @example parseIdx(bytes, 'train-labels-idx1-ubyte') // { dims: [60000], data: Uint8Array(60000) }
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxData {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new Error(`${name}: the data is gzip-compressed; gunzip it first (readIdxFile does this for files)`);
  }
  if (bytes.length < 4) {
    throw new Error(`${name}: too short for an IDX header (${bytes.length} bytes, expected at least 4)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== MAGIC_LABELS && magic !== MAGIC_IMAGES) {
    // Say which part of the magic number is off: the two zero bytes, the type code or the rank.
    let why = '';
    if (bytes[0] !== 0 || bytes[1] !== 0) why = '; not an IDX file (its first two bytes must be zero)';
    else if (bytes[2] !== 0x08) why = `; type code 0x${bytes[2].toString(16).padStart(2, '0')} is not 0x08 (unsigned byte), the only type supported`;
    else why = `; ${bytes[3]} dimensions, expected 1 (labels) or 3 (images)`;
    throw new Error(
      `${name}: bad magic number ${hex32(magic)} (expected ${hex32(MAGIC_IMAGES)} for images or ${hex32(MAGIC_LABELS)} for labels)${why}`,
    );
  }
  const rank = bytes[3];
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new Error(`${name}: truncated header: ${rank} dimensions need ${headerBytes} header bytes, found ${bytes.length}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerBytes;
  if (found < expected) {
    throw new Error(`${name}: truncated: expected ${expected} bytes of data for dims [${dims.join(', ')}], found ${found}`);
  }
  if (found > expected) {
    throw new Error(`${name}: has ${found - expected} trailing bytes after the ${expected} bytes of data for dims [${dims.join(', ')}]`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Throw unless `idx` is an images file (3 dimensions [N, H, W]). */
function assertImages(idx: IdxData, name: string): void {
  if (idx.dims.length !== 3) {
    throw new Error(`${name}: expected an images file (3 dimensions [N, H, W]), found ${idx.dims.length} dimension(s) [${idx.dims.join(', ')}]`);
  }
}

/**
 * The images of a parsed IDX images file as an NHWC tensor [N, H, W, 1], bytes scaled by 1/255 into
 * [0, 1] (as Keras's `x / 255.0`).
 */
export function idxImagesToTensor(idx: IdxData, name = 'IDX data'): Tensor {
  assertImages(idx, name);
  const [n, h, w] = idx.dims;
  const out = allocFloat32(idx.data.length); // (N, H, W, 1)
  const src = idx.data;
  for (let i = 0; i < src.length; i++) out[i] = src[i] / 255;
  return new Tensor(out, [n, h, w, 1]);
}

/**
 * The labels of a parsed IDX labels file as integers, checking each is below `numClasses`
 * (the error names the first bad label and its index).
 */
export function idxLabels(idx: IdxData, numClasses = 10, name = 'IDX data'): Int32Array {
  if (idx.dims.length !== 1) {
    throw new Error(`${name}: expected a labels file (1 dimension [N]), found ${idx.dims.length} dimensions [${idx.dims.join(', ')}]`);
  }
  const labels = Int32Array.from(idx.data);
  const bad = labels.findIndex((c) => c >= numClasses);
  if (bad >= 0) {
    throw new Error(`${name}: label ${labels[bad]} at index ${bad} is out of range (expected 0..${numClasses - 1})`);
  }
  return labels;
}
