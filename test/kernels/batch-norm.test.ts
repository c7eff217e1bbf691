// The fast batch-norm kernels (batch-norm-fast.ts) against the naive per-channel twins
// (batch-norm.ts) on seeded shapes (R = 1 row, C = 1 channel, odd sizes, a conv activation, a large
// mean next to a small spread) with NaN and ±∞ mixed in: NaN and ±∞ must land where the twin's do,
// finite values agree within atol + rtol·|ref| (the fast kernels rearrange the arithmetic). Forwards
// start from NaN-filled outputs; backwards accumulate onto a known prior. The naive backward itself
// is checked against central differences of the naive forward.

import { describe, it, expect } from 'vitest';
import { batchNormForwardTrainingNaive, batchNormForwardInferenceNaive, batchNormBackwardNaive } from '../../kernels/batch-norm.js';
import { batchNormForwardTraining, batchNormForwardInference, batchNormBackward } from '../../kernels/batch-norm-fast.js';
import { batchNormForwardTrainingSimd, batchNormForwardInferenceSimd, batchNormBackwardSimd } from '../../kernels/batch-norm-simd.js';
import { STREAM_CHUNK_FLOATS } from '../../kernels/wasm/heap.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';
import { mulberry32, randInt, randomArray, nanArray, numericGradient, expectClose, compareArrays, type Rng } from './helpers.js';
import { createHeap, engineHeap, PAGE_BYTES, type WasmHeap } from '../../kernels/wasm/heap.js';
import { batchNormModuleBytes } from '../../kernels/wasm/batch-norm-module.js';
import { firstDifference } from './same-bits.js';
import { spyHeap } from './heap-spy.js';
import { reluInPlace, reluBackwardBias } from '../../kernels/relu.js';

const EPS = 1e-3;
const TOL = { atol: 2e-5, rtol: 2e-5 };

/** NaN and ±∞ exactly where the twin has them; finite values within TOL (scaled by the largest |want|). */
function agree(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  let scale = 1;
  for (let i = 0; i < want.length; i++) if (Number.isFinite(want[i])) scale = Math.max(scale, Math.abs(want[i]));
  const finiteGot: number[] = [];
  const finiteWant: number[] = [];
  for (let i = 0; i < want.length; i++) {
    if (Number.isFinite(want[i])) {
      finiteGot.push(got[i]);
      finiteWant.push(want[i]);
    } else {
      expect(Object.is(got[i], want[i]), `${label}: [${i}] got ${got[i]}, want ${want[i]}`).toBe(true);
    }
  }
  expectClose(finiteGot, finiteWant, { atol: TOL.atol * scale, rtol: TOL.rtol }, label);
}

/** x with a channel's worth of NaN or ±∞ now and then when `special`. */
function input(rng: Rng, R: number, C: number, special: boolean, offset = 0): Float32Array {
  const x = randomArray(rng, R * C, offset - 3, offset + 3);
  if (special) for (let i = 0; i < x.length; i++) {
    const r = rng();
    if (r < 0.01) x[i] = NaN;
    else if (r < 0.02) x[i] = Infinity;
    else if (r < 0.03) x[i] = -Infinity;
  }
  return x;
}

