import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

/** Node's own warnings would share stderr with the CLI's lines, which the tests count (see cli.test.ts). */
const QUIET_ENV = { ...process.env, NODE_NO_WARNINGS: '1' };

/** Run the CLI as a user would (through tsx, from the repository root). */
function tatami(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: join(import.meta.dirname, '..', '..'),
    encoding: 'utf8',
    timeout: 240_000,
    env: QUIET_ENV,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** CRC-32 bit by bit (no table), independent of the encoder's table-driven one. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

interface Decoded {
  width: number;
  height: number;
  chunkTypes: string[];
  /** RGBA, row by row. */
  pixels: Uint8Array;
}

/** A strict decoder for 8-bit RGBA, non-interlaced PNGs: every chunk's CRC checked, every filter type undone. */
function decodePng(file: Uint8Array): Decoded {
  expect([...file.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const chunkTypes: string[] = [];
  const idat: Uint8Array[] = [];
  let width = 0;
  let height = 0;
  for (let at = 8; at < file.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...file.subarray(at + 4, at + 8));
    const data = file.subarray(at + 8, at + 8 + length);
    expect(view.getUint32(at + 8 + length), `CRC of ${type}`).toBe(crc32(file.subarray(at + 4, at + 8 + length)));
    chunkTypes.push(type);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      expect([...data.subarray(8)], 'bit depth 8, RGBA, deflate, standard filters, no interlace').toEqual([8, 6, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  expect(chunkTypes[0]).toBe('IHDR');
  expect(chunkTypes[chunkTypes.length - 1]).toBe('IEND');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  expect(raw.length).toBe(height * (stride + 1));
  // Undo the per-scanline filters (PNG spec §9): 0 none, 1 sub, 2 up, 3 average, 4 Paeth.
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    expect(filter).toBeLessThanOrEqual(4);
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= 4 ? pixels[y * stride + i - 4] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
      const c = i >= 4 && y > 0 ? pixels[(y - 1) * stride + i - 4] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      pixels[y * stride + i] = (x + predictor) & 0xff;
    }
  }
  return { width, height, chunkTypes, pixels };
}

/** The number of distinct RGBA colours. */
function colours(pixels: Uint8Array): number {
  const seen = new Set<number>();
  const view = new DataView(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  for (let i = 0; i < pixels.length; i += 4) seen.add(view.getUint32(i));
  return seen.size;
}

describe('tatami viz', () => {
  let dir: string;
  let result: ReturnType<typeof tatami>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tatami-viz-'));
    const trained = tatami(['train', '--train', '300', '--test', '100', '--epochs', '2', '--filters', '8', '--verbose', '0', '--out', join(dir, 'model')]);
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    result = tatami(['viz', '--model', join(dir, 'model'), '--out', join(dir, 'pictures'), '--index', '3']);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes six PNG files and names each on stdout', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const files = ['confusion.png', 'curves.png', 'digit.png', 'feature-maps.png', 'filters.png', 'pooled-maps.png'];
    expect(readdirSync(join(dir, 'pictures')).sort()).toEqual(files);
    for (const f of files) expect(result.stdout).toContain(join(dir, 'pictures', f));
    expect(result.stdout).toMatch(/test digit 3, label \d, predicted \d/);
    expect(result.stdout).toMatch(/100 test digits, accuracy 0\.\d{4}/);
  });

  it('each file decodes (CRCs, zlib, filters) to the expected size, and is not one flat colour', () => {
    // Sizes from the layout: tiles of `scale` pixels per value, gaps of max(2, scale), ⌈√(2·tiles)⌉ columns.
    const expected: Record<string, [number, number]> = {
      'filters.png': [16 + 4 * (3 * 16 + 16), 16 + 2 * (3 * 16 + 16)], // 8 filters of 3×3, scale 16: 4 × 2 tiles
      'digit.png': [8 + 28 * 8 + 8, 8 + 28 * 8 + 8], // one 28×28 tile, scale 8
      'feature-maps.png': [3 + 4 * (26 * 3 + 3), 3 + 2 * (26 * 3 + 3)], // 8 maps of 26×26, scale 3
      'pooled-maps.png': [5 + 4 * (13 * 5 + 5), 5 + 2 * (13 * 5 + 5)], // 8 maps of 13×13, scale 5
      'confusion.png': [40 + 10 * 40 + 8, 40 + 10 * 40 + 8], // 10×10 cells of 40 + margins
      'curves.png': [2 * (300 + 2 * 36), 200 + 2 * 36], // two 300×200 panels with 36-pixel margins
    };
    for (const [name, [width, height]] of Object.entries(expected)) {
      const png = decodePng(new Uint8Array(readFileSync(join(dir, 'pictures', name))));
      expect([png.width, png.height], name).toEqual([width, height]);
      expect(png.chunkTypes, name).toEqual(['IHDR', 'IDAT', 'IEND']);
      expect(colours(png.pixels), name).toBeGreaterThan(2);
    }
  });

  it('the decoder itself refuses a corrupted file (a flipped byte fails its CRC)', () => {
    const bytes = new Uint8Array(readFileSync(join(dir, 'pictures', 'digit.png')));
    bytes[60] ^= 0xff; // inside the IDAT data (the signature and IHDR take 33 bytes, IDAT's header 8)
    expect(() => decodePng(bytes)).toThrow(/CRC of IDAT/);
  });

  it('explains a missing flag in one line with exit code 2', () => {
    const r = tatami(['viz', '--model', join(dir, 'model')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("tatami viz: 'viz' needs --out DIR (where to write the PNG files)");
  });
});
