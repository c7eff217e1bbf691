/**
 * The random augmentation layers and their affine-transform kernel. They need not match Keras bit for
 * bit (they are random), but their geometry must be right: fill modes as Keras documents them, a flip
 * flips, a rotation moves a known pixel where the formula says, the draws span the configured range.
 */
import { describe, it, expect } from 'vitest';
import {
  Rng, Tensor, tensor, randomNormal, RandomFlip, RandomTranslation, RandomRotation, RandomZoom, RandomContrast, affineTransform,
  Sequential, input, loadModel, type FillMode,
} from '../../src/index.js';
import { affineTransformForward, affineTransformBackward, type AffineShape } from '../../kernels/affine-transform.js';
import { expectClose, expectGradOk } from '../helpers.js';
import { TRAIN, INFER } from './layer-peer.js';

const row = tensor([1, 2, 3, 4], [1, 1, 4, 1]);
const shift = (dx: number): Float64Array => Float64Array.of(1, 0, -dx, 0, 1, 0, 0, 0);

describe('affine-transform kernel', () => {
  it('fill modes as Keras documents them: a 1×4 row [a b c d] = [1 2 3 4] moved right by 5 and left by 1', () => {
    // Moved right by 5, output column x reads input column x − 5 ∈ {−5, −4, −3, −2}.
    const cases: Array<[FillMode, number[], number[]]> = [
      ['reflect', [4, 4, 3, 2], [2, 3, 4, 4]], // (d c b a | a b c d | d c b a): −4..−1 are d c b a, −5 is the d before
      ['wrap', [4, 1, 2, 3], [2, 3, 4, 1]], //    (a b c d | a b c d | a b c d)
      ['nearest', [1, 1, 1, 1], [2, 3, 4, 4]], // (a a a a | a b c d | d d d d)
      ['constant', [9, 9, 9, 9], [2, 3, 4, 9]], // (k k k k | a b c d | k k k k), k = 9
    ];
    for (const [fillMode, right5, left1] of cases) {
      for (const interpolation of ['nearest', 'bilinear'] as const) {
        const o = { fillMode, interpolation, fillValue: 9 };
        expectClose(affineTransform(row, shift(5), o), right5, 0, 0, `${fillMode} ${interpolation} +5`);
        expectClose(affineTransform(row, shift(-1), o), left1, 0, 0, `${fillMode} ${interpolation} −1`);
      }
    }
  });

  it('bilinear between pixels: moved left by ½ each output averages two neighbours', () => {
    expectClose(affineTransform(row, shift(-0.5), { fillMode: 'reflect' }), [1.5, 2.5, 3.5, 4], 0, 0);
    expectClose(affineTransform(row, shift(-0.5), { fillMode: 'constant', fillValue: 9 }), [1.5, 2.5, 3.5, 6.5], 0, 0);
  });

  it('the identity transform returns the image, NaN and ±Infinity only where they were', () => {
    const x = Float32Array.of(1, NaN, Infinity, -2, 5, -Infinity);
    const out = new Float32Array(6).fill(-7);
    const s: AffineShape = { N: 1, H: 2, W: 3, C: 1, fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0 };
    affineTransformForward(out, x, Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0), s);
    expectClose(out, Array.from(x), 0, 0);
  });

  it('the backward is the adjoint of the forward and accumulates (50 seeded shapes × modes × interpolations)', () => {
    const rng = new Rng(5);
    for (let k = 0; k < 50; k++) {
      const [N, H, W, C] = [rng.integer(1, 3), rng.integer(1, 6), rng.integer(1, 6), rng.integer(1, 3)];
      const size = N * H * W * C;
      const x = Float32Array.from({ length: size }, () => rng.uniform(-1, 1));
      const y = Float32Array.from({ length: size }, () => rng.uniform(-1, 1));
      const t = new Float64Array(N * 8);
      for (let n = 0; n < N; n++) t.set([rng.uniform(-1.5, 1.5), rng.uniform(-1, 1), rng.uniform(-3, 3), rng.uniform(-1, 1), rng.uniform(-1.5, 1.5), rng.uniform(-3, 3), rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05)], n * 8);
      for (const fillMode of ['reflect', 'wrap', 'constant', 'nearest'] as const) {
        for (const interpolation of ['nearest', 'bilinear'] as const) {
          const s: AffineShape = { N, H, W, C, fillMode, interpolation, fillValue: 0 };
          const tx = new Float32Array(size).fill(NaN);
          affineTransformForward(tx, x, t, s);
          const ty = new Float32Array(size).fill(1);
          affineTransformBackward(ty, y, t, s);
          let a = 0;
          let b = 0;
          for (let i = 0; i < size; i++) {
            a += tx[i] * y[i];
            b += x[i] * (ty[i] - 1);
          }
          expect(Math.abs(a - b), `${fillMode} ${interpolation} [${N}, ${H}, ${W}, ${C}]`).toBeLessThan(1e-4);
        }
      }
    }
  });

  it('rejects a wrong number of transform values and unknown modes, naming the op', () => {
    expect(() => affineTransform(row, new Float64Array(7))).toThrow(/affineTransform: expected 8 transform values/);
    expect(() => affineTransform(row, shift(1), { fillMode: 'mirror' as FillMode })).toThrow(/affineTransform: fillMode must be one of reflect, wrap, constant, nearest/);
  });
});

