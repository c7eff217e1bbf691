import { describe, it, expect } from 'vitest';
import { clippedReluForward, clippedReluBackward } from '../../kernels/clipped-relu.js';
import { clippedReluForwardSimd, clippedReluBackwardSimd } from '../../kernels/clipped-relu-simd.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';
import { createHeap } from '../../kernels/wasm/heap.js';
import { mulberry32, randInt, randomArray, nanArray, type Rng } from './helpers.js';
import { firstDifference } from './same-bits.js';

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  const i = firstDifference(got, want);
  expect(i, `${label}: first difference at [${i}]: got ${got[i]}, want ${want[i]}`).toBe(-1);
}

/** Values around both kinks, with the awkward ones mixed in: ±0, NaN, ±Infinity, the top itself. */
function spicyArray(rng: Rng, n: number, top: number): Float32Array {
  const special = [0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-40, 3e38, top, -top, Math.fround(top)];
  const a = randomArray(rng, n, -8, 8);
  for (let i = 0; i < n; i++) if (rng() < 0.1) a[i] = special[randInt(rng, 0, special.length - 1)];
  return a;
}

describe('the clipped ReLU, worked out by hand', () => {
  it('min(max(x, 0), 6) with NaN kept and −0 → +0; gradient 1 strictly inside (0, 6)', () => {
    const x = Float32Array.from([-1, -0, 0, 0.5, 6, 7, NaN, Infinity, -Infinity]);
    const y = nanArray(x.length);
    clippedReluForward(y, x, 6);
    expectSame(y, [0, 0, 0, 0.5, 6, 6, NaN, 6, 0], 'forward');
    const dx = Float32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1]);
    clippedReluBackward(dx, Float32Array.from([2, 2, 2, 2, 2, 2, 2, 2, 2]), x, 6);
    expectSame(dx, [1, 1, 1, 3, 1, 1, 1, 1, 1], 'backward accumulates dout where 0 < x < 6');
  });
});

describe.runIf(simdAvailable)('the clipped ReLU on WebAssembly SIMD', () => {
  it('gives the same bits as the JS twins, forward and backward, on seeded lengths and tops', () => {
    const rng = mulberry32(301);
    for (let t = 0; t < 40; t++) {
      const n = t < 6 ? t + 1 : randInt(rng, 1, 3000); // 1 … 6, then lengths no unroll divides
      const top = [6, Infinity, 0.1, 0, 1, 3.5][t % 6];
      const x = spicyArray(rng, n, top);
      const dout = spicyArray(rng, n, 2);
      const want = nanArray(n);
      clippedReluForward(want, x, top);
      const got = nanArray(n);
      clippedReluForwardSimd(got, x, top);
      expectSame(got, want, `forward n=${n} top=${top}`);
      const prior = randomArray(rng, n);
      const dxWant = Float32Array.from(prior);
      clippedReluBackward(dxWant, dout, x, top);
      const dxGot = Float32Array.from(prior);
      clippedReluBackwardSimd(dxGot, dout, x, top);
      expectSame(dxGot, dxWant, `backward n=${n} top=${top}`);
    }
  });

  it('the comparison rejects a clip at the wrong top', () => {
    const x = Float32Array.from([1, 5.5, 6.5, 7]);
    const want = nanArray(4);
    clippedReluForward(want, x, 6);
    const got = nanArray(4);
    clippedReluForwardSimd(got, x, 5);
    expect(firstDifference(got, want)).toBe(1);
  });

  it('on a heap that cannot grow, the JS twins run: the same bits', () => {
    const heap = createHeap({ maximumPages: 1 });
    const rng = mulberry32(303);
    const n = 20_000; // 80 kB per operand: more than the heap's one page
    const x = spicyArray(rng, n, 6);
    const dout = randomArray(rng, n);
    const [want, got] = [nanArray(n), nanArray(n)];
    clippedReluForward(want, x, 6);
    clippedReluForwardSimd(got, x, 6, heap);
    expectSame(got, want, 'forward');
    const [dxWant, dxGot] = [new Float32Array(n), new Float32Array(n)];
    clippedReluBackward(dxWant, dout, x, 6);
    clippedReluBackwardSimd(dxGot, dout, x, 6, heap);
    expectSame(dxGot, dxWant, 'backward');
  });

  it('an empty input is a no-op', () => {
    const y = new Float32Array(0);
    clippedReluForwardSimd(y, new Float32Array(0), 6);
    clippedReluBackwardSimd(y, new Float32Array(0), new Float32Array(0), 6);
    expect(y.length).toBe(0);
  });
});
