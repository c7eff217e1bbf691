/**
 * A tiny static server for the built page (web/dist), on localhost:
 *
 *   /                    the page (index.html) and its files
 *   /docs/learn.md       the tutorial (and /docs/learn.ja.md) from the repository's docs/, as plain
 *                        text: the page links to them
 *   /cli-model.json      { "url": "/tatami-model/" } when a model folder from `tatami train --out` was
 *                        found (default ./tatami-model, or --model DIR), else { "url": null }
 *   /tatami-model/NAME   the files of that folder (model.json, weights.bin, ...), plain names only
 *
 * Run: npx tsx web/serve.ts [--port 8080] [--model DIR] [--dist DIR]   (port 0 picks a free one)
 */
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.gz': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.md': 'text/plain; charset=utf-8', // shown as text by every browser (text/markdown is often downloaded)
};

export interface ServeOptions {
  /** The built page (default web/dist). */
  root?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A folder from `tatami train --out` to offer the page (default ./tatami-model when it has a model.json). */
  modelDir?: string | null;
}

export interface RunningServer {
  readonly url: string;
  readonly modelDir: string | null;
  close(): Promise<void>;
}

/** The file a request path names inside `root`, or null when it would step outside. */
function fileIn(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
  return file === root || file.startsWith(root + sep) ? file : null;
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const root = resolve(options.root ?? join(import.meta.dirname, 'dist'));
  const candidate = options.modelDir === undefined ? 'tatami-model' : options.modelDir;
  const modelDir = candidate !== null && existsSync(join(candidate, 'model.json')) ? resolve(candidate) : null;
  if (!existsSync(join(root, 'index.html'))) throw new Error(`${root} has no index.html: build the page first (npm run web:build)`);

  const server: Server = createServer((req, res) => {
    const send = (status: number, body: string | Uint8Array, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'GET only\n');
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/cli-model.json') return send(200, JSON.stringify({ url: modelDir === null ? null : '/tatami-model/' }), TYPES['.json']);
    let file: string | null;
    if (path === '/docs/learn.md' || path === '/docs/learn.ja.md') {
      file = join(import.meta.dirname, '..', path);
    } else if (path.startsWith('/tatami-model/')) {
      const name = path.slice('/tatami-model/'.length);
      file = modelDir !== null && /^[\w][\w.-]*$/.test(name) ? join(modelDir, name) : null;
    } else {
      file = fileIn(root, path);
    }
    if (file === null) return send(404, 'not found\n');
    readFile(file).then(
      (body) => send(200, body, TYPES[extname(file)] ?? 'application/octet-stream'),
      () => send(404, 'not found\n'),
    );
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 8080, host, ok);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://${host}:${port}/`,
    modelDir,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.dirname, 'serve.ts')) {
  const port = Number(flag('port') ?? process.env.PORT ?? 8080);
  startServer({ port, root: flag('dist'), modelDir: flag('model') }).then(
    (s) => {
      const url = s.url.replace('127.0.0.1', 'localhost');
      console.log(`tatami page: ${url}`);
      console.log(s.modelDir === null ? 'no tatami-model/ folder here (train one with: npm run train)' : `offering the model in ${s.modelDir} at ${url}tatami-model/`);
    },
    (e: unknown) => {
      console.error(`web serve: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
