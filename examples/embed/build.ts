/**
 * Build the browser example into a folder: browser.ts bundled with tatami/infer by esbuild
 * (minified, for the browser) as browser.js, and browser.html as index.html. Any static server
 * can serve the folder; serve.ts builds and serves it in one step.
 *
 * Run: npx tsx examples/embed/build.ts [--out DIR]   (default examples/embed/dist)
 */
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const HERE = import.meta.dirname;

/** Build into `outDir`; returns the folder and the size of browser.js in bytes. */
export async function buildBrowserExample(outDir = join(HERE, 'dist')): Promise<{ dir: string; bytes: number }> {
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const result = await build({
    entryPoints: [join(HERE, 'browser.ts')],
    outfile: join(dir, 'browser.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    logLevel: 'warning',
  });
  await copyFile(join(HERE, 'browser.html'), join(dir, 'index.html'));
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { dir, bytes };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(HERE, 'build.ts')) {
  const i = process.argv.indexOf('--out');
  buildBrowserExample(i > 0 ? process.argv[i + 1] : undefined).then(
    ({ dir, bytes }) => console.log(`built ${dir} (browser.js: ${(bytes / 1000).toFixed(0)} kB minified)`),
    (e: unknown) => {
      console.error(`build: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