/** A set of fast kernels to hold against the naive ones. */
interface Impl {
  name: string;
  forwardTraining: typeof batchNormForwardTraining;
  forwardInference: typeof batchNormForwardInference;
  backward: typeof batchNormBackward;
}
/** The SIMD kernels streaming their operands in chunks of about `floats` floats (whole rows), on the engine heap. */
function simdInChunks(floats: number): Impl {
  return {
    name: `simd in chunks of ${floats} floats`,
    forwardTraining: (y, mean, variance, invStd, x, gamma, beta, R, C, epsilon, relu = false) =>
      batchNormForwardTrainingSimd(y, mean, variance, invStd, x, gamma, beta, R, C, epsilon, relu, engineHeap(), floats),
    forwardInference: (y, x, mean, variance, gamma, beta, R, C, epsilon, relu = false) =>
      batchNormForwardInferenceSimd(y, x, mean, variance, gamma, beta, R, C, epsilon, relu, engineHeap(), floats),
    backward: (dx, dgamma, dbeta, dy, x, mean, invStd, gamma, R, C, training, reluOut = null) =>
      batchNormBackwardSimd(dx, dgamma, dbeta, dy, x, mean, invStd, gamma, R, C, training, reluOut, false, engineHeap(), floats),
  };
}
const impls: Impl[] = [
  { name: 'fast', forwardTraining: batchNormForwardTraining, forwardInference: batchNormForwardInference, backward: batchNormBackward },
  { name: 'simd', forwardTraining: batchNormForwardTrainingSimd, forwardInference: batchNormForwardInferenceSimd, backward: batchNormBackwardSimd },
  // 40 floats: 10 rows of 4 channels, 3 of 12, 1 of 36 or more; so most shapes below span several chunks.
  simdInChunks(40),
];

function check(impl: Impl, rng: Rng, R: number, C: number, special: boolean, affine: boolean, offset = 0): void {
  const label = `${impl.name} R ${R} C ${C}${special ? ' with NaN/±∞' : ''}${affine ? '' : ' without γ, β'}${offset ? ` around ${offset}` : ''}`;
  const x = input(rng, R, C, special, offset);
  const gamma = affine ? randomArray(rng, C, 0.5, 2) : null;
  const beta = affine ? randomArray(rng, C) : null;
  // Training forward.
  const outs = () => [nanArray(R * C), nanArray(C), nanArray(C), nanArray(C)] as const;
  const want = outs();
  batchNormForwardTrainingNaive(...want, x, gamma, beta, R, C, EPS);
  const got = outs();
  impl.forwardTraining(...got, x, gamma, beta, R, C, EPS);
  ['y', 'mean', 'variance', 'invStd'].forEach((name, k) => agree(got[k], want[k], `training ${name} ${label}`));
  // Inference forward with moving statistics.
  const mm = randomArray(rng, C);
  const mv = randomArray(rng, C, 0.1, 3);
  const yWant = nanArray(R * C);
  batchNormForwardInferenceNaive(yWant, x, mm, mv, gamma, beta, R, C, EPS);
  const yGot = nanArray(R * C);
  impl.forwardInference(yGot, x, mm, mv, gamma, beta, R, C, EPS);
  agree(yGot, yWant, `inference y ${label}`);
  // Backward in both modes, accumulating onto the same priors.
  const dy = randomArray(rng, R * C);
  for (const training of [true, false]) {
    const mean = training ? want[1] : mm;
    const invStd = training ? want[3] : mv.map((v) => 1 / Math.sqrt(v + EPS));
    const priors = [randomArray(rng, R * C), randomArray(rng, C), randomArray(rng, C)];
    const bw = priors.map((p) => Float32Array.from(p));
    batchNormBackwardNaive(bw[0], bw[1], bw[2], dy, x, mean, invStd, gamma, R, C, training);
    const bg = priors.map((p) => Float32Array.from(p));
    impl.backward(bg[0], bg[1], bg[2], dy, x, mean, invStd, gamma, R, C, training);
    ['dx', 'dgamma', 'dbeta'].forEach((name, k) => agree(bg[k], bw[k], `${training ? 'training' : 'inference'} ${name} ${label}`));
    // Gradients nobody wants are skipped: dx alone equals dx of the full call.
    const dxOnly = Float32Array.from(priors[0]);
    impl.backward(dxOnly, null, null, dy, x, mean, invStd, gamma, R, C, training);
    agree(dxOnly, bw[0], `dx alone ${label}`);
  }
}

