/**
 * Build the browser example (build.ts) into a temporary folder and serve it on localhost:
 *
 *   /           the page (index.html = browser.html) and browser.js
 *   /model/X    the files of --model DIR (model.json, weights.bin), which the page then loads by URL
 *
 * Run: npx tsx examples/embed/serve.ts [--port 8081] [--model DIR]   (port 0 picks a free one)
 */
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildBrowserExample } from './build.js';

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript', json: 'application/json' };

export interface ExampleServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Build the page and serve it (and `modelDir`, if given, at /model/). */
export async function serveBrowserExample(options: { port?: number; modelDir?: string } = {}): Promise<ExampleServer> {
  const site = await mkdtemp(join(tmpdir(), 'tatami-embed-'));
  await buildBrowserExample(site);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    // Plain file names only: nothing outside the two folders can be asked for.
    const model = /^\/model\/([\w][\w.-]*)$/.exec(path);
    const page = /^\/([\w][\w.-]*)?$/.exec(path);
    const file = model !== null && options.modelDir !== undefined ? join(options.modelDir, model[1])
      : page !== null ? join(site, page[1] ?? 'index.html') : null;
    const send = (status: number, body: string | Buffer, type = 'text/plain'): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (file === null) return send(404, 'not found\n');
    readFile(file).then((body) => send(200, body, TYPES[file.slice(file.lastIndexOf('.') + 1)] ?? 'application/octet-stream'), () => send(404, 'not found\n'));
  });
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(options.port ?? 8081, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      await new Promise<void>((ok) => server.close(() => ok()));
      await rm(site, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.dirname, 'serve.ts')) {
  const flag = (name: string): string | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  serveBrowserExample({ port: Number(flag('port') ?? 8081), modelDir: flag('model') }).then(
    (s) => {
      console.log(`the example page: ${s.url.replace('127.0.0.1', 'localhost')} (Ctrl-C stops)`);
      // Ctrl-C (or a kill) closes the server and removes the built folder.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void s.close());
    },
    (e: unknown) => {
      console.error(`serve: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
