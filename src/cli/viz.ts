/**
 * `tatami viz`: pictures of a saved model, as PNG files a learner can open.
 *
 *   filters.png       every learned conv filter (red positive, blue negative, white zero)
 *   digit.png         the test digit the next two pictures follow
 *   feature-maps.png  what each filter finds in that digit, after ReLU (black 0 → yellow the stage's max)
 *   pooled-maps.png   the same maps after 2×2 max-pooling
 *   confusion.png     test-set confusion matrix: rows the true class, columns the predicted one
 *   curves.png        loss and accuracy per epoch of the last training run (dashed: validation)
 *
 * Labels use a built-in 3×5 pixel font, so the pictures need nothing but src/node/png.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { takeRows } from '../data/batches.js';
import { noGrad } from '../grad-mode.js';
import { Rng } from '../rng.js';
import type { Tensor } from '../tensor.js';
import type { Model } from '../models/model.js';
import { encodePng, type RgbaImage } from '../node/png.js';
import { parseFlags, helpText, UsageError, type FlagSpec } from './args.js';
import { MODEL_DATA_FLAGS, loadModelAndData, checkIndex, readRun } from './run-files.js';

const FLAGS: Record<string, FlagSpec> = {
  ...MODEL_DATA_FLAGS,
  out: { kind: 'string', help: 'folder to write the PNG files in (created if missing)' },
  index: { kind: 'int', help: 'which test digit the feature maps follow (default 0)' },
};

export const VIZ_HELP = helpText(
  'Usage: tatami viz --model DIR --out DIR [--index N]\n\nWrite PNGs of the filters, the feature and pooled maps of one test digit, the confusion matrix and the training curves.',
  FLAGS,
);

type Rgb = readonly [number, number, number];
const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [40, 40, 40];
const RED: Rgb = [214, 69, 65];
const BLUE: Rgb = [52, 101, 164];

/** A white RGBA raster with the few drawing operations the pictures need. */
class Raster implements RgbaImage {
  readonly pixels: Uint8Array;
  constructor(readonly width: number, readonly height: number) {
    this.pixels = new Uint8Array(width * height * 4).fill(255);
  }
  fill(x: number, y: number, w: number, h: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) {
      for (let xx = Math.max(0, x); xx < Math.min(this.width, x + w); xx++) this.pixels.set(c, 4 * (yy * this.width + xx));
    }
  }
  /** A 2-pixel line from (x0, y0) to (x1, y1); `dash` > 0 skips every other `dash` pixels. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, dash = 0): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let i = 0; i <= steps; i++) {
      if (dash > 0 && Math.floor(i / dash) % 2 === 1) continue;
      this.fill(Math.round(x0 + ((x1 - x0) * i) / steps), Math.round(y0 + ((y1 - y0) * i) / steps), 2, 2, c);
    }
  }
  /** Text in the 3×5 font, each font pixel drawn as a `size`×`size` square. */
  text(x: number, y: number, s: string, c: Rgb, size = 2): void {
    for (const ch of s.toUpperCase()) {
      const glyph = FONT[ch] ?? '';
      for (let i = 0; i < glyph.length; i++) if (glyph[i] === '1') this.fill(x + (i % 3) * size, y + Math.floor(i / 3) * size, size, size, c);
      x += 4 * size;
    }
  }
}

/** 3×5 glyphs, rows top to bottom, '1' = ink. */
const FONT: Record<string, string> = {
  '0': '111101101101111', '1': '010110010010111', '2': '111001111100111', '3': '111001111001111',
  '4': '101101111001001', '5': '111100111001111', '6': '111100111101111', '7': '111001001001001',
  '8': '111101111101111', '9': '111101111001111', '.': '000000000000010', '-': '000000111000000',
  A: '010101111101101', C: '011100100100011', D: '110101101101110', E: '111100110100111',
  H: '101101111101101', I: '111010010010111', L: '100100100100111', N: '110101101101101',
  O: '010101101101010', P: '110101110100100', R: '110101110101101', S: '011100010001110',
  T: '111010010010010', U: '101101101101111', V: '101101101101010', Y: '101101010010010',
};

