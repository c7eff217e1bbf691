// The fused small-channel Winograd filter gradient (kernels/conv2d-winograd-small-dw.ts) against the
// naive twins (kernels/conv2d.ts): awkward and seeded shapes (the relaxed-SIMD products in
// conv2d-winograd-small.test.ts's child), NaN and ±Inf in x and dy, a heap that cannot grow.

import { describe, it, expect } from 'vitest';
import { conv2dShape } from '../../kernels/conv-shape.js';
import { conv2dBackwardFilterDirect, conv2dBackwardBias } from '../../kernels/conv2d.js';
import { conv2dBackwardFilterBiasWinogradSmall } from '../../kernels/conv2d-winograd-small-dw.js';
import { conv2dBackwardFilterBiasDirectSimd } from '../../kernels/conv2d-direct-simd.js';
import { createHeap } from '../../kernels/wasm/heap.js';
import { compareArrays, mulberry32, randomArray, sumTolerance, winogradFilterGradTerms, winogradLabel, winogradShape } from './helpers.js';
import { firstDifference } from './same-bits.js';
import { withNonFinite } from './non-finite.js';
import { awkwardSmallShapes, compareSmallFilterGradWithTwin, seededSmallShapes } from './conv2d-winograd-small-cases.js';

describe('fused small-channel Winograd filter gradient against the direct twin', () => {
  it('awkward shapes: 1×1 and 1×2 images, one output pixel, tile rows of 4k + 0..3 tiles, 8 to 32 channels', () => {
    const rng = mulberry32(31);
    for (const s of awkwardSmallShapes) expect(compareSmallFilterGradWithTwin(rng, s, false).failures).toEqual([]);
  });

  it('50 seeded random shapes, both paddings', () => {
    const rng = mulberry32(32);
    for (const s of seededSmallShapes(rng, 50)) expect(compareSmallFilterGradWithTwin(rng, s, false).failures).toEqual([]);
  });

  it('the resnet\'s layer, the bias sums bit for bit with the direct SIMD kernel\'s, and the check can fail: dy 0.1% off', () => {
    const rng = mulberry32(33);
    const s = winogradShape(4, 28, 28, 8, 8, 'same');
    const x = randomArray(rng, 4 * 784 * 8);
    const dy = randomArray(rng, 4 * 784 * 8);
    const dwWant = new Float32Array(576), dbWant = new Float32Array(8);
    conv2dBackwardFilterBiasDirectSimd(dwWant, dbWant, dy, x, s);
    const dw = new Float32Array(576), db = new Float32Array(8);
    conv2dBackwardFilterBiasWinogradSmall(dw, db, dy, x, s, undefined, false);
    expect(firstDifference(db, dbWant)).toBe(-1);
    const tol = sumTolerance(winogradFilterGradTerms(s));
    expect(compareArrays(dw, dwWant, tol).ok).toBe(true);
    const off = dy.map((v) => v * 1.001);
    const dwOff = new Float32Array(576);
    conv2dBackwardFilterBiasWinogradSmall(dwOff, null, off, x, s, undefined, false);
    expect(compareArrays(dwOff, dwWant, tol).ok).toBe(false);
  });

  it('throws an error naming the op and the shape where it does not apply', () => {
    const strided = conv2dShape(1, 5, 5, 8, 3, 3, 8, [2, 2], [1, 1], 'same');
    expect(() => conv2dBackwardFilterBiasWinogradSmall(new Float32Array(576), null, new Float32Array(72), new Float32Array(200), strided))
      .toThrow('conv2dBackwardFilterBiasWinogradSmall: needs WebAssembly SIMD, a 3x3 kernel, stride 1, dilation 1 and channels that are multiples of 8, got kernel 3x3, stride 2x2, dilation 1x1, CI 8, CO 8');
  });
});

describe('fused small-channel Winograd filter gradient with NaN and ±Inf, and on a heap that cannot grow: the twins\' bits', () => {
  it('NaN and ±Inf in x or in dy, edges included: dw and db exactly the twins\'', () => {
    const rng = mulberry32(34);
    for (const s of [winogradShape(2, 7, 9, 8, 16, 'same'), winogradShape(1, 6, 6, 16, 8, 'valid'), winogradShape(1, 1, 1, 8, 8, 'same')]) {
      for (const [xBad, dyBad] of [[2, 0], [0, 2], [1, 1]]) {
        const x = withNonFinite(rng, randomArray(rng, s.N * s.H * s.W * s.CI), xBad);
        const dy = withNonFinite(rng, randomArray(rng, s.N * s.OH * s.OW * s.CO), dyBad);
        const dwWant = randomArray(rng, 9 * s.CI * s.CO), dbWant = randomArray(rng, s.CO);
        const dwGot = dwWant.slice(), dbGot = dbWant.slice();
        conv2dBackwardFilterDirect(dwWant, dy, x, s);
        conv2dBackwardBias(dbWant, dy, s);
        conv2dBackwardFilterBiasWinogradSmall(dwGot, dbGot, dy, x, s, undefined, false);
        const label = `${winogradLabel(s)} x ${xBad} dy ${dyBad}`;
        expect(firstDifference(dwGot, dwWant), label).toBe(-1);
        expect(firstDifference(dbGot, dbWant), label).toBe(-1);
        expect(dwWant.some((v) => !Number.isFinite(v)), `${label}: a NaN or infinity reached dw`).toBe(true);
      }
    }
  });

  it('on a 1-page heap: the naive loops, their bits', () => {
    const rng = mulberry32(35);
    const s = winogradShape(4, 28, 28, 8, 8, 'same');
    const x = randomArray(rng, 4 * 784 * 8);
    const dy = randomArray(rng, 4 * 784 * 8);
    const dwWant = randomArray(rng, 576), dbWant = randomArray(rng, 8);
    const dwGot = dwWant.slice(), dbGot = dbWant.slice();
    conv2dBackwardFilterDirect(dwWant, dy, x, s);
    conv2dBackwardBias(dbWant, dy, s);
    conv2dBackwardFilterBiasWinogradSmall(dwGot, dbGot, dy, x, s, createHeap({ maximumPages: 1 }), false);
    expect(firstDifference(dwGot, dwWant)).toBe(-1);
    expect(firstDifference(dbGot, dbWant)).toBe(-1);
  });
});
