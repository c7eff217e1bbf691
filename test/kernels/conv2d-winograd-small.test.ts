// The fused small-channel Winograd (kernels/conv2d-winograd-small.ts) against its naive twin
// (kernels/conv2d.ts's direct loops): seeded and awkward shapes with the products as mul + add here
// and fused by relaxed SIMD in a child process; NaN and ±Inf in x, dy, the filter, the bias and a
// prior dx; a heap that cannot grow; a heap full of stale NaN.

import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conv2dShape } from '../../kernels/conv-shape.js';
import { conv2dForwardDirect, conv2dBackwardInputDirect } from '../../kernels/conv2d.js';
import { conv2dForwardWinogradSmall, conv2dBackwardInputWinogradSmall, winogradSmallApplies } from '../../kernels/conv2d-winograd-small.js';
import { reluInPlace } from '../../kernels/relu.js';
import { createHeap, PAGE_BYTES } from '../../kernels/wasm/heap.js';
import { compareArrays, expectClose, mulberry32, nanArray, randomArray, winogradLabel, winogradShape, winogradTolerance } from './helpers.js';
import { expectSameNonFinite, withNonFinite } from './non-finite.js';
import { firstDifference } from './same-bits.js';
import { awkwardSmallShapes, compareSmallWithTwin, seededSmallShapes } from './conv2d-winograd-small-cases.js';
import type { SmallChildReport } from './conv2d-winograd-small-child.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('fused small-channel Winograd against the direct twin', () => {
  it('awkward shapes: 1×1 and 1×2 images, one output pixel, tile rows of 4k + 0..3 tiles, 8 to 32 channels', () => {
    const rng = mulberry32(11);
    for (const s of awkwardSmallShapes) expect(compareSmallWithTwin(rng, s, false).failures).toEqual([]);
  });

  it('50 seeded random shapes, both paddings, bias and ReLU at random', () => {
    const rng = mulberry32(12);
    for (const s of seededSmallShapes(rng, 50)) expect(compareSmallWithTwin(rng, s, false).failures).toEqual([]);
  });

  it('with the products fused (relaxed SIMD, in a child process with the flag on): the same shapes agree', () => {
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', join(here, 'conv2d-winograd-small-child.ts')],
      { cwd: join(here, '..', '..'), encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as SmallChildReport;
    expect(report.relaxed).toBe(true);
    expect(report.failures).toEqual([]);
    expect(report.checked).toBeGreaterThan(100_000);
  }, 120_000);

  it('the check can fail: one filter tap 1% off is caught', () => {
    const rng = mulberry32(13);
    const s = winogradShape(2, 6, 6, 8, 8, 'same');
    const x = randomArray(rng, 2 * 36 * 8);
    const w = randomArray(rng, 9 * 64);
    const want = nanArray(2 * 36 * 8);
    conv2dForwardDirect(want, x, w, null, s);
    const off = w.slice();
    off[4 * 64 + 3] *= 1.01; // the centre tap, ci 0, co 3
    const got = nanArray(want.length);
    conv2dForwardWinogradSmall(got, x, off, null, s, false, undefined, false);
    expect(compareArrays(got, want, winogradTolerance(8)).ok).toBe(false);
  });

  it('the same bits run to run, and on a fresh heap as on one full of stale NaN', () => {
    const rng = mulberry32(14);
    const s = winogradShape(3, 9, 11, 16, 8, 'same');
    const x = randomArray(rng, 3 * 99 * 16);
    const w = randomArray(rng, 9 * 128);
    const bias = randomArray(rng, 8);
    const dy = randomArray(rng, 3 * 99 * 8);
    const results = [false, true].map((stale) => {
      const heap = createHeap();
      if (stale) heap.views(64 * PAGE_BYTES)?.f32.fill(NaN);
      const y = nanArray(3 * 99 * 8);
      conv2dForwardWinogradSmall(y, x, w, bias, s, true, heap, false);
      const dx = new Float32Array(x.length);
      conv2dBackwardInputWinogradSmall(dx, dy, w, s, heap, false);
      const again = nanArray(y.length);
      conv2dForwardWinogradSmall(again, x, w, bias, s, true, heap, false);
      expect(firstDifference(again, y)).toBe(-1);
      return [y, dx];
    });
    expect(firstDifference(results[0][0], results[1][0])).toBe(-1);
    expect(firstDifference(results[0][1], results[1][1])).toBe(-1);
  });

  it('applies to 3×3 stride-1 kernels with channels in multiples of 8; other shapes throw an error naming the op and the shape', () => {
    expect(winogradSmallApplies(winogradShape(1, 5, 5, 8, 16, 'same'))).toBe(true);
    const strided = conv2dShape(1, 5, 5, 8, 3, 3, 8, [2, 2], [1, 1], 'same');
    const wide = conv2dShape(1, 5, 5, 8, 5, 5, 8, [1, 1], [1, 1], 'same');
    const odd = winogradShape(1, 5, 5, 12, 8, 'same');
    for (const s of [strided, wide, odd]) expect(winogradSmallApplies(s)).toBe(false);
    expect(() => conv2dForwardWinogradSmall(new Float32Array(72), new Float32Array(200), new Float32Array(576), null, strided))
      .toThrow('conv2dForwardWinogradSmall: needs WebAssembly SIMD, a 3x3 kernel, stride 1, dilation 1 and channels that are multiples of 8, got kernel 3x3, stride 2x2, dilation 1x1, CI 8, CO 8');
    expect(() => conv2dBackwardInputWinogradSmall(new Float32Array(300), new Float32Array(200), new Float32Array(900), odd))
      .toThrow(/conv2dBackwardInputWinogradSmall: .* CI 12, CO 8/);
  });
});

