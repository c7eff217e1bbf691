// The one WebAssembly heap of the SIMD kernels (kernels/wasm/heap.ts): growth, renewed views, the
// null it answers when the memory cannot grow, and the GEMM's fallback to its JS twin then.

import { describe, it, expect } from 'vitest';
import { createHeap, engineHeap, PAGE_BYTES } from '../../kernels/wasm/heap.js';
import { reluSimd, addRowsSimd, channelSumsSimd } from '../../kernels/elementwise-simd.js';
import { binaryBroadcast, binaryFunctions } from '../../kernels/elementwise.js';
import { conv2dBackwardBias } from '../../kernels/conv2d.js';
import { reluBackwardBiasSimd } from '../../kernels/relu-simd.js';
import { maxPool2dForwardSimd } from '../../kernels/max-pool2d-simd.js';
import { adamUpdateSimd } from '../../kernels/adam-simd.js';
import { reluInPlace, reluBackwardBias } from '../../kernels/relu.js';
import { maxPool2dForward } from '../../kernels/max-pool2d.js';
import { adamUpdate } from '../../kernels/optimizers.js';
import { conv2dShape, pool2dShape } from '../../kernels/conv-shape.js';
import { gemmBlockedBias, gemmNaive, type GemmLayout } from '../../kernels/gemm.js';
import { gemmSimdBias } from '../../kernels/gemm-simd.js';
import { expectClose, mulberry32, nanArray, randomArray, sumTolerance } from './helpers.js';
import { firstDifference } from './same-bits.js';
import { spyHeap } from './heap-spy.js';

describe('createHeap', () => {
  it('grows on demand, renews its views after a grow, and keeps the bytes', () => {
    const heap = createHeap();
    const small = heap.views(16);
    expect(small).not.toBeNull();
    small!.f32[3] = 1.5;
    const big = heap.views(3 * PAGE_BYTES + 1); // four pages
    expect(big!.f32.length).toBe((4 * PAGE_BYTES) / 4);
    expect(big!.f32[3]).toBe(1.5);
    // The int view shares the bytes: 1.5 is 0x3FC00000.
    expect(big!.i32[3]).toBe(0x3fc00000);
    // The old view was of the detached buffer: growing emptied it, which is why only the heap holds views.
    expect(small!.f32.length).toBe(0);
    // Asking for less returns the same views, no grow.
    expect(heap.views(8)!.f32).toBe(big!.f32);
  });

  it('answers null, not a throw, past its maximum, and stays usable below it', () => {
    const heap = createHeap({ maximumPages: 2 });
    expect(heap.views(2 * PAGE_BYTES)).not.toBeNull();
    expect(heap.views(2 * PAGE_BYTES + 1)).toBeNull();
    expect(heap.views(PAGE_BYTES)!.f32.length).toBe((2 * PAGE_BYTES) / 4);
  });

  it('instantiates a module once per name on its own memory', () => {
    const heap = createHeap();
    let builds = 0;
    // (module (import "env" "memory" (memory 1)) (func (export "f")))
    const bytes = Uint8Array.from([
      0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
      1, 4, 1, 0x60, 0, 0, // type section: () → ()
      2, 15, 1, 3, 0x65, 0x6e, 0x76, 6, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 2, 0, 1, // import env.memory, min 1 page
      3, 2, 1, 0, // function section
      7, 5, 1, 1, 0x66, 0, 0, // export "f"
      10, 4, 1, 2, 0, 0x0b, // code: empty body
    ]);
    const build = (): Uint8Array<ArrayBuffer> => { builds++; return bytes; };
    const first = heap.instance('empty', build);
    expect(heap.instance('empty', build)).toBe(first);
    expect(builds).toBe(1);
    expect(typeof first.f).toBe('function');
  });

  it('the engine heap is one heap for the process', () => {
    expect(engineHeap()).toBe(engineHeap());
  });
});

describe('the SIMD GEMM on a heap that cannot grow', () => {
  // A 2-page heap (128 KiB) cannot hold the C block scratch plus these operands, so each call
  // must run gemmBlockedBias: exactly its bits (float64 sums), which the float32 SIMD sums differ from.
  const cases: [number, number, number, GemmLayout, boolean][] = [
    [70, 90, 300, 'nn', false], [70, 90, 300, 'tn', true], [2, 900, 40, 'nt', true], [3001, 10, 1, 'tn', false],
  ];
  it('falls back to gemmBlockedBias, bit for bit, in every path (tiles, dot products, outer product)', () => {
    const rng = mulberry32(41);
    for (const [M, N, K, layout, accumulate] of cases) {
      const a = randomArray(rng, M * K), b = randomArray(rng, K * N);
      const bias = accumulate ? null : randomArray(rng, N);
      const start = accumulate ? randomArray(rng, M * N) : nanArray(M * N);
      const want = start.slice();
      gemmBlockedBias(want, a, b, bias, M, N, K, layout, accumulate);
      const heap = createHeap({ maximumPages: 2 });
      const got = start.slice();
      gemmSimdBias(got, a, b, bias, M, N, K, layout, accumulate, false, heap);
      expect(firstDifference(got, want), `M=${M} N=${N} K=${K} ${layout}`).toBe(-1);
      // And the result is right: the naive twin, within the float32 tolerance.
      const naive = start.slice();
      gemmNaive(naive, a, b, M, N, K, layout, accumulate);
      if (bias !== null) for (let i = 0; i < M * N; i++) naive[i] += bias[i % N];
      expectClose(got, naive, sumTolerance(K), `fallback M=${M} N=${N} K=${K} ${layout}`);
    }
  });

  it('runs the SIMD kernel on a heap of its own that can grow: the same bits as on the engine heap', () => {
    const rng = mulberry32(42);
    const [M, N, K] = [70, 90, 300];
    const a = randomArray(rng, M * K), b = randomArray(rng, K * N), bias = randomArray(rng, N);
    const onEngine = nanArray(M * N);
    gemmSimdBias(onEngine, a, b, bias, M, N, K, 'nn', false, true);
    const own = nanArray(M * N);
    gemmSimdBias(own, a, b, bias, M, N, K, 'nn', false, true, createHeap());
    expect(firstDifference(own, onEngine)).toBe(-1);
    // ...and that is the SIMD path, not the fallback: float32 sums, not gemmBlockedBias's float64 ones.
    const blocked = nanArray(M * N);
    gemmBlockedBias(blocked, a, b, bias, M, N, K, 'nn', false, true);
    expect(firstDifference(own, blocked)).not.toBe(-1);
  });
});

