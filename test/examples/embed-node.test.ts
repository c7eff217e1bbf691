/**
 * examples/embed/node.ts run as a user runs it (node --import tsx), on a model the CLI trains here,
 * on an IDX file (plain and gzipped) and on PNGs: every printed class and probability must be what
 * `model.predict` gives for the same input; mistakes must end in one clear line and a non-zero exit.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadMnist, loadModel, resnet, Tensor, type Model } from '../../src/index.js';
import { encodePng } from '../../src/node/png.js';
import { toDigit } from '../../examples/embed/digit.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** Test digits written to the IDX file. */
const COUNT = 40;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a script as a reader would; resolves with its exit code and output. */
function node(args: string[]): Promise<Run> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => ok({ code, stdout, stderr }));
  });
}
const example = (args: string[]): Promise<Run> => node(['examples/embed/node.ts', ...args]);

/** The example's lines, `NAME: CLASS (probability P)`, by name. */
function parse(stdout: string): Map<string, { cls: number; p: number }> {
  const out = new Map<string, { cls: number; p: number }>();
  for (const line of stdout.trim().split('\n')) {
    const m = /^(.+): (\d) \(probability (\d\.\d{4})\)$/.exec(line);
    if (m === null) throw new Error(`unexpected line from node.ts: '${line}'`);
    out.set(m[1], { cls: Number(m[2]), p: Number(m[3]) });
  }
  return out;
}

/**
 * The printed class and probability must be predict's. The example predicts in batches of its own
 * size, so a float32 sum may round differently: a class within 1e-5 of the top counts as a tie.
 */
function expectMatch(shown: { cls: number; p: number } | undefined, probs: Float32Array, what: string): void {
  expect(shown, `${what} is not in the output`).toBeDefined();
  const top = Math.max(...probs);
  const tied = [...probs.keys()].filter((k) => probs[k] >= top - 1e-5);
  expect(tied, what).toContain(shown!.cls);
  expect(Math.abs(shown!.p - top), what).toBeLessThanOrEqual(5e-5 + 1e-6);
}

let dir: string;
let modelDir: string;
let model: Model;
let bytes: Uint8Array; // COUNT·784 test-digit bytes
let classes: Int32Array; // their labels

