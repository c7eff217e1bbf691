/**
 * Embed a trained digit classifier in a Node program with tatami/infer: load the model folder that
 * `tatami train --out DIR` (or `npm run train`) saves, and classify digits from PNG files or from an
 * IDX images file (MNIST's `t10k-images-idx3-ubyte`, plain or .gz). One line per image:
 *
 *   $ npx tsx examples/embed/node.ts --model tatami-model six.png t10k-images-idx3-ubyte.gz --count 2
 *   six.png: 6 (probability 0.9970)
 *   t10k-images-idx3-ubyte.gz[0]: 2 (probability 0.9999)
 *   t10k-images-idx3-ubyte.gz[1]: 6 (probability 0.9926)
 *
 * PNGs (grey, RGB, RGBA, palette; 8 or 16 bits) are decoded by png.ts and made MNIST-like by
 * digit.ts: dark ink on a light background is inverted, and a picture that is not 28×28 is fitted
 * into 20×20 and centred by its centre of mass, as MNIST's digits were; what was done is said on
 * stderr. IDX images are used as they are (bytes / 255); with `--labels t10k-labels-idx1-ubyte`, each
 * line shows the label too, and a last line how many were right.
 *
 * In a project of your own, import from 'tatami/infer' (and parseIdx from 'tatami'); in this
 * repository the same modules are imported from src/.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadModel, tensor, type InferenceModel } from '../../src/infer.js'; // 'tatami/infer'
import { modernCnnLayers } from '../../src/infer-layers.js'; // 'tatami/infer/layers'
import { parseIdx, idxLabels } from '../../src/index.js'; // 'tatami': the IDX readers
import { decodePng, isPng } from './png.js';
import { toDigit, argmax } from './digit.js';

const USAGE = `usage: node.ts [--model DIR] [--start I] [--count N] [--labels FILE] FILE...
  FILE       a PNG, or an IDX images file (t10k-images-idx3-ubyte, plain or .gz)
  --model    the model folder (model.json + weights.bin; default tatami-model)
  --start    the first image of an IDX file to classify (default 0)
  --count    how many images of an IDX file to classify (default: all from --start)
  --labels   the IDX labels of the IDX images file (t10k-labels-idx1-ubyte): each line shows the
             label, and a last line how many were right`;
const PIXELS = 28 * 28;
/** Images per predict call: enough to keep the kernels busy, few enough to keep memory small. */
const BATCH = 256;

/** A mistake on the command line: exit code 2 and the usage. */
class UsageError extends Error {}

interface Args {
  model: string;
  start: number;
  count: number;
  labels: string | null;
  files: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { model: 'tatami-model', start: 0, count: Infinity, labels: null, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (!a.startsWith('--')) {
      args.files.push(a);
      continue;
    }
    if (!['--model', '--labels', '--start', '--count'].includes(a)) throw new UsageError(`unknown option ${a}`);
    const value = argv[++i];
    if (value === undefined) throw new UsageError(`${a} needs a value`);
    if (a === '--model') args.model = value;
    else if (a === '--labels') args.labels = value;
    else {
      if (!/^\d+$/.test(value)) throw new UsageError(`${a} must be a whole number ≥ 0, got '${value}'`);
      if (a === '--start') args.start = Number(value);
      else args.count = Number(value);
    }
  }
  if (args.files.length === 0) throw new UsageError('give at least one PNG or IDX file');
  return args;
}

/** One image to classify: its name in the output, its 28·28 pixels in [0, 1], its label if known. */
interface Item {
  name: string;
  pixels: Float32Array;
  label?: number;
}

