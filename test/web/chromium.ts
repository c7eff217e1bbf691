/**
 * Headless Chromium for the browser tests (Debian's `chromium`, driven by playwright-core): the
 * check that it is installed, the launch kept off the (closed) network, and a page that records its
 * console errors.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launch Chromium and open `url`, collecting console errors and page errors into `consoleErrors`. */
export async function openPage(
  url: string,
  viewport: { width: number; height: number },
  consoleErrors: string[],
  what: string,
): Promise<{ browser: Browser; page: Page }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${what} needs Chromium at ${CHROMIUM}, and it is not there. Install it with 'apt-get update && apt-get install -y chromium' (as .ci/run does), or point CHROMIUM_PATH at a Chromium binary.`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // A fresh profile is Playwright's default; these keep Chromium off the (closed) network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport });
  // Every wait is for an event the page must reach, not a measure of speed: on a busy machine
  // Chromium can take long to get there, so the default wait is generous.
  page.setDefaultTimeout(90_000);
  page.on('console', (msg) => void (msg.type() === 'error' && consoleErrors.push(msg.text())));
  page.on('pageerror', (e) => void consoleErrors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return { browser, page };
}
