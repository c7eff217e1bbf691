/**
 * An entry bundled as a browser page gets it: esbuild, bundled, minified, platform browser, ESM (how
 * test/io/infer-bundle.test.ts measures tatami/infer against issue #17's size). Its code, the source
 * files esbuild read (even ones tree-shaken to 0 bytes), the bytes each put in the output, and, on
 * demand, the bundle itself imported from a file, so a test runs the code a page would run.
 */
import { build } from 'esbuild';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL, fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface BrowserBundle {
  readonly code: string;
  /** Every source file esbuild read for the bundle, by path from the repository's root. */
  readonly inputs: string[];
  /** The minified bytes `file` put in the bundle (0 when tree-shaken away or never read). */
  bytes(file: string): number;
  /** The bundle, written to a temporary file and imported. */
  load(): Promise<unknown>;
}

/** Bundle `contents`, an entry module's source whose imports resolve from the repository's root. */
export async function browserBundle(contents: string): Promise<BrowserBundle> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true, minify: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  const output = Object.values(result.metafile.outputs)[0].inputs;
  return {
    code,
    inputs: Object.keys(result.metafile.inputs),
    bytes: (file) => output[file]?.bytesInOutput ?? 0,
    async load() {
      const file = join(await mkdtemp(join(tmpdir(), 'tatami-bundle-')), 'bundle.mjs');
      await writeFile(file, code);
      return import(pathToFileURL(file).href);
    },
  };
}
