/**
 * The page end to end, in real headless Chromium (Debian's `chromium`, driven by playwright-core):
 * it builds the page into a temporary folder, trains a tiny model with the CLI, serves both, then
 * draws, trains, loads and saves as a user would. A screenshot is saved to test-results/web/page.png.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { openPage } from './chromium.js';
import { loadMnist, loadModel, Tensor } from '../../src/index.js';
import { buildPage } from '../../web/build.js';
import { startServer, type RunningServer } from '../../web/serve.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SCREENSHOT = join(ROOT, 'test-results', 'web', 'page.png');
/**
 * How long a poll waits for the page to reach a state (vitest's default is 1 s). It is a bound on a
 * wait, not a measure: on a busy machine the page takes its time, and only never getting there fails.
 */
const WAIT = { timeout: 60_000 };
/** The test digit compared between `tatami predict` and the page. */
const INDEX = 7;

const run = promisify(execFile);
const tatami = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, timeout: 240_000 });

let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
let cliPrediction: { label: number; predicted: number; probability: number };
const consoleErrors: string[] = [];

/** The probabilities on screen (the data-prob of the ten bars). */
const shownProbs = (): Promise<number[]> =>
  page.$$eval('#probs .prob', (rows) => rows.map((r) => Number((r as HTMLElement).dataset.prob)));