/** A file's bytes, gunzipped if they are gzip; errors name the file. */
async function readBytes(path: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (e as Error).message}`);
  }
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new Error(`${basename(path)}: corrupt gzip data (${(e as Error).message})`);
  }
}

/**
 * The images of one file: a PNG is one image, an IDX images file many (with their labels, when
 * `labels` holds them).
 */
async function readImages(path: string, args: Args, labels: Int32Array | null): Promise<{ items: Item[]; isIdx: boolean }> {
  const name = basename(path);
  const bytes = await readBytes(path);
  if (isPng(bytes)) {
    const image = decodePng(bytes, name);
    const digit = toDigit(image.rgba, image.width, image.height);
    for (const step of digit.steps) console.error(`${name}: ${step}`);
    return { items: [{ name, pixels: digit.pixels }], isIdx: false };
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${name}: neither a PNG nor an IDX images file`);
  const idx = parseIdx(bytes, name);
  if (idx.dims.length !== 3 || idx.dims[1] !== 28 || idx.dims[2] !== 28) {
    throw new Error(`${name}: expected IDX images of shape [N, 28, 28], found [${idx.dims.join(', ')}]`);
  }
  const n = idx.dims[0];
  if (labels !== null && labels.length !== n) throw new Error(`${name} has ${n} images but ${basename(args.labels!)} has ${labels.length} labels`);
  if (args.start >= n && n > 0) throw new Error(`${name}: --start ${args.start} is past its ${n} images`);
  const end = Math.min(n, args.start + args.count);
  const items: Item[] = [];
  for (let i = args.start; i < end; i++) {
    const pixels = new Float32Array(PIXELS);
    for (let p = 0; p < PIXELS; p++) pixels[p] = idx.data[i * PIXELS + p] / 255;
    items.push({ name: `${name}[${i}]`, pixels, label: labels?.[i] });
  }
  return { items, isIdx: true };
}

/** Classify `items` batch by batch and print one line each; returns how many matched their label. */
function classify(model: InferenceModel, items: Item[]): number {
  let right = 0;
  for (let from = 0; from < items.length; from += BATCH) {
    const batch = items.slice(from, from + BATCH);
    const x = new Float32Array(batch.length * PIXELS); // (B, 28, 28, 1)
    batch.forEach((item, b) => x.set(item.pixels, b * PIXELS));
    const y = model.predict(tensor(x, [batch.length, 28, 28, 1]));
    const classes = y.shape[1];
    batch.forEach((item, b) => {
      const row = y.data.subarray(b * classes, (b + 1) * classes);
      const best = argmax(row);
      // A softmax output is a probability; any other output is only a score.
      const sum = row.reduce((s, v) => s + v, 0);
      const what = Math.abs(sum - 1) < 1e-3 && row.every((v) => v >= 0) ? 'probability' : 'score';
      const label = item.label === undefined ? '' : `, label ${item.label}${item.label === best.index ? '' : ' ✗'}`;
      console.log(`${item.name}: ${best.index} (${what} ${best.value.toFixed(4)})${label}`);
      if (item.label === best.index) right++;
    });
  }
  return right;
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const folder = await stat(args.model).catch(() => null);
  if (folder === null) throw new Error(`model folder '${args.model}' not found (train one with: npm run train -- --out ${args.model})`);
  // With the modern CNN layers, so that every model of the CLI zoo loads (ResNet and MobileNet have
  // batch-norm, depthwise convolutions, padding and merges). The kernels are 'tatami's, since this
  // program imports 'tatami' for parseIdx; a program or page that imports only tatami/infer adds
  // `kernels: fastKernels` (from 'tatami/infer/kernels') for the WebAssembly SIMD kernels, or
  // leaves them out to save their bytes and run plain JS.
  const model = await loadModel(args.model, { layers: modernCnnLayers });
  const shape = model.inputShape;
  if (shape.length !== 4 || shape[1] !== 28 || shape[2] !== 28 || shape[3] !== 1) {
    throw new Error(`${args.model}: this example classifies 28×28 grey digits, and the model takes [${shape.map((d) => d ?? 'batch').join(', ')}]`);
  }
  let labels: Int32Array | null = null;
  if (args.labels !== null) labels = idxLabels(parseIdx(await readBytes(args.labels), basename(args.labels)), 10, basename(args.labels));
  // Read every file first, so a bad one or a misplaced --labels stops the run before any output.
  const inputs = [];
  for (const file of args.files) inputs.push(await readImages(file, args, labels));
  const idxCount = inputs.filter((i) => i.isIdx).length;
  if (labels !== null && idxCount !== 1) throw new Error(`--labels ${basename(args.labels!)} goes with one IDX images file, and ${idxCount === 0 ? 'none' : idxCount} were given`);
  let right = 0;
  for (const { items } of inputs) right += classify(model, items);
  if (labels !== null) {
    const labelled = inputs.find((i) => i.isIdx)!.items.length;
    console.log(`${right} of ${labelled} right (${labelled === 0 ? '0.0' : ((100 * right) / labelled).toFixed(1)}%)`);
  }
}

// `node.ts … | head` closes stdout early: stop quietly, as command-line tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(0);
});

main(process.argv.slice(2)).catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  console.error(`node.ts: ${message}${e instanceof UsageError ? ' (--help shows the usage)' : ''}`);
  process.exitCode = e instanceof UsageError ? 2 : 1;
});
