import { describe, it, expect } from 'vitest';
import type { Padding } from '../../kernels/conv-shape.js';
import {
  depthwiseConv2dShape, depthwiseConv2dForwardDirect, depthwiseConv2dBackwardInputDirect, depthwiseConv2dBackwardFilterDirect,
  type DepthwiseConv2dShape,
} from '../../kernels/depthwise-conv2d.js';
import {
  depthwiseConv2dForwardSimd, depthwiseConv2dBackwardInputSimd, depthwiseConv2dBackwardFilterSimd, depthwiseSimdApplies,
} from '../../kernels/depthwise-conv2d-simd.js';
import { depthwiseConv2dForwardFast, depthwiseConv2dBackwardInputFast, depthwiseConv2dBackwardFilterFast } from '../../kernels/depthwise-conv2d-fast.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';
import {
  compareArrays, expectTwinsAgree, mulberry32, nanArray, randInt, randomArray, sumTolerance, type ConvKernels, type Rng,
} from './helpers.js';
import { expectNonFiniteTwinsAgree } from './non-finite.js';
import { depthwiseConv2dForwardRows, depthwiseConv2dBackwardInputRows, depthwiseConv2dBackwardFilterRows } from '../../kernels/depthwise-conv2d-rows.js';
import { createHeap, PAGE_BYTES, type WasmHeap } from '../../kernels/wasm/heap.js';
import { firstDifference } from './same-bits.js';
import { spyHeap } from './heap-spy.js';

/** [N, H, W, C, KH, KW, M, strides, dilation, padding]. */
type Spec = [number, number, number, number, number, number, number, [number, number], [number, number], Padding];
/** [C, M] with C·M a multiple of 4: M = 1 with C = 4k, M = 2 with even C, M = 4 with any C. */
function channels(rng: Rng): [number, number] {
  const M = [1, 2, 4][randInt(rng, 0, 2)];
  return [(4 / M) * randInt(rng, 1, 4), M];
}
const shapeOf = (spec: Spec): DepthwiseConv2dShape => depthwiseConv2dShape(...spec);
const label = (s: DepthwiseConv2dShape): string =>
  `N=${s.N} H=${s.H} W=${s.W} C=${s.CI} M=${s.M} K=${s.KH}x${s.KW} stride=${s.strideH},${s.strideW} dilation=${s.dilationH},${s.dilationW} pad=${s.padTop},${s.padLeft}`;

/** One version's three kernels, as the kernel files export them (taking the shape last). */
interface Kernels {
  forward: typeof depthwiseConv2dForwardSimd;
  input: typeof depthwiseConv2dBackwardInputSimd;
  filter: typeof depthwiseConv2dBackwardFilterSimd;
}
const DIRECT: Kernels = { forward: depthwiseConv2dForwardDirect, input: depthwiseConv2dBackwardInputDirect, filter: depthwiseConv2dBackwardFilterDirect };
const SIMD: Kernels = { forward: depthwiseConv2dForwardSimd, input: depthwiseConv2dBackwardInputSimd, filter: depthwiseConv2dBackwardFilterSimd };
const FAST: Kernels = { forward: depthwiseConv2dForwardFast, input: depthwiseConv2dBackwardInputFast, filter: depthwiseConv2dBackwardFilterFast };

/** A version's kernels closed over one shape. */
const on = (k: Kernels, s: DepthwiseConv2dShape): ConvKernels => ({
  forward: (y, x, w, bias) => k.forward(y, x, w, bias, s),
  input: (dx, dy, w) => k.input(dx, dy, w, s),
  filter: (dw, dy, x) => k.filter(dw, dy, x, s),
});

