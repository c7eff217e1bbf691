// The WebAssembly SIMD transforms of Winograd F(2×2, 3×3) against their JS twins
// (conv2d-winograd-transforms.ts): the same values up to float32 rounding, and NaN/±Inf in the same places.
import { describe, it, expect } from 'vitest';
import { inputTransform, outputTransformTile } from '../../kernels/conv2d-winograd-transforms.js';
import { inputTransformChunkSimd, outputTransformChunkSimd } from '../../kernels/conv2d-winograd-simd.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';
import { expectClose, mulberry32, nanArray, randomArray, type Rng } from './helpers.js';
import { expectSameNonFinite } from './non-finite.js';
import { firstDifference } from './same-bits.js';

/** `count` elements of a set to NaN, +Inf, −Inf in turn. */
function poison(rng: Rng, a: Float32Array, count: number): void {
  const bad = [NaN, Infinity, -Infinity];
  for (let i = 0; i < count; i++) a[Math.floor(rng() * a.length)] = bad[i % 3];
}

/** The JS input transform of tiles t0 .. t0 + tc − 1 of a padded group [g, PH, PW, IC] (runPass's loop). */
function inputChunkJs(v: Float32Array, padded: Float32Array, t0: number, tc: number, IC: number, TH: number, TW: number, PH: number, PW: number): void {
  const o = Int32Array.from({ length: 16 }, (_, q) => ((q >> 2) * PW + (q & 3)) * IC);
  for (let tl = 0; tl < tc; tl++) {
    const t = t0 + tl;
    const tw = t % TW;
    const th = Math.floor(t / TW) % TH;
    const nl = Math.floor(t / (TW * TH));
    inputTransform(v, tl, tc, IC, padded, ((nl * PH + 2 * th) * PW + 2 * tw) * IC, o);
  }
}

describe.runIf(simdAvailable)('Winograd transforms on WebAssembly SIMD', () => {
  // Operands in [−1, 1]: |Bᵀ d B| ≤ 4 after 2 float32 additions per value (≤ 2 roundings of 2⁻²⁴·4
  // each, where JS rounds once), so atol 1e-6; |Aᵀ m A + bias| ≤ 10 after 5 additions, atol 5e-6.
  const inputTol = { atol: 1e-6, rtol: 0 };

  it('input transform: chunks that start and end inside tile rows and span images', () => {
    const rng = mulberry32(12);
    // 3 images of 3×4 tiles (TH = 3, TW = 4), padded 8×10, 8 channels; chunks (t0, tc) cut anywhere.
    const [IC, TH, TW, PH, PW, g] = [8, 3, 4, 8, 10, 3];
    const padded = randomArray(rng, g * PH * PW * IC);
    for (const [t0, tc] of [[0, 36], [5, 9], [11, 1], [13, 23]]) {
      const want = nanArray(16 * tc * IC);
      inputChunkJs(want, padded, t0, tc, IC, TH, TW, PH, PW);
      const got = nanArray(want.length);
      inputTransformChunkSimd(got, padded, t0, tc, { IC, TH, TW, PH, PW });
      expectClose(got, want, inputTol, `t0=${t0} tc=${tc}`);
    }
    poison(rng, padded, 12);
    const want = nanArray(16 * 36 * IC);
    inputChunkJs(want, padded, 0, 36, IC, TH, TW, PH, PW);
    const got = nanArray(want.length);
    inputTransformChunkSimd(got, padded, 0, 36, { IC, TH, TW, PH, PW });
    expectSameNonFinite(got, want, inputTol, 'input transform with NaN/±Inf');
  });

  it('output transform with bias and ReLU, finite and with NaN/±Inf, and its per-tile test', () => {
    const rng = mulberry32(13);
    for (const [tc, OC, poisoned] of [[1, 4, 0], [7, 12, 0], [33, 64, 9]]) {
      const mm = randomArray(rng, 16 * tc * OC);
      poison(rng, mm, poisoned);
      const bias = randomArray(rng, OC);
      for (const relu of [false, true]) {
        // The JS twin, then the bias and ReLU as runPass's JS store applies them.
        const y = nanArray(4 * tc * OC);
        for (let tl = 0; tl < tc; tl++) outputTransformTile(y, mm, tl, tc, OC);
        const want = y.map((v, i) => Math.fround(v + bias[i % OC])).map((v) => (relu && v < 0 ? 0 : v));
        const chunk = outputTransformChunkSimd(mm, tc, OC, bias, relu, 1)!; // the engine heap grows; one tile a band: [tc, 2, 2, OC]
        const got = Float32Array.from(chunk.yt);
        const flags = Float32Array.from(chunk.flags);
        const label = `tc=${tc} OC=${OC} relu=${relu}`;
        // + 1 bias rounding on top of the transform's
        if (poisoned > 0) expectSameNonFinite(got, want, { atol: 5e-6, rtol: 0 }, label);
        else expectClose(got, want, { atol: 5e-6, rtol: 0 }, label);
        for (let tl = 0; tl < tc; tl++) {
          const tileFinite = y.subarray(4 * tl * OC, 4 * (tl + 1) * OC).every(Number.isFinite);
          const flag = flags[4 * tl] + flags[4 * tl + 1] + flags[4 * tl + 2] + flags[4 * tl + 3];
          expect(flag === 0, `${label} tile ${tl}: flag ${flag}`).toBe(tileFinite);
        }
      }
    }
  });

  it('output transform in bands: tiles side by side as they sit in two image rows, the same values as one tile a band', () => {
    const rng = mulberry32(14);
    const tc = 12, OC = 8, bandTiles = 3;
    const mm = randomArray(rng, 16 * tc * OC);
    const bias = randomArray(rng, OC);
    const one = Float32Array.from(outputTransformChunkSimd(mm, tc, OC, bias, true, 1)!.yt); // [tc, 2, 2, OC]
    const banded = outputTransformChunkSimd(mm, tc, OC, bias, true, bandTiles)!;
    expect(banded.flags.every((f) => f === 0)).toBe(true);
    const want = nanArray(4 * tc * OC); // [tc / 3, 2, 6, OC]: tile t, output (dr, dc) at band ⌊t/3⌋, row dr, pixel 2·(t % 3) + dc
    for (let t = 0; t < tc; t++) {
      for (let q = 0; q < 4; q++) {
        const at = ((Math.floor(t / bandTiles) * 2 + (q >> 1)) * 2 * bandTiles + 2 * (t % bandTiles) + (q & 1)) * OC;
        want.set(one.subarray((4 * t + q) * OC, (4 * t + q + 1) * OC), at);
      }
    }
    expect(firstDifference(banded.yt, want)).toBe(-1);
  });

  it('refuses channel counts that are not multiples of 4, naming the function', () => {
    expect(() => inputTransformChunkSimd(new Float32Array(16), new Float32Array(100), 0, 1, { IC: 3, TH: 1, TW: 1, PH: 4, PW: 4 }))
      .toThrow('inputTransformChunkSimd: channels must be a multiple of 4, got 3');
    expect(() => outputTransformChunkSimd(new Float32Array(16 * 6), 1, 6, null, false, 1)).toThrow('outputTransformChunkSimd: channels must be a multiple of 4, got 6');
    expect(() => outputTransformChunkSimd(new Float32Array(16 * 3 * 4), 3, 4, null, false, 2)).toThrow('outputTransformChunkSimd: 3 tiles are not whole bands of 2');
  });
});
