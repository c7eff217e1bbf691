/**
 * Test fixtures: write small IDX files (plain or gzip) and whole synthetic MNIST folders into a
 * temporary directory, so the IDX tests need no downloads.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The bytes of an unsigned-byte IDX file with the given dims; `magic` overrides the header's. */
export function idxBytes(dims: number[], data: Uint8Array, magic = 0x0800 + dims.length): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  header.setUint32(0, magic, false);
  dims.forEach((d, i) => header.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.byteLength + data.length);
  out.set(new Uint8Array(header.buffer), 0);
  out.set(data, header.byteLength);
  return out;
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tatami-idx-'));
}

/**
 * Synthetic digits that say who they are: image i of a split has pixel 0 = i mod 256,
 * pixel 1 = floor(i / 256), pixel 2 = 100 + its class, and its class is (3·i + 1) mod 10
 * (every class appears, unevenly for small counts).
 */
export function syntheticSplit(count: number, salt: number): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = (3 * i + 1) % 10;
    images[i * 784] = i % 256;
    images[i * 784 + 1] = Math.floor(i / 256);
    images[i * 784 + 2] = 100 + labels[i];
    images[i * 784 + 3] = salt;
    images[i * 784 + 400] = 255;
  }
  return { images, labels };
}

export interface FolderOptions {
  train?: number;
  test?: number;
  /** Which of the four files to gzip, by stem. */
  gzip?: string[];
  /** Leave this stem's file out. */
  omit?: string;
  /** File names to use instead of the standard ones, by stem. */
  rename?: Record<string, string>;
}

/** Write a synthetic MNIST folder (train split salted 1, test split salted 2) and return its path. */
export async function writeMnistFolder(options: FolderOptions = {}): Promise<string> {
  const { train = 50, test = 20, gzip = [], omit, rename = {} } = options;
  const dir = await tempDir();
  const tr = syntheticSplit(train, 1);
  const te = syntheticSplit(test, 2);
  const files: Array<[string, Uint8Array]> = [
    ['train-images-idx3-ubyte', idxBytes([train, 28, 28], tr.images)],
    ['train-labels-idx1-ubyte', idxBytes([train], tr.labels)],
    ['t10k-images-idx3-ubyte', idxBytes([test, 28, 28], te.images)],
    ['t10k-labels-idx1-ubyte', idxBytes([test], te.labels)],
  ];
  for (const [stem, bytes] of files) {
    if (stem === omit) continue;
    const zipped = gzip.includes(stem);
    const name = rename[stem] ?? (zipped ? `${stem}.gz` : stem);
    await writeFile(join(dir, name), zipped ? gzipSync(bytes) : bytes);
  }
  return dir;
}
