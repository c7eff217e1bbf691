// What tatami/infer's kernel choice costs in speed: `npm run bench -- infer`.
//
// predict on the CLI zoo's models (bench/models-tatami.ts's models and batches, as `models` uses),
// under three sets of kernels in turn, one predict call of each per round, rotated so that no set
// always goes first, in one process so that all three see the same load:
//
//   tatami          the tables 'tatami' trains and predicts with (src/fast-kernels.ts)
//   infer + fast    tatami/infer given `fastKernels` from 'tatami/infer/kernels' (the same forwards)
//   infer default   tatami/infer's default (src/kernel-tables/inference.ts): plain JS, no WebAssembly:
//                   im2col + the blocked JS GEMM for every convolution and Dense, the JS max-pool,
//                   batch norm and depthwise conv, plain loops for ReLU and the elementwise passes
//
// The models are the training Model class; its predict is InferenceModel's, the graph runner that
// tatami/infer's loadModel returns, so only the kernels differ. Each cell: the median of the timed
// rounds after the warm-up ones, in ms per predict call; the tables in force before are put back at
// the end.

import { chosenKernels, selectKernels, type KernelTables } from '../src/kernel-table.js';
import { fastKernels } from '../src/fast-kernels.js';
import { fastInferenceKernels } from '../src/kernel-tables/fast-inference.js';
import { inferenceKernels } from '../src/kernel-tables/inference.js';
import { tatamiStep } from './models-tatami.js';
import { makeBatches, median, type ModelName } from './models.js';

export const inferModels = ['classic3', 'convnet', 'resnet', 'mobilenet'] as const satisfies readonly ModelName[];

export const inferChoices: readonly { name: string; tables: KernelTables }[] = [
  { name: 'tatami', tables: fastKernels },
  { name: 'infer + fastKernels', tables: fastInferenceKernels },
  { name: 'infer default', tables: inferenceKernels },
];

export interface InferRow { model: string; batch: number; ms: Record<string, number> }

/** Every model × batch: `rounds` timed rounds of the three kernel sets after `warmUp` untimed ones. */
export async function measureInferKernels(batches: readonly number[], rounds: number, warmUp: number, log: (line: string) => void): Promise<InferRow[]> {
  const rows: InferRow[] = [];
  const before = chosenKernels() ?? inferenceKernels; // none installed: tatami/infer's default, the same tables
  try {
    for (const batch of batches) {
      const data = makeBatches(batch, 4);
      for (const model of inferModels) {
        log(`infer: ${model} b${batch}`);
        const step = tatamiStep(model, 'predict', data);
        const times = inferChoices.map(() => [] as number[]);
        for (let r = 0; r < warmUp + rounds; r++) {
          for (let j = 0; j < inferChoices.length; j++) {
            const c = (r + j) % inferChoices.length;
            selectKernels(inferChoices[c].tables);
            const t0 = performance.now();
            await step();
            if (r >= warmUp) times[c].push(performance.now() - t0);
          }
        }
        rows.push({ model, batch, ms: Object.fromEntries(inferChoices.map((c, j) => [c.name, median(times[j])])) });
      }
    }
  } finally {
    selectKernels(before);
  }
  return rows;
}

/** A markdown table: ms per predict call under each kernel set, and the default's slowdown. */
export function formatInferKernels(rows: readonly InferRow[]): string {
  const head = `| model | batch | ${inferChoices.map((c) => c.name).join(' | ')} | default ÷ tatami |`;
  const rule = `|---|---|${inferChoices.map(() => '---|').join('')}---|`;
  const lines = rows.map((r) => `| ${r.model} | ${r.batch} | ${inferChoices.map((c) => r.ms[c.name].toFixed(2)).join(' | ')} | ${(r.ms['infer default'] / r.ms.tatami).toFixed(2)}× |`);
  return [head, rule, ...lines].join('\n');
}
