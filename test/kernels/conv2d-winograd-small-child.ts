// Run by conv2d-winograd-small.test.ts in a child Node process with --experimental-wasm-relaxed-simd
// (vitest cannot pass V8 flags to its own workers), so that the fused small-channel Winograd's
// relaxed-SIMD module (products by f32x4.relaxed_madd, what the bench and the CLI run) is compared
// with the naive twins too (forward, input gradient, filter gradient):
//
//   node --experimental-wasm-relaxed-simd --import tsx conv2d-winograd-small-child.ts
//
// It prints one JSON line (SmallChildReport). Everything is seeded.

import { relaxedSimdAvailable } from '../../kernels/gemm-simd.js';
import { awkwardSmallShapes, compareSmallFilterGradWithTwin, compareSmallWithTwin, seededSmallShapes } from './conv2d-winograd-small-cases.js';
import { mulberry32 } from './helpers.js';

/** What the child found; see conv2d-winograd-small.test.ts. */
export interface SmallChildReport {
  readonly relaxed: boolean;
  readonly checked: number;
  readonly failures: readonly string[];
}

const rng = mulberry32(21);
let checked = 0;
const failures: string[] = [];
if (relaxedSimdAvailable) {
  for (const s of [...awkwardSmallShapes, ...seededSmallShapes(rng, 50)]) {
    for (const r of [compareSmallWithTwin(rng, s, true), compareSmallFilterGradWithTwin(rng, s, true)]) {
      checked += r.checked;
      failures.push(...r.failures);
    }
  }
}
const report: SmallChildReport = { relaxed: relaxedSimdAvailable, checked, failures: failures.slice(0, 5) };
console.log(JSON.stringify(report));
