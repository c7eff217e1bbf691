// The layers family: the kernels of issue 13's layers that do real work per element — layer
// normalization, bilinear 2× upsampling (half-pixel centres), and a rotation by the affine-transform
// kernel — forward, against the same computations in tfjs-cpu and tfjs-wasm. Each has one tatami
// kernel (the reference); the harness checks every peer against it before timing.
//
//   npx tsx bench/layers.ts             full shapes
//   npx tsx bench/layers.ts --quick     small shapes, few samples
//
// Throughput is in Melem/s: millions of output elements per second.

import {
  layerNormForward, resizeBilinearForward, resizeNearestForward, affineTransformForward, type AffineShape, type Resize2dShape,
} from '../kernels/index.js';
import type { Case, Version } from './case.js';
import { runCase } from './harness.js';
import { formatTable, writeResults } from './report.js';
import { consumed } from './timing.js';
import { quickTiming } from './run.js';
import { defaultTiming } from './case.js';
import { uniform, pick } from './data.js';
import { tfVersion, type TfBackend } from './peers/tfjs.js';

const quick = process.argv.includes('--quick');
const timing = quick ? quickTiming : defaultTiming;
const backends: TfBackend[] = ['cpu', 'wasm'];

/** A tatami version: `run` fills `out` (pre-filled with NaN before the checked call). */
function tatami(name: string, outLength: number, run: (out: Float32Array) => void): Version {
  let out = new Float32Array(0);
  let calls = 0;
  return {
    name, engine: 'tatami',
    prepare() { out = new Float32Array(outLength); },
    reset() { out.fill(NaN); },
    run() { run(out); return pick(out, calls++); },
    read: () => [out],
    dispose() { out = new Float32Array(0); },
  };
}

function layerNormCase(N: number, H: number, W: number, C: number): Case {
  const x = uniform(N * H * W * C, 1, -2, 3);
  const s = { R: N * H * W, L: C, epsilon: 1e-3 };
  const mean = new Float32Array(s.R);
  const inv = new Float32Array(s.R);
  return {
    family: 'layers', shape: `${N}x${H}x${W}x${C} over C`, op: 'layerNorm fwd', unit: 'Melem/s', work: x.length,
    tolerance: { atol: 1e-5, rtol: 1e-4 },
    reference: tatami('layerNorm', x.length, (out) => layerNormForward(out, mean, inv, x, null, null, s)),
    versions: backends.map((b) => tfVersion(b, {
      inputs: () => ({ x: { data: x, shape: [N, H, W, C] } }),
      compute: (tf, t) => tf.tidy(() => {
        const { mean: m, variance: v } = tf.moments(t.x, [3], true);
        return tf.mul(tf.sub(t.x, m), tf.rsqrt(tf.add(v, 1e-3)));
      }),
    })),
  };
}

function upsampleCase(N: number, H: number, W: number, C: number, method: 'bilinear' | 'nearest'): Case {
  const x = uniform(N * H * W * C, 2);
  const s: Resize2dShape = { N, H, W, C, OH: 2 * H, OW: 2 * W };
  const outLength = N * s.OH * s.OW * C;
  const kernel = method === 'bilinear' ? resizeBilinearForward : resizeNearestForward;
  return {
    family: 'layers', shape: `${N}x${H}x${W}x${C} ×2`, op: `${method} upsample fwd`, unit: 'Melem/s', work: outLength,
    tolerance: { atol: 1e-6, rtol: 1e-5 },
    reference: tatami(method === 'bilinear' ? 'resizeBilinear' : 'resizeNearest', outLength, (out) => kernel(out, x, s)),
    versions: backends.map((b) => tfVersion(b, {
      inputs: () => ({ x: { data: x, shape: [N, H, W, C] } }),
      compute: (tf, t) => (method === 'bilinear'
        ? tf.image.resizeBilinear(t.x as never, [s.OH, s.OW], false, true)
        : tf.image.resizeNearestNeighbor(t.x as never, [s.OH, s.OW], false, true)),
    })),
  };
}

function rotationCase(N: number, H: number, W: number, C: number): Case {
  const x = uniform(N * H * W * C, 3);
  // 10° about the centre, constant fill 0 (the mode where TensorFlow's transform and Keras 3's agree).
  const theta = (10 * Math.PI) / 180;
  const [cos, sin, cx, cy] = [Math.cos(theta), Math.sin(theta), (W - 1) / 2, (H - 1) / 2];
  const one = [cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy, 0, 0];
  const transforms = new Float64Array(N * 8).map((_, i) => one[i % 8]);
  const s: AffineShape = { N, H, W, C, fillMode: 'constant', interpolation: 'bilinear', fillValue: 0 };
  return {
    family: 'layers', shape: `${N}x${H}x${W}x${C} 10°`, op: 'rotate fwd', unit: 'Melem/s', work: x.length,
    tolerance: { atol: 1e-5, rtol: 1e-4 },
    reference: tatami('affineTransform', x.length, (out) => affineTransformForward(out, x, transforms, s)),
    versions: backends.map((b) => tfVersion(b, {
      inputs: () => ({ x: { data: x, shape: [N, H, W, C] }, t: { data: Float32Array.from(transforms), shape: [N, 8] } }),
      compute: (tf, t) => tf.image.transform(t.x as never, t.t as never, 'bilinear', 'constant', 0),
    })),
  };
}

const cases = quick
  ? [layerNormCase(2, 4, 4, 8), upsampleCase(2, 4, 5, 3, 'bilinear'), upsampleCase(2, 4, 5, 3, 'nearest'), rotationCase(2, 6, 7, 3)]
  : [layerNormCase(32, 16, 16, 64), upsampleCase(32, 16, 16, 32, 'bilinear'), upsampleCase(32, 16, 16, 32, 'nearest'), rotationCase(32, 32, 32, 3)];

const rows = [];
for (const c of cases) rows.push(...(await runCase(c, timing)));
process.stdout.write(`${formatTable(rows)}\n(median of Benchmark.js samples after a cold call; checksum ${consumed().toPrecision(6)})\n`);
if (!process.argv.includes('--no-write')) process.stdout.write(`results: ${writeResults('layers', rows, timing)}\n`);
