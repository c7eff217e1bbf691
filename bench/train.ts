// The train family: full training steps (forward, backward, optimizer update) of the classic
// MNIST CNN — input [28,28,1] → Conv2D(128, K×K, relu) → MaxPool2D(2) → Flatten → Dense(10, softmax),
// categorical cross-entropy — at batch 32 and batch 1, K = 3 and 4, in images per second.
//
// One call = one training step on the next batch of a fixed set of random images (the speed does
// not depend on the pixels). Engines:
//   naive      the tatami step below under setKernels('reference'): every op on its naive twin (the reference)
//   tatami     the Model API: `trainStep`, the step fit runs (forward in training mode, the compiled
//              loss, backward, one Adam step, the step's buffers back for reuse, clear the gradients),
//              without fit's progress bar and metrics, on the default 'fast' kernels
//   tfjs-cpu   `model.trainOnBatch` with tfjs-layers' Adam (paper form: ε added to the corrected √v̂)
//   tfjs-wasm  missing: no Conv2DBackpropFilter kernel, so it cannot train a conv layer
//   convnetjs  its Trainer with ADADELTA (ConvNetJS has no Adam), batch_size = the batch
// Check: from the same initial weights on the same first batch, every engine's loss must equal the
// reference's; tatami's weights after that step must equal the reference's too (the peers'
// optimizers differ from Keras's Adam, so only their loss is compared).

import {
  Sequential, input, Conv2D, MaxPool2D, Flatten, Dense, Tensor, setKernels, type Model, type KernelsName,
} from '../src/index.js';
import { trainStep } from '../src/models/training.js';
import type { Case, Version } from './case.js';
import { compareOutputs } from './compare.js';
import { uniform, seededRandom } from './data.js';
import { useBackend, hasKernel } from './peers/tfjs.js';
import { convnetjs, setFilters } from './peers/convnetjs.js';
import type * as TF from '@tensorflow/tfjs';
import type * as CN from 'convnetjs';

interface TrainSpec { label: string; H: number; W: number; K: number; F: number; classes: number; batch: number }

const classic = (K: number, batch: number): TrainSpec => ({ label: `classic ${K}x${K}`, H: 28, W: 28, K, F: 128, classes: 10, batch });
export const trainShapes: TrainSpec[] = [classic(3, 32), classic(4, 32), classic(3, 1), classic(4, 1)];
export const trainQuickShapes: TrainSpec[] = [
  { label: 'tiny 3x3', H: 10, W: 9, K: 3, F: 4, classes: 10, batch: 4 },
  { label: 'tiny 3x3', H: 10, W: 9, K: 3, F: 4, classes: 10, batch: 1 },
];

/** Batches cycled through by every engine: images [B,H,W,1] in [0,1), one-hot labels [B,10]. */
interface TrainData { xs: Float32Array[]; ys: Float32Array[]; labels: number[][] }

function trainData(spec: TrainSpec, batches: number): TrainData {
  const rand = seededRandom(31);
  const data: TrainData = { xs: [], ys: [], labels: [] };
  for (let i = 0; i < batches; i++) {
    data.xs.push(uniform(spec.batch * spec.H * spec.W, 100 + i, 0, 1));
    const y = new Float32Array(spec.batch * spec.classes); // (B, 10)
    const labels: number[] = [];
    for (let b = 0; b < spec.batch; b++) {
      const c = Math.floor(rand() * spec.classes);
      labels.push(c);
      y[b * spec.classes + c] = 1;
    }
    data.ys.push(y);
    data.labels.push(labels);
  }
  return data;
}

function buildModel(spec: TrainSpec): Model {
  const model = new Sequential([
    input({ shape: [spec.H, spec.W, 1] }),
    new Conv2D({ filters: spec.F, kernelSize: spec.K, activation: 'relu' }),
    new MaxPool2D({ poolSize: 2 }),
    new Flatten(),
    new Dense({ units: spec.classes, activation: 'softmax' }),
  ], { seed: 7 });
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
  return model;
}

/** The initial weights every engine starts from (tatami's seeded Glorot init). */
function initialWeights(spec: TrainSpec): Float32Array[] {
  return buildModel(spec).getWeights().map((t) => Float32Array.from(t.data));
}

