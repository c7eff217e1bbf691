// The twin comparison of a Winograd convolution's forward and input gradient against the naive
// direct loops (kernels/conv2d.ts), shared by the chunked Winograd's test (conv2d-winograd.test.ts)
// and the fused small-channel one's (conv2d-winograd-small-cases.ts, which a plain Node child also
// runs: no vitest here).

import type { Conv2dShape } from '../../kernels/conv-shape.js';
import { conv2dForwardDirect, conv2dBackwardInputDirect } from '../../kernels/conv2d.js';
import { compareArrays, nanArray, randomArray, winogradLabel, winogradTolerance, type Rng } from './helpers.js';

/** What a comparison found: the outputs compared and the mismatch reports (empty when all agree). */
export interface TwinReport { readonly checked: number; readonly failures: readonly string[] }

/** A Winograd convolution under test: its forward (fused ReLU when `relu`) and its input gradient, which adds onto dx. */
export interface WinogradUnderTest {
  forward(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape, relu: boolean): void;
  inputGrad(dx: Float32Array, dy: Float32Array, w: Float32Array, s: Conv2dShape): void;
}

/**
 * The forward (NaN-filled y, a bias half of the time, the fused ReLU a quarter) and the input
 * gradient (dx prefilled with random values, which it must add onto) of shape s against the naive
 * twin, within winogradTolerance (helpers.ts): the chunked Winograd's test and the fused
 * small-channel one's share it.
 */
export function compareWinogradWithTwin(rng: Rng, s: Conv2dShape, kernel: WinogradUnderTest): TwinReport {
  const x = randomArray(rng, s.N * s.H * s.W * s.CI);
  const w = randomArray(rng, 9 * s.CI * s.CO);
  const bias = rng() < 0.5 ? randomArray(rng, s.CO) : null;
  const relu = rng() < 0.25;
  const want = nanArray(s.N * s.OH * s.OW * s.CO);
  conv2dForwardDirect(want, x, w, bias, s);
  if (relu) for (let i = 0; i < want.length; i++) if (want[i] < 0) want[i] = 0;
  const got = nanArray(want.length);
  kernel.forward(got, x, w, bias, s, relu);
  const forward = compareArrays(got, want, winogradTolerance(s.CI));

  const dy = randomArray(rng, want.length);
  const start = randomArray(rng, x.length);
  const dxWant = start.slice();
  conv2dBackwardInputDirect(dxWant, dy, w, s);
  const dxGot = start.slice();
  kernel.inputGrad(dxGot, dy, w, s);
  // dx sums over CO channels, and the prefill adds one term of magnitude ≤ 1.
  const input = compareArrays(dxGot, dxWant, winogradTolerance(s.CO + 1));
  const failures: string[] = [];
  if (!forward.ok) failures.push(`forward ${winogradLabel(s)}${relu ? ' relu' : ''}${bias === null ? '' : ' bias'}\n${forward.message}`);
  if (!input.ok) failures.push(`dx ${winogradLabel(s)}\n${input.message}`);
  return { checked: want.length + dxWant.length, failures };
}
