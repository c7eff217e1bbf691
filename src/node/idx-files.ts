/**
 * Node-only: read IDX files (plain or gzip) from disk, and find the four standard MNIST files in a
 * folder. The same file names serve MNIST and Fashion-MNIST. Parsing itself is in src/data/idx.ts,
 * which is browser-safe; this file adds the file system and gunzip.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseIdx, idxLabels, type IdxData } from '../data/idx.js';

/** True if `bytes` starts with the gzip magic number 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Read and parse one IDX file. Gzip is detected by its magic number, not by the file name, so a
 * gunzipped file that kept its `.gz` name (as some browsers leave it) reads too.
 * Errors name the file.
 */
export async function readIdxFile(path: string): Promise<IdxData> {
  const name = basename(path);
  let bytes: Uint8Array = await readFile(path);
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`${name}: corrupt gzip data (${reason}); download the file again`);
    }
  }
  return parseIdx(bytes, name);
}

/** One split of MNIST as stored on disk: N images of 28×28 bytes and N labels 0..9. */
export interface MnistFileSplit {
  /** N·28·28 pixel bytes, row-major (image, row, column). */
  images: Uint8Array;
  /** The N labels. */
  classes: Int32Array;
  count: number;
  /** The files the split was read from. */
  imagesFile: string;
  labelsFile: string;
}

export interface MnistFiles {
  train: MnistFileSplit;
  test: MnistFileSplit;
  /** The folder, as an absolute path. */
  dir: string;
}

/** The four standard files, by their stem (`.gz` and the `train-images.idx3-ubyte` spelling also match). */
const STEMS = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The names a standard file may have: `x-idx3-ubyte`, `x.idx3-ubyte`, each optionally with `.gz`. */
function candidateNames(stem: string): string[] {
  const dotted = stem.replace(/-(idx\d-ubyte)$/, '.$1');
  return [stem, `${stem}.gz`, dotted, `${dotted}.gz`];
}

/** Find one standard file in the folder's listing, or throw saying what the folder holds. */
function findFile(dir: string, entries: string[], stem: string): string {
  const names = candidateNames(stem);
  const found = names.find((n) => entries.includes(n));
  if (found !== undefined) return join(dir, found);
  const shown = entries.slice(0, 20).join(', ') + (entries.length > 20 ? `, … (${entries.length} entries)` : '');
  const contents = entries.length === 0 ? 'the folder is empty' : `the folder contains: ${shown}`;
  throw new Error(`readMnistDir: ${stem} not found in ${dir} (looked for ${names.join(', ')}); ${contents}`);
}

/** Read one images file and its labels file, and check they belong together. */
async function readSplit(imagesFile: string, labelsFile: string): Promise<MnistFileSplit> {
  const imagesName = basename(imagesFile);
  const labelsName = basename(labelsFile);
  // Both files are read at once, but a failure is reported in a fixed order (images first), so the
  // same bad folder always gives the same message.
  const [imagesRead, labelsRead] = await Promise.allSettled([readIdxFile(imagesFile), readIdxFile(labelsFile)]);
  if (imagesRead.status === 'rejected') throw imagesRead.reason;
  if (labelsRead.status === 'rejected') throw labelsRead.reason;
  const images = imagesRead.value;
  const labels = labelsRead.value;
  if (images.dims.length !== 3 || images.dims[1] !== 28 || images.dims[2] !== 28) {
    throw new Error(`${imagesName}: expected images of shape [N, 28, 28], found dims [${images.dims.join(', ')}]`);
  }
  const classes = idxLabels(labels, 10, labelsName);
  const count = images.dims[0];
  if (classes.length !== count) {
    throw new Error(`${imagesName} has ${count} images but ${labelsName} has ${classes.length} labels; the counts must match`);
  }
  return { images: images.data, classes, count, imagesFile, labelsFile };
}

/**
 * Read the MNIST (or Fashion-MNIST) training and test files from `dir`:
 * `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
 * `t10k-labels-idx1-ubyte`, each plain or `.gz` (also spelled `train-images.idx3-ubyte`).
 * Checks that images are [N, 28, 28], labels are 0..9 and each split has as many labels as images.
 */
export async function readMnistDir(dir: string): Promise<MnistFiles> {
  const abs = resolve(dir);
  let isDir: boolean;
  try {
    isDir = (await stat(abs)).isDirectory();
  } catch {
    throw new Error(`readMnistDir: folder ${abs} does not exist`);
  }
  if (!isDir) throw new Error(`readMnistDir: ${abs} is not a folder`);
  const entries = (await readdir(abs)).sort();
  // Find all four before reading any, so a missing file is reported before a slow read.
  const trainImages = findFile(abs, entries, STEMS.trainImages);
  const trainLabels = findFile(abs, entries, STEMS.trainLabels);
  const testImages = findFile(abs, entries, STEMS.testImages);
  const testLabels = findFile(abs, entries, STEMS.testLabels);
  const train = await readSplit(trainImages, trainLabels);
  const test = await readSplit(testImages, testLabels);
  return { train, test, dir: abs };
}