/**
 * The Model API's training step (`trainStep`, the step fit runs: forward in training mode, the
 * compiled loss, backward, one Adam step, the step's buffers back for reuse, clear the gradients) on
 * the given kernels. The setting is put in place for each step and the default put back after it,
 * so the versions of a case can run in any order.
 */
function modelVersion(spec: TrainSpec, data: TrainData, init: Float32Array[], kernels: KernelsName): Version {
  let model: Model | null = null;
  let params: Tensor[] = [];
  let xs: Tensor[] = [];
  let ys: Tensor[] = [];
  let i = 0;
  let loss = NaN;
  const reference = kernels === 'reference';
  return {
    name: reference ? 'naive' : 'tatami',
    engine: 'tatami',
    note: reference ? "the same step under setKernels('reference'): the naive kernels; Adam" : "Model API, fit's inner loop; Adam",
    prepare() {
      const m = buildModel(spec);
      m.setWeights(init.map((w, j) => new Tensor(Float32Array.from(w), m.getWeights()[j].shape)));
      params = m.trainableWeights();
      for (const p of params) p.requiresGrad = true; // as fit does before its first step
      xs = data.xs.map((x) => new Tensor(x, [spec.batch, spec.H, spec.W, 1]));
      ys = data.ys.map((y) => new Tensor(y, [spec.batch, spec.classes]));
      model = m;
      i = 0;
    },
    run() {
      const m = model as Model;
      const k = i++ % xs.length;
      setKernels(kernels);
      try {
        loss = trainStep(m, params, xs[k], ys[k], m.trainingRng()); // fit's step, as fit runs it
      } finally {
        setKernels('fast');
      }
      return loss;
    },
    read: () => [[loss], ...params.map((p) => p.data)],
    dispose() { model = null; params = []; xs = []; ys = []; },
  };
}

async function tfjsVersion(spec: TrainSpec, data: TrainData, init: Float32Array[]): Promise<Version> {
  let tf: typeof TF | null = null;
  let model: TF.Sequential | null = null;
  let xs: TF.Tensor[] = [];
  let ys: TF.Tensor[] = [];
  let i = 0;
  let loss = NaN;
  return {
    name: 'tfjs-cpu', engine: 'tfjs-cpu', note: 'trainOnBatch; its Adam (paper form)',
    async prepare() {
      tf = await useBackend('cpu');
      const t = tf;
      model = t.sequential({
        layers: [
          t.layers.conv2d({ inputShape: [spec.H, spec.W, 1], filters: spec.F, kernelSize: spec.K, activation: 'relu' }),
          t.layers.maxPooling2d({ poolSize: 2 }),
          t.layers.flatten(),
          t.layers.dense({ units: spec.classes, activation: 'softmax' }),
        ],
      });
      model.compile({ optimizer: t.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'categoricalCrossentropy' });
      const shapes = [[spec.K, spec.K, 1, spec.F], [spec.F], [init[2].length / spec.classes, spec.classes], [spec.classes]];
      model.setWeights(init.map((w, j) => t.tensor(w, shapes[j])));
      xs = data.xs.map((x) => t.tensor(x, [spec.batch, spec.H, spec.W, 1]));
      ys = data.ys.map((y) => t.tensor(y, [spec.batch, spec.classes]));
      i = 0;
    },
    async run() {
      const k = i++ % xs.length;
      const l = await (model as TF.Sequential).trainOnBatch(xs[k], ys[k]);
      loss = Array.isArray(l) ? l[0] : l;
      return loss;
    },
    read: () => [[loss]],
    dispose() {
      model?.dispose();
      for (const t of [...xs, ...ys]) t.dispose();
      model = null; xs = []; ys = [];
    },
  };
}