const shownClass = (): Promise<number> => page.$eval('#probs', (el) => Number((el as HTMLElement).dataset.predicted));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tatami-web-'));
  const model = join(dir, 'tatami-model');
  // The page build and the CLI's tiny model are independent: make them side by side.
  const [dist] = await Promise.all([
    buildPage({ outDir: join(dir, 'dist') }),
    tatami(['train', '--train', '300', '--test', '100', '--epochs', '1', '--filters', '8', '--verbose', '0', '--out', model]),
  ]);
  const predicted = await tatami(['predict', '--model', model, '--index', String(INDEX)]);
  const m = /^Test digit \d+ \(label (\d)\), predicted (\d) with probability (\d\.\d+)/.exec(predicted.stdout);
  if (m === null) throw new Error(`unexpected output of tatami predict: ${predicted.stdout}`);
  cliPrediction = { label: Number(m[1]), predicted: Number(m[2]), probability: Number(m[3]) };

  server = await startServer({ root: dist, port: 0, modelDir: model });
  ({ browser, page } = await openPage(server.url, { width: 1400, height: 1000 }, consoleErrors, 'The page test'));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('the page in headless Chromium', () => {
  it('loads with no console errors', () => {
    expect(consoleErrors).toEqual([]);
    return expect(page.title()).resolves.toMatch(/tatami/);
  });

  it('switches every caption to Japanese and back', async () => {
    await page.click('#lang');
    await expect.poll(() => page.locator('[data-caption="conv"]').innerText(), WAIT).toMatch(/特徴マップ|フィルタ/);
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    await page.click('#lang');
    await expect.poll(() => page.locator('[data-caption="conv"]').innerText(), WAIT).toMatch(/^One map per filter/);
  });

  it('turns a stroke drawn on the pad into ten probabilities summing to 1, and feature maps', async () => {
    const pad = await page.locator('#pad').boundingBox();
    if (pad === null) throw new Error('no #pad on screen');
    // A "7": a bar across the top, then down to the bottom left.
    await page.mouse.move(pad.x + 70, pad.y + 60);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(pad.x + 70 + 14 * i, pad.y + 60);
    for (let i = 1; i <= 15; i++) await page.mouse.move(pad.x + 210 - 6 * i, pad.y + 60 + 12 * i);
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#probs')?.dataset.predicted !== '');
    const probs = await shownProbs();
    expect(probs).toHaveLength(10);
    for (const p of probs) expect(p).toBeGreaterThanOrEqual(0);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // The feature maps are on screen: many pixels that are neither the white gaps nor a zero's black.
    const coloured = await page.$eval('#conv-grid', (c) => {
      const canvas = c as HTMLCanvasElement;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i] + px[i + 1] + px[i + 2] > 30 && px[i] + px[i + 1] + px[i + 2] < 765) n++;
      return n;
    });
    expect(coloured).toBeGreaterThan(100);
  }, 120_000);

  it('explains a feature-map pixel (patch ⊙ filter + bias → ReLU) and a pooled pixel (2×2 window, winner)', async () => {
    // Hover the middle of the first feature map, then the middle of the first pooled map.
    const conv = await page.locator('#conv-grid').boundingBox();
    await page.mouse.move(conv!.x + 28, conv!.y + 28);
    await expect.poll(() => page.locator('#explain').innerText(), WAIT).toMatch(/Feature map 0, row \d+, column \d+/);
    const text = await page.locator('#explain').innerText();
    const arithmetic = /= (-?\d+\.\d{4})\s+→ ReLU → (\d+\.\d{4})[\s\S]*The value in the map: (\d+\.\d{4})/.exec(text);
    expect(arithmetic, text).not.toBeNull();
    const [, z, relu, shown] = arithmetic!.map(Number);
    expect(relu).toBeCloseTo(Math.max(0, z), 4);
    expect(shown).toBeCloseTo(relu, 3); // the engine's im2col sum agrees with the page's own
    expect(await page.locator('#input-grid ~ .highlight.patch').count()).toBe(1);
    await page.locator('#pooled-grid').scrollIntoViewIfNeeded();
    const pooled = await page.locator('#pooled-grid').boundingBox();
    await page.mouse.move(pooled!.x + 14, pooled!.y + 14);
    await expect.poll(() => page.locator('#explain').innerText(), WAIT).toMatch(/Pooled map 0, row \d+, column \d+/);
    expect(await page.locator('#conv-grid ~ .highlight.winner').count()).toBe(1);
    expect(await page.locator('#conv-grid ~ .highlight.window').count()).toBe(1);
  }, 120_000);

  it('trains in the worker: pause holds the run, the page stays live, the displayed loss falls, stop keeps the model', async () => {
    // 100 epochs of 63 batches: far more than the test lets run, so no click below can come after the
    // end of the run (the run's end during a click is covered in run-control.test.ts).
    await page.locator('#train-form [name=filters]').fill('8');
    await page.locator('#train-form [name=epochs]').fill('100');
    await page.locator('#train-form [name=trainDigits]').fill('2000');
    // Record every loss the page displays, and count animation frames.
    await page.evaluate(() => {
      const el = document.getElementById('loss-value')!;
      const w = window as unknown as { losses: number[]; frames: number };
      w.losses = [];
      w.frames = 0;
      const frame = (): void => {
        w.frames++;
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      new MutationObserver(() => w.losses.push(Number(el.dataset.value))).observe(el, { attributes: true, attributeFilter: ['data-value'] });
    });
    const step = (): Promise<number> => page.$eval('#loss-value', (el) => Number((el as HTMLElement).dataset.step ?? 0));
    const frames = (): Promise<number> => page.evaluate(() => (window as unknown as { frames: number }).frames);
    const state = (): Promise<string | undefined> => page.$eval('body', (b) => (b as HTMLElement).dataset.training);

    // Pause at once, while the digits are still loading: the worker holds at a batch end and stays there.
    await page.click('#train');
    await page.click('#pause');
    await page.waitForSelector('body[data-training="paused"]');
    const held = await step();
    expect(held).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#pause').innerText()).toBe('Resume');
    expect(await page.isEnabled('#stop')).toBe(true);
    expect(await page.isEnabled('#train')).toBe(false);
    await page.waitForTimeout(400);
    expect(await step()).toBe(held);

    // Resume: the steps go on, and the page draws frames while the worker is still training.
    await page.click('#pause');
    await expect.poll(step, { timeout: 60_000, interval: 100 }).toBeGreaterThanOrEqual(held + 10);
    const framesBefore = await frames();
    await expect.poll(frames, { timeout: 60_000, interval: 50 }).toBeGreaterThan(framesBefore + 3);
    expect(await state()).toBe('training');
    await expect.poll(step, { timeout: 60_000, interval: 100 }).toBeGreaterThanOrEqual(held + 40);
    const losses = await page.evaluate(() => (window as unknown as { losses: number[] }).losses);
    const first = losses[0];
    const last = losses[losses.length - 1];
    expect(first).toBeGreaterThan(1.8); // about ln 10 = 2.3 for an untrained net
    expect(last).toBeLessThan(first - 0.3);
    expect(await page.locator('#progress').innerText()).toMatch(/Epoch \d+\/100\n.*\d+\/63 \[[=>.]+\].* - loss: \d\.\d{4} - accuracy: \d\.\d{4}/);

    // Stop: the run ends after its current batch and the page shows the model it trained.
    await page.click('#stop');
    await page.waitForSelector('body[data-training="idle"]');
    expect(await page.isEnabled('#train')).toBe(true);
    expect(await page.isEnabled('#pause')).toBe(false);
    await expect.poll(() => page.locator('#model-status').innerText(), WAIT).toMatch(/trained here/);
  }, 180_000);

  it('stop while the digits load, and stop while paused, each end the run and leave the page ready', async () => {
    await page.locator('#train-form [name=epochs]').fill('100');
    await page.click('#train');
    await page.click('#stop');
    await page.waitForSelector('body[data-training="idle"]');
    await page.click('#train');
    await page.click('#pause');
    await page.waitForSelector('body[data-training="paused"]');
    await page.click('#stop');
    await page.waitForSelector('body[data-training="idle"]');
    expect(await page.isEnabled('#train')).toBe(true);
    expect(await page.locator('#pause').innerText()).toBe('Pause');
  }, 180_000);

  it('loads the model saved by `tatami train` and predicts the same class as `tatami predict`', async () => {
    await page.setInputFiles('#model-files', [join(server.modelDir!, 'model.json'), join(server.modelDir!, 'weights.bin')]);
    await expect.poll(() => page.locator('#model-status').innerText(), WAIT).toMatch(/loaded model model\.json \+ weights\.bin/);
    // The same test digit the CLI used: its split (300/100, seed 1) as saved in tatami-run.json.
    const { test } = await loadMnist({ train: 300, test: 100, seed: 1 });
    const digit = Array.from(test.images.data.subarray(INDEX * 784, (INDEX + 1) * 784));
    expect(test.classes[INDEX]).toBe(cliPrediction.label);
    await page.evaluate((pixels) => (window as unknown as { tatamiPage: { showDigit(p: number[]): void } }).tatamiPage.showDigit(pixels), digit);
    expect(await shownClass()).toBe(cliPrediction.predicted);
    expect((await shownProbs())[cliPrediction.predicted]).toBeCloseTo(cliPrediction.probability, 2); // predict prints 3 decimals

    // The same folder, offered by the server at /tatami-model/, loads the same way.
    await page.click('#load-cli');
    await expect.poll(() => page.locator('#model-status').innerText(), WAIT).toMatch(/loaded model \/tatami-model\//);
    expect(await shownClass()).toBe(cliPrediction.predicted);

    // A screenshot, with a feature-map pixel explained.
    await page.evaluate(() => window.scrollTo(0, 0));
    const conv = await page.locator('#conv-grid').boundingBox();
    await page.mouse.move(conv!.x + 30, conv!.y + 24);
    mkdirSync(join(ROOT, 'test-results', 'web'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`page screenshot: ${SCREENSHOT}`);
  }, 120_000);

  it('downloads the model shown as model.json + weights.bin, which load back in Node', async () => {
    const downloads: Promise<import('playwright-core').Download>[] = [page.waitForEvent('download'), page.waitForEvent('download', (d) => d.suggestedFilename() === 'weights.bin')];
    await page.click('#save');
    const files = new Map<string, string>();
    for (const d of await Promise.all(downloads)) {
      const path = join(dir, `download-${d.suggestedFilename()}`);
      await d.saveAs(path);
      files.set(d.suggestedFilename(), path);
    }
    expect([...files.keys()].sort()).toEqual(['model.json', 'weights.bin']);
    const model = await loadModel({ modelJson: readFileSync(files.get('model.json')!, 'utf8'), weights: readFileSync(files.get('weights.bin')!) });
    const { test } = await loadMnist({ train: 300, test: 100, seed: 1 });
    const probs = model.predict(new Tensor(test.images.data.slice(INDEX * 784, (INDEX + 1) * 784), [1, 28, 28, 1])).data;
    expect(probs.indexOf(Math.max(...probs))).toBe(cliPrediction.predicted);
  }, 120_000);

  it('logged no console errors along the way', () => {
    expect(consoleErrors).toEqual([]);
  });
});
