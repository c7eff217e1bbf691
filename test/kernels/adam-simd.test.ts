import { describe, it, expect } from 'vitest';
import { adamUpdate } from '../../kernels/optimizers.js';
import { adamSlotsSimd, adamUpdateSimd } from '../../kernels/adam-simd.js';
import { adamSlotsFast, adamUpdateFast } from '../../kernels/optimizers-fast.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';
import { mulberry32, randInt, randomArray, type Rng } from './helpers.js';
import { firstDifference } from './same-bits.js';

type Update = typeof adamUpdate;

/**
 * Three Adam steps of `update` against optimizers.ts's loop (float32, one rounding per operation) from the same random state (m ≥ 0
 * small, v ≥ 0 with some exact zeros, as after the first steps); w, m, v must match bit for bit.
 */
function check(rng: Rng, update: Update, P: number): void {
  const w = randomArray(rng, P), g = randomArray(rng, P);
  const m = randomArray(rng, P, -0.1, 0.1), v = randomArray(rng, P, 0, 0.01);
  for (let i = 0; i < P; i++) if (rng() < 0.1) { v[i] = 0; g[i] = 0; }
  // Some m and v near the bottom of the normal range with g = 0: they cross 2⁻¹²⁶ and are flushed.
  for (let i = 0; i < P; i++) if (rng() < 0.05) { m[i] = (rng() - 0.5) * 2 ** -122; v[i] = rng() * 2 ** -124; g[i] = 0; }
  const want = { w: w.slice(), m: m.slice(), v: v.slice() };
  const got = { w: w.slice(), m: m.slice(), v: v.slice() };
  for (let t = 1; t <= 3; t++) {
    // α as Adam computes it at step t (lr 0.001, β₁ 0.9, β₂ 0.999).
    const alpha = (0.001 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
    adamUpdate(want.w, g, want.m, want.v, alpha, 0.9, 0.999, 1e-7);
    update(got.w, g, got.m, got.v, alpha, 0.9, 0.999, 1e-7);
  }
  for (const k of ['w', 'm', 'v'] as const) {
    const i = firstDifference(got[k], want[k]);
    expect(i, `P ${P}: ${k}[${i}] got ${got[k][i]}, want ${want[k][i]}`).toBe(-1);
  }
}

describe.runIf(simdAvailable)('Adam on WebAssembly SIMD', () => {
  it('gives the same w, m, v bits as adamUpdate on 30 random sizes and the odd ones', () => {
    const rng = mulberry32(31);
    const sizes = [1, 2, 3, 4, 5, 7, 10, 128, 1152, 216320];
    for (let t = 0; t < 30; t++) sizes.push(randInt(rng, 1, 3000));
    for (const P of sizes) check(rng, adamUpdateSimd, P);
    check(rng, adamUpdateFast, 333);
  });

  it('flushes m and v to zero below the smallest normal float32, keeps NaN, and the JS loop agrees', () => {
    // With g = 0: m ← m − m·0.1 (×0.9), v ← v − v·0.001 (×0.999). 2⁻¹²⁶·1.05·0.9 < 2⁻¹²⁶ flushes;
    // 2⁻¹²⁶·1.2·0.9 stays normal; v = 2⁻¹²⁶ (×0.999) flushes; NaN stays NaN.
    const tiny = 2 ** -126;
    const mk = () => ({ w: Float32Array.of(1, 1, 1, 1), m: Float32Array.of(tiny * 1.05, tiny * 1.2, 0.5, NaN), v: Float32Array.of(1, 1, tiny, 1) });
    const g = new Float32Array(4);
    for (const update of [adamUpdate, adamUpdateSimd]) {
      const s = mk();
      update(s.w, g, s.m, s.v, 1e-3, 0.9, 0.999, 1e-7);
      expect(s.m[0]).toBe(0);
      expect(s.m[1]).toBe(Math.fround(Math.fround(tiny * 1.2) - Math.fround(Math.fround(tiny * 1.2) * Math.fround(0.1))));
      expect(s.m[1]).toBeGreaterThanOrEqual(tiny);
      expect(s.v[2]).toBe(0);
      expect(s.m[3]).toBeNaN();
      expect(s.w[3]).toBeNaN();
    }
  });

  it('with m and v resident in wasm memory (adamSlotsSimd): the same bits, and the views hold the state', () => {
    const rng = mulberry32(33);
    for (const P of [16384, 20001, 5]) {
      const w = randomArray(rng, P), want = { w: w.slice(), m: new Float32Array(P), v: new Float32Array(P) };
      const slots = adamSlotsSimd(P);
      expect(slots).not.toBeNull();
      const [m, v] = slots as [Float32Array, Float32Array];
      expect([m.length, v.length, m.every((x) => x === 0), v.every((x) => x === 0)]).toEqual([P, P, true, true]);
      expect(m.buffer).not.toBe(w.buffer); // a view of the state's own memory
      for (let t = 1; t <= 3; t++) {
        const g = randomArray(rng, P);
        const alpha = (0.001 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
        adamUpdate(want.w, g, want.m, want.v, alpha, 0.9, 0.999, 1e-7);
        adamUpdateSimd(w, g, m, v, alpha, 0.9, 0.999, 1e-7);
      }
      for (const [k, got, exp] of [['w', w, want.w], ['m', m, want.m], ['v', v, want.v]] as const) {
        const i = firstDifference(got, exp);
        expect(i, `P ${P}: ${k}[${i}] got ${got[i]}, want ${exp[i]}`).toBe(-1);
      }
      // Writing the views (as loading saved optimizer state does) is what the next step starts from.
      m.fill(0.5);
      want.m.fill(0.5);
      const g = randomArray(rng, P);
      adamUpdate(want.w, g, want.m, want.v, 1e-3, 0.9, 0.999, 1e-7);
      adamUpdateSimd(w, g, m, v, 1e-3, 0.9, 0.999, 1e-7);
      expect(firstDifference(w, want.w)).toBe(-1);
    }
    // adamSlotsFast: resident from 16,384 floats up, plain arrays below.
    expect(adamSlotsFast(16384)[0].buffer.byteLength).toBeGreaterThan(16384 * 4 * 3);
    expect(adamSlotsFast(100)[0].buffer.byteLength).toBe(400);
  });

  it('leaves an empty parameter alone', () => {
    const e = new Float32Array(0);
    adamUpdateSimd(e, e, e, e, 1e-3, 0.9, 0.999, 1e-7);
    expect(e.length).toBe(0);
  });

  it('an update computed in float64, rounded once per line, fails the comparison', () => {
    const rng = mulberry32(32);
    const float64Adam: Update = (w, g, m, v, alpha, beta1, beta2, epsilon) => {
      for (let i = 0; i < w.length; i++) {
        m[i] += (g[i] - m[i]) * (1 - beta1);
        v[i] += (g[i] * g[i] - v[i]) * (1 - beta2);
        w[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + epsilon);
      }
    };
    expect(() => check(rng, float64Adam, 2000)).toThrow();
  });
});
