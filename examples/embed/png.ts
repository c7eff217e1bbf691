/**
 * A small PNG decoder over node:zlib, for the Node example (examples/embed/node.ts). A browser
 * decodes images itself (see browser.ts), so this file is Node-only.
 *
 * A PNG file is the 8-byte signature, then chunks, each laid out as
 *
 *   length (4 bytes, big-endian: bytes of data) · type (4 ASCII bytes) · data · CRC-32 (of type + data)
 *
 * Decoding reads IHDR (size and pixel format), PLTE and tRNS (for palette images), joins the data of
 * every IDAT chunk, inflates it (zlib), and undoes the filter of each scanline: a scanline is one
 * filter-type byte, then width · bytesPerPixel bytes, each stored as the difference from a
 * prediction made from its already-decoded neighbours a (left), b (above) and c (above-left):
 *
 *   0 None: x   1 Sub: x − a   2 Up: x − b   3 Average: x − ⌊(a + b)/2⌋   4 Paeth: x − paeth(a, b, c)
 *
 * (all modulo 256; a and c are 0 left of the first pixel, b and c are 0 above the first row).
 *
 * What it reads: colour types 0 (grey), 2 (RGB), 3 (palette, 8-bit indices), 4 (grey + alpha) and
 * 6 (RGBA), 8 bits per sample, and 16 bits for the types other than palette (kept to their high byte,
 * all the precision a digit needs). A palette's tRNS chunk gives its entries' alpha; the one
 * transparent colour that tRNS names in a grey or RGB image is ignored (those pixels stay opaque).
 * It refuses, with an Error that says so, interlaced images and
 * the 1-, 2- and 4-bit formats. Spec: https://www.w3.org/TR/png-3/ (§5 chunks, §11.2 IHDR, §9 filtering).
 */
import { inflateSync } from 'node:zlib';

/** An image as RGBA bytes: `rgba[4·(y·width + x) + k]` for k = R, G, B, A, each 0..255. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Larger images are refused before anything is allocated for them (8192 × 8192). */
const MAX_PIXELS = 1 << 26;
/** Samples per pixel of each colour type. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** True if `bytes` starts with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** CRC-32 as PNG defines it (reflected polynomial 0xEDB88320), one table lookup per byte. */
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The predictor of filter type 4: whichever of a, b, c is closest to a + b − c (ties: a, then b). */
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/**
 * Undo the filters, in place: `data` is height scanlines of (1 + stride) bytes; returns the
 * height · stride pixel bytes (row-major), a view of `data` shifted left by one byte per row.
 * `bpp` is bytes per complete pixel (at least 1): how far left the neighbour `a` is.
 */
export function unfilter(data: Uint8Array, height: number, stride: number, bpp: number, name = 'PNG'): Uint8Array {
  const out = data.subarray(0, height * stride); // (height, stride), written over the filtered rows
  for (let y = 0; y < height; y++) {
    const type = data[y * (stride + 1)];
    const src = y * (stride + 1) + 1; // this row's filtered bytes
    const row = y * stride; // this row's decoded bytes (src − row = y + 1 > 0, so nothing unread is overwritten)
    const up = row - stride; // the row above, already decoded (only read when y > 0)
    for (let i = 0; i < stride; i++) {
      const x = data[src + i];
      const a = i >= bpp ? out[row + i - bpp] : 0;
      const b = y > 0 ? out[up + i] : 0;
      const c = y > 0 && i >= bpp ? out[up + i - bpp] : 0;
      let predicted: number;
      switch (type) {
        case 0: predicted = 0; break;
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) >> 1; break;
        case 4: predicted = paeth(a, b, c); break;
        default: throw new Error(`${name}: row ${y} has filter type ${type}; PNG defines 0 to 4`);
      }
      out[row + i] = (x + predicted) & 0xff;
    }
  }
  return out;
}

