// The pool family: 2-D max pooling and average pooling, NHWC, forward, backward, and forward +
// backward (what a training step pays), on the 2×2 pool of shape A's conv output (64×26×26×128).
//
// A version is a forward/backward pair (the backward may use what its forward recorded, e.g. the
// argmax). To race one: write the pair and add one line to `maxPoolVersions` / `avgPoolVersions`.
// Throughput is in Melem/s: millions of input elements per second.

import {
  pool2dShape, maxPool2dForwardNaive, maxPool2dForward, maxPool2dBackward, maxPool2dBackwardNaive,
  avgPool2dForwardNaive, avgPool2dForward, avgPool2dBackwardNaive, avgPool2dBackward,
  maxPool2dForwardFast, maxPool2dBackwardFast, type Pool2dShape, type Padding,
} from '../kernels/index.js';
import type { Case, Version } from './case.js';
import { uniform, prior, minusPrior, pick } from './data.js';
import { tfVersion, hasKernel, type TfBackend } from './peers/tfjs.js';
import { ortVersion } from './peers/onnx.js';
import { singleNodeModel, nhwcToNchw, nchwToNhwc } from './peers/onnx-model.js';
import { convnetjs, toVols, fromVols } from './peers/convnetjs.js';
import type * as CN from 'convnetjs';

/** y [N,OH,OW,C] = pool(x); a max-pool also records argmax (flat index into x). Overwrites y. */
export type PoolForwardKernel = (y: Float32Array, argmax: Int32Array, x: Float32Array, s: Pool2dShape) => void;
/** dx [N,H,W,C] += the pool's gradient given dy (and x, and the argmax its forward recorded). Accumulates. */
export type PoolBackwardKernel = (dx: Float32Array, dy: Float32Array, x: Float32Array, argmax: Int32Array, s: Pool2dShape) => void;

export interface PoolVersion {
  name: string;
  forward: PoolForwardKernel;
  backward: PoolBackwardKernel;
  note?: string;
}

export const maxPoolReference: PoolVersion = {
  name: 'naive',
  forward: maxPool2dForwardNaive,
  backward: (dx, dy, x, _argmax, s) => maxPool2dBackwardNaive(dx, dy, x, s),
};
export const avgPoolReference: PoolVersion = {
  name: 'naive',
  forward: (y, _argmax, x, s) => avgPool2dForwardNaive(y, x, s),
  backward: (dx, dy, _x, _argmax, s) => avgPool2dBackwardNaive(dx, dy, s),
};

// ---- Race here: one line per version. ----
export const maxPoolVersions: PoolVersion[] = [
  { name: 'argmax', forward: maxPool2dForward, backward: (dx, dy, _x, argmax, s) => maxPool2dBackward(dx, dy, argmax, s) },
  { name: 'fast', forward: maxPool2dForwardFast, backward: (dx, dy, _x, argmax, s) => maxPool2dBackwardFast(dx, dy, argmax, s), note: 'WebAssembly SIMD forward for 2×2/2 windows (what the op runs)' },
];
export const avgPoolVersions: PoolVersion[] = [
  { name: 'clipped', forward: (y, _argmax, x, s) => avgPool2dForward(y, x, s), backward: (dx, dy, _x, _argmax, s) => avgPool2dBackward(dx, dy, s) },
];

interface PoolSpec { label: string; N: number; H: number; W: number; C: number; P: number; stride: number; padding: Padding }

export const poolShapes: PoolSpec[] = [{ label: 'A-out', N: 64, H: 26, W: 26, C: 128, P: 2, stride: 2, padding: 'valid' }];
export const poolQuickShapes: PoolSpec[] = [
  { label: 'q1', N: 2, H: 7, W: 9, C: 3, P: 2, stride: 2, padding: 'valid' },
  { label: 'q2', N: 1, H: 5, W: 6, C: 2, P: 3, stride: 2, padding: 'same' },
];

type PoolOp = 'forward' | 'backward' | 'fwd+bwd';
type PoolKind = 'max' | 'avg';

interface PoolData { s: Pool2dShape; x: Float32Array; dy: Float32Array }

