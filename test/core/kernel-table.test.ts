/**
 * setKernels: 'reference' really routes the ops to the naive twins (spies on both sets of family
 * tables, and the entries are the very functions of kernels/), every family's getter follows it, and
 * training on it gives the weights 'fast' gives.
 */
import { describe, it, expect, vi, afterEach, type MockInstance } from 'vitest';
import {
  Tensor, Sequential, input, Conv2D, Dropout, MaxPool2D, AvgPool2D, DepthwiseConv2D, Conv2DTranspose, BatchNormalization, Flatten, Dense, Adam,
  randomNormal, Rng, setKernels, getKernels, relu, relu6, sum, concat, maximumN,
} from '../../src/index.js';
import { getKernels as chosenName, type KernelTables } from '../../src/kernel-table.js';
import { referenceKernels } from '../../src/reference-kernels.js';
import { fastKernels } from '../../src/fast-kernels.js';
import { oneVersionBackwardKernels } from '../../src/kernel-tables/single-version.js';
import { elementwiseKernels } from '../../src/kernel-tables/elementwise.js';
import { reluKernels } from '../../src/kernel-tables/relu.js';
import { gemmKernels } from '../../src/kernel-tables/gemm.js';
import { biasGradientKernels } from '../../src/kernel-tables/bias-gradient.js';
import { conv2dKernels } from '../../src/kernel-tables/conv2d.js';
import { depthwiseConv2dKernels } from '../../src/kernel-tables/depthwise-conv2d.js';
import { conv2dTransposeKernels } from '../../src/kernel-tables/conv2d-transpose.js';
import { pool2dKernels } from '../../src/kernel-tables/pool2d.js';
import { batchNormKernels } from '../../src/kernel-tables/batch-norm.js';
import { mergeKernels } from '../../src/kernel-tables/merge.js';
import { layoutKernels } from '../../src/kernel-tables/layout.js';
import { dropoutKernels } from '../../src/kernel-tables/dropout.js';
import { fastTrainingKernels, referenceTrainingKernels, sharedTrainingKernels, type TrainingKernels } from '../../src/training-kernels.js';
import { gemmNaive } from '../../kernels/gemm.js';
import { conv2dBackwardInputDirect, conv2dBackwardFilterDirect } from '../../kernels/conv2d.js';
import { avgPool2dForwardNaive, avgPool2dBackwardNaive } from '../../kernels/avg-pool2d.js';
import { batchNormBackwardNaive } from '../../kernels/batch-norm.js';
import { adamUpdate } from '../../kernels/optimizers.js';
import { depthwiseConv2dForwardDirect } from '../../kernels/depthwise-conv2d.js';
import { conv2dTransposeForwardDirect } from '../../kernels/conv2d-transpose.js';
import { dropoutMask } from '../../kernels/dropout-mask.js';
import { simdAvailable } from '../../kernels/gemm-simd.js';

afterEach(() => setKernels('fast'));

type Family = Exclude<keyof KernelTables, 'name' | 'trains'>;

/** Each family's getter, which its ops call. */
const getters: Record<Family, () => object> = {
  elementwise: elementwiseKernels, relu: reluKernels, gemm: gemmKernels, biasGradient: biasGradientKernels, conv2d: conv2dKernels,
  depthwiseConv2d: depthwiseConv2dKernels, conv2dTranspose: conv2dTransposeKernels, pool2d: pool2dKernels, batchNorm: batchNormKernels,
  merge: mergeKernels, layout: layoutKernels, dropout: dropoutKernels, oneVersionBackward: oneVersionBackwardKernels,
};
const families = Object.keys(getters) as Family[];

/** The entries with one version, the same function in both sets (family.entry). */
const ONE_VERSION = [
  'elementwise.unaryMap', 'elementwise.reduceMax', 'elementwise.reduceMaxBackward', 'merge.productForward', 'merge.productBackward',
  'merge.extremeBackward', 'layout.transpose', 'layout.concatBackward',
  ...Object.keys(fastKernels.oneVersionBackward).map((k) => `oneVersionBackward.${k}`),
];

/** Entries whose fast version is the readable one too when the engine has no WebAssembly SIMD. */
const SIMD_ONLY = ['elementwise.sumForward', 'relu.clippedReluForward', 'relu.clippedReluBackward'];

/** Every entry of every family as [family, entry]. */
const entries = families.flatMap((f) => Object.keys(fastKernels[f]).map((k) => [f, k] as const));

