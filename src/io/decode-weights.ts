/**
 * Weight bytes → Float32Array values, as the manifest lays them out (see manifest.ts): little-endian
 * float32, or quantized and expanded here (uint8 / uint16: value = min + scale · q; float16: IEEE half
 * precision, decoded by hand because not every runtime has Float16Array).
 */
import { allocFloat32 } from '../storage.js';
import type { WeightEntry } from './manifest.js';

export interface DecodeOptions {
  /** Refuse NaN and ±Infinity values (default false). */
  checkFinite?: boolean;
}

/**
 * Check that the weight files hold the `totalBytes` the manifest needs: exactly, or, while they are
 * still being read (`soFar`), no more; `what` names the source in errors.
 */
export function checkWeightBytes(totalBytes: number, byteLength: number, what: string, soFar = false): void {
  if (byteLength > totalBytes || (byteLength < totalBytes && !soFar)) {
    throw new Error(`${what}: the manifest needs ${totalBytes} bytes of weights but the weight files hold ${byteLength}`);
  }
}

/**
 * Decode one weight from the concatenated shard bytes; `what` names the source in errors. int32
 * entries (tfjs's optimizer counters) never get here: both loaders refuse or skip them first.
 */
export function decodeWeight(entry: WeightEntry, bytes: Uint8Array, what: string, options: DecodeOptions = {}): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + entry.byteOffset, entry.byteLength);
  const out = allocFloat32(entry.size);
  const { storedAs, min, scale } = entry;
  // One loop per storage, so that each runs without a branch per value.
  if (storedAs === 'float32') for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  else if (storedAs === 'float16') for (let i = 0; i < out.length; i++) out[i] = float16ToNumber(view.getUint16(2 * i, true));
  else if (storedAs === 'uint16') for (let i = 0; i < out.length; i++) out[i] = min + scale * view.getUint16(2 * i, true);
  else if (storedAs === 'uint8') for (let i = 0; i < out.length; i++) out[i] = min + scale * view.getUint8(i);
  else throw new Error(`${what}: weight '${entry.name}' is stored as ${storedAs}, which tatami does not read as a weight`);
  if (options.checkFinite === true) {
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i])) throw new Error(`${what}: weight '${entry.name}' has a non-finite value (${out[i]}) at index ${i}`);
    }
  }
  return out;
}

/**
 * IEEE 754 half precision: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits.
 *   exponent 0:      ±2⁻¹⁴ · fraction/1024          (zero and subnormals)
 *   exponent 31:     ±Infinity (fraction 0) or NaN
 *   otherwise:       ±2^(exponent−15) · (1 + fraction/1024)
 */
export function float16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Float32 values as little-endian bytes (the layout of weights.bin). */
export function encodeFloat32(values: readonly Float32Array[]): Uint8Array {
  const total = values.reduce((n, v) => n + v.length, 0);
  const bytes = new Uint8Array(4 * total);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const v of values) {
    for (let i = 0; i < v.length; i++, offset += 4) view.setFloat32(offset, v[i], true);
  }
  return bytes;
}