function tatamiVersion(d: PoolData, v: PoolVersion, op: PoolOp): Version {
  const { s } = d;
  const outN = s.N * s.OH * s.OW * s.C;
  let y = new Float32Array(0);
  let argmax = new Int32Array(0);
  let dx = new Float32Array(0);
  let p: Float32Array = new Float32Array(0);
  let calls = 0;
  return {
    name: v.name, engine: 'tatami', note: v.note,
    prepare() {
      y = new Float32Array(outN); argmax = new Int32Array(outN);
      dx = new Float32Array(d.x.length); p = prior(dx.length);
      if (op === 'backward') v.forward(y, argmax, d.x, s); // what the backward needs, untimed
    },
    reset() { if (op !== 'backward') y.fill(NaN); dx.set(p); },
    run() {
      if (op !== 'backward') v.forward(y, argmax, d.x, s);
      if (op !== 'forward') v.backward(dx, d.dy, d.x, argmax, s);
      return pick(op === 'forward' ? y : dx, calls++);
    },
    read: () => op === 'forward' ? [y] : op === 'backward' ? [minusPrior(dx, p)] : [y, minusPrior(dx, p)],
    dispose() { y = new Float32Array(0); dx = new Float32Array(0); argmax = new Int32Array(0); },
  };
}

async function tfjsVersion(d: PoolData, kind: PoolKind, op: PoolOp, backend: TfBackend): Promise<Version> {
  const { s } = d;
  const filterSize: [number, number] = [s.PH, s.PW];
  const strides: [number, number] = [s.strideH, s.strideW];
  const pad = d.s.padTop === 0 && d.s.padLeft === 0 && s.OH === Math.floor((s.H - s.PH) / s.strideH) + 1 && s.OW === Math.floor((s.W - s.PW) / s.strideW) + 1 ? 'valid' : 'same';
  const gradKernel = kind === 'max' ? 'MaxPoolGrad' : 'AvgPoolGrad';
  const needs = op === 'forward' ? [] : [gradKernel];
  const lacking: string[] = [];
  for (const k of needs) if (!await hasKernel(k, backend)) lacking.push(k);
  return tfVersion(backend, {
    missing: lacking.length > 0 ? `no ${lacking.join(', ')} kernel in this backend` : undefined,
    note: op === 'forward' ? undefined : `${gradKernel} kernel`,
    inputs: () => ({ x: { data: d.x, shape: [s.N, s.H, s.W, s.C] }, dy: { data: d.dy, shape: [s.N, s.OH, s.OW, s.C] } }),
    compute: (tf, t) => {
      const fwd = (): never => (kind === 'max'
        ? tf.maxPool(t.x as never, filterSize, strides, pad)
        : tf.avgPool(t.x as never, filterSize, strides, pad)) as never;
      const grad = (y: unknown): never => (kind === 'max'
        ? tf.engine().runKernel('MaxPoolGrad', { dy: t.dy, input: t.x, output: y as never }, { filterSize, strides, pad } as never)
        : tf.engine().runKernel('AvgPoolGrad', { dy: t.dy, input: t.x }, { filterSize, strides, pad } as never)) as never;
      if (op === 'forward') return fwd();
      if (op === 'fwd+bwd') { const y = fwd(); return [y, grad(y)]; }
      // backward alone: MaxPoolGrad wants the forward output; computing it here would time it,
      // so it is made once and cached on the inputs (untimed after the first call).
      if (kind === 'max') {
        t.y ??= tf.keep(fwd());
        return grad(t.y);
      }
      return grad(null);
    },
  });
}

function onnxVersion(d: PoolData, kind: PoolKind, op: PoolOp): Version {
  const { s } = d;
  if (op !== 'forward') return { name: 'onnxruntime', engine: 'onnxruntime', missing: 'inference only: no gradient kernels', run: () => undefined, read: () => [] };
  const padBottom = Math.max(0, (s.OH - 1) * s.strideH + s.PH - s.H - s.padTop);
  const padRight = Math.max(0, (s.OW - 1) * s.strideW + s.PW - s.W - s.padLeft);
  const attrs: Record<string, number | number[]> = { kernel_shape: [s.PH, s.PW], strides: [s.strideH, s.strideW], pads: [s.padTop, s.padLeft, padBottom, padRight] };
  if (kind === 'avg') attrs.count_include_pad = 0; // divide by the real cells, as TensorFlow
  return ortVersion({
    note: 'NCHW: input transposed once, untimed',
    model: () => singleNodeModel(kind === 'max' ? 'MaxPool' : 'AveragePool', [{ name: 'x', dims: [s.N, s.C, s.H, s.W] }], { name: 'y', dims: [s.N, s.C, s.OH, s.OW] }, attrs),
    inputs: () => ({ x: { data: nhwcToNchw(d.x, s.N, s.H, s.W, s.C), dims: [s.N, s.C, s.H, s.W] } }),
    output: 'y',
    read: (y) => [nchwToNhwc(y, s.N, s.C, s.OH, s.OW)],
  });
}