for (const impl of impls) {
  describe(`batch-norm kernels: the ${impl.name} twins agree with the naive ones`, () => {
    it('on the awkward shapes and a conv activation', () => {
      const rng = mulberry32(21);
      // C = 1 and odd C take the JS passes in the SIMD set; multiples of 4 its vectors.
      const shapes: Array<[number, number]> = [[1, 1], [1, 7], [9, 1], [2, 3], [13, 5], [1, 8], [5, 4], [33, 12], [32 * 6 * 6, 16], [101, 33]];
      for (const [R, C] of shapes) {
        for (const special of [false, true]) {
          check(impl, rng, R, C, special, true);
          check(impl, rng, R, C, special, false);
        }
      }
      // A mean far from 0 next to a spread of ±3: the one-pass variance must not cancel.
      check(impl, rng, 64, 8, false, true, 1000);
    });

    it('on 50 seeded random shapes', () => {
      const rng = mulberry32(22);
      for (let t = 0; t < 50; t++) check(impl, rng, randInt(rng, 1, 120), t % 2 === 0 ? 4 * randInt(rng, 1, 10) : randInt(rng, 1, 40), t % 3 === 0, t % 4 !== 0);
    });
  });
}

describe('batch-norm forwards with a fused ReLU: the same forward, then relu.ts\'s reluInPlace, bit for bit', () => {
  const sets: Impl[] = [{ name: 'naive', forwardTraining: batchNormForwardTrainingNaive, forwardInference: batchNormForwardInferenceNaive, backward: batchNormBackwardNaive }, ...impls];
  for (const impl of sets) {
    it(`${impl.name}: training and inference, on seeded shapes with NaN and ±∞`, () => {
      const rng = mulberry32(23);
      const shapes: Array<[number, number]> = [[1, 1], [9, 3], [5, 4], [33, 12], [32 * 6 * 6, 8]];
      for (let t = 0; t < 12; t++) shapes.push([randInt(rng, 1, 120), t % 2 === 0 ? 4 * randInt(rng, 1, 10) : randInt(rng, 1, 40)]);
      let zeros = 0;
      for (const [R, C] of shapes) {
        for (const special of [false, true]) {
          const label = `${impl.name} R ${R} C ${C}${special ? ' with NaN/±∞' : ''}`;
          const x = input(rng, R, C, special);
          const gamma = randomArray(rng, C, 0.5, 2), beta = randomArray(rng, C);
          const outs = () => [nanArray(R * C), nanArray(C), nanArray(C), nanArray(C)] as const;
          const want = outs();
          impl.forwardTraining(...want, x, gamma, beta, R, C, EPS);
          reluInPlace(want[0]);
          const got = outs();
          impl.forwardTraining(...got, x, gamma, beta, R, C, EPS, true);
          ['y', 'mean', 'variance', 'invStd'].forEach((name, k) => expect(firstDifference(got[k], want[k]), `training ${name} ${label}`).toBe(-1));
          const mm = randomArray(rng, C), mv = randomArray(rng, C, 0.1, 3);
          const yWant = nanArray(R * C);
          impl.forwardInference(yWant, x, mm, mv, gamma, beta, R, C, EPS);
          reluInPlace(yWant);
          const yGot = nanArray(R * C);
          impl.forwardInference(yGot, x, mm, mv, gamma, beta, R, C, EPS, true);
          expect(firstDifference(yGot, yWant), `inference y ${label}`).toBe(-1);
          zeros += got[0].filter((v) => v === 0).length;
          expect(got[0].some((v) => v < 0), label).toBe(false);
        }
      }
      expect(zeros).toBeGreaterThan(0); // the ReLU did cut something
    });
  }
});