/** A model that reaches every kind of table entry: conv (fused ReLU), depthwise, transposed conv, both poolings, batch-norm, dropout, GEMM, Adam. */
function model(): Sequential {
  return new Sequential([
    input({ shape: [8, 8, 2] }),
    new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
    new DepthwiseConv2D({ kernelSize: 3 }),
    new Conv2D({ filters: 4, kernelSize: 1 }), // not first: its input gradient is asked for
    // No bias before batch-norm: its true gradient is 0, and Adam's m/√v would turn the float32
    // rounding left in it into full steps of ±lr that differ between the two kernel sets.
    new Conv2DTranspose({ filters: 3, kernelSize: 2, strides: 2, useBias: false }),
    new BatchNormalization(),
    new MaxPool2D(),
    new AvgPool2D(),
    new Flatten(),
    new Dropout({ rate: 0.25 }),
    new Dense({ units: 3, activation: 'softmax' }),
  ], { seed: 7 });
}

function data(): [Tensor, Tensor] {
  const x = randomNormal([6, 8, 8, 2], new Rng(3));
  const y = new Float32Array(6 * 3);
  for (let i = 0; i < 6; i++) y[i * 3 + (i % 3)] = 1;
  return [x, new Tensor(y, [6, 3])];
}

async function train(): Promise<Float32Array[]> {
  const m = model();
  m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy' });
  const [x, y] = data();
  await m.fit(x, y, { epochs: 3, batchSize: 3, shuffle: false, verbose: 0, seed: 1 });
  return m.getWeights().map((w) => w.data);
}

/** What fit leaves out: batch-norm in inference (predict), a plain ReLU, ReLU6, a sum's backward (broadcastTo), concat and the max merge. */
function runTheRest(): void {
  const [x] = data();
  model().predict(x);
  const t = randomNormal([2, 3], new Rng(4), 0, 1, { requiresGrad: true });
  const u = randomNormal([2, 3], new Rng(5), 0, 1, { requiresGrad: true });
  sum(sum(concat([relu(t), relu6(u), maximumN([t, u])], -1), 0)).backward();
}

/** The largest |a − b| − 1e-5·|b| over all weights: ≤ 1e-5 means equal within atol = rtol = 1e-5. */
function excess(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((w, i) => {
    for (let j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs(w[j] - b[i][j]) - 1e-5 * Math.abs(b[i][j]));
  });
  return worst;
}