/** Maps or filters [H, W, C] (channel last, as the engine's NHWC) drawn as a grid of C tiles. */
function tileGrid(values: Float32Array, h: number, w: number, channels: number, scale: number, color: (v: number) => Rgb): Raster {
  const cols = Math.min(channels, Math.ceil(Math.sqrt(channels * 2))); // wider than tall
  const rows = Math.ceil(channels / cols);
  const gap = Math.max(2, scale);
  const img = new Raster(gap + cols * (w * scale + gap), gap + rows * (h * scale + gap));
  for (let c = 0; c < channels; c++) {
    const x0 = gap + (c % cols) * (w * scale + gap);
    const y0 = gap + Math.floor(c / cols) * (h * scale + gap);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.fill(x0 + x * scale, y0 + y * scale, scale, scale, color(values[(y * w + x) * channels + c]));
  }
  return img;
}

/** Diverging colours: −m blue, 0 white, +m red. */
function diverging(m: number): (v: number) => Rgb {
  return (v) => {
    const t = Math.max(-1, Math.min(1, v / (m || 1)));
    const base = t > 0 ? RED : BLUE;
    const a = Math.abs(t);
    return [Math.round(255 + (base[0] - 255) * a), Math.round(255 + (base[1] - 255) * a), Math.round(255 + (base[2] - 255) * a)];
  };
}

/** Activations: 0 black, through purple and orange, to yellow at `m`. */
function heat(m: number): (v: number) => Rgb {
  return (v) => {
    const t = Math.max(0, Math.min(1, v / (m || 1)));
    return [Math.round(255 * Math.min(1, 1.6 * t)), Math.round(255 * t * t), Math.round(140 * Math.sin(Math.PI * t))];
  };
}

const maxAbs = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** The confusion matrix as a grid of 10×10 cells, shaded by the share of each true class. */
function confusionImage(counts: Int32Array, k: number): Raster {
  const cell = 40;
  const left = 40;
  const top = 40;
  const img = new Raster(left + k * cell + 8, top + k * cell + 8);
  img.text(left, 6, 'predicted', INK);
  img.text(4, 6, 'true', INK);
  for (let t = 0; t < k; t++) {
    img.text(left + t * cell + cell / 2 - 3, top - 14, String(t), INK);
    img.text(left - 14, top + t * cell + cell / 2 - 5, String(t), INK);
    const total = counts.slice(t * k, (t + 1) * k).reduce((a, b) => a + b, 0) || 1;
    for (let p = 0; p < k; p++) {
      const n = counts[t * k + p];
      const share = n / total;
      img.fill(left + p * cell, top + t * cell, cell - 1, cell - 1, [Math.round(255 - 205 * share), Math.round(255 - 150 * share), Math.round(255 - 60 * share)]);
      if (n > 0) img.text(left + p * cell + 3, top + t * cell + cell / 2 - 5, String(n), share > 0.5 ? WHITE : INK);
    }
  }
  return img;
}

/** Loss (left) and accuracy (right) per epoch; validation dashed. */
function curvesImage(history: Record<string, number[]>): Raster {
  const pw = 300;
  const ph = 200;
  const pad = 36;
  const img = new Raster(2 * (pw + 2 * pad), ph + 2 * pad);
  const panels: [string, string, number][] = [['loss', 'loss', 0], ['accuracy', 'accuracy', pw + 2 * pad]];
  for (const [title, key, x0] of panels) {
    const series = [history[key] ?? [], history[`val_${key}`] ?? []];
    const top = key === 'loss' ? Math.max(1e-6, ...series.flat()) * 1.05 : 1;
    const epochs = Math.max(1, ...series.map((s) => s.length));
    const px = (i: number): number => x0 + pad + (epochs === 1 ? pw / 2 : (i * pw) / (epochs - 1));
    const py = (v: number): number => pad + ph - (Math.max(0, v) / top) * ph;
    img.line(x0 + pad, pad, x0 + pad, pad + ph, INK);
    img.line(x0 + pad, pad + ph, x0 + pad + pw, pad + ph, INK);
    img.text(x0 + pad, 8, title, INK);
    img.text(x0 + 2, pad - 4, top.toFixed(top >= 10 ? 0 : 2), INK, 1);
    img.text(x0 + pad + 6, pad + ph - 12, '0', INK, 1);
    img.text(x0 + pad + pw - 40, pad + ph + 8, `epoch ${epochs}`, INK, 1);
    series.forEach((s, which) => {
      const color = key === 'loss' ? RED : BLUE;
      for (let i = 0; i < s.length; i++) {
        img.fill(px(i) - 3, py(s[i]) - 3, 7, 7, color);
        if (i > 0) img.line(px(i - 1), py(s[i - 1]), px(i), py(s[i]), color, which === 1 ? 6 : 0);
      }
    });
  }
  return img;
}

