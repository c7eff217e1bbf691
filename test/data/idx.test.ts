import { describe, it, expect, afterAll } from 'vitest';
import { writeFile, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseIdx, idxImagesToTensor, idxLabels } from '../../src/data/idx.js';
import { readIdxFile, readMnistDir } from '../../src/node/idx-files.js';
import { idxBytes, tempDir, writeMnistFolder, syntheticSplit } from './idx-fixtures.js';

const dirs: string[] = [];
async function newDir(): Promise<string> {
  const dir = await tempDir();
  dirs.push(dir);
  return dir;
}
async function newFolder(...args: Parameters<typeof writeMnistFolder>): Promise<string> {
  const dir = await writeMnistFolder(...args);
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const labels5 = Uint8Array.of(7, 2, 1, 0, 4);
const images2 = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);

describe('parseIdx', () => {
  it('reads labels (0x801) and images (0x803) with big-endian dims', () => {
    const l = parseIdx(idxBytes([5], labels5));
    expect(l.dims).toEqual([5]);
    expect(Array.from(l.data)).toEqual([7, 2, 1, 0, 4]);
    const im = parseIdx(idxBytes([2, 3, 4], images2));
    expect(im.dims).toEqual([2, 3, 4]);
    expect(Array.from(im.data)).toEqual(Array.from(images2));
    // A large dimension checks the byte order: 300 = 0x0000012c.
    expect(parseIdx(idxBytes([300], new Uint8Array(300))).dims).toEqual([300]);
  });

  it('works on a view with a byte offset', () => {
    const bytes = idxBytes([5], labels5);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(Array.from(parseIdx(padded.subarray(3)).data)).toEqual([7, 2, 1, 0, 4]);
  });

  it('rejects a header that is too short', () => {
    expect(() => parseIdx(Uint8Array.of(0, 0), 'x')).toThrow(/^x: too short for an IDX header \(2 bytes/);
    expect(() => parseIdx(Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 1), 'x')).toThrow(/x: truncated header: 3 dimensions need 16 header bytes, found 8/);
  });

  it('rejects wrong magic numbers, saying what was found', () => {
    expect(() => parseIdx(idxBytes([1, 2, 3, 4], new Uint8Array(24)), 'train-images-idx3-ubyte')).toThrow(
      'train-images-idx3-ubyte: bad magic number 0x00000804 (expected 0x00000803 for images or 0x00000801 for labels)',
    );
    expect(() => parseIdx(idxBytes([5], labels5, 0x00000d01), 'f')).toThrow(/bad magic number 0x00000d01 .*type code 0x0d is not 0x08/);
    expect(() => parseIdx(idxBytes([5], labels5, 0x12340801), 'f')).toThrow(/bad magic number 0x12340801 .*not an IDX file/);
    expect(() => parseIdx(new TextEncoder().encode('<html>not found</html>'), 'f')).toThrow(/f: bad magic number 0x3c68746d/);
  });

  it('rejects truncated data and trailing bytes with the counts', () => {
    const full = idxBytes([2, 3, 4], images2);
    expect(() => parseIdx(full.subarray(0, full.length - 5), 'imgs')).toThrow(/imgs: truncated: expected 24 bytes of data for dims \[2, 3, 4\], found 19/);
    const long = new Uint8Array(full.length + 7);
    long.set(full);
    expect(() => parseIdx(long, 'imgs')).toThrow(/imgs: has 7 trailing bytes after the 24 bytes of data/);
  });

  it('says when the bytes are still gzip-compressed', () => {
    expect(() => parseIdx(gzipSync(idxBytes([5], labels5)), 'l.gz')).toThrow(/l.gz: the data is gzip-compressed/);
  });

  it('converts images to [N, H, W, 1] in [0, 1] and checks labels', () => {
    const t = idxImagesToTensor(parseIdx(idxBytes([2, 3, 4], images2)));
    expect(t.shape).toEqual([2, 3, 4, 1]);
    expect(t.data[1]).toBeCloseTo(10 / 255, 7);
    expect(() => idxImagesToTensor(parseIdx(idxBytes([5], labels5)), 'l')).toThrow(/l: expected an images file/);
    expect(Array.from(idxLabels(parseIdx(idxBytes([5], labels5))))).toEqual([7, 2, 1, 0, 4]);
    expect(() => idxLabels(parseIdx(idxBytes([3], Uint8Array.of(1, 12, 3))), 10, 'l')).toThrow(/l: label 12 at index 1 is out of range \(expected 0..9\)/);
  });
});

describe('readIdxFile', () => {
  it('reads plain and gzip files, detecting gzip by content, not name', async () => {
    const dir = await newDir();
    const bytes = idxBytes([2, 3, 4], images2);
    await writeFile(join(dir, 'plain'), bytes);
    await writeFile(join(dir, 'zipped'), gzipSync(bytes)); // gzip without a .gz name
    await writeFile(join(dir, 'unzipped.gz'), idxBytes([5], labels5)); // plain despite .gz
    for (const name of ['plain', 'zipped']) {
      const r = await readIdxFile(join(dir, name));
      expect(r.dims).toEqual([2, 3, 4]);
      expect(Array.from(r.data)).toEqual(Array.from(images2));
    }
    expect(Array.from((await readIdxFile(join(dir, 'unzipped.gz'))).data)).toEqual([7, 2, 1, 0, 4]);
  });

  it('reports a corrupt gzip file and a bad file inside a gzip, naming the file', async () => {
    const dir = await newDir();
    const zipped = gzipSync(idxBytes([2, 3, 4], images2));
    const corrupt = zipped.subarray(0, zipped.length - 10);
    await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), corrupt);
    await expect(readIdxFile(join(dir, 'train-images-idx3-ubyte.gz'))).rejects.toThrow(/^train-images-idx3-ubyte\.gz: corrupt gzip data \(.+\)/);
    const garbled = Uint8Array.from(zipped);
    garbled[20] ^= 0xff;
    await writeFile(join(dir, 'garbled.gz'), garbled);
    await expect(readIdxFile(join(dir, 'garbled.gz'))).rejects.toThrow(/garbled\.gz: corrupt gzip data/);
    const truncatedInside = idxBytes([2, 3, 4], images2).subarray(0, 30);
    await writeFile(join(dir, 'short.gz'), gzipSync(truncatedInside));
    await expect(readIdxFile(join(dir, 'short.gz'))).rejects.toThrow(/short\.gz: truncated: expected 24 bytes of data for dims \[2, 3, 4\], found 14/);
  });
});