/** A 9×9 single-channel image, zero but for one pixel. */
function dot(rowIdx: number, colIdx: number): Tensor {
  const t = new Tensor(new Float32Array(81), [1, 9, 9, 1]);
  t.data[rowIdx * 9 + colIdx] = 1;
  return t;
}
const argmax = (t: Tensor): [number, number] => {
  const i = t.data.indexOf(Math.max(...t.data));
  return [Math.floor(i / 9), i % 9];
};

describe('RandomFlip', () => {
  it('a flip flips: every image comes out as itself or mirrored, and over many images each flip happens', () => {
    const x = randomNormal([200, 3, 4, 2], new Rng(1));
    const y = new RandomFlip({ mode: 'horizontal' }).call(x, TRAIN(2));
    let flipped = 0;
    for (let n = 0; n < 200; n++) {
      const img = (t: Tensor, r: number, c: number, ch: number): number => t.data[((n * 3 + r) * 4 + c) * 2 + ch];
      let same = true;
      let mirrored = true;
      for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) for (let ch = 0; ch < 2; ch++) {
        same &&= img(y, r, c, ch) === img(x, r, c, ch);
        mirrored &&= img(y, r, c, ch) === img(x, r, 3 - c, ch);
      }
      expect(same || mirrored).toBe(true);
      if (mirrored) flipped++;
    }
    // Probability ½ each: 100 ± 6·√50 ≈ 100 ± 42.
    expect(Math.abs(flipped - 100)).toBeLessThan(42);
    const v = new RandomFlip({ mode: 'vertical' }).call(dot(1, 2), TRAIN(3));
    expect([[1, 2], [7, 2]]).toContainEqual(argmax(v));
  });
});