describe('batch-norm backwards with a fused ReLU: relu.ts\'s mask of dy, then the same backward, bit for bit', () => {
  const sets: Impl[] = [{ name: 'naive', forwardTraining: batchNormForwardTrainingNaive, forwardInference: batchNormForwardInferenceNaive, backward: batchNormBackwardNaive }, ...impls];
  for (const impl of sets) {
    it(`${impl.name}: training and inference, on seeded shapes with NaN and ±∞ in the output and in dy`, () => {
      const rng = mulberry32(27);
      const shapes: Array<[number, number]> = [[1, 1], [9, 3], [5, 4], [33, 12], [32 * 6 * 6, 8]];
      for (let t = 0; t < 12; t++) shapes.push([randInt(rng, 1, 120), t % 2 === 0 ? 4 * randInt(rng, 1, 10) : randInt(rng, 1, 40)]);
      let masked = 0;
      for (const [R, C] of shapes) {
        for (const special of [false, true]) {
          const label = `${impl.name} R ${R} C ${C}${special ? ' with NaN/±∞' : ''}`;
          const x = input(rng, R, C, special), gamma = randomArray(rng, C, 0.5, 2);
          const mean = randomArray(rng, C), invStd = randomArray(rng, C, 0.2, 2);
          const reluOut = input(rng, R, C, special); // the forward's output: its signs (and NaN) choose the mask
          for (let i = 0; i < reluOut.length; i += 7) reluOut[i] = i % 2 === 0 ? 0 : -0; // ±0 are cut too
          const dy = input(rng, R, C, special);
          const dyBefore = dy.slice();
          const dz = nanArray(R * C);
          reluBackwardBias(dz, null, dy, reluOut, C);
          masked += dz.filter((v, i) => v === 0 && dy[i] !== 0).length;
          for (const training of [true, false]) {
            const priors = [randomArray(rng, R * C), randomArray(rng, C), randomArray(rng, C)];
            const want = priors.map((p) => p.slice());
            impl.backward(want[0], want[1], want[2], dz, x, mean, invStd, gamma, R, C, training);
            const got = priors.map((p) => p.slice());
            impl.backward(got[0], got[1], got[2], dy, x, mean, invStd, gamma, R, C, training, reluOut);
            ['dx', 'dgamma', 'dbeta'].forEach((name, k) => expect(firstDifference(got[k], want[k]), `${training ? 'training' : 'inference'} ${name} ${label}`).toBe(-1));
            const dxOnly = priors[0].slice();
            impl.backward(dxOnly, null, null, dy, x, mean, invStd, gamma, R, C, training, reluOut);
            expect(firstDifference(dxOnly, want[0]), `dx alone ${label}`).toBe(-1);
          }
          expect(firstDifference(dy, dyBefore), `dy left as it was, ${label}`).toBe(-1);
        }
      }
      expect(masked).toBeGreaterThan(0); // the mask did cut something
    });
  }
});

it('the SIMD batch-norm kernels run on this engine (else the simd set above only re-tests the JS passes)', () => {
  expect(simdAvailable).toBe(true);
});

it('the module\'s pair passes (8 channels a step, constants in registers) give the bits of its row-by-row passes, NaN and ±∞ included', () => {
  // Called on a heap of their own, with the same operands and the same starting dx.
  type Pass = (...args: number[]) => void;
  const heap = createHeap();
  const m = heap.instance('batch-norm', batchNormModuleBytes) as unknown as Record<string, Pass>;
  const rng = mulberry32(808);
  for (const [R, C] of [[1, 8], [7, 16], [25, 24], [3, 32], [101, 8], [32 * 14 * 14, 16]]) {
    const n = R * C;
    const views = heap.views((4 * C + 4 * n) * 4);
    if (views === null) throw new Error('the test heap cannot grow');
    const { f32 } = views;
    const K = 0, A = C, B = 2 * C, D = 3 * C, X = 4 * C, U = X + n, OUT = U + n, OUT2 = OUT + n;
    const special = [NaN, Infinity, -Infinity, -0];
    for (let i = 0; i < OUT; i++) f32[i] = rng() < 0.03 ? special[i % 4] : (rng() - 0.5) * 10;
    const start = randomArray(rng, n);
    for (const [name, accumulate] of [['bn_affine', false], ['bn_affine_relu', false], ['bn_dx', true]] as const) {
      const run = (fn: string, out: number): Float32Array => {
        f32.set(start, out);
        if (accumulate) m[fn](4 * out, 4 * X, 4 * U, 4 * K, 4 * A, 4 * B, 4 * D, R, C / 4);
        else m[fn](4 * out, 4 * X, 4 * K, 4 * A, 4 * B, R, C / 4);
        return f32.slice(out, out + n);
      };
      const want = run(name, OUT), got = run(`${name}_pairs`, OUT2);
      expect(firstDifference(got, want), `${name}_pairs R ${R} C ${C}`).toBe(-1);
    }
  }
});