/** Every intermediate output for one input, running the model's layers one after another. */
function layerOutputs(model: Model, x: Tensor): Tensor[] {
  const ctx = { training: false, rng: new Rng(0) };
  return noGrad(() => {
    const outs: Tensor[] = [];
    let h = x;
    for (const layer of model.layers) outs.push((h = layer.call(h, ctx)));
    return outs;
  });
}

function argmax(a: ArrayLike<number>, start: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (a[start + k] > a[start + best]) best = k;
  return best;
}

export async function viz(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const flags = parseFlags('viz', argv, FLAGS);
  const out = flags.out;
  if (typeof out !== 'string') throw new UsageError(`'viz' needs --out DIR (where to write the PNG files)`);
  const { model, data } = await loadModelAndData('viz', flags);
  const dir = flags.model as string;
  const run = await readRun(dir);
  const index = checkIndex((flags.index as number | undefined) ?? 0, data);
  const n = data.test.classes.length;
  const convIndex = model.layers.findIndex((l) => l.className === 'Conv2D');
  if (convIndex < 0) throw new Error(`${dir}: the model has no Conv2D layer to show`);
  const kernel = model.layers[convIndex].weights.find((w) => w.name === 'kernel')?.value;
  if (kernel === undefined || kernel.shape[2] !== 1) throw new Error(`${dir}: viz shows a first Conv2D over one grey channel`);
  await mkdir(out, { recursive: true });
  const written: string[] = [];
  const save = async (name: string, img: RgbaImage, what: string): Promise<void> => {
    await writeFile(join(out, name), encodePng(img));
    written.push(`${join(out, name)}: ${what} (${img.width}×${img.height})`);
  };

  // Filters: kernel [KH, KW, 1, F] is already a grid of F tiles of KH×KW.
  const [KH, KW, , F] = kernel.shape;
  await save('filters.png', tileGrid(kernel.data, KH, KW, F, Math.max(4, Math.round(48 / KH)), diverging(maxAbs(kernel.data))), `${F} filters of ${KH}×${KW}`);

  // One digit through the network.
  const digit = takeRows(data.test.images, Int32Array.of(index), 0, 1);
  const outs = layerOutputs(model, digit);
  const probs = outs[outs.length - 1].data;
  await save('digit.png', tileGrid(digit.data, 28, 28, 1, 8, (v) => [Math.round(255 * v), Math.round(255 * v), Math.round(255 * v)]), `test digit ${index}, label ${data.test.classes[index]}, predicted ${argmax(probs, 0, probs.length)}`);
  const fmap = outs[convIndex];
  await save('feature-maps.png', tileGrid(fmap.data, fmap.shape[1], fmap.shape[2], fmap.shape[3], 3, heat(maxAbs(fmap.data))), `${fmap.shape[3]} feature maps after ReLU`);
  const poolIndex = model.layers.findIndex((l, i) => i > convIndex && /Pool/.test(l.className));
  if (poolIndex >= 0) {
    const pooled = outs[poolIndex];
    await save('pooled-maps.png', tileGrid(pooled.data, pooled.shape[1], pooled.shape[2], pooled.shape[3], 5, heat(maxAbs(pooled.data))), `${pooled.shape[3]} maps after ${model.layers[poolIndex].className}`);
  }

  // Confusion matrix over the whole test split.
  const predicted = model.predict(data.test.images, { batchSize: 256 }).data;
  const k = predicted.length / n;
  const counts = new Int32Array(k * k);
  for (let i = 0; i < n; i++) counts[data.test.classes[i] * k + argmax(predicted, i * k, k)]++;
  const correct = Array.from({ length: k }, (_, c) => counts[c * k + c]).reduce((a, b) => a + b, 0);
  await save('confusion.png', confusionImage(counts, k), `${n} test digits, accuracy ${(correct / n).toFixed(4)}`);

  if (run !== null && Object.keys(run.history).length > 0) {
    await save('curves.png', curvesImage(run.history), `loss (red) and accuracy (blue) over ${run.epochs} epoch${run.epochs === 1 ? '' : 's'}`);
  } else {
    written.push(`(no curves: ${dir} has no tatami-run.json with a training history)`);
  }
  for (const line of written) log(line);
}