describe('RandomRotation', () => {
  it('a quarter turn (factor [¼, ¼]) moves the pixel right of the centre to above it (counter-clockwise)', () => {
    const y = new RandomRotation({ factor: [0.25, 0.25], fillMode: 'constant', interpolation: 'nearest' }).call(dot(4, 7), TRAIN(1));
    expect(argmax(y)).toEqual([1, 4]);
  });

  it('a drawn angle moves a known pixel where the formula says', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      // The layer draws one uniform per image from the Rng it is given: θ = 2π·U(−0.15, 0.15).
      const theta = new Rng(seed).uniform(-0.15, 0.15) * 2 * Math.PI;
      const y = new RandomRotation({ factor: 0.15, fillMode: 'constant' }).call(dot(4, 8), TRAIN(seed));
      // Output (x, y) reads the input at c + R(θ)·(x − c, y − c), c = (4, 4); bilinear sampling of the
      // single pixel at (x 8, y 4) gives it the tent weight (1 − |x_in − 8|)·(1 − |y_in − 4|).
      const cos = Math.cos(theta);
      const sin = Math.sin(theta);
      const want = Array.from({ length: 81 }, (_, i) => {
        const [oy, ox] = [Math.floor(i / 9) - 4, (i % 9) - 4];
        const xIn = 4 + cos * ox - sin * oy;
        const yIn = 4 + sin * ox + cos * oy;
        return Math.max(0, 1 - Math.abs(xIn - 8)) * Math.max(0, 1 - Math.abs(yIn - 4));
      });
      expectClose(y, want, 1e-6, 1e-5, `seed ${seed}, θ = ${theta}`);
      // So the brightest output is next to where the pixel lands: c + R(−θ)·(4, 0) = (4 + 4 cos θ, 4 − 4 sin θ).
      const [r, c] = argmax(y);
      expect(Math.abs(r - (4 - 4 * sin))).toBeLessThanOrEqual(1);
      expect(Math.abs(c - (4 + 4 * cos))).toBeLessThanOrEqual(1);
    }
  });

  it('the drawn angles span the configured range', () => {
    const layer = new RandomRotation({ factor: [-0.1, 0.2] });
    const rng = new Rng(9);
    const angles = Array.from({ length: 500 }, () => {
      const [cos, , , sin] = layer.draw(rng, 5, 5);
      return Math.atan2(sin, cos) / (2 * Math.PI);
    });
    expect(Math.min(...angles)).toBeGreaterThanOrEqual(-0.1 - 1e-12);
    expect(Math.max(...angles)).toBeLessThanOrEqual(0.2 + 1e-12);
    // 500 uniform draws come within 3% of the range of each end (miss chance 0.97^500 ≈ 2e-7).
    expect(Math.min(...angles)).toBeLessThan(-0.1 + 0.009);
    expect(Math.max(...angles)).toBeGreaterThan(0.2 - 0.009);
  });
});

describe('RandomTranslation and RandomZoom', () => {
  it('a translation by [¼ H, ½ W] moves the content down 2 and right 4, filling with the constant', () => {
    const x = randomNormal([1, 8, 8, 1], new Rng(4));
    const y = new RandomTranslation({ heightFactor: [0.25, 0.25], widthFactor: [0.5, 0.5], fillMode: 'constant', fillValue: -5 }).call(x, TRAIN(1));
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 8; c++) expect(y.data[r * 8 + c]).toBe(r < 2 || c < 4 ? -5 : x.data[(r - 2) * 8 + c - 4]);
    }
  });

  it('a zoom out by 2 (factor 1) reads x_in = 2·(x − c) + c: the centre stays, a pixel 2 right of it comes 1 right', () => {
    const layer = new RandomZoom({ heightFactor: [1, 1], fillMode: 'constant', interpolation: 'nearest' });
    expect(argmax(layer.call(dot(4, 4), TRAIN(1)))).toEqual([4, 4]);
    expect(argmax(layer.call(dot(4, 6), TRAIN(1)))).toEqual([4, 5]);
  });

  it('the drawn shifts and zooms span the configured ranges', () => {
    const rng = new Rng(10);
    const t = new RandomTranslation({ heightFactor: 0.2, widthFactor: [-0.1, 0.3] });
    const z = new RandomZoom({ heightFactor: [-0.3, 0.2], widthFactor: [0, 0.5] });
    const dy: number[] = [];
    const dx: number[] = [];
    const zy: number[] = [];
    const zx: number[] = [];
    for (let i = 0; i < 500; i++) {
      const m = t.draw(rng, 10, 20);
      dx.push(-m[2] / 20);
      dy.push(-m[5] / 10);
      const q = z.draw(rng, 10, 20);
      zx.push(q[0] - 1);
      zy.push(q[4] - 1);
    }
    for (const [vals, lo, hi] of [[dy, -0.2, 0.2], [dx, -0.1, 0.3], [zy, -0.3, 0.2], [zx, 0, 0.5]] as const) {
      const span = hi - lo;
      expect(Math.min(...vals)).toBeGreaterThanOrEqual(lo - 1e-12);
      expect(Math.max(...vals)).toBeLessThanOrEqual(hi + 1e-12);
      expect(Math.min(...vals)).toBeLessThan(lo + 0.03 * span);
      expect(Math.max(...vals)).toBeGreaterThan(hi - 0.03 * span);
    }
    // Without widthFactor the zoom keeps the aspect ratio.
    const q = new RandomZoom({ heightFactor: 0.3 }).draw(rng, 4, 4);
    expect(q[0]).toBe(q[4]);
  });
});