describe('fused small-channel Winograd with NaN and ±Inf: the twin\'s results', () => {
  it('in x (forward, with bias and ReLU) and in dy (input gradient): exactly the twin\'s values, edges included', () => {
    const rng = mulberry32(15);
    for (const s of [winogradShape(2, 7, 9, 8, 16, 'same'), winogradShape(1, 6, 6, 16, 8, 'valid'), winogradShape(1, 1, 1, 8, 8, 'same')]) {
      for (const count of [1, 5]) {
        const x = withNonFinite(rng, randomArray(rng, s.N * s.H * s.W * s.CI), count);
        const w = randomArray(rng, 9 * s.CI * s.CO);
        const bias = randomArray(rng, s.CO);
        const want = nanArray(s.N * s.OH * s.OW * s.CO);
        conv2dForwardDirect(want, x, w, bias, s);
        reluInPlace(want);
        const got = nanArray(want.length);
        conv2dForwardWinogradSmall(got, x, w, bias, s, true, undefined, false);
        expect(firstDifference(got, want), `forward ${winogradLabel(s)} count=${count}`).toBe(-1);
        expect(want.some((v) => !Number.isFinite(v)), 'a NaN or infinity reached the output').toBe(true);

        const dy = withNonFinite(rng, randomArray(rng, want.length), count);
        const dxWant = randomArray(rng, x.length);
        const dxGot = dxWant.slice();
        conv2dBackwardInputDirect(dxWant, dy, w, s);
        conv2dBackwardInputWinogradSmall(dxGot, dy, w, s, undefined, false);
        expect(firstDifference(dxGot, dxWant), `dx ${winogradLabel(s)} count=${count}`).toBe(-1);
        expect(dxWant.some((v) => !Number.isFinite(v))).toBe(true);
      }
    }
  });

  it('one +Inf input: ±Inf where the twin has it, not the Inf − Inf = NaN of the transforms', () => {
    const s = winogradShape(1, 6, 6, 8, 8, 'same');
    const x = randomArray(mulberry32(16), 6 * 6 * 8);
    x[(2 * 6 + 3) * 8 + 1] = Infinity; // row 2, column 3, channel 1: inside two tile rows' and columns' 4×4 inputs
    const w = randomArray(mulberry32(17), 9 * 64);
    const want = nanArray(6 * 6 * 8);
    conv2dForwardDirect(want, x, w, null, s);
    const got = nanArray(want.length);
    conv2dForwardWinogradSmall(got, x, w, null, s, false, undefined, false);
    expect(want.filter((v) => v === Infinity || v === -Infinity).length).toBe(72); // 3×3 pixels × 8 channels
    expect(firstDifference(got, want)).toBe(-1);
  });

  it('in the filter, including taps the direct loops skip at the padded border, and in the bias', () => {
    const rng = mulberry32(18);
    const s = winogradShape(2, 5, 7, 8, 16, 'same');
    const x = randomArray(rng, 2 * 35 * 8);
    const w = randomArray(rng, 9 * 128);
    w[0 * 128 + 1 * 16 + 2] = NaN; // tap (0, 0), ci 1, co 2: padded for every top-row and left-column output
    w[8 * 128 + 2 * 16 + 0] = Infinity; // tap (2, 2), ci 2, co 0
    const want = nanArray(2 * 35 * 16);
    conv2dForwardDirect(want, x, w, null, s);
    const got = nanArray(want.length);
    conv2dForwardWinogradSmall(got, x, w, null, s, false, undefined, false);
    expect(firstDifference(got, want)).toBe(-1);
    expect(want.some(Number.isFinite) && want.some(Number.isNaN)).toBe(true); // the border outputs of channel 2 skip the NaN tap
    const dy = randomArray(rng, want.length);
    const dxWant = randomArray(rng, x.length);
    const dxGot = dxWant.slice();
    conv2dBackwardInputDirect(dxWant, dy, w, s);
    conv2dBackwardInputWinogradSmall(dxGot, dy, w, s, undefined, false);
    expect(firstDifference(dxGot, dxWant)).toBe(-1);

    const finiteW = randomArray(rng, 9 * 128);
    const bias = randomArray(rng, 16);
    bias[5] = -Infinity;
    conv2dForwardDirect(want, x, finiteW, bias, s);
    conv2dForwardWinogradSmall(got, x, finiteW, bias, s, false, undefined, false);
    expect(firstDifference(got, want)).toBe(-1);
  });

  it('a prior dx holding NaN and ±Inf keeps them where the twin does, and the rest is added onto', () => {
    const rng = mulberry32(19);
    const s = winogradShape(2, 6, 7, 16, 8, 'same');
    const dy = randomArray(rng, 2 * 42 * 8);
    const w = randomArray(rng, 9 * 128);
    const dxWant = withNonFinite(rng, randomArray(rng, 2 * 42 * 16), 6);
    const dxGot = dxWant.slice();
    conv2dBackwardInputDirect(dxWant, dy, w, s);
    conv2dBackwardInputWinogradSmall(dxGot, dy, w, s, undefined, false);
    expectSameNonFinite(dxGot, dxWant, winogradTolerance(s.CO + 1), 'dx onto NaN/±Inf');
  });
});

