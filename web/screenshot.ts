/**
 * Remake web/screenshot.png, the README's picture of the page: build and serve the page, train the
 * default CNN for one epoch in headless Chromium, draw a "3", hover its strongest feature-map pixel.
 *
 * Run: npx tsx web/screenshot.ts   (needs Debian's chromium, as test/web/page.test.ts does)
 */
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildPage } from './build.js';
import { startServer } from './serve.js';

const root = await buildPage();
const server = await startServer({ root, port: 0, modelDir: null });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1116 } });
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('#train-form [name=epochs]').fill('1');
  await page.click('#train');
  await page.waitForFunction(() => document.body.dataset.training === 'idle', null, { timeout: 300_000 });

  // A "3": two arcs, drawn with the mouse.
  const pad = (await page.locator('#pad').boundingBox())!;
  const points: [number, number][] = [];
  for (let i = 0; i <= 12; i++) {
    const a = -Math.PI * 0.8 + (i / 12) * Math.PI * 1.3;
    points.push([140 + 55 * Math.cos(a), 90 + 45 * Math.sin(a)]);
  }
  for (let i = 0; i <= 14; i++) {
    const a = -Math.PI * 0.5 + (i / 14) * Math.PI * 1.3;
    points.push([140 + 60 * Math.cos(a), 185 + 50 * Math.sin(a)]);
  }
  await page.mouse.move(pad.x + points[0][0], pad.y + points[0][1]);
  await page.mouse.down();
  for (const [x, y] of points) await page.mouse.move(pad.x + x, pad.y + y, { steps: 3 });
  await page.mouse.up();

  // Hover the strongest feature-map pixel, so the arithmetic shows.
  const at = await page.evaluate(() => {
    const s = (window as unknown as { tatamiPage: { stages(): { conv: Float32Array; filters: number; convSize: number[] } } }).tatamiPage.stages();
    let best = 0;
    for (let i = 0; i < s.conv.length; i++) if (s.conv[i] > s.conv[best]) best = i;
    const f = best % s.filters;
    const p = Math.floor(best / s.filters);
    const canvas = document.getElementById('conv-grid') as HTMLCanvasElement;
    const box = canvas.getBoundingClientRect();
    const scale = box.width / canvas.width;
    // Tiles of 26×26 with 1-pixel gaps, 16 to a row (see map-grid.ts).
    const [r, c] = [Math.floor(p / s.convSize[1]), p % s.convSize[1]];
    return { x: box.x + (1 + (f % 16) * (s.convSize[1] + 1) + c + 0.5) * scale, y: box.y + (1 + Math.floor(f / 16) * (s.convSize[0] + 1) + r + 0.5) * scale };
  });
  await page.mouse.move(at.x, at.y);
  await page.waitForTimeout(300);
  const path = join(import.meta.dirname, 'screenshot.png');
  await page.screenshot({ path });
  console.log(`saved ${path}`);
} finally {
  await browser.close();
  await server.close();
}
