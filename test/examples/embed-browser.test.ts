/**
 * examples/embed/browser.html in real headless Chromium (Debian's `chromium`, driven by
 * playwright-core, as test/web/page.test.ts does): the page is built with tatami/infer bundled and
 * minified (examples/embed/build.ts) and served (serve.ts) with a model the CLI trains here. For a
 * picked PNG and for a digit drawn on the pad, the page must show the class and probability that
 * Node's `model.predict` gives for the same 28×28 input.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { openPage } from '../web/chromium.js';
import { loadMnist, loadModel, Tensor, type Model } from '../../src/index.js';
import { encodePng } from '../../src/node/png.js';
import { decodePng } from '../../examples/embed/png.js';
import { toDigit, argmax } from '../../examples/embed/digit.js';
import { serveBrowserExample, type ExampleServer } from '../../examples/embed/serve.js';
import { buildBrowserExample } from '../../examples/embed/build.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** A bound on each wait for the page to get somewhere, not a measure of speed. */
const WAIT = { timeout: 60_000 };

const run = promisify(execFile);

let dir: string;
let modelDir: string;
let model: Model;
let server: ExampleServer;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

/**
 * What the page shows: the class and probability, and the 28×28 input it drew, as bytes. Read in one
 * evaluate, so a classification cannot land between them.
 */
function shown(): Promise<{ cls: number; probability: number; text: string; seen: number[] }> {
  return page.evaluate(() => {
    const result = document.getElementById('result')!;
    const px = (document.getElementById('seen') as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 28, 28).data;
    return {
      cls: Number(result.dataset.class),
      probability: Number(result.dataset.probability),
      text: result.textContent ?? '',
      seen: Array.from({ length: 784 }, (_, p) => px[4 * p]),
    };
  });
}

