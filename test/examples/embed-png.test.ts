/**
 * The embed example's PNG decoder (examples/embed/png.ts) and its MNIST-style preprocessing
 * (examples/embed/digit.ts): PNGs from the repository's own encoder (src/node/png.ts), PNGs built
 * here byte by byte with every filter type and colour type, and files it must refuse.
 */
import { describe, it, expect } from 'vitest';
import { deflateSync } from 'node:zlib';
import { decodePng, unfilter } from '../../examples/embed/png.js';
import { toDigit, argmax } from '../../examples/embed/digit.js';
import { encodePng, crc32 } from '../../src/node/png.js';
import { Rng } from '../../src/index.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** One chunk: length, type, data, CRC of type + data. */
function chunk(type: string, data: ArrayLike<number>): number[] {
  const body = [...type].map((c) => c.charCodeAt(0)).concat(Array.from(data));
  const be32 = (n: number): number[] => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  return [...be32(data.length), ...body, ...be32(crc32(Uint8Array.from(body)))];
}

/** IHDR data: width, height, bit depth, colour type, then compression, filter, interlace. */
function ihdr(width: number, height: number, depth: number, colour: number, interlace = 0): number[] {
  const b = new Uint8Array(13);
  const v = new DataView(b.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  b.set([depth, colour, 0, 0, interlace], 8);
  return Array.from(b);
}

/** A PNG file from an IHDR, the filtered scanlines (each starting with its filter byte) and extra chunks. */
function png(header: number[], scanlines: number[][], before: number[][] = [], idatParts = 1): Uint8Array {
  const z = deflateSync(Uint8Array.from(scanlines.flat()));
  const cut = Math.ceil(z.length / idatParts);
  const idats: number[] = [];
  for (let i = 0; i < idatParts; i++) idats.push(...chunk('IDAT', z.subarray(i * cut, (i + 1) * cut)));
  return Uint8Array.from([...SIGNATURE, ...chunk('IHDR', header), ...before.flat(), ...idats, ...chunk('IEND', [])]);
}

/** Grey values → RGBA bytes (opaque). */
const greyRgba = (values: number[]): number[] => values.flatMap((v) => [v, v, v, 255]);

describe('decodePng', () => {
  it('reads back what the repository encoder (src/node/png.ts) wrote, for several sizes', () => {
    const rng = new Rng(3);
    for (const [width, height] of [[1, 1], [3, 5], [28, 28], [17, 9], [64, 2]]) {
      const pixels = Uint8Array.from({ length: width * height * 4 }, () => rng.integer(0, 256));
      const image = decodePng(encodePng({ width, height, pixels }));
      expect([image.width, image.height]).toEqual([width, height]);
      expect(image.rgba).toEqual(pixels);
    }
  });

  it('undoes each filter type (grey, 8-bit), with the arithmetic worked by hand', () => {
    // The image, row by row:  10 20 30 / 15 25 40 / 200 100 50 / 0 255 128 / 7 8 9
    const file = png(ihdr(3, 5, 8, 0), [
      [1, 10, 10, 10], //  Sub: 10, 20 − 10, 30 − 20
      [2, 5, 5, 10], //    Up: 15 − 10, 25 − 20, 40 − 30
      // Average ⌊(a + b)/2⌋: 200 − ⌊(0 + 15)/2⌋ = 193; 100 − ⌊(200 + 25)/2⌋ = −12 ≡ 244; 50 − ⌊(100 + 40)/2⌋ = −20 ≡ 236
      [3, 193, 244, 236],
      // Paeth, p = a + b − c, the neighbour closest to p:
      //   (a, b, c) = (0, 200, 0): p = 200 → b = 200, stored 0 − 200 ≡ 56
      //   (0, 100, 200): p = −100 → a = 0 (|p − a| = 100 is the smallest), stored 255
      //   (255, 50, 100): p = 205 → a = 255 (50 < 105 < 155), stored 128 − 255 ≡ 129
      [4, 56, 255, 129],
      [0, 7, 8, 9], //     None
    ]);
    const image = decodePng(file);
    expect(Array.from(image.rgba)).toEqual(greyRgba([10, 20, 30, 15, 25, 40, 200, 100, 50, 0, 255, 128, 7, 8, 9]));
  });

  it('takes the left neighbour one whole pixel back (RGB: 3 bytes), and joins several IDAT chunks', () => {
    // Two RGB pixels (1, 2, 3) and (11, 22, 33), Sub-filtered: the second pixel stores 10, 20, 30.
    const file = png(ihdr(2, 1, 8, 2), [[1, 1, 2, 3, 10, 20, 30]], [chunk('tEXt', [0x41, 0, 0x42])], 3);
    expect(Array.from(decodePng(file).rgba)).toEqual([1, 2, 3, 255, 11, 22, 33, 255]);
  });

  it('reads grey + alpha, 16-bit RGBA (its high bytes) and palette images with tRNS', () => {
    expect(Array.from(decodePng(png(ihdr(2, 1, 8, 4), [[0, 90, 255, 40, 0]])).rgba)).toEqual([90, 90, 90, 255, 40, 40, 40, 0]);
    const rgba16 = png(ihdr(1, 1, 16, 6), [[0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0]]);
    expect(Array.from(decodePng(rgba16).rgba)).toEqual([0x12, 0x56, 0x9a, 0xde]);
    // Palette: entry 0 = red (alpha 128 from tRNS), entry 1 = green (no tRNS entry: opaque).
    const palette = png(ihdr(2, 1, 8, 3), [[0, 1, 0]], [chunk('PLTE', [255, 0, 0, 0, 255, 0]), chunk('tRNS', [128])]);
    expect(Array.from(decodePng(palette).rgba)).toEqual([0, 255, 0, 255, 255, 0, 0, 128]);
  });

  it('undoes random filters on random images (the filters applied here, independently)', () => {
    const rng = new Rng(11);
    const paeth = (a: number, b: number, c: number): number => {
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    };
    for (let trial = 0; trial < 20; trial++) {
      const [width, height, bpp] = [rng.integer(1, 12), rng.integer(1, 9), [1, 2, 3, 4, 6, 8][rng.integer(0, 6)]];
      const stride = width * bpp;
      const pixels = Uint8Array.from({ length: height * stride }, () => rng.integer(0, 256));
      const at = (y: number, i: number): number => (y < 0 || i < 0 ? 0 : pixels[y * stride + i]);
      const filtered = new Uint8Array(height * (stride + 1));
      for (let y = 0; y < height; y++) {
        const type = rng.integer(0, 5);
        filtered[y * (stride + 1)] = type;
        for (let i = 0; i < stride; i++) {
          const [a, b, c] = [at(y, i - bpp), at(y - 1, i), at(y - 1, i - bpp)];
          const predicted = [0, a, b, (a + b) >> 1, paeth(a, b, c)][type];
          filtered[y * (stride + 1) + 1 + i] = (at(y, i) - predicted) & 0xff;
        }
      }
      expect(Array.from(unfilter(filtered, height, stride, bpp)), `${width}×${height}, ${bpp} bytes per pixel`).toEqual(Array.from(pixels));
    }
  });

  it('refuses what it cannot read, naming the file and the reason', () => {
    const good = png(ihdr(1, 1, 8, 0), [[0, 7]]);
    const bad = (bytes: Uint8Array): (() => unknown) => () => decodePng(bytes, 'd.png');
    expect(bad(Uint8Array.from([1, 2, 3]))).toThrow(/^d\.png: not a PNG file/);
    const flipped = good.slice();
    flipped[20] ^= 1; // inside IHDR's data
    expect(bad(flipped)).toThrow(/^d\.png: the IHDR chunk is corrupt/);
    expect(bad(good.subarray(0, 40))).toThrow(/^d\.png: truncated/);
    expect(bad(png(ihdr(1, 1, 8, 0, 1), [[0, 7]]))).toThrow(/interlaced/);
    expect(bad(png(ihdr(2, 1, 4, 0), [[0, 0x12]]))).toThrow(/4-bit samples of colour type 0 are not supported/);
    expect(bad(png(ihdr(1, 1, 8, 5), [[0, 7]]))).toThrow(/colour type 5 is not a PNG colour type/);
    expect(bad(png(ihdr(2, 1, 8, 0), [[0, 7]]))).toThrow(/image data has 2 bytes, a 2×1 image needs 3/);
    expect(bad(png(ihdr(1, 1, 8, 0), [[5, 7]]))).toThrow(/row 0 has filter type 5/);
    // 1×1 grey needs 2 bytes of image data; 10 MB of zeros is refused before it is all inflated.
    expect(bad(png(ihdr(1, 1, 8, 0), [new Array(10_000_000).fill(0)]))).toThrow(/^d\.png: image data inflates to more than the 2 bytes a 1×1 image needs$/);
    expect(bad(Uint8Array.from([...SIGNATURE, ...chunk('IHDR', ihdr(1, 1, 8, 0)), ...chunk('IDAT', [1, 2, 3]), ...chunk('IEND', [])]))).toThrow(/^d\.png: corrupt image data/);
    expect(bad(png(ihdr(1, 1, 8, 3), [[0, 2]], [chunk('PLTE', [1, 2, 3])]))).toThrow(/palette entry 2, the palette has 1/);
    expect(bad(Uint8Array.from([...SIGNATURE, ...chunk('IHDR', ihdr(1, 1, 8, 0)), ...chunk('IEND', [])]))).toThrow(/no image data/);
  });
});

describe('toDigit (MNIST-style input from any picture)', () => {
  it('keeps a 28×28 light-on-dark grey image exactly', () => {
    const rng = new Rng(5);
    const grey = Array.from({ length: 784 }, (_, p) => (p % 28 === 0 || p < 28 || p >= 756 || p % 28 === 27 ? 0 : rng.integer(0, 256)));
    const digit = toDigit(greyRgba(grey), 28, 28);
    expect(Array.from(digit.pixels)).toEqual(grey.map((v) => Math.fround(v / 255)));
    expect(digit.steps).toEqual([]);
  });

  it('inverts dark ink on paper, and transparent pixels count as paper', () => {
    const ink = Array.from({ length: 784 }, (_, p) => (Math.abs((p % 28) - 14) < 3 ? 255 : 0)); // a vertical bar
    const onPaper = toDigit(greyRgba(ink.map((v) => 255 - v)), 28, 28);
    expect(Array.from(onPaper.pixels)).toEqual(ink.map((v) => v / 255));
    expect(onPaper.steps.join()).toMatch(/inverted/);
    // Black ink on a transparent background (alpha 0 around it), as a canvas drawing saves.
    const transparent = toDigit(ink.flatMap((v) => [0, 0, 0, v]), 28, 28);
    expect(Array.from(transparent.pixels)).toEqual(ink.map((v) => v / 255));
  });

  it('fits a larger picture into 20×20, centred, in 8-bit steps', () => {
    // A 60×100 picture with a 30×60 block of ink: fitted to 10×20, centred at (14, 14).
    const [w, h] = [60, 100];
    const grey = Array.from({ length: w * h }, (_, p) => {
      const [x, y] = [p % w, Math.floor(p / w)];
      return x >= 10 && x < 40 && y >= 20 && y < 80 ? 255 : 0;
    });
    const digit = toDigit(greyRgba(grey), w, h);
    expect(digit.steps.join()).toMatch(/60×100: cropped to the ink, fitted into 20×20/);
    const rows = Array.from({ length: 28 }, (_, y) => Array.from(digit.pixels.subarray(y * 28, y * 28 + 28)));
    const inked = rows.map((r) => r.some((v) => v > 0));
    expect(inked.indexOf(true)).toBe(4);
    expect(inked.lastIndexOf(true)).toBe(23);
    expect(rows[14].indexOf(1)).toBe(9);
    expect(rows[14].lastIndexOf(1)).toBe(18);
    for (const v of digit.pixels) expect(Math.round(v * 255)).toBeCloseTo(v * 255, 4);
    expect(toDigit(new Array(40 * 4).fill(255), 5, 8).steps.join()).toMatch(/no ink found/);
  });

  it('argmax takes the first of equal values', () => {
    expect(argmax([0.1, 0.4, 0.4, 0.1])).toEqual({ index: 1, value: 0.4 });
  });
});
