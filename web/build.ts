/**
 * Build the page into web/dist (or `--out DIR`):
 *
 *   1. the digits: the `mnist` package's 10,000 digits as one gzipped binary, mnist.bin.gz
 *      (the format is in src/digits.ts), read with the engine's own reader of the package;
 *   2. the code: src/main.ts (the page) and src/worker.ts (training) bundled by esbuild as ES modules
 *      for the browser, with tatami imported straight from this repository's src/;
 *   3. the static files: index.html, style.css, and cli-model.json saying no CLI model is served
 *      (serve.ts answers that path itself when it finds one).
 *
 * Run: npx tsx web/build.ts [--out DIR]
 */
import { build, type Plugin } from 'esbuild';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readMnistPackage } from '../src/node/mnist-package.js';
import { encodeDigits } from './src/digits.js';

const WEB = import.meta.dirname;

/**
 * tatami's loadMnist imports its Node readers (src/node/) on demand. The page never calls it, so the
 * bundle gets a stand-in that says so instead of code that needs node:fs.
 */
const nodeOnlyStub: Plugin = {
  name: 'tatami-node-only',
  setup(b) {
    b.onResolve({ filter: /\/node\/[\w-]+\.js$/ }, (args) => ({ path: args.path, namespace: 'node-only' }));
    b.onLoad({ filter: /.*/, namespace: 'node-only' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} runs only in Node, not in the page`)});`,
    }));
  },
};

/** The package's digits (values in [0, 1], 3 decimals) back to bytes. */
async function buildDigits(outDir: string): Promise<number> {
  const { pixels, classes } = await readMnistPackage();
  const bytes = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) bytes[i] = Math.round(pixels[i] * 255);
  const file = gzipSync(encodeDigits(classes, bytes), { level: 9 });
  await writeFile(join(outDir, 'mnist.bin.gz'), file);
  return file.length;
}

export interface BuildOptions {
  /** Default web/dist. */
  outDir?: string;
  log?: (line: string) => void;
}

/** Build everything; returns the folder. */
export async function buildPage(options: BuildOptions = {}): Promise<string> {
  const outDir = resolve(options.outDir ?? join(WEB, 'dist'));
  const log = options.log ?? (() => {});
  await mkdir(outDir, { recursive: true });
  const [digitBytes] = await Promise.all([
    buildDigits(outDir),
    build({
      entryPoints: [join(WEB, 'src', 'main.ts'), join(WEB, 'src', 'worker.ts')],
      outdir: outDir,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      sourcemap: 'linked',
      plugins: [nodeOnlyStub],
      logLevel: 'warning',
    }),
    copyFile(join(WEB, 'index.html'), join(outDir, 'index.html')),
    copyFile(join(WEB, 'style.css'), join(outDir, 'style.css')),
    writeFile(join(outDir, 'cli-model.json'), '{ "url": null }\n'),
  ]);
  log(`built ${outDir} (digits: ${(digitBytes / 1e6).toFixed(1)} MB gzipped)`);
  return outDir;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(WEB, 'build.ts')) {
  const i = process.argv.indexOf('--out');
  buildPage({ outDir: i > 0 ? process.argv[i + 1] : undefined, log: console.log }).catch((e: unknown) => {
    console.error(`web build: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  });
}
