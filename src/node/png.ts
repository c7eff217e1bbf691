/**
 * Node-only: a small PNG encoder (8-bit RGBA, no interlacing) over node:zlib, for `tatami viz`.
 *
 * A PNG file is the 8-byte signature, then chunks, each laid out as
 *
 *   length (4 bytes, big-endian: bytes of data) · type (4 ASCII bytes) · data · CRC-32 (of type + data)
 *
 * and we write just three: IHDR (width, height, bit depth 8, colour type 6 = RGBA), one IDAT (the
 * zlib-deflated scanlines, each a filter-type byte (0, none) followed by its width·4 bytes of pixels),
 * and an empty IEND. Spec: https://www.w3.org/TR/png-3/ (§5 chunks, §11.2 IHDR, §7.3 filtering).
 */
import { deflateSync } from 'node:zlib';

/** An RGBA image: `pixels[4·(y·width + x) + k]` for channels k = R, G, B, A, each 0..255. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/**
 * CRC-32 as PNG (and zlib, and Ethernet) define it: reflected polynomial 0xEDB88320, initial value
 * 0xFFFFFFFF, final XOR 0xFFFFFFFF. The table holds the CRC of every byte value, so the loop does one
 * lookup per byte instead of eight shifts.
 */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of `bytes` (an unsigned 32-bit number). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: length, type, data, CRC of type + data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Encode an RGBA image as PNG file bytes. */
export function encodePng(image: RgbaImage): Uint8Array {
  const { width, height, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: width and height must be positive integers, got ${width}×${height}`);
  }
  if (pixels.length !== width * height * 4) {
    throw new Error(`encodePng: a ${width}×${height} RGBA image needs ${width * height * 4} bytes, got ${pixels.length}`);
  }
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  // bytes 10..12 stay 0: deflate compression, adaptive filtering, no interlace
  const stride = width * 4;
  const raw = new Uint8Array(height * (stride + 1)); // (height, 1 + width·4)
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type 0: the scanline as is
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const parts = [SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
