/**
 * The MNIST digits as the page gets them: one small binary file, built from the `mnist` package by
 * web/build.ts and gzipped (the page un-gzips it with the browser's DecompressionStream).
 *
 *   bytes 0..3     'TMN1'
 *   bytes 4..7     N, the number of digits (uint32, little-endian)
 *   next N bytes   the class of each digit, 0..9
 *   next N·784     the pixels of each digit, row by row, 0 (background) .. 255 (ink)
 *
 * 10,000 digits take 7.9 MB raw, about 1.6 MB gzipped.
 */
const MAGIC = 'TMN1';
export const PIXELS = 28 * 28;

export interface Digits {
  readonly count: number;
  /** The class of each digit. */
  readonly classes: Int32Array;
  /** count·784 bytes, 0..255. */
  readonly pixels: Uint8Array;
}

/** Lay digits out in the file format above (used at build time). */
export function encodeDigits(classes: ArrayLike<number>, pixels: Uint8Array): Uint8Array {
  const n = classes.length;
  if (pixels.length !== n * PIXELS) throw new Error(`encodeDigits: ${n} digits need ${n * PIXELS} pixels, got ${pixels.length}`);
  const out = new Uint8Array(8 + n + n * PIXELS);
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, n, true);
  for (let i = 0; i < n; i++) out[8 + i] = classes[i];
  out.set(pixels, 8 + n);
  return out;
}

/** Read the file format above, checking its size. */
export function decodeDigits(bytes: Uint8Array): Digits {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== MAGIC) throw new Error(`digits file: expected '${MAGIC}' at the start, got '${magic}'`);
  const count = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  if (bytes.length !== 8 + count * (1 + PIXELS)) throw new Error(`digits file: ${count} digits need ${8 + count * (1 + PIXELS)} bytes, got ${bytes.length}`);
  return { count, classes: Int32Array.from(bytes.subarray(8, 8 + count)), pixels: bytes.subarray(8 + count) };
}

/** Fetch and un-gzip the digits file. */
export async function fetchDigits(url: string | URL): Promise<Digits> {
  const res = await fetch(url);
  if (!res.ok || res.body === null) throw new Error(`fetching ${String(url)} failed: HTTP ${res.status}`);
  const unzipped = res.body.pipeThrough(new DecompressionStream('gzip'));
  return decodeDigits(new Uint8Array(await new Response(unzipped).arrayBuffer()));
}