describe('batch-norm naive backward', () => {
  /** Central differences of L = Σ y·r through the training (or inference) forward, for x, γ and β. */
  function numeric(R: number, C: number, training: boolean, seed: number): void {
    const rng = mulberry32(seed);
    const x = randomArray(rng, R * C, -2, 2);
    const gamma = randomArray(rng, C, 0.5, 2);
    const beta = randomArray(rng, C);
    const mm = randomArray(rng, C);
    const mv = randomArray(rng, C, 0.5, 2);
    const r = randomArray(rng, R * C);
    const forward = (): Float32Array => {
      const y = new Float32Array(R * C);
      if (training) batchNormForwardTrainingNaive(y, new Float32Array(C), new Float32Array(C), new Float32Array(C), x, gamma, beta, R, C, EPS);
      else batchNormForwardInferenceNaive(y, x, mm, mv, gamma, beta, R, C, EPS);
      return y;
    };
    const mean = new Float32Array(C), variance = new Float32Array(C), invStd = new Float32Array(C);
    batchNormForwardTrainingNaive(new Float32Array(R * C), mean, variance, invStd, x, gamma, beta, R, C, EPS);
    const dx = new Float32Array(R * C), dg = new Float32Array(C), db = new Float32Array(C);
    batchNormBackwardNaive(dx, dg, db, r, x, training ? mean : mm, training ? invStd : mv.map((v) => 1 / Math.sqrt(v + EPS)), gamma, R, C, training);
    const tol = { atol: 2e-2, rtol: 2e-2 };
    const label = `${training ? 'training' : 'inference'} R ${R} C ${C}`;
    expectClose(dx, numericGradient(x, r, forward), tol, `dx ${label}`);
    expectClose(dg, numericGradient(gamma, r, forward), tol, `dgamma ${label}`);
    expectClose(db, numericGradient(beta, r, forward), tol, `dbeta ${label}`);
  }

  it('matches central differences in training and inference mode', () => {
    numeric(6, 3, true, 31);
    numeric(6, 3, false, 32);
    numeric(17, 2, true, 33);
  });

  it('the check catches a training backward that forgets the gradient through the mean', () => {
    const rng = mulberry32(34);
    const R = 8, C = 2;
    const x = randomArray(rng, R * C, -2, 2);
    const dy = randomArray(rng, R * C);
    const mean = new Float32Array(C), variance = new Float32Array(C), invStd = new Float32Array(C);
    batchNormForwardTrainingNaive(new Float32Array(R * C), mean, variance, invStd, x, null, null, R, C, EPS);
    const good = new Float32Array(R * C);
    batchNormBackwardNaive(good, null, null, dy, x, mean, invStd, null, R, C, true);
    const wrong = new Float32Array(R * C); // the inference formula: no term through μ and σ²
    batchNormBackwardNaive(wrong, null, null, dy, x, mean, invStd, null, R, C, false);
    expect(compareArrays(wrong, good, { atol: 1e-3, rtol: 1e-3 }).ok).toBe(false);
  });
});