/** Forward (NaN-filled output) and both gradients (onto a random prefill) against the direct twins. */
function checkAgainstDirect(rng: Rng, s: DepthwiseConv2dShape, k: Kernels = SIMD): void {
  const n = { x: s.N * s.H * s.W * s.CI, w: s.KH * s.KW * s.CO, y: s.N * s.OH * s.OW * s.CO, CO: s.CO };
  expectTwinsAgree(rng, n, 0.7, on(DIRECT, s), on(k, s), {
    forward: s.KH * s.KW, input: s.KH * s.KW, filter: s.N * s.OH * s.OW,
  }, label(s));
}

describe.runIf(simdAvailable)('the depthwise SIMD kernels equal the direct reference', () => {
  it('on ~50 seeded random shapes (CI·M a multiple of 4; M from 1 to 4)', () => {
    const rng = mulberry32(101);
    let done = 0;
    while (done < 50) {
      const [C, M] = channels(rng);
      const spec: Spec = [
        randInt(rng, 1, 3), randInt(rng, 1, 10), randInt(rng, 1, 10), C, randInt(rng, 1, 5), randInt(rng, 1, 5), M,
        [randInt(rng, 1, 3), randInt(rng, 1, 3)], [randInt(rng, 1, 3), randInt(rng, 1, 3)], rng() < 0.5 ? 'valid' : 'same',
      ];
      let s: DepthwiseConv2dShape;
      try {
        s = shapeOf(spec);
      } catch {
        continue;
      }
      checkAgainstDirect(rng, s);
      done++;
    }
  });

  const awkward: [string, Spec][] = [
    ['N = 1, C = 4, 1×1 kernel', [1, 3, 5, 4, 1, 1, 1, [1, 1], [1, 1], 'valid']],
    ['stride 3 > 2×2 kernel', [2, 9, 8, 8, 2, 2, 1, [3, 3], [1, 1], 'valid']],
    ["kernel wider than the image under 'same' (every pixel is a border pixel)", [2, 3, 2, 4, 5, 5, 1, [1, 1], [1, 1], 'same']],
    ["dilation 3 on a 1-row image: a window with no tap inside (output = bias)", [1, 1, 6, 4, 2, 2, 1, [1, 1], [3, 3], 'same']],
    ['M = 2 on 6 channels (the expanded input)', [2, 7, 5, 6, 3, 3, 2, [2, 1], [1, 1], 'same']],
    ['M = 4 on 3 channels, dilation 2', [2, 8, 7, 3, 3, 2, 4, [1, 1], [2, 2], 'valid']],
    ['MobileNet block in miniature (32 channels, stride 2)', [2, 14, 14, 32, 3, 3, 1, [2, 2], [1, 1], 'same']],
  ];
  for (const [name, spec] of awkward) {
    it(name, () => checkAgainstDirect(mulberry32(103), shapeOf(spec)));
  }

  it('propagates NaN and ±Infinity as the direct loops do', () => {
    const s = shapeOf([2, 6, 5, 8, 3, 3, 1, [1, 1], [1, 1], 'same']);
    const rng = mulberry32(105);
    const x = randomArray(rng, s.N * s.H * s.W * s.CI);
    x[9] = NaN;
    x[77] = Infinity;
    x[200] = -Infinity;
    const w = randomArray(rng, 9 * s.CO);
    const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
    dy[5] = Infinity;
    dy[90] = NaN;
    expectNonFiniteTwinsAgree(on(DIRECT, s), on(SIMD, s), x, w, dy, { forward: 9, input: 9, filter: s.N * s.OH * s.OW });
  });

  it('the comparison rejects a run that skips the last tap column', () => {
    const s = shapeOf([1, 6, 6, 4, 3, 3, 1, [1, 1], [1, 1], 'valid']);
    const rng = mulberry32(107);
    const x = randomArray(rng, 144);
    const w = randomArray(rng, 36);
    const want = nanArray(s.OH * s.OW * 4);
    depthwiseConv2dForwardDirect(want, x, w, null, s);
    const wrong = nanArray(want.length);
    depthwiseConv2dForwardSimd(wrong, x, w, null, { ...s, KW: 2, W: 5, OW: 4 });
    expect(compareArrays(wrong.subarray(0, 16), want.subarray(0, 16), sumTolerance(9)).ok).toBe(false);
  });
});

