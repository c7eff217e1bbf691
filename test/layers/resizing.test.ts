/**
 * Resizing kernels and the layers on them (UpSampling2D, Resizing, CenterCrop) and
 * GlobalMaxPooling2D: worked examples, the adjoint identity of each backward, tfjs live.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { Rng, tensor, randomNormal, resize2d, UpSampling2D, Resizing, CenterCrop, GlobalMaxPooling2D, GlobalMaxPool2D } from '../../src/index.js';
import {
  resizeNearestForward, resizeNearestBackward, resizeBilinearForward, resizeBilinearBackward, type Resize2dShape,
} from '../../kernels/resize2d.js';
import { expectClose, expectGradOk, shuffledRamp } from '../helpers.js';
import { loadTf, toTf, fromTf } from '../tf-peer.js';
import { checkLayerGrad, compareLayerWithTf } from './layer-peer.js';

let tf: typeof TF;
beforeAll(async () => {
  tf = await loadTf();
});

describe('resize kernels', () => {
  it('worked examples: nearest ×2 repeats; bilinear 2 → 4 with half-pixel centers', () => {
    const s: Resize2dShape = { N: 1, H: 1, W: 2, C: 1, OH: 2, OW: 4 };
    const out = new Float32Array(8).fill(NaN);
    resizeNearestForward(out, Float32Array.of(1, 3), s);
    expect(Array.from(out)).toEqual([1, 1, 3, 3, 1, 1, 3, 3]);
    // src(o) = (o + ½)·2/4 − ½ = −0.25, 0.25, 0.75, 1.25 → x0, ¾x0 + ¼x1, ¼x0 + ¾x1, x1 (edges clamp)
    out.fill(NaN);
    resizeBilinearForward(out, Float32Array.of(1, 3), s);
    expect(Array.from(out)).toEqual([1, 1.5, 2.5, 3, 1, 1.5, 2.5, 3]);
  });

  it('each backward is the adjoint of its forward and accumulates (50 seeded shapes, up and down)', () => {
    const rng = new Rng(21);
    const shapes: Resize2dShape[] = [
      { N: 1, H: 1, W: 1, C: 1, OH: 1, OW: 1 }, { N: 1, H: 1, W: 1, C: 1, OH: 3, OW: 5 }, { N: 2, H: 5, W: 3, C: 2, OH: 1, OW: 1 },
    ];
    while (shapes.length < 50) {
      shapes.push({ N: rng.integer(1, 3), H: rng.integer(1, 7), W: rng.integer(1, 7), C: rng.integer(1, 4), OH: rng.integer(1, 9), OW: rng.integer(1, 9) });
    }
    for (const s of shapes) {
      const small = s.N * s.H * s.W * s.C;
      const large = s.N * s.OH * s.OW * s.C;
      const x = Float32Array.from({ length: small }, () => rng.uniform(-1, 1));
      const y = Float32Array.from({ length: large }, () => rng.uniform(-1, 1));
      for (const [fwd, bwd] of [[resizeNearestForward, resizeNearestBackward], [resizeBilinearForward, resizeBilinearBackward]] as const) {
        const fx = new Float32Array(large).fill(NaN);
        fwd(fx, x, s);
        const by = new Float32Array(small).fill(2);
        bwd(by, y, s);
        let a = 0;
        let b = 0;
        for (let i = 0; i < large; i++) a += fx[i] * y[i];
        for (let i = 0; i < small; i++) b += x[i] * (by[i] - 2);
        expect(Math.abs(a - b), `${fwd.name} ${JSON.stringify(s)}`).toBeLessThan(1e-4);
      }
    }
  });

  it('NaN and ±Infinity reach only the outputs that read them', () => {
    const s: Resize2dShape = { N: 1, H: 1, W: 3, C: 1, OH: 1, OW: 6 };
    const out = new Float32Array(6).fill(-7);
    resizeNearestForward(out, Float32Array.of(NaN, 1, Infinity), s);
    expectClose(out, [NaN, NaN, 1, 1, Infinity, Infinity], 0, 0);
  });
});

describe('resize2d matches tf.image.resize (half-pixel centers) in tfjs', () => {
  const cases: Array<[number[], [number, number]]> = [[[2, 4, 5, 3], [8, 10]], [[1, 5, 7, 2], [3, 4]], [[2, 3, 3, 1], [7, 2]], [[1, 1, 1, 2], [3, 3]]];
  for (const [shape, size] of cases) {
    for (const method of ['bilinear', 'nearest'] as const) {
      it(`${method} ${JSON.stringify(shape)} → ${JSON.stringify(size)}: values`, () => {
        // Values only: tfjs 4.22's resize gradients are wrong here (bilinear throws on H ≠ W; nearest
        // with half-pixel centers misplaces them past the first image). Ours is checked above as the
        // exact adjoint of this forward, and by gradCheck below.
        const x = randomNormal(shape, new Rng(shape[1] * 7 + size[0]));
        const t = toTf(tf, x) as TF.Tensor4D;
        const theirs = method === 'bilinear' ? tf.image.resizeBilinear(t, size, false, true) : tf.image.resizeNearestNeighbor(t, size, false, true);
        expectClose(resize2d(x, size, method), fromTf(theirs), 1e-5, 1e-5);
      });
    }
  }

  it('gradCheck', () => {
    expectGradOk((t) => resize2d(t, [5, 3], 'bilinear'), [randomNormal([1, 3, 4, 2], new Rng(4))]);
    expectGradOk((t) => resize2d(t, [2, 7], 'nearest'), [randomNormal([2, 3, 4, 1], new Rng(5))]);
  });
});

describe('UpSampling2D', () => {
  it('shapes, config, errors; nearest matches tfjs\'s layer; bilinear is Keras\'s (half-pixel) resize', () => {
    expect(new UpSampling2D().computeOutputShape([null, 3, 4, 2])).toEqual([null, 6, 8, 2]);
    expect(new UpSampling2D({ size: [3, 1] }).computeOutputShape([null, 3, 4, 2])).toEqual([null, 9, 4, 2]);
    expect(() => new UpSampling2D().computeOutputShape([null, 3, 2])).toThrow(/UpSampling2D: expected 4-D NHWC input/);
    expect(() => new UpSampling2D({ interpolation: 'bicubic' as 'nearest' })).toThrow(/UpSampling2D: interpolation must be 'nearest' or 'bilinear'/);
    const x = randomNormal([2, 3, 4, 2], new Rng(6));
    // Gradients on one image only: tfjs's nearest-neighbour gradient misplaces those of later images.
    compareLayerWithTf(tf, new UpSampling2D({ size: [2, 3] }), tf.layers.upSampling2d({ size: [2, 3] }), x, 'UpSampling2D nearest', 1e-5, 1e-4, false);
    compareLayerWithTf(tf, new UpSampling2D({ size: [2, 3] }), tf.layers.upSampling2d({ size: [2, 3] }), randomNormal([1, 3, 4, 2], new Rng(16)), 'UpSampling2D nearest, one image');
    const bilinear = new UpSampling2D({ size: 2, interpolation: 'bilinear' }).call(x);
    expectClose(bilinear, fromTf(tf.image.resizeBilinear(toTf(tf, x) as TF.Tensor4D, [6, 8], false, true)), 1e-6, 1e-5);
    checkLayerGrad(new UpSampling2D({ interpolation: 'bilinear' }), randomNormal([1, 2, 3, 2], new Rng(7)));
  });
});

describe('Resizing and CenterCrop', () => {
  it('Resizing: bilinear and nearest as tf.image.resize; crop_to_aspect_ratio takes the centered window first', () => {
    const x = randomNormal([2, 6, 9, 3], new Rng(8));
    expectClose(new Resizing({ height: 4, width: 5 }).call(x), fromTf(tf.image.resizeBilinear(toTf(tf, x) as TF.Tensor4D, [4, 5], false, true)), 1e-6, 1e-5);
    expectClose(new Resizing({ height: 4, width: 5, interpolation: 'nearest' }).call(x), fromTf(tf.image.resizeNearestNeighbor(toTf(tf, x) as TF.Tensor4D, [4, 5], false, true)), 0, 0);
    // 6×9 to a square: the centered 6×6 window (columns 1..6), then resized 6 → 3 on both axes.
    const window = tf.slice(toTf(tf, x), [0, 0, 1, 0], [2, 6, 6, 3]) as TF.Tensor4D;
    expectClose(new Resizing({ height: 3, width: 3, cropToAspectRatio: true }).call(x), fromTf(tf.image.resizeBilinear(window, [3, 3], false, true)), 1e-6, 1e-5);
    expect(new Resizing({ height: 3, width: 2 }).computeOutputShape([null, 8, 8, 1])).toEqual([null, 3, 2, 1]);
    expect(() => new Resizing({ height: 0, width: 2 })).toThrow(/Resizing: height must be a positive integer/);
    checkLayerGrad(new Resizing({ height: 3, width: 5 }), randomNormal([1, 4, 4, 2], new Rng(9)));
  });

  it('CenterCrop: the window at ⌊(H − h)/2⌋, ⌊(W − w)/2⌋; a smaller input is resized', () => {
    const x = tensor(Array.from({ length: 5 * 6 }, (_, i) => i), [1, 5, 6, 1]);
    // rows 1..3 (⌊(5 − 3)/2⌋ = 1), columns 1..4 (⌊(6 − 4)/2⌋ = 1)
    expectClose(new CenterCrop({ height: 3, width: 4 }).call(x), [7, 8, 9, 10, 13, 14, 15, 16, 19, 20, 21, 22], 0, 0);
    const up = new CenterCrop({ height: 10, width: 12 }).call(x);
    expectClose(up, fromTf(tf.image.resizeBilinear(toTf(tf, x) as TF.Tensor4D, [10, 12], false, true)), 1e-5, 1e-5);
    const y = randomNormal([2, 7, 6, 2], new Rng(10));
    // tfjs's CenterCrop runs CropAndResize, which has no gradient in tfjs: values only.
    compareLayerWithTf(tf, new CenterCrop({ height: 4, width: 3 }), tf.layers.centerCrop({ height: 4, width: 3 }), y, 'CenterCrop', 1e-6, 1e-5, false);
    checkLayerGrad(new CenterCrop({ height: 2, width: 3 }), randomNormal([1, 5, 4, 1], new Rng(11)));
  });
});

describe('GlobalMaxPooling2D', () => {
  it('max over H and W per channel; keepdims; alias; matches tfjs; gradCheck', () => {
    expect(GlobalMaxPool2D).toBe(GlobalMaxPooling2D);
    const x = tensor([[[[1, -5], [4, -2]], [[3, -1], [0, -9]]]]); // [1, 2, 2, 2]
    expectClose(new GlobalMaxPooling2D().call(x), [[4, -1]], 0, 0);
    expect(new GlobalMaxPooling2D({ keepdims: true }).call(x).shape).toEqual([1, 1, 1, 2]);
    expect(new GlobalMaxPooling2D().computeOutputShape([null, 5, 5, 7])).toEqual([null, 7]);
    expect(() => new GlobalMaxPooling2D().computeOutputShape([null, 5, 7])).toThrow(/GlobalMaxPooling2D: expected 4-D NHWC input/);
    compareLayerWithTf(tf, new GlobalMaxPooling2D(), tf.layers.globalMaxPooling2d({}), randomNormal([3, 4, 5, 6], new Rng(12)), 'GlobalMaxPooling2D');
    checkLayerGrad(new GlobalMaxPooling2D(), shuffledRamp([2, 3, 3, 2], new Rng(13)));
  });
});