/** Decode PNG file bytes into RGBA. Errors start with `name` (use the file name). */
export function decodePng(bytes: Uint8Array, name = 'PNG'): DecodedImage {
  if (!isPng(bytes)) throw new Error(`${name}: not a PNG file (no PNG signature)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: { width: number; height: number; depth: number; colour: number } | null = null;
  let palette: Uint8Array | null = null; // (entries, 3): R, G, B
  let alphas: Uint8Array | null = null; // tRNS of a palette image: one alpha per entry
  const idat: Uint8Array[] = [];
  let ended = false;

  // 1. Walk the chunks, checking each one's length and CRC.
  for (let at = 8; at < bytes.length && !ended; ) {
    if (at + 12 > bytes.length) throw new Error(`${name}: truncated chunk header at byte ${at}`);
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + length > bytes.length) throw new Error(`${name}: truncated ${type} chunk (${length} bytes announced)`);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) {
      throw new Error(`${name}: the ${type} chunk is corrupt (its CRC does not match)`);
    }
    at += 12 + length;
    if (type === 'IHDR') {
      if (length !== 13) throw new Error(`${name}: IHDR has ${length} bytes, expected 13`);
      const h = new DataView(data.buffer, data.byteOffset, 13);
      header = { width: h.getUint32(0), height: h.getUint32(4), depth: data[8], colour: data[9] };
      if (data[10] !== 0 || data[11] !== 0) throw new Error(`${name}: unknown compression or filter method`);
      if (data[12] !== 0) throw new Error(`${name}: interlaced PNGs are not supported; save it without interlacing`);
    } else if (type === 'PLTE') {
      palette = data;
    } else if (type === 'tRNS') {
      alphas = data;
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      ended = true;
    }
    // Other chunks (text, gamma, colour profiles, ...) do not change the pixel values and are skipped.
  }
  if (header === null) throw new Error(`${name}: no IHDR chunk`);
  const { width, height, depth, colour } = header;
  const channels = CHANNELS[colour];
  if (channels === undefined) throw new Error(`${name}: colour type ${colour} is not a PNG colour type`);
  if (depth !== 8 && !(depth === 16 && colour !== 3)) {
    throw new Error(`${name}: ${depth}-bit samples of colour type ${colour} are not supported (8-bit, or 16-bit without a palette)`);
  }
  if (width < 1 || height < 1 || width * height > MAX_PIXELS) throw new Error(`${name}: a ${width}×${height} image is empty or too large`);
  if (colour === 3 && palette === null) throw new Error(`${name}: a palette image without a PLTE chunk`);
  if (idat.length === 0) throw new Error(`${name}: no image data (IDAT chunk)`);

  // 2. Inflate the joined IDAT data and undo the scanline filters.
  const bpp = (channels * depth) / 8; // bytes per pixel
  const stride = width * bpp;
  let raw: Uint8Array;
  try {
    // The limit keeps a small file that inflates to gigabytes (a "zip bomb") from being inflated at all.
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: height * (stride + 1) + 1 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`${name}: image data inflates to more than the ${height * (stride + 1)} bytes a ${width}×${height} image needs`);
    }
    throw new Error(`${name}: corrupt image data (${(e as Error).message})`);
  }
  if (raw.length !== height * (stride + 1)) {
    throw new Error(`${name}: image data has ${raw.length} bytes, a ${width}×${height} image needs ${height * (stride + 1)}`);
  }
  const pixels = unfilter(raw, height, stride, bpp, name); // (height, width, channels · depth/8)

  // 3. Expand to RGBA, keeping the high byte of 16-bit samples.
  const step = depth / 8; // bytes per sample
  const rgba = new Uint8Array(width * height * 4); // (height, width, 4)
  for (let p = 0; p < width * height; p++) {
    const s = p * bpp; // this pixel's first sample byte; sample k is at s + k·step
    let r: number, g: number, b: number, a: number;
    switch (colour) {
      case 0: r = g = b = pixels[s]; a = 255; break;
      case 2: r = pixels[s]; g = pixels[s + step]; b = pixels[s + 2 * step]; a = 255; break;
      case 4: r = g = b = pixels[s]; a = pixels[s + step]; break;
      case 6: r = pixels[s]; g = pixels[s + step]; b = pixels[s + 2 * step]; a = pixels[s + 3 * step]; break;
      default: {
        const index = pixels[s];
        if (3 * index + 2 >= palette!.length) throw new Error(`${name}: pixel ${p} uses palette entry ${index}, the palette has ${palette!.length / 3}`);
        r = palette![3 * index]; g = palette![3 * index + 1]; b = palette![3 * index + 2];
        a = alphas !== null && index < alphas.length ? alphas[index] : 255;
      }
    }
    rgba[4 * p] = r;
    rgba[4 * p + 1] = g;
    rgba[4 * p + 2] = b;
    rgba[4 * p + 3] = a;
  }
  return { width, height, rgba };
}
