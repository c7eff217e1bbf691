// Dropout's mask from random words: the SIMD pass (kernels/dropout-mask-simd.ts) against its JS twin
// (kernels/dropout-mask.ts), which is checked by hand, and the layer's rule in test/layers/layers.test.ts.
import { describe, it, expect } from 'vitest';
import { dropoutMaskFromWords, dropoutMask } from '../../kernels/dropout-mask.js';
import { dropoutMaskSimd } from '../../kernels/dropout-mask-simd.js';
import { createHeap } from '../../kernels/wasm/heap.js';
import { mulberry32, nanArray, randInt } from './helpers.js';
import { firstDifference } from './same-bits.js';
import { spyHeap } from './heap-spy.js';

/** n random 32-bit words, with the threshold's neighbours planted among them. */
function words(seed: number, n: number, rate: number): Uint32Array {
  const rng = mulberry32(seed);
  const out = Uint32Array.from({ length: n }, () => Math.floor(rng() * 4294967296));
  const t = Math.ceil(rate * 4294967296);
  for (const [i, v] of [[0, t - 1], [1, t], [2, t + 1], [3, 0], [4, 4294967295]] as const) if (i < n && v >= 0 && v < 4294967296) out[i] = v;
  return out;
}

describe('dropout mask', () => {
  it('the JS twin by hand: kept (scale) where word / 2^32 ≥ rate, else 0', () => {
    const mask = nanArray(6);
    dropoutMaskFromWords(mask, Uint32Array.of(0, 2147483647, 2147483648, 4294967295, 1288490188, 1288490189), 0.5, 2);
    expect(Array.from(mask.subarray(0, 4))).toEqual([0, 0, 2, 2]);
    // rate 0.3: 0.3·2^32 = 1288490188.8, so 1288490188 drops and 1288490189 keeps
    const m3 = nanArray(2);
    dropoutMaskFromWords(m3, Uint32Array.of(1288490188, 1288490189), 0.3, 1 / 0.7);
    expect(Array.from(m3)).toEqual([0, Math.fround(1 / 0.7)]);
  });

  it('the twin with the drawing signature: words drawn into the mask itself, then the rule', () => {
    const w = words(3, 37, 0.3);
    const want = nanArray(37);
    dropoutMaskFromWords(want, w, 0.3, 1 / 0.7);
    const got = nanArray(37);
    let drawn = -1;
    dropoutMask(got, 0.3, 1 / 0.7, (into) => { drawn = into.length; expect(into.buffer).toBe(got.buffer); into.set(w); });
    expect(drawn).toBe(37);
    expect(firstDifference(got, want)).toBe(-1);
  });

  it('SIMD equals the twin bit for bit: lengths 1–5 and seeded ones up to 5000, rates at and near the edges, words at the threshold', () => {
    const rng = mulberry32(7);
    const rates = [0.5, 0.3, 0.1 + 0.2, 1e-12, 0.999999, 0.25, 1 - 2 ** -33];
    for (let c = 0; c < 40; c++) {
      const n = c < 5 ? c + 1 : randInt(rng, 1, 5000);
      const rate = rates[c % rates.length];
      const scale = 1 / (1 - rate);
      const w = words(100 + c, n, rate);
      const want = nanArray(n);
      dropoutMaskFromWords(want, w, rate, scale);
      const got = nanArray(n);
      let drawn = -1;
      dropoutMaskSimd(got, rate, scale, (into) => { drawn = into.length; into.set(w); });
      expect(drawn).toBe(n);
      expect(firstDifference(got, want), `n=${n} rate=${rate}`).toBe(-1);
      // Both kinds occur (the planted words t − 1 and t), so a mask of one value would fail; no word reaches the last rate's threshold.
      if (n >= 2 && rate < 0.99) expect(want.includes(0) && want.includes(Math.fround(scale)), `n=${n} rate=${rate}`).toBe(true);
    }
  });

  it('a wrong threshold fails the comparison (the check can fail)', () => {
    const w = words(5, 1000, 0.5);
    const want = nanArray(1000);
    dropoutMaskFromWords(want, w, 0.5, 2);
    const got = nanArray(1000);
    dropoutMaskSimd(got, 0.5 + 2 ** -32, 2, (into) => into.set(w)); // one word (t) now drops
    expect(firstDifference(got, want)).toBe(1);
  });

  it('on a heap that cannot grow: the JS loop, the same bits, nothing instantiated', () => {
    const n = 100_000; // 400 KB of words, past a 64 KiB page
    const w = words(9, n, 0.4);
    const want = nanArray(n);
    dropoutMaskFromWords(want, w, 0.4, 1 / 0.6);
    const spy = spyHeap(createHeap({ maximumPages: 1 }));
    const got = nanArray(n);
    dropoutMaskSimd(got, 0.4, 1 / 0.6, (into) => into.set(w), spy.heap);
    expect(firstDifference(got, want)).toBe(-1);
    expect(spy.instances).toEqual([]);
  });
});