describe('the streaming and elementwise SIMD kernels on a heap that cannot grow', () => {
  // Operands of 96 KiB and more against a 1-page (64 KiB) heap: each kernel must ask, be refused,
  // instantiate nothing, and give its JS twin's bits. The same calls on a heap that can grow
  // instantiate their module, and give the same bits (these kernels are bit-exact twins).
  const rng = mulberry32(43);
  const n = 24_000;
  const x = randomArray(rng, n);
  [NaN, Infinity, -Infinity, -0].forEach((v, i) => { x[i * 7] = v; });

  for (const grows of [false, true]) {
    const label = grows ? 'a heap that grows' : 'a 1-page heap';
    it(`reluSimd, reluBackwardBiasSimd, maxPool2dForwardSimd, adamUpdateSimd, addRowsSimd and channelSumsSimd on ${label}`, () => {
      const make = (): ReturnType<typeof spyHeap> => spyHeap(grows ? createHeap() : createHeap({ maximumPages: 1 }));

      const relu = make();
      const y = nanArray(n);
      reluSimd(y, x, relu.heap);
      const yWant = x.slice();
      reluInPlace(yWant);
      expect(firstDifference(y, yWant)).toBe(-1);

      const rb = make();
      const C = 16;
      const dout = randomArray(rng, n);
      const dz = nanArray(n), db = new Float32Array(C).fill(0.5);
      reluBackwardBiasSimd(dz, db, dout, x, C, rb.heap);
      const dzWant = nanArray(n), dbWant = new Float32Array(C).fill(0.5);
      reluBackwardBias(dzWant, dbWant, dout, x, C);
      expect(firstDifference(dz, dzWant)).toBe(-1);
      expect(firstDifference(db, dbWant)).toBe(-1);

      const mp = make();
      const s = pool2dShape(6, 20, 20, 8, 2, 2, [2, 2], 'valid'); // 19,200 floats in
      const px = x.subarray(0, 6 * 20 * 20 * 8);
      const py = nanArray(6 * 10 * 10 * 8), arg = new Int32Array(py.length).fill(-1);
      maxPool2dForwardSimd(py, arg, px, s, mp.heap);
      const pyWant = nanArray(py.length), argWant = new Int32Array(py.length);
      maxPool2dForward(pyWant, argWant, px, s);
      expect(firstDifference(py, pyWant)).toBe(-1);
      expect(Array.from(arg)).toEqual(Array.from(argWant));

      const ad = make();
      const P = 6000; // 4 operands × 6000 floats = 96 KB
      const w = randomArray(rng, P), g = randomArray(rng, P), m = randomArray(rng, P, -0.1, 0.1), v = randomArray(rng, P, 0, 0.01);
      const want = { w: w.slice(), m: m.slice(), v: v.slice() };
      adamUpdateSimd(w, g, m, v, 1e-3, 0.9, 0.999, 1e-7, ad.heap);
      adamUpdate(want.w, g, want.m, want.v, 1e-3, 0.9, 0.999, 1e-7);
      expect(firstDifference(w, want.w)).toBe(-1);
      expect(firstDifference(m, want.m)).toBe(-1);
      expect(firstDifference(v, want.v)).toBe(-1);

      // A bias over 16 channels of 1,500 rows (96 KB): addRowsSimd against the naive broadcast, and
      // channelSumsSimd as conv2dBackwardBiasFast uses it against conv2dBackwardBias (float64 sums
      // in row order either way: the same bits).
      const ar = make();
      const [rows, cb] = [1500, 16];
      const bRow = randomArray(rng, cb);
      const sum = nanArray(n);
      addRowsSimd(sum, x, bRow, rows, cb, ar.heap);
      const sumWant = nanArray(n);
      binaryBroadcast(sumWant, x, [rows, cb], bRow, [cb], [rows, cb], binaryFunctions.add);
      expect(firstDifference(sum, sumWant)).toBe(-1);

      const cs = make();
      const prior = randomArray(rng, cb);
      const sums = new Float64Array(cb);
      channelSumsSimd(sums, x, rows, cb, cs.heap);
      const dbSum = prior.slice();
      for (let c = 0; c < cb; c++) dbSum[c] += sums[c];
      const dbSumWant = prior.slice();
      conv2dBackwardBias(dbSumWant, x, conv2dShape(1, rows, 1, 1, 1, 1, cb, [1, 1], [1, 1], 'valid'));
      expect(firstDifference(dbSum, dbSumWant)).toBe(-1);

      for (const [name, h] of [['relu', relu], ['reluBackward', rb], ['maxPool', mp], ['adam', ad], ['addRows', ar], ['channelSums', cs]] as const) {
        expect(h.asked.length, name).toBeGreaterThan(0);
        expect(h.asked.every((b) => b > PAGE_BYTES), name).toBe(true);
        expect(h.answered.every((ok) => ok === grows), name).toBe(true);
        expect(h.instances.length > 0, name).toBe(grows);
      }
    });
  }
});