describe('setKernels / getKernels', () => {
  it("defaults to 'fast', switches, and names the op and the bad value", () => {
    expect(getKernels()).toBe('fast');
    setKernels('reference');
    expect(getKernels()).toBe('reference');
    for (const f of families) expect(getters[f](), f).toBe(referenceKernels[f]);
    setKernels('fast');
    expect(chosenName()).toBe('fast');
    for (const f of families) expect(getters[f](), f).toBe(fastKernels[f]);
    expect(() => setKernels('naive' as never)).toThrow(/setKernels: expected 'reference' or 'fast', got "naive"/);
  });

  it('the reference entries are the naive kernels of kernels/ themselves; one-version kernels are shared', () => {
    const entry = (set: KernelTables, f: Family, k: string): unknown => (set[f] as unknown as Record<string, unknown>)[k];
    for (const [f, k] of entries) {
      const same = entry(referenceKernels, f, k) === entry(fastKernels, f, k);
      expect(same, `${f}.${k}`).toBe(ONE_VERSION.includes(`${f}.${k}`) || (!simdAvailable && SIMD_ONLY.includes(`${f}.${k}`)));
    }
    expect(Object.keys(referenceKernels).sort()).toEqual(Object.keys(fastKernels).sort());
    for (const f of families) expect(Object.keys(referenceKernels[f]).sort(), f).toEqual(Object.keys(fastKernels[f]).sort());
    expect(referenceKernels.gemm.gemm).toBe(gemmNaive);
    expect(referenceKernels.conv2d.conv2dBackwardInput).toBe(conv2dBackwardInputDirect);
    expect(referenceKernels.conv2d.conv2dBackwardFilter).toBe(conv2dBackwardFilterDirect);
    expect(referenceKernels.pool2d.avgPool2dForward).toBe(avgPool2dForwardNaive);
    expect(referenceKernels.pool2d.avgPool2dBackward).toBe(avgPool2dBackwardNaive);
    expect(referenceKernels.batchNorm.batchNormBackward).toBe(batchNormBackwardNaive);
    expect(referenceTrainingKernels.adamUpdate).toBe(adamUpdate);
    for (const k of Object.keys(sharedTrainingKernels) as (keyof typeof sharedTrainingKernels)[]) {
      expect(referenceTrainingKernels[k], k).toBe(fastTrainingKernels[k]);
    }
    expect(referenceKernels.depthwiseConv2d.depthwiseConv2dForward).toBe(depthwiseConv2dForwardDirect);
    expect(referenceKernels.conv2dTranspose.conv2dTransposeForward).toBe(conv2dTransposeForwardDirect);
    expect(referenceKernels.dropout.dropoutMask).toBe(dropoutMask);
  });

  it("under 'reference' fit calls only reference entries, under 'fast' only fast ones", async () => {
    for (const setting of ['reference', 'fast'] as const) {
      const [used, unused] = setting === 'reference' ? [referenceKernels, fastKernels] : [fastKernels, referenceKernels];
      const spy = (set: KernelTables, f: Family, k: string): MockInstance => vi.spyOn(set[f] as unknown as Record<string, () => void>, k);
      const spies = new Map(entries.filter(([f, k]) => !ONE_VERSION.includes(`${f}.${k}`)).map(([f, k]) => [`${f}.${k}`, [spy(used, f, k), spy(unused, f, k)]] as const));
      const [usedT, unusedT] = setting === 'reference' ? [referenceTrainingKernels, fastTrainingKernels] : [fastTrainingKernels, referenceTrainingKernels];
      const spyT = (table: TrainingKernels, k: keyof TrainingKernels): MockInstance => vi.spyOn(table as unknown as Record<string, () => void>, k);
      const trainingSpies = new Map((Object.keys(fastTrainingKernels) as (keyof TrainingKernels)[]).map((k) => [k, [spyT(usedT, k), spyT(unusedT, k)]] as const));
      setKernels(setting);
      await train();
      runTheRest();
      for (const [k, [own, other]] of spies) {
        // Every entry with two versions runs in this model's fit or in runTheRest.
        expect(own.mock.calls.length, `${setting} ${k}`).toBeGreaterThan(0);
        expect(other.mock.calls.length, `${setting}: the other table's ${k}`).toBe(0);
        own.mockRestore();
        other.mockRestore();
      }
      // The optimizers' table follows the same setting (Adam's slots and update have two versions).
      for (const [k, [own, other]] of trainingSpies) {
        if (!(k in sharedTrainingKernels)) expect(own.mock.calls.length, `${setting} ${k}`).toBeGreaterThan(0);
        expect(other.mock.calls.length, `${setting}: the other training table's ${k}`).toBe(0);
        own.mockRestore();
        other.mockRestore();
      }
    }
  });

  it('training on the reference kernels gives the weights the fast ones give, within float32 reordering', async () => {
    setKernels('fast');
    const fast = await train();
    setKernels('reference');
    const reference = await train();
    // Both compute the same sums in another order (im2col blocks and SIMD lanes against plain loops):
    // each sum differs by a few float32 ulps (2⁻²⁴ ≈ 6e-8 relative per add, sums of ≤ 72 terms here),
    // and 6 Adam steps carry that into the weights without amplifying it much (no weight sits where
    // its true gradient is 0; see the model). Measured here: 6e-8 at most. 1e-5 (atol and rtol) leaves
    // room for another machine's order (the JS GEMM where SIMD is missing) and is still a thousand times
    // below one step's change (lr = 0.01), so a kernel computing anything else fails.
    expect(excess(fast, reference)).toBeLessThanOrEqual(1e-5);
    expect(fast.some((w, i) => w.some((v, j) => v !== reference[i][j]))).toBe(true); // two code paths really ran
  });

  it('the check fails when a reference kernel has an off-by-one (the checker can fail)', async () => {
    const fast = await train();
    // The filter gradient with the channel loop stopping one short (ci < CI − 1): the last input
    // channel's taps get no gradient. (A gradient off by a constant factor would not do: Adam's
    // m/√v does not see a scale.)
    const dwOff = vi.spyOn(referenceKernels.conv2d, 'conv2dBackwardFilter').mockImplementation((dw, dy, kept, s) => {
      const own = new Float32Array(dw.length); // (KH, KW, CI, CO)
      conv2dBackwardFilterDirect(own, dy, kept, s);
      for (let i = 0; i < dw.length; i++) if (Math.floor(i / s.CO) % s.CI !== s.CI - 1) dw[i] += own[i];
    });
    setKernels('reference');
    const wrong = await train();
    dwOff.mockRestore();
    expect(excess(fast, wrong)).toBeGreaterThan(1e-5);
  });
});