describe('batch-norm SIMD on a heap that cannot grow', () => {
  // 1,500 rows of 16 channels: 96 KB of x alone, more than a 1-page heap holds (the training passes
  // keep x whole in the heap; the inference forward, a chunk of STREAM_CHUNK_FLOATS floats and the
  // per-channel constants: 66 KB, also past a page, as the asked sizes below check). On such a heap each
  // pass must ask, be refused, instantiate nothing and give batch-norm-fast.ts's bits; on a heap that
  // grows, the module runs there (the same bits as on the engine heap).
  const [R, C] = [1500, 16];
  const rng = mulberry32(1516);
  const x = input(rng, R, C, true);
  const dy = randomArray(rng, R * C);
  const gamma = randomArray(rng, C, 0.5, 1.5), beta = randomArray(rng, C);
  const dxStart = randomArray(rng, R * C), dgStart = randomArray(rng, C), dbStart = randomArray(rng, C);

  /** Every output of the training forward, the inference forward and the training backward. */
  function run(impl: 'fast' | WasmHeap | undefined): Float32Array[] {
    const y = nanArray(R * C), mean = nanArray(C), variance = nanArray(C), invStd = nanArray(C), yInf = nanArray(R * C);
    const dx = dxStart.slice(), dg = dgStart.slice(), db = dbStart.slice();
    if (impl === 'fast') {
      batchNormForwardTraining(y, mean, variance, invStd, x, gamma, beta, R, C, EPS);
      batchNormForwardInference(yInf, x, mean, variance, gamma, beta, R, C, EPS);
      batchNormBackward(dx, dg, db, dy, x, mean, invStd, gamma, R, C, true);
    } else {
      batchNormForwardTrainingSimd(y, mean, variance, invStd, x, gamma, beta, R, C, EPS, false, impl);
      batchNormForwardInferenceSimd(yInf, x, mean, variance, gamma, beta, R, C, EPS, false, impl);
      batchNormBackwardSimd(dx, dg, db, dy, x, mean, invStd, gamma, R, C, true, null, false, impl);
    }
    return [y, mean, variance, invStd, yInf, dx, dg, db];
  }
  const names = ['y', 'mean', 'variance', 'invStd', 'inference y', 'dx', 'dgamma', 'dbeta'];

  for (const grows of [false, true]) {
    it(grows ? 'on a heap that grows: the module runs there, the engine heap\'s bits' : 'on a 1-page heap: batch-norm-fast.ts\'s bits, nothing instantiated', () => {
      const spy = spyHeap(grows ? createHeap() : createHeap({ maximumPages: 1 }));
      const got = run(spy.heap);
      const want = run(grows ? undefined : 'fast');
      names.forEach((name, i) => expect(firstDifference(got[i], want[i]), name).toBe(-1));
      expect(spy.asked.length).toBe(simdAvailable ? 3 : 0);
      expect(spy.asked.every((b) => b > PAGE_BYTES)).toBe(true);
      expect(spy.answered.every((ok) => ok === grows)).toBe(true);
      expect(spy.instances.length > 0).toBe(grows && simdAvailable);
    });
  }
});