function convnetjsVersion(d: PoolData, kind: PoolKind, op: PoolOp): Version {
  const { s } = d;
  const missing = kind === 'avg' ? 'no average-pooling layer'
    : s.strideH !== s.strideW || s.PH !== s.PW || s.padTop !== s.padLeft ? 'square windows and one stride only'
      : Math.floor((s.H + 2 * s.padTop - s.PH) / s.strideH + 1) !== s.OH || Math.floor((s.W + 2 * s.padLeft - s.PW) / s.strideW + 1) !== s.OW
        ? "symmetric padding only: TensorFlow's 'same' puts the extra row bottom/right here" : undefined;
  if (missing !== undefined) return { name: 'convnetjs', engine: 'convnetjs', missing, run: () => undefined, read: () => [] };
  // One PoolLayer per image: a layer keeps one example's switches (argmax) for its backward.
  let layers: CN.PoolLayer[] = [];
  let vols: CN.Vol[] = [];
  let dys: Float64Array[] = [];
  const per = s.OH * s.OW * s.C;
  return {
    name: 'convnetjs', engine: 'convnetjs', note: 'Float64, image by image',
    prepare() {
      const cn = convnetjs();
      vols = toVols(d.x, s.N, s.H, s.W, s.C);
      layers = vols.map(() => new cn.PoolLayer({ in_sx: s.W, in_sy: s.H, in_depth: s.C, sx: s.PW, sy: s.PH, stride: s.strideH, pad: s.padTop }));
      dys = vols.map((_, n) => Float64Array.from(d.dy.subarray(n * per, (n + 1) * per)));
      if (op === 'backward') layers.forEach((l, n) => { l.forward(vols[n]); l.out_act.dw = dys[n]; });
    },
    run() {
      let acc = 0;
      for (let n = 0; n < s.N; n++) {
        const l = layers[n];
        if (op !== 'backward') { l.forward(vols[n]); l.out_act.dw = dys[n]; acc += l.out_act.w[0]; }
        if (op !== 'forward') { l.backward(); acc += vols[n].dw[0]; }
      }
      return acc;
    },
    read() {
      const y = fromVols(layers.map((l) => l.out_act.w));
      const dx = fromVols(vols.map((v) => v.dw));
      return op === 'forward' ? [y] : op === 'backward' ? [dx] : [y, dx];
    },
    dispose() { layers = []; vols = []; dys = []; },
  };
}

export interface PoolCaseOptions {
  quick?: boolean;
  peers?: boolean;
  maxVersions?: PoolVersion[];
  avgVersions?: PoolVersion[];
}

export async function* poolCases(options: PoolCaseOptions = {}): AsyncGenerator<Case> {
  const { quick = false, peers = true, maxVersions = maxPoolVersions, avgVersions = avgPoolVersions } = options;
  for (const spec of quick ? poolQuickShapes : poolShapes) {
    const s = pool2dShape(spec.N, spec.H, spec.W, spec.C, spec.P, spec.P, [spec.stride, spec.stride], spec.padding);
    // A shuffled ramp with gaps, not uniform noise: no near-ties inside a window, so every engine
    // picks the same winner and the max-pool gradients are comparable element by element.
    const n = spec.N * spec.H * spec.W * spec.C;
    const order = uniform(n, 21);
    const ranks = Array.from(order.keys()).sort((a, b) => order[a] - order[b]);
    const x = new Float32Array(n); // (N, H, W, C)
    ranks.forEach((i, r) => { x[i] = (r / n) * 2 - 1; });
    const d: PoolData = { s, x, dy: uniform(s.N * s.OH * s.OW * s.C, 22) };
    const shape = `${spec.label} ${spec.N}x${spec.H}x${spec.W}x${spec.C} ${spec.P}x${spec.P} s${spec.stride} ${spec.padding}`;
    for (const kind of ['max', 'avg'] as const) {
      const reference = kind === 'max' ? maxPoolReference : avgPoolReference;
      const versions = kind === 'max' ? maxVersions : avgVersions;
      for (const op of ['forward', 'backward', 'fwd+bwd'] as const) {
        const peerList: Version[] = [];
        if (peers) {
          for (const backend of ['cpu', 'wasm'] as const) peerList.push(await tfjsVersion(d, kind, op, backend));
          peerList.push(onnxVersion(d, kind, op), convnetjsVersion(d, kind, op));
        }
        yield {
          family: 'pool', shape, op: `${kind} ${op}`, unit: 'Melem/s', work: n,
          tolerance: { atol: 1e-5, rtol: 1e-5 },
          reference: tatamiVersion(d, reference, op),
          versions: [...versions.map((v) => tatamiVersion(d, v, op)), ...peerList],
        };
      }
    }
  }
}