function convnetjsVersion(spec: TrainSpec, data: TrainData, init: Float32Array[]): Version {
  let trainer: CN.Trainer | null = null;
  let vols: CN.Vol[][] = [];
  let i = 0;
  let loss = NaN;
  return {
    name: 'convnetjs', engine: 'convnetjs', note: 'its Trainer with ADADELTA (no Adam in ConvNetJS); Float64',
    prepare() {
      const cn = convnetjs();
      const net = new cn.Net();
      net.makeLayers([
        { type: 'input', out_sx: spec.W, out_sy: spec.H, out_depth: 1 },
        { type: 'conv', sx: spec.K, filters: spec.F, stride: 1, pad: 0, activation: 'relu' },
        { type: 'pool', sx: 2, stride: 2 },
        { type: 'softmax', num_classes: spec.classes },
      ]);
      // Same initial weights: conv (HWIO → one K×K×1 Vol per filter), fc (dense [P,10] → one P-Vol per class).
      const conv = net.layers.find((l: CN.Layer) => l.layer_type === 'conv') as CN.Layer;
      const fc = net.layers.find((l: CN.Layer) => l.layer_type === 'fc') as CN.Layer;
      setFilters(conv.filters as CN.Vol[], init[0], spec.K, spec.K, 1, spec.F);
      (conv.biases as CN.Vol).w.set(init[1]);
      const P = init[2].length / spec.classes;
      (fc.filters as CN.Vol[]).forEach((f, c) => { for (let p = 0; p < P; p++) f.w[p] = init[2][p * spec.classes + c]; });
      (fc.biases as CN.Vol).w.set(init[3]);
      trainer = new cn.Trainer(net, { method: 'adadelta', batch_size: spec.batch, l2_decay: 0, ro: 0.95, eps: 1e-6 });
      const per = spec.H * spec.W;
      vols = data.xs.map((x) => Array.from({ length: spec.batch }, (_, b) => {
        const v = new cn.Vol(spec.W, spec.H, 1, 0);
        v.w.set(x.subarray(b * per, (b + 1) * per));
        return v;
      }));
      i = 0;
    },
    run() {
      const k = i++ % vols.length;
      const t = trainer as CN.Trainer;
      let sum = 0;
      // B examples; the trainer updates once, after the B-th (batch_size = B).
      for (let b = 0; b < spec.batch; b++) sum += t.train(vols[k][b], data.labels[k][b]).cost_loss;
      loss = sum / spec.batch;
      return loss;
    },
    read: () => [[loss]],
    dispose() { trainer = null; vols = []; },
  };
}

/** Loss within 1e-3 relative; weights (when returned) as the element-wise check. */
function checkStep(got: ArrayLike<number>[], want: ArrayLike<number>[]): string | null {
  const l = got[0]?.[0];
  const w = want[0][0];
  if (!(Math.abs(l - w) <= 1e-5 + 1e-3 * Math.abs(w))) return `first-step loss ${l}, the naive step's ${w}`;
  if (got.length > 1) {
    const cmp = compareOutputs(got.slice(1), want.slice(1), { atol: 1e-4, rtol: 1e-3 });
    if (!cmp.ok) return `weights after one step: ${cmp.message}`;
  }
  return null;
}

export interface TrainCaseOptions { quick?: boolean; peers?: boolean }

export async function* trainCases(options: TrainCaseOptions = {}): AsyncGenerator<Case> {
  const { quick = false, peers = true } = options;
  for (const spec of quick ? trainQuickShapes : trainShapes) {
    const data = trainData(spec, 4);
    const init = initialWeights(spec);
    const versions: Version[] = [modelVersion(spec, data, init, 'fast')];
    if (peers) {
      versions.push(await tfjsVersion(spec, data, init));
      const wasmCanTrain = await hasKernel('Conv2DBackpropFilter', 'wasm');
      versions.push({
        name: 'tfjs-wasm', engine: 'tfjs-wasm', run: () => undefined, read: () => [],
        missing: wasmCanTrain ? 'not wired up' : 'no Conv2DBackpropFilter kernel: cannot train a conv layer',
      });
      versions.push(convnetjsVersion(spec, data, init));
    }
    yield {
      family: 'train', shape: `${spec.label} ${spec.H}x${spec.W}x1→${spec.F}`, op: `step b${spec.batch}`,
      unit: 'images/s', work: spec.batch, tolerance: { atol: 1e-4, rtol: 1e-3 }, check: checkStep,
      reference: modelVersion(spec, data, init, 'reference'), versions,
    };
  }
}