describe('batch-norm SIMD backward into a dx of zeros (dxZero, bn_dx_fresh)', () => {
  // The op hands the backward a fresh dx of +0; with dxZero the pass adds its values to a +0
  // register instead of copying dx into the heap. It must give the bits of the accumulating pass on
  // a zeroed dx. dx starts NaN-filled here, so a pass that still read it would show NaN.
  function both(R: number, C: number, dy: Float32Array, x: Float32Array, gamma: Float32Array | null, reluOut: Float32Array | null): [Float32Array, Float32Array] {
    const mean = new Float32Array(C), variance = new Float32Array(C), invStd = new Float32Array(C);
    batchNormForwardTrainingNaive(new Float32Array(R * C), mean, variance, invStd, x, gamma, null, R, C, EPS);
    const want = new Float32Array(R * C);
    batchNormBackwardSimd(want, null, null, dy, x, mean, invStd, gamma, R, C, true, reluOut);
    const got = nanArray(R * C);
    batchNormBackwardSimd(got, null, null, dy, x, mean, invStd, gamma, R, C, true, reluOut, true);
    return [got, want];
  }

  it('equals the accumulating pass on zeros bit for bit, on seeded shapes with NaN/±∞, fused ReLU or not', () => {
    const rng = mulberry32(1717);
    const shapes: Array<[number, number]> = [[1, 4], [1, 8], [3, 12], [7, 16], [33, 8], [50, 20], [25088 / 64, 24]];
    for (let i = 0; i < 30; i++) shapes.push([randInt(rng, 1, 300), 4 * randInt(rng, 1, 10)]);
    // (the SIMD pass's agreement with the naive twin is the tests above; here the bits of the two SIMD passes)
    for (const [R, C] of shapes) {
      for (const relu of [false, true]) {
        const x = input(rng, R, C, true);
        const dy = input(rng, R, C, true);
        const gamma = randomArray(rng, C, -2, 2);
        const reluOut = relu ? input(rng, R, C, true) : null;
        const [got, want] = both(R, C, dy, x, gamma, reluOut);
        const at = firstDifference(got, want);
        expect(at, `R ${R} C ${C}${relu ? ' relu' : ''}: [${at}] got ${got[at]}, want ${want[at]}`).toBe(-1);
      }
    }
  });

  it('the module\'s bn_dx_fresh and bn_dx_fresh_pairs give bn_dx\'s bits on a zero dx, NaN, ±∞ and −0 included, without reading dx', () => {
    // Module level, so every operand can be chosen; the op cannot produce a −0 before dx (its last
    // constant d is +0 whenever the sums are 0). The first case's values are all −0 before dx
    // (a·(−0) + (−0)·(+0) + (−0)): bn_dx on +0 gives +0, and so must the fresh passes, which
    // start from a NaN-filled dx they must not read.
    type Pass = (...args: number[]) => void;
    const heap = createHeap();
    const m = heap.instance('batch-norm', batchNormModuleBytes) as unknown as Record<string, Pass>;
    const rng = mulberry32(1718);
    for (const [R, C, allNegativeZero] of [[5, 8, true], [1, 8, false], [7, 16, false], [25, 24, false], [101, 8, false], [32 * 14 * 14, 16, false]] as const) {
      const n = R * C;
      const views = heap.views((4 * C + 3 * n) * 4);
      if (views === null) throw new Error('the test heap cannot grow');
      const { f32 } = views;
      const K = 0, A = C, B = 2 * C, D = 3 * C, X = 4 * C, U = X + n, OUT = U + n;
      const special = [NaN, Infinity, -Infinity, -0];
      for (let i = 0; i < OUT; i++) f32[i] = rng() < 0.03 ? special[i % 4] : (rng() - 0.5) * 10;
      if (allNegativeZero) {
        f32.fill(1, K, A); f32.fill(1, A, B); f32.fill(-0, B, X); // k = 1, a = 1, b = d = −0
        f32.fill(-0, X, U); f32.fill(1, U, OUT); // dy = −0, x = k
      }
      const run = (fn: string, start: number): Float32Array => {
        f32.fill(start, OUT, OUT + n);
        m[fn](4 * OUT, 4 * X, 4 * U, 4 * K, 4 * A, 4 * B, 4 * D, R, C / 4);
        return f32.slice(OUT, OUT + n);
      };
      const want = run('bn_dx', 0);
      if (allNegativeZero) expect(want.every((v) => Object.is(v, 0))).toBe(true);
      for (const fn of ['bn_dx_fresh', 'bn_dx_fresh_pairs']) {
        const got = run(fn, NaN);
        const at = firstDifference(got, want);
        expect(at, `${fn} R ${R} C ${C}: [${at}] got ${got[at]}, want ${want[at]}`).toBe(-1);
      }
    }
  });
});

