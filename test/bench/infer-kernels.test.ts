/** The `infer` bench family: every zoo model under each of the three kernel sets, and the tables in force before put back. */
import { test, expect, vi } from 'vitest';
import { measureInferKernels, formatInferKernels, inferModels, inferChoices } from '../../bench/infer-kernels.js';
import { chosenKernels, selectKernels } from '../../src/kernel-table.js';
import { referenceKernels } from '../../src/reference-kernels.js';

test('measureInferKernels runs each model under each kernel set in turn and puts back the tables in force before', async () => {
  selectKernels(referenceKernels);
  // Each set's own conv forward and max-pool entries must run (every zoo model has a Conv2D, the
  // plain CNNs a MaxPooling2D): a bench that kept one set in force for all three columns fails here.
  // (The default's max-pool is the JS one, the other two sets' the SIMD one, each in its own table.)
  const spies = inferChoices.map((c) => [vi.spyOn(c.tables.conv2d, 'conv2dForward'), vi.spyOn(c.tables.pool2d, 'maxPool2dForward')]);
  const rows = await measureInferKernels([1], 2, 1, () => {});
  // The same number of calls under each set: 3 rounds (1 warm-up + 2 timed) of every model's convolutions and max-pools.
  const calls = spies.map((pair) => pair.map((spy) => spy.mock.calls.length));
  for (const spy of spies.flat()) spy.mockRestore();
  expect(calls[0][0]).toBeGreaterThan(0);
  expect(calls[0][1]).toBeGreaterThan(0);
  expect(calls).toEqual([calls[0], calls[0], calls[0]]);
  expect(chosenKernels()).toBe(referenceKernels);
  expect(rows.map((r) => r.model)).toEqual([...inferModels]);
  for (const r of rows) {
    expect(Object.keys(r.ms)).toEqual(['tatami', 'infer + fastKernels', 'infer default']);
    for (const ms of Object.values(r.ms)) expect(ms).toBeGreaterThan(0);
  }
  const table = formatInferKernels(rows).split('\n');
  expect(table).toHaveLength(2 + inferModels.length);
  expect(table[2]).toMatch(/^\| classic3 \| 1 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+× \|$/);
});