/** RGBA of one 28×28 digit of `bytes`, scaled up by `k` and, if `paper`, as dark ink on white. */
function picture(index: number, k: number, paper: boolean): { width: number; height: number; pixels: Uint8Array } {
  const size = 28 * k;
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = bytes[index * 784 + Math.floor(y / k) * 28 + Math.floor(x / k)];
      pixels.set([paper ? 255 - v : v, paper ? 255 - v : v, paper ? 255 - v : v, 255], 4 * (y * size + x));
    }
  }
  return { width: size, height: size, pixels };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tatami-embed-node-'));
  modelDir = join(dir, 'model');
  const trained = await node(['src/cli/main.ts', 'train', '--train', '300', '--test', '100', '--epochs', '1', '--filters', '8', '--verbose', '0', '--out', modelDir]);
  if (trained.code !== 0) throw new Error(`tatami train failed: ${trained.stderr}`);
  model = await loadModel(modelDir);

  // An IDX images file of the mnist package's test digits, as MNIST's t10k-images-idx3-ubyte.
  const { test } = await loadMnist({ train: 100, test: COUNT, seed: 2 });
  bytes = Uint8Array.from(test.images.data, (v) => Math.round(v * 255));
  classes = test.classes;
  const idx = new Uint8Array(16 + bytes.length);
  new DataView(idx.buffer).setUint32(0, 0x803);
  [COUNT, 28, 28].forEach((d, i) => new DataView(idx.buffer).setUint32(4 + 4 * i, d));
  idx.set(bytes, 16);
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx);
  writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(idx));
  writeFileSync(join(dir, 'truncated-idx3-ubyte'), idx.subarray(0, 1000));
  // Its labels, as t10k-labels-idx1-ubyte (magic 0x801, one dimension), and a file with one too few.
  const labels = new Uint8Array(8 + COUNT);
  new DataView(labels.buffer).setUint32(0, 0x801);
  new DataView(labels.buffer).setUint32(4, COUNT);
  labels.set(classes, 8);
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels));
  const fewer = labels.slice(0, 8 + COUNT - 1);
  new DataView(fewer.buffer).setUint32(4, COUNT - 1);
  writeFileSync(join(dir, 'fewer-labels-idx1-ubyte'), fewer);

  // PNGs: digit 3 as it is (28×28), digit 5 scaled ×4 as dark ink on white paper.
  writeFileSync(join(dir, 'three.png'), encodePng(picture(3, 1, false)));
  writeFileSync(join(dir, 'five.png'), encodePng(picture(5, 4, true)));
  writeFileSync(join(dir, 'broken.png'), encodePng(picture(3, 1, false)).subarray(0, 60));
  writeFileSync(join(dir, 'notes.txt'), 'not a picture\n');
}, 240_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('examples/embed/node.ts', () => {
  it('classifies every digit of an IDX file (plain and gzipped) as model.predict does', async () => {
    const expected = model.predict(new Tensor(Float32Array.from(bytes, (v) => v / 255), [COUNT, 28, 28, 1]));
    const [plain, gz] = await Promise.all([
      example(['--model', modelDir, join(dir, 't10k-images-idx3-ubyte')]),
      example(['--model', modelDir, join(dir, 't10k-images-idx3-ubyte.gz')]),
    ]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(gz.code, gz.stderr).toBe(0);
    const [a, b] = [parse(plain.stdout), parse(gz.stdout)];
    expect(a.size).toBe(COUNT);
    for (let i = 0; i < COUNT; i++) {
      const probs = expected.data.subarray(i * 10, i * 10 + 10);
      expectMatch(a.get(`t10k-images-idx3-ubyte[${i}]`), probs, `image ${i}`);
      expect(b.get(`t10k-images-idx3-ubyte.gz[${i}]`), `image ${i} (gz)`).toEqual(a.get(`t10k-images-idx3-ubyte[${i}]`));
    }
  }, 120_000);

  it('classifies PNGs (28×28 as it is; larger ones made MNIST-like) and a slice of an IDX file in one run', async () => {
    const run = await example(['--model', modelDir, join(dir, 'three.png'), join(dir, 'five.png'), join(dir, 't10k-images-idx3-ubyte.gz'), '--start', '30', '--count', '4']);
    expect(run.code, run.stderr).toBe(0);
    const shown = parse(run.stdout);
    expect([...shown.keys()]).toEqual(['three.png', 'five.png', ...[30, 31, 32, 33].map((i) => `t10k-images-idx3-ubyte.gz[${i}]`)]);
    // three.png is digit 3's bytes exactly.
    const three = model.predict(new Tensor(Float32Array.from(bytes.subarray(3 * 784, 4 * 784), (v) => v / 255), [1, 28, 28, 1]));
    expectMatch(shown.get('three.png'), three.data, 'three.png');
    // five.png went through the MNIST-style preprocessing, which stderr reports.
    const big = picture(5, 4, true);
    const five = model.predict(new Tensor(toDigit(big.pixels, big.width, big.height).pixels, [1, 28, 28, 1]));
    expectMatch(shown.get('five.png'), five.data, 'five.png');
    expect(run.stderr).toMatch(/five\.png: light background: inverted/);
    expect(run.stderr).toMatch(/five\.png: 112×112: cropped to the ink, fitted into 20×20/);
    expect(run.stderr).not.toMatch(/three\.png/);
  }, 120_000);

  it("loads the zoo's ResNet too (batch-norm, merges: the modern CNN layers), as predict classifies", async () => {
    const zoo = resnet({ seed: 3 });
    const zooDir = join(dir, 'resnet');
    await zoo.save(zooDir);
    const run = await example(['--model', zooDir, join(dir, 'three.png')]);
    expect(run.code, run.stderr).toBe(0);
    const three = zoo.predict(new Tensor(Float32Array.from(bytes.subarray(3 * 784, 4 * 784), (v) => v / 255), [1, 28, 28, 1]));
    expectMatch(parse(run.stdout).get('three.png'), three.data, 'three.png (resnet)');
  }, 120_000);

  it('with --labels, shows each label, marks the misses and counts the right ones', async () => {
    const run = await example(['--model', modelDir, '--labels', join(dir, 't10k-labels-idx1-ubyte.gz'), join(dir, 't10k-images-idx3-ubyte'), '--count', '12']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(13);
    let right = 0;
    lines.slice(0, 12).forEach((line, i) => {
      const m = /^t10k-images-idx3-ubyte\[(\d+)\]: (\d) \(probability \d\.\d{4}\), label (\d)( ✗)?$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(Number(m![1])).toBe(i);
      expect(Number(m![3])).toBe(classes[i]);
      expect(m![4] === undefined).toBe(Number(m![2]) === classes[i]);
      if (m![4] === undefined) right++;
    });
    expect(lines[12]).toBe(`${right} of 12 right (${((100 * right) / 12).toFixed(1)}%)`);
  }, 120_000);

  it('ends a mistake with one line on stderr and a non-zero exit', async () => {
    const cases: [string[], number, RegExp][] = [
      [['--model', join(dir, 'nope'), join(dir, 'three.png')], 1, /^node\.ts: model folder '.*nope' not found/],
      [['--model', dir, join(dir, 'three.png')], 1, /^node\.ts: loadModel: '.*model\.json' does not exist/],
      [['--model', modelDir, join(dir, 'missing.png')], 1, /^node\.ts: .*missing\.png: no such file$/],
      [['--model', modelDir, dir], 1, /^node\.ts: .*: is a folder, not a file$/],
      [['--model', modelDir, join(dir, 'notes.txt')], 1, /^node\.ts: notes\.txt: neither a PNG nor an IDX images file$/],
      [['--model', modelDir, join(dir, 'broken.png')], 1, /^node\.ts: broken\.png: truncated/],
      [['--model', modelDir, join(dir, 'truncated-idx3-ubyte')], 1, /^node\.ts: truncated-idx3-ubyte: truncated: expected 31360 bytes/],
      [['--model', modelDir, join(dir, 't10k-images-idx3-ubyte'), '--start', '40'], 1, /--start 40 is past its 40 images/],
      [['--model', modelDir, '--count', 'many', join(dir, 'three.png')], 2, /^node\.ts: --count must be a whole number/],
      [['--model', modelDir], 2, /^node\.ts: give at least one PNG or IDX file/],
      [[join(dir, 'three.png'), '--colour'], 2, /^node\.ts: unknown option --colour \(--help shows the usage\)$/],
      [['--model', modelDir, '--labels', join(dir, 'fewer-labels-idx1-ubyte'), join(dir, 't10k-images-idx3-ubyte')], 1, /^node\.ts: t10k-images-idx3-ubyte has 40 images but fewer-labels-idx1-ubyte has 39 labels$/],
      [['--model', modelDir, '--labels', join(dir, 't10k-labels-idx1-ubyte.gz'), join(dir, 'three.png')], 1, /^node\.ts: --labels t10k-labels-idx1-ubyte\.gz goes with one IDX images file, and none were given$/],
    ];
    // Two at a time: the machine has two cores, and each run starts a TypeScript loader.
    const runs: Run[] = [];
    const queue = cases.map(([args], i) => ({ args, i }));
    const worker = async (): Promise<void> => {
      for (let c = queue.shift(); c !== undefined; c = queue.shift()) runs[c.i] = await example(c.args);
    };
    await Promise.all([worker(), worker()]);
    runs.forEach((run, i) => {
      const [args, code, message] = cases[i];
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(code);
      expect(run.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(run.stderr.trimEnd(), args.join(' ')).toMatch(message);
      expect(run.stdout).toBe('');
    });
  }, 300_000);
});