describe('readMnistDir', () => {
  it('reads a folder of mixed plain and gzip files', async () => {
    const dir = await newFolder({ train: 50, test: 20, gzip: ['train-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] });
    const m = await readMnistDir(dir);
    expect(m.dir).toBe(dir);
    expect(m.train.count).toBe(50);
    expect(m.test.count).toBe(20);
    const expected = syntheticSplit(50, 1);
    expect(Array.from(m.train.images)).toEqual(Array.from(expected.images));
    expect(Array.from(m.train.classes)).toEqual(Array.from(expected.labels));
    expect(m.train.imagesFile).toMatch(/train-images-idx3-ubyte\.gz$/);
    expect(m.test.labelsFile).toMatch(/t10k-labels-idx1-ubyte\.gz$/);
  });

  it('accepts the dotted spelling train-images.idx3-ubyte', async () => {
    const dir = await newFolder({
      gzip: ['t10k-images-idx3-ubyte'],
      rename: { 'train-images-idx3-ubyte': 'train-images.idx3-ubyte', 't10k-images-idx3-ubyte': 't10k-images.idx3-ubyte.gz' },
    });
    const m = await readMnistDir(dir);
    expect(m.train.imagesFile).toMatch(/train-images\.idx3-ubyte$/);
    expect(m.test.count).toBe(20);
  });

  it('says which file is missing and lists what the folder holds', async () => {
    const dir = await newFolder({ omit: 't10k-labels-idx1-ubyte', gzip: ['train-labels-idx1-ubyte'] });
    await expect(readMnistDir(dir)).rejects.toThrow(
      /readMnistDir: t10k-labels-idx1-ubyte not found in .* \(looked for t10k-labels-idx1-ubyte, t10k-labels-idx1-ubyte\.gz, t10k-labels\.idx1-ubyte, t10k-labels\.idx1-ubyte\.gz\); the folder contains: t10k-images-idx3-ubyte, train-images-idx3-ubyte, train-labels-idx1-ubyte\.gz$/,
    );
    const empty = await newDir();
    await expect(readMnistDir(empty)).rejects.toThrow(/train-images-idx3-ubyte not found .*; the folder is empty$/);
    await expect(readMnistDir(join(empty, 'nope'))).rejects.toThrow(/readMnistDir: folder .*nope does not exist/);
    await writeFile(join(empty, 'afile'), 'x');
    await expect(readMnistDir(join(empty, 'afile'))).rejects.toThrow(/readMnistDir: .*afile is not a folder/);
  });

  it('rejects mismatched image and label counts', async () => {
    const dir = await newFolder({ train: 30 });
    const labels = syntheticSplit(29, 1).labels;
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), idxBytes([29], labels));
    await expect(readMnistDir(dir)).rejects.toThrow(/train-images-idx3-ubyte has 30 images but train-labels-idx1-ubyte has 29 labels/);
  });

  it('rejects images that are not 28×28, swapped files and bad labels', async () => {
    const dir = await newFolder();
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), idxBytes([20, 32, 32], new Uint8Array(20 * 32 * 32)));
    await expect(readMnistDir(dir)).rejects.toThrow(/t10k-images-idx3-ubyte: expected images of shape \[N, 28, 28\], found dims \[20, 32, 32\]/);

    const swapped = await newFolder();
    const tr = syntheticSplit(50, 1);
    await writeFile(join(swapped, 'train-labels-idx1-ubyte'), idxBytes([50, 28, 28], tr.images));
    await expect(readMnistDir(swapped)).rejects.toThrow(/train-labels-idx1-ubyte: expected a labels file \(1 dimension \[N\]\), found 3 dimensions/);

    const badLabels = await newFolder();
    const labels = syntheticSplit(20, 2).labels;
    labels[7] = 10;
    await writeFile(join(badLabels, 't10k-labels-idx1-ubyte'), idxBytes([20], labels));
    await expect(readMnistDir(badLabels)).rejects.toThrow(/t10k-labels-idx1-ubyte: label 10 at index 7 is out of range/);
  });

  it('passes on a corrupt gzip or a truncated file with the file name', async () => {
    const dir = await newFolder({ gzip: ['train-images-idx3-ubyte'] });
    await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3));
    await expect(readMnistDir(dir)).rejects.toThrow(/train-images-idx3-ubyte\.gz: corrupt gzip data/);
    const short = await newFolder();
    const tr = syntheticSplit(50, 1);
    await writeFile(join(short, 'train-images-idx3-ubyte'), idxBytes([50, 28, 28], tr.images).subarray(0, 1000));
    await expect(readMnistDir(short)).rejects.toThrow(/train-images-idx3-ubyte: truncated: expected 39200 bytes of data/);
  });

  it('lists a subfolder among the contents', async () => {
    const dir = await newDir();
    await mkdir(join(dir, 'mnist'));
    await expect(readMnistDir(dir)).rejects.toThrow(/the folder contains: mnist$/);
  });
});
