/**
 * The inference-only entry, tatami/infer, bundled as a browser would get it (esbuild, minified,
 * platform browser): it must hold no `node:` import, stay small, and load and predict from
 * artifacts in memory when the bundle file itself is imported.
 */
import { test, expect } from 'vitest';
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { classicCnn, Tensor } from '../../src/index.js';
import { randomInput, maxDiff } from './io-helpers.js';

/**
 * Generous ceilings above the measured size: ≈ 160 kB minified, 51 kB gzipped. It was 101 kB and
 * 35 kB with the first 12 layer types; the loader must carry every layer it can build, their ops,
 * kernels and config readers: ≈ 25 kB minified, 6.5 kB gzipped for the four convolutions
 * (DepthwiseConv2D, SeparableConv2D, Conv2DTranspose, Conv1D) and ≈ 34 kB, 9.5 kB for the other
 * layers of modern CNNs (padding, resizing, activation, normalization, noise, augmentation).
 * Graph models (merges, shared layers, several inputs and outputs) add ≈ 13 kB, 5 kB: 174 kB, 55 kB
 * (184 kB, 58.8 kB measured on main at the graph merge). The kernel table (src/kernel-table.ts, for
 * setKernels) adds ≈ 11 kB, 2 kB: a switch that can be thrown at any time carries both tables, so the
 * naive twins, the optimizers' updates and the losses' kernels come along: 195 kB, 60.8 kB (199 kB,
 * 61.8 kB after the regularizers). Nested models (Teachable Machine exports), the file quirks and the
 * refusals of out-of-scope layer families add ≈ 1 kB, 0.4 kB (measured before and after them:
 * 187.4 → 188.4 kB, 59.9 → 60.3 kB gzipped); 203 kB, 63.2 kB with everything merged. Winograd
 * F(2×2, 3×3) for stride-1 3×3 convs (kernels/conv2d-winograd*.ts, its SIMD module, the filter gradient
 * from x, src/conv2d-fast.ts) adds ≈ 9.5 kB, 3.9 kB (measured 202.8 → 212.3 kB, 63.3 → 67.1 kB).
 */
const MAX_MINIFIED = 220_000;
const MAX_GZIPPED = 70_000;

test('tatami/infer bundles for the browser without Node imports, and predicts from memory', async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../../src/infer.ts', import.meta.url))],
    bundle: true, minify: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  expect(code).not.toMatch(/["']node:/);
  const gzipped = gzipSync(code).length;
  console.log(`tatami/infer: ${code.length} bytes minified, ${gzipped} bytes gzipped`);
  expect(code.length).toBeLessThan(MAX_MINIFIED);
  expect(gzipped).toBeLessThan(MAX_GZIPPED);

  const dir = await mkdtemp(join(tmpdir(), 'tatami-bundle-'));
  const file = join(dir, 'infer.mjs');
  await writeFile(file, code);
  const infer = await import(pathToFileURL(file).href);
  const model = classicCnn({ seed: 5, filters: 8 });
  const saved = await model.save();
  const loaded = await infer.loadModel({ modelJson: JSON.stringify(saved.modelJson), weights: saved.weights });
  const x = randomInput([2, 28, 28, 1], 7);
  const ours = loaded.predict(infer.tensor(x, [2, 28, 28, 1]));
  expect(maxDiff(ours.data, model.predict(new Tensor(x, [2, 28, 28, 1])).data)).toBe(0);
});