describe('RandomContrast', () => {
  it('each image becomes (x − m)·a + m per channel with a in [1 − lower, 1 + upper], clipped to valueRange', () => {
    const x = new Tensor(new Float32Array(300 * 4 * 2).map((_, i) => 100 + ((i * 37) % 50)), [300, 2, 2, 2]);
    const y = new RandomContrast({ factor: [0.2, 0.5] }).call(x, TRAIN(3));
    const factors: number[] = [];
    for (let n = 0; n < 300; n++) {
      for (let c = 0; c < 2; c++) {
        const px = [0, 1, 2, 3].map((p) => x.data[(n * 4 + p) * 2 + c]);
        const py = [0, 1, 2, 3].map((p) => y.data[(n * 4 + p) * 2 + c]);
        const m = px.reduce((s, v) => s + v, 0) / 4;
        const k = px.findIndex((v) => Math.abs(v - m) > 1);
        const a = (py[k] - m) / (px[k] - m);
        px.forEach((v, p) => expect(Math.abs(py[p] - ((v - m) * a + m))).toBeLessThan(1e-3));
        factors.push(a);
      }
    }
    expect(Math.min(...factors)).toBeGreaterThan(0.8 - 1e-4);
    expect(Math.max(...factors)).toBeLessThan(1.5 + 1e-4);
    expect(Math.min(...factors)).toBeLessThan(0.83);
    expect(Math.max(...factors)).toBeGreaterThan(1.47);
    const clipped = new RandomContrast({ factor: [0, 1], valueRange: [0, 1] }).call(tensor([0, 1, 1, 1], [1, 2, 2, 1]), TRAIN(4));
    expect(Math.min(...clipped.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...clipped.data)).toBeLessThanOrEqual(1);
    expect(() => new RandomContrast({ factor: 1.5 })).toThrow(/RandomContrast: factor must lie in \[0, 1\]/);
  });
});

describe('all augmentation layers', () => {
  const layers = (): Array<RandomFlip | RandomTranslation | RandomRotation | RandomZoom | RandomContrast> => [
    new RandomFlip(), new RandomTranslation({ heightFactor: 0.2, widthFactor: 0.3, fillMode: 'wrap' }), new RandomRotation({ factor: 0.1 }),
    new RandomZoom({ heightFactor: 0.2, fillMode: 'nearest' }), new RandomContrast({ factor: 0.3 }),
  ];
  const x = randomNormal([2, 5, 6, 3], new Rng(7), 100, 10);

  it('are the identity in inference, seeded in training, and keep the shape', () => {
    for (const layer of layers()) {
      expect(layer.call(x, INFER)).toBe(x);
      expect(layer.computeOutputShape([null, 5, 6, 3])).toEqual([null, 5, 6, 3]);
      expect(Array.from(layer.call(x, TRAIN(1)).data)).toEqual(Array.from(layer.call(x, TRAIN(1)).data));
      expect(() => layer.computeOutputShape([null, 5, 6])).toThrow(new RegExp(`${layer.className}: expected 4-D NHWC input`));
    }
  });

  it('pass gradCheck in training (the same draw each call)', () => {
    for (const layer of layers()) {
      expectGradOk((t: Tensor) => layer.call(t, TRAIN(2)), [randomNormal([2, 4, 5, 2], new Rng(8), 100, 10)], {}, layer.className);
    }
  });

  it('save and load in tatami files, keeping every option', async () => {
    const model = new Sequential([input({ shape: [5, 6, 3] }), ...layers()]);
    const again = await loadModel(await model.save());
    expect(again.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
    expect(Array.from(again.predict(x).data)).toEqual(Array.from(x.data));
  });
});
