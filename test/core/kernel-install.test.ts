/**
 * Who installs which kernel tables (src/kernel-table.ts): 'tatami' and the Model class install the
 * fast tables, backward included, whatever tatami/infer did before or does after; tatami/infer's
 * fastKernels never replace tables that train, and nothing installed undoes a setKernels; with
 * nothing installed the ops run tatami/infer's default, plain JS. Each bundle below is a fresh copy
 * of the modules, as a fresh process would have them.
 */
import { test, expect, afterEach } from 'vitest';
import { build } from 'esbuild';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { setKernels } from '../../src/index.js';
import { installKernels, selectKernels, chosenKernels } from '../../src/kernel-table.js';
import { fastKernels } from '../../src/fast-kernels.js';
import { referenceKernels } from '../../src/reference-kernels.js';
import { fastInferenceKernels } from '../../src/kernel-tables/fast-inference.js';
import { inferenceKernels } from '../../src/kernel-tables/inference.js';
import { gemmBlocked } from '../../kernels/gemm.js';
import { gemmFast } from '../../kernels/gemm-fast.js';
import { maxPool2dForwardFast } from '../../kernels/max-pool2d-fast.js';
import { batchNormForwardInference } from '../../kernels/batch-norm-fast.js';
import { batchNormForwardInferenceSimd } from '../../kernels/batch-norm-simd.js';
import { depthwiseConv2dForwardRows } from '../../kernels/depthwise-conv2d-rows.js';
import { depthwiseConv2dForwardFast } from '../../kernels/depthwise-conv2d-fast.js';

afterEach(() => setKernels('fast'));

test('the training tables replace tatami/infer\'s, never the reverse, and an install never undoes setKernels', () => {
  expect(chosenKernels()).toBe(fastKernels);
  installKernels(fastInferenceKernels);
  expect(chosenKernels()).toBe(fastKernels);
  selectKernels(fastInferenceKernels);
  installKernels(fastKernels);
  expect(chosenKernels()).toBe(fastKernels);
  setKernels('reference');
  installKernels(fastKernels);
  installKernels(fastInferenceKernels);
  expect(chosenKernels()).toBe(referenceKernels);
});

test("'tatami' and fastKernels run the SIMD GEMM, max-pool, batch norm and depthwise conv; tatami/infer's default their JS versions", () => {
  for (const tables of [fastKernels, fastInferenceKernels]) {
    expect(tables.gemm.gemm).toBe(gemmFast);
    expect(tables.pool2d.maxPool2dForward).toBe(maxPool2dForwardFast);
    expect(tables.batchNorm.batchNormForwardInference).toBe(batchNormForwardInferenceSimd);
    expect(tables.depthwiseConv2d.depthwiseConv2dForward).toBe(depthwiseConv2dForwardFast);
  }
  expect(inferenceKernels.gemm.gemm).toBe(gemmBlocked);
  expect(inferenceKernels.batchNorm.batchNormForwardInference).toBe(batchNormForwardInference);
  expect(inferenceKernels.depthwiseConv2d.depthwiseConv2dForward).toBe(depthwiseConv2dForwardRows);
});

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Bundle `contents` (an entry importing from src/) for Node and import it: a fresh copy of every module. */
async function fresh(contents: string): Promise<Record<string, unknown>> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'silent', packages: 'external',
  });
  const file = join(await mkdtemp(join(tmpdir(), 'tatami-install-')), 'bundle.mjs');
  await writeFile(file, result.outputFiles[0].text);
  return import(pathToFileURL(file).href) as Promise<Record<string, unknown>>;
}

const probe = `export { chosenKernels } from './src/kernel-table.ts'; export { fastKernels } from './src/fast-kernels.ts';`;

test("importing 'tatami', or only the Model class, gives the ops the fast tables; tatami/infer alone installs none", async () => {
  const tatami = await fresh(`${probe} export * as tatami from './src/index.ts';`);
  expect((tatami.chosenKernels as () => unknown)()).toBe(tatami.fastKernels);
  const model = await fresh(`${probe} export { Sequential } from './src/models/sequential.ts';`);
  expect((model.chosenKernels as () => unknown)()).toBe(model.fastKernels);
  const infer = await fresh(`export { chosenKernels } from './src/kernel-table.ts'; export { gemmKernels } from './src/kernel-tables/gemm.ts'; export { gemmBlocked } from './kernels/gemm.ts'; export * from './src/infer.ts';`);
  expect((infer.chosenKernels as () => unknown)()).toBe(null);
  // Nothing installed: Dense's GEMM is the default's, the blocked JS one.
  expect((infer.gemmKernels as () => { gemm: unknown })().gemm).toBe(infer.gemmBlocked);
});

test("tatami/infer's loadModel with fastKernels keeps the fast tables of a process that imported 'tatami' too", async () => {
  const both = await fresh(`${probe} export * from './src/infer.ts'; export { fastKernels as inferKernels } from './src/infer-kernels.ts'; export { classicCnn } from './src/index.ts';`);
  const model = (both.classicCnn as (o: object) => { save(): Promise<{ modelJson: object; weights: ArrayBuffer }> })({ seed: 1, filters: 4 });
  const saved = await model.save();
  const load = both.loadModel as (s: object, o: object) => Promise<unknown>;
  await load({ modelJson: JSON.stringify(saved.modelJson), weights: saved.weights }, { kernels: both.inferKernels });
  expect((both.chosenKernels as () => unknown)()).toBe(both.fastKernels);
});