describe('the depthwise fast kernels choose a version that fits', () => {
  it('SIMD only when CI·M is a multiple of 4; the rows kernels otherwise; forward and gradients agree', () => {
    expect(depthwiseSimdApplies(shapeOf([1, 4, 4, 8, 3, 3, 1, [1, 1], [1, 1], 'same']))).toBe(true);
    expect(depthwiseSimdApplies(shapeOf([1, 4, 4, 3, 3, 3, 4, [1, 1], [1, 1], 'same']))).toBe(true);
    expect(depthwiseSimdApplies(shapeOf([1, 4, 4, 3, 3, 3, 2, [1, 1], [1, 1], 'same']))).toBe(false);
    expect(depthwiseSimdApplies(shapeOf([1, 4, 4, 6, 3, 3, 1, [1, 1], [1, 1], 'same']))).toBe(false);
    for (const spec of [[2, 5, 6, 8, 3, 3, 1, [1, 1], [1, 1], 'same'], [2, 5, 6, 3, 3, 3, 2, [2, 1], [1, 1], 'same'], [1, 5, 6, 6, 3, 2, 1, [1, 1], [2, 1], 'valid']] as Spec[]) {
      checkAgainstDirect(mulberry32(109), shapeOf(spec), FAST);
    }
  });
});

describe.runIf(simdAvailable)('the depthwise SIMD kernels on a heap that cannot grow', () => {
  // 2 images of 20×20 with 16 output channels (M = 1, and 8 channels × M = 2): x alone is 50 KiB
  // and y as much, more than a 1-page heap holds. There each kernel must ask, be refused,
  // instantiate nothing and give the rows twin's bits (asked before M = 2 expands x); on a heap
  // that grows the module runs there, with the engine heap's bits.
  const ROWS: Kernels = { forward: depthwiseConv2dForwardRows, input: depthwiseConv2dBackwardInputRows, filter: depthwiseConv2dBackwardFilterRows };
  /** y, dx (onto a prefill) and dw (onto a prefill) by `k` on `heap`. */
  function run(k: Kernels, s: DepthwiseConv2dShape, heap?: WasmHeap): Float32Array[] {
    const rng = mulberry32(1517);
    const x = randomArray(rng, s.N * s.H * s.W * s.CI), w = randomArray(rng, s.KH * s.KW * s.CO);
    const bias = randomArray(rng, s.CO), dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
    const y = nanArray(dy.length), dx = randomArray(rng, x.length), dw = randomArray(rng, w.length);
    k.forward(y, x, w, bias, s, heap);
    k.input(dx, dy, w, s, heap);
    k.filter(dw, dy, x, s, heap);
    return [y, dx, dw];
  }

  for (const spec of [[2, 20, 20, 16, 3, 3, 1, [1, 1], [1, 1], 'same'], [2, 20, 20, 8, 3, 3, 2, [1, 1], [1, 1], 'same']] as Spec[]) {
    const s = shapeOf(spec);
    for (const grows of [false, true]) {
      it(`${label(s)} on ${grows ? 'a heap that grows' : 'a 1-page heap'}`, () => {
        const spy = spyHeap(grows ? createHeap() : createHeap({ maximumPages: 1 }));
        const got = run(SIMD, s, spy.heap);
        const want = grows ? run(SIMD, s) : run(ROWS, s);
        ['y', 'dx', 'dw'].forEach((name, i) => expect(firstDifference(got[i], want[i]), name).toBe(-1));
        expect(spy.asked.length).toBeGreaterThanOrEqual(3);
        expect(spy.asked.every((b) => b > PAGE_BYTES)).toBe(true);
        expect(spy.answered.every((ok) => ok === grows)).toBe(true);
        expect(spy.instances.length > 0).toBe(grows);
      });
    }
  }
});