describe('fused small-channel Winograd on a heap that cannot grow', () => {
  it('runs the naive loops: the twin\'s bits, forward (with ReLU) and input gradient', () => {
    const rng = mulberry32(20);
    const s = winogradShape(4, 28, 28, 8, 8, 'same'); // 25,088 floats of x: more than one page
    const heap = createHeap({ maximumPages: 1 });
    const x = randomArray(rng, 4 * 784 * 8);
    const w = randomArray(rng, 576);
    const bias = randomArray(rng, 8);
    const want = nanArray(x.length);
    conv2dForwardDirect(want, x, w, bias, s);
    reluInPlace(want);
    const got = nanArray(x.length);
    conv2dForwardWinogradSmall(got, x, w, bias, s, true, heap, false);
    expect(firstDifference(got, want)).toBe(-1);
    const dxWant = randomArray(rng, x.length);
    const dxGot = dxWant.slice();
    conv2dBackwardInputDirect(dxWant, want, w, s);
    conv2dBackwardInputWinogradSmall(dxGot, want, w, s, heap, false);
    expect(firstDifference(dxGot, dxWant)).toBe(-1);
    // On the engine's heap the same call takes the Winograd path: close to the twin, not its bits.
    const fast = nanArray(x.length);
    conv2dForwardWinogradSmall(fast, x, w, bias, s, true, undefined, false);
    expectClose(fast, want, winogradTolerance(8), 'engine heap');
    expect(firstDifference(fast, want)).not.toBe(-1);
  });
});