/** Node's answer for a 28×28 input. */
function predictInNode(pixels: Float32Array): { index: number; value: number } {
  return argmax(model.predict(new Tensor(pixels, [1, 28, 28, 1])).data);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tatami-embed-browser-'));
  modelDir = join(dir, 'model');
  await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'train', '--train', '300', '--test', '100', '--epochs', '1', '--filters', '8', '--verbose', '0', '--out', modelDir], { cwd: ROOT, timeout: 240_000 });
  model = await loadModel(modelDir);

  // A test digit as an 84×84 PNG of dark ink on white paper: the page inverts, crops and centres it.
  const { test } = await loadMnist({ train: 100, test: 10, seed: 3 });
  const size = 84;
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = 255 - Math.round(255 * test.images.data[Math.floor(y / 3) * 28 + Math.floor(x / 3)]);
      pixels.set([v, v, v, 255], 4 * (y * size + x));
    }
  }
  writeFileSync(join(dir, 'digit.png'), encodePng({ width: size, height: size, pixels }));

  server = await serveBrowserExample({ port: 0, modelDir });
  ({ browser, page } = await openPage(server.url, { width: 1000, height: 900 }, consoleErrors, "The embed example's browser test"));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('examples/embed/browser.html in headless Chromium', () => {
  it('loads the model the server offers at model/, by URL', async () => {
    await expect.poll(() => page.locator('#model-status').getAttribute('data-state'), WAIT).toBe('ready');
    expect(await page.locator('#model-status').innerText()).toMatch(/^Model from model\/ on the server: input \[28, 28, 1\], 13,610 parameters\.$/);
  });

  it('loads model.json + weights.bin from the file input, then shows the class and probability of a picked PNG as Node predicts them', async () => {
    await page.setInputFiles('#model-files', [join(modelDir, 'model.json'), join(modelDir, 'weights.bin')]);
    await expect.poll(() => page.locator('#model-status').innerText(), WAIT).toMatch(/^Model from model\.json \+ weights\.bin: /);
    await page.setInputFiles('#image', join(dir, 'digit.png'));
    await expect.poll(() => page.locator('#result').getAttribute('data-class'), WAIT).toMatch(/^\d$/);

    // Node: the same file, decoded and preprocessed by the example's own code, then predict.
    const image = decodePng(readFileSync(join(dir, 'digit.png')));
    const digit = toDigit(image.rgba, image.width, image.height);
    const want = predictInNode(digit.pixels);
    const got = await shown();
    expect(got.seen).toEqual(Array.from(digit.pixels, (v) => Math.round(v * 255)));
    expect(got.cls).toBe(want.index);
    expect(got.probability).toBeCloseTo(want.value, 6);
    expect(got.text).toBe(`${want.index} (probability ${want.value.toFixed(4)})`);
    expect(await page.locator('#steps').innerText()).toMatch(/inverted.*84×84: cropped to the ink, fitted into 20×20/);
  }, 120_000);

  it('classifies a digit drawn on the pad as Node predicts the 28×28 input the page shows', async () => {
    await page.click('#clear');
    await expect.poll(() => page.locator('#result').getAttribute('data-class'), WAIT).toBe('');
    const pad = await page.locator('#pad').boundingBox();
    if (pad === null) throw new Error('no #pad on screen');
    // A "7": a bar across the top, then down to the bottom left.
    await page.mouse.move(pad.x + 70, pad.y + 60);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(pad.x + 70 + 14 * i, pad.y + 60);
    for (let i = 1; i <= 15; i++) await page.mouse.move(pad.x + 210 - 6 * i, pad.y + 60 + 12 * i);
    await page.mouse.up();
    // The page classifies on the next animation frame after the last move: wait until it shows the
    // input of the whole stroke (its bottom end reaches the last rows of the fitted 20×20 box).
    await expect.poll(async () => (await shown()).seen.slice(22 * 28).some((v) => v > 0), WAIT).toBe(true);
    const got = await shown();
    expect(got.text).toMatch(/^\d \(probability \d\.\d{4}\)$/);
    const want = predictInNode(Float32Array.from(got.seen, (v) => v / 255));
    expect(got.cls).toBe(want.index);
    expect(got.probability).toBeCloseTo(want.value, 6);
  }, 120_000);

  it('decodes in Node, with the example\'s PNG decoder, a PNG that Chromium encoded', async () => {
    // Another encoder than tatami's: its own chunk layout, zlib settings and filter choice (Up, in
    // the Chromium tried here). An opaque 61×47 picture with gradients and noise.
    const { url, pixels } = await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [61, 47];
      const ctx = canvas.getContext('2d')!;
      const image = ctx.createImageData(61, 47);
      let seed = 12345;
      for (let p = 0; p < 61 * 47; p++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const [x, y] = [p % 61, Math.floor(p / 61)];
        image.data.set([(4 * x) % 256, (5 * y) % 256, seed % 256, 255], 4 * p);
      }
      ctx.putImageData(image, 0, 0);
      return { url: canvas.toDataURL('image/png'), pixels: Array.from(ctx.getImageData(0, 0, 61, 47).data) };
    });
    const decoded = decodePng(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'));
    expect([decoded.width, decoded.height]).toEqual([61, 47]);
    expect(Array.from(decoded.rgba)).toEqual(pixels);
  });

  it('is bundled for the browser: one minified browser.js with no Node imports', async () => {
    const { dir: site } = await buildBrowserExample(join(dir, 'site'));
    const code = readFileSync(join(site, 'browser.js'), 'utf8');
    expect(code).not.toMatch(/["']node:/);
    expect(code.split('\n').length).toBeLessThan(20); // minified: a few long lines
    expect(code).toMatch(/weightsManifest/); // tatami/infer's loader is in it
    expect(readFileSync(join(site, 'index.html'), 'utf8')).toMatch(/<script type="module" src="browser\.js">/);
  }, 120_000);

  it('says what is wrong with a bad pick, and logged no console errors', async () => {
    await page.setInputFiles('#model-files', [join(modelDir, 'model.json')]);
    await expect.poll(() => page.locator('#model-status').getAttribute('data-state'), WAIT).toBe('error');
    expect(await page.locator('#model-status').innerText()).toBe('model.json needs weights.bin: pick it too');
    expect(consoleErrors).toEqual([]);
  });
});