describe('batch-norm SIMD in chunks of rows: the bits of one chunk over all rows', () => {
  // The sums carry over from chunk to chunk in the heap and the per-element passes are independent
  // per element, so any chunk size must give the bits of a single chunk (one call of each pass
  // over all R rows). Every output starts NaN-filled (forwards) or at a random prior (backward, dx
  // accumulated) or at +0 (dx fresh, dxZero); the operands hold NaN, ±∞ and −0.
  const ONE_CHUNK = Infinity;
  type Outputs = Float32Array[];

  function outputs(R: number, C: number, chunkFloats: number, x: Float32Array, dy: Float32Array, reluOut: Float32Array | null,
    gamma: Float32Array | null, beta: Float32Array | null, priors: Float32Array[], relu: boolean): Outputs {
    const y = nanArray(R * C), mean = nanArray(C), variance = nanArray(C), invStd = nanArray(C), yInf = nanArray(R * C);
    batchNormForwardTrainingSimd(y, mean, variance, invStd, x, gamma, beta, R, C, EPS, relu, engineHeap(), chunkFloats);
    batchNormForwardInferenceSimd(yInf, x, mean, variance, gamma, beta, R, C, EPS, relu, engineHeap(), chunkFloats);
    const [dx, dg, db] = priors.map((p) => p.slice());
    batchNormBackwardSimd(dx, dg, db, dy, x, mean, invStd, gamma, R, C, true, reluOut, false, engineHeap(), chunkFloats);
    const dxFresh = new Float32Array(R * C);
    batchNormBackwardSimd(dxFresh, null, null, dy, x, mean, invStd, gamma, R, C, true, reluOut, true, engineHeap(), chunkFloats);
    const [dgOnly, dbOnly] = priors.slice(1).map((p) => p.slice()); // dx not wanted: pass 1 only
    batchNormBackwardSimd(null, dgOnly, dbOnly, dy, x, mean, invStd, gamma, R, C, true, reluOut, false, engineHeap(), chunkFloats);
    return [y, mean, variance, invStd, yInf, dx, dg, db, dxFresh, dgOnly, dbOnly];
  }
  const names = ['y', 'mean', 'variance', 'invStd', 'inference y', 'dx', 'dgamma', 'dbeta', 'dx fresh', 'dgamma alone', 'dbeta alone'];

  function expectSameBits(R: number, C: number, chunkFloats: number, rng: Rng): void {
    for (const relu of [false, true]) {
      const x = input(rng, R, C, true);
      for (let i = 0; i < x.length; i += 11) x[i] = -0;
      const dy = input(rng, R, C, true);
      const reluOut = relu ? input(rng, R, C, true) : null;
      const affine = rng() < 0.8;
      const gamma = affine ? randomArray(rng, C, -2, 2) : null, beta = affine ? randomArray(rng, C) : null;
      const priors = [randomArray(rng, R * C), randomArray(rng, C), randomArray(rng, C)];
      const want = outputs(R, C, ONE_CHUNK, x, dy, reluOut, gamma, beta, priors, relu);
      const got = outputs(R, C, chunkFloats, x, dy, reluOut, gamma, beta, priors, relu);
      names.forEach((name, i) => {
        const at = firstDifference(got[i], want[i]);
        expect(at, `${name}, R ${R} C ${C} in chunks of ${chunkFloats} floats${relu ? ', fused ReLU' : ''}: [${at}] got ${got[i][at]}, want ${want[i][at]}`).toBe(-1);
      });
    }
  }

  it('at the chunk edges: one row a chunk, a last chunk of one row or part of a chunk, R a multiple of the chunk, R smaller than a chunk, C past a chunk', () => {
    const rng = mulberry32(2929);
    // [R, C, chunkFloats]: rows per chunk = max(1, ⌊chunkFloats / C⌋), at most R.
    const cases: Array<[number, number, number]> = [
      [1, 4, 4], [5, 4, 4], [7, 12, 24], [9, 8, 16], [10, 8, 16], [11, 8, 16], [5, 36, 16], [3, 8, 1000],
      [33, 20, 100], [64, 24, 96], [65, 24, 96], [2, 40, 48], [101, 16, 17 * 16], [6, 4096, 1],
    ];
    for (const [R, C, chunkFloats] of cases) expectSameBits(R, C, chunkFloats, rng);
  });

  it('on 40 seeded random shapes and chunk sizes', () => {
    const rng = mulberry32(3030);
    for (let t = 0; t < 40; t++) {
      const R = randInt(rng, 1, 300), C = 4 * randInt(rng, 1, 12);
      expectSameBits(R, C, randInt(rng, 1, R * C), rng);
    }
  });

  it('at the default chunk size, on a convnet activation several chunks long (32×13×13 rows of 32 channels)', () => {
    const R = 32 * 13 * 13, C = 32;
    expect(R * C).toBeGreaterThan(2 * STREAM_CHUNK_FLOATS);
    expectSameBits(R, C, STREAM_CHUNK_FLOATS, mulberry32(3131));
  });
});
