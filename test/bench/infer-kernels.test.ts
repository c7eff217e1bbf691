/** The `infer` bench family: every zoo model under the three kernel sets, and 'tatami's tables restored after. */
import { test, expect } from 'vitest';
import { measureInferKernels, formatInferKernels, inferModels } from '../../bench/infer-kernels.js';
import { chosenKernels, selectKernels } from '../../src/kernel-table.js';
import { fastKernels } from '../../src/fast-kernels.js';
import { inferenceKernels } from '../../src/kernel-tables/inference.js';

test('measureInferKernels times each model under each kernel set and gives the process back its fast tables', async () => {
  selectKernels(inferenceKernels); // even from tatami/infer's default, it ends on 'tatami's tables
  const rows = await measureInferKernels([1], 2, 1, () => {});
  expect(chosenKernels()).toBe(fastKernels);
  expect(rows.map((r) => r.model)).toEqual([...inferModels]);
  for (const r of rows) {
    expect(Object.keys(r.ms)).toEqual(['tatami', 'infer + fastKernels', 'infer default']);
    for (const ms of Object.values(r.ms)) expect(ms).toBeGreaterThan(0);
  }
  const table = formatInferKernels(rows).split('\n');
  expect(table).toHaveLength(2 + inferModels.length);
  expect(table[2]).toMatch(/^\| classic3 \| 1 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+× \|$/);
});
