// The conv family: 2-D convolution forward, gradient w.r.t. the input (dx) and w.r.t. the filter
// (dw), NHWC input, HWIO filter, for every tatami version and the peers, on the shapes.
//
// To race a version: write the kernel with the signature of its list below and add one line,
// e.g. `{ name: 'winograd', fn: conv2dForwardWinograd }` to `convForwardVersions`. The harness
// checks it against the direct reference on every bench shape, refuses it if it is wrong, and
// times it beside the others.

import {
  conv2dShape, conv2dForwardDirect, conv2dBackwardInputDirect, conv2dBackwardFilterDirect,
  conv2dForwardIm2col, conv2dBackwardInputIm2col, conv2dBackwardFilterIm2col, im2col, gemmFast, gemmFastBias, gemmSimdBias, relaxedSimdAvailable,
  type Conv2dShape, type Padding,
} from '../kernels/index.js';
import { conv2dForwardWinograd, conv2dBackwardInputWinograd, winogradApplies } from '../kernels/conv2d-winograd.js';
import { conv2dBackwardFilterWinograd } from '../kernels/conv2d-winograd-dw.js';
import type { Case, Version } from './case.js';
import { uniform, prior, minusPrior, pick } from './data.js';
import { tfVersion, hasKernel } from './peers/tfjs.js';
import { ortVersion } from './peers/onnx.js';
import { singleNodeModel, nhwcToNchw, nchwToNhwc, hwioToOihw } from './peers/onnx-model.js';
import { convnetjs, toVols, fromVols, setFilters, filterGrads } from './peers/convnetjs.js';
import type * as CN from 'convnetjs';
import { type ConvSpec, convShapes, specName } from './conv-shapes.js';
import { depthwiseCases, depthwiseShapes, depthwiseQuickShapes, type DepthwiseSpec } from './depthwise-conv.js';
import { convTransposeCases, transposeShapes, transposeQuickShapes, type TransposeSpec } from './conv-transpose.js';

/** y [N,OH,OW,CO] = conv(x, w) (+ bias). Overwrites y. `cols` is scratch of N·OH·OW × KH·KW·CI floats. */
export type ConvForwardKernel = (y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape, cols: Float32Array) => void;
/** dx [N,H,W,CI] += ∂/∂x given dy [N,OH,OW,CO]. Accumulates. */
export type ConvInputGradKernel = (dx: Float32Array, dy: Float32Array, w: Float32Array, s: Conv2dShape) => void;
/**
 * dw [KH,KW,CI,CO] += ∂/∂w given dy and x. Accumulates. `cols` holds im2col(x), already filled,
 * as the forward pass leaves it in training; a version that wants to pay for it itself may ignore it.
 */
export type ConvFilterGradKernel = (dw: Float32Array, dy: Float32Array, x: Float32Array, s: Conv2dShape, cols: Float32Array) => void;

export interface KernelVersion<F> {
  name: string;
  fn: F;
  note?: string;
  /** Why this version cannot run a conv shape (listed as missing, never run), or null when it can. */
  unsupported?: (s: Conv2dShape) => string | null;
}

/** Winograd F(2×2, 3×3) runs 3×3 kernels at stride 1 and dilation 1 only. */
const winogradUnsupported = (s: Conv2dShape): string | null =>
  winogradApplies(s) ? null : 'Winograd F(2x2, 3x3): 3x3 kernels at stride 1 only';

/** The references: tatami's seven-loop kernels. */
export const convReference = {
  forward: { name: 'direct', fn: conv2dForwardDirect } as KernelVersion<ConvForwardKernel>,
  dx: { name: 'direct', fn: conv2dBackwardInputDirect } as KernelVersion<ConvInputGradKernel>,
  dw: { name: 'direct', fn: conv2dBackwardFilterDirect } as KernelVersion<ConvFilterGradKernel>,
};

// ---- Race here: one line per version. ----
export const convForwardVersions: KernelVersion<ConvForwardKernel>[] = [
  { name: 'im2col', fn: (y, x, w, bias, s, cols) => conv2dForwardIm2col(y, x, w, bias, s, cols, gemmFastBias), note: relaxedSimdAvailable ? 'GEMM on relaxed SIMD (FMA)' : undefined },
  ...(relaxedSimdAvailable ? [{ name: 'im2col plain-simd', fn: conv2dForwardIm2colPlainSimd, note: 'GEMM on plain SIMD (mul + add)' }] : []),
  { name: 'winograd', fn: (y, x, w, bias, s) => conv2dForwardWinograd(y, x, w, bias, s, 'engine'), note: 'F(2x2, 3x3), GEMMs by gemmFast', unsupported: winogradUnsupported },
];
export const convInputGradVersions: KernelVersion<ConvInputGradKernel>[] = [
  { name: 'im2col', fn: (dx, dy, w, s) => conv2dBackwardInputIm2col(dx, dy, w, s, gemmFast) },
  { name: 'winograd', fn: (dx, dy, w, s) => conv2dBackwardInputWinograd(dx, dy, w, s, 'engine'), note: 'F(2x2, 3x3), GEMMs by gemmFast', unsupported: winogradUnsupported },
];
export const convFilterGradVersions: KernelVersion<ConvFilterGradKernel>[] = [
  { name: 'im2col', fn: (dw, dy, _x, s, cols) => conv2dBackwardFilterIm2col(dw, dy, cols, s, gemmFast), note: 'cols from the forward pass (as in training)' },
  { name: 'im2col+cols', fn: (dw, dy, x, s, cols) => { im2col(cols, x, s); conv2dBackwardFilterIm2col(dw, dy, cols, s, gemmFast); }, note: 'im2col(x) inside the timed call' },
  { name: 'winograd', fn: (dw, dy, x, s) => conv2dBackwardFilterWinograd(dw, dy, x, s, 'engine'), note: 'F(2x2, 3x3) read backwards, from x', unsupported: winogradUnsupported },
];

/** im2col + the plain-SIMD GEMM, to race beside the relaxed one that gemmFastBias runs when it can. */
function conv2dForwardIm2colPlainSimd(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape, cols: Float32Array): void {
  im2col(cols, x, s);
  gemmSimdBias(y, cols, w, bias, s.N * s.OH * s.OW, s.CO, s.KH * s.KW * s.CI, 'nn', false);
}

/** Inputs shared by every version of one shape (each version owns its outputs). */
interface ConvData {
  s: Conv2dShape;
  x: Float32Array; // (N, H, W, CI)
  w: Float32Array; // (KH, KW, CI, CO)
  dy: Float32Array; // (N, OH, OW, CO)
  cols: Float32Array; // (N·OH·OW, KH·KW·CI), im2col(x), filled once
}

function convData(c: ConvSpec): ConvData {
  const s = conv2dShape(c.N, c.H, c.W, c.CI, c.KH, c.KW, c.CO, [c.stride, c.stride], [1, 1], c.padding);
  const x = uniform(c.N * c.H * c.W * c.CI, 1);
  // Filter scaled like a Glorot init so outputs stay O(1) whatever the fan-in.
  const w = uniform(c.KH * c.KW * c.CI * c.CO, 2, -1 / Math.sqrt(c.KH * c.KW * c.CI), 1 / Math.sqrt(c.KH * c.KW * c.CI));
  const dy = uniform(c.N * s.OH * s.OW * c.CO, 3);
  const cols = new Float32Array(s.N * s.OH * s.OW * s.KH * s.KW * s.CI);
  im2col(cols, x, s);
  return { s, x, w, dy, cols };
}

const outSize = (s: Conv2dShape): number => s.N * s.OH * s.OW * s.CO;
const inSize = (s: Conv2dShape): number => s.N * s.H * s.W * s.CI;
const filterSize = (s: Conv2dShape): number => s.KH * s.KW * s.CI * s.CO;

// ---- tatami versions: a kernel from a list above, wrapped with its buffers ----

/** The version as missing when it cannot run this shape, else null. */
function unsupportedVersion<F>(d: ConvData, k: KernelVersion<F>): Version | null {
  const why = k.unsupported?.(d.s) ?? null;
  return why === null ? null : { name: k.name, engine: 'tatami', missing: why, run: () => undefined, read: () => [] };
}

function forwardVersion(d: ConvData, k: KernelVersion<ConvForwardKernel>): Version {
  const unsupported = unsupportedVersion(d, k);
  if (unsupported !== null) return unsupported;
  let y = new Float32Array(0);
  let cols = new Float32Array(0);
  let calls = 0;
  return {
    name: k.name, engine: 'tatami', note: k.note,
    prepare() { y = new Float32Array(outSize(d.s)); cols = new Float32Array(d.cols.length); },
    reset() { y.fill(NaN); },
    run() { k.fn(y, d.x, d.w, null, d.s, cols); return pick(y, calls++); },
    read: () => [y],
    dispose() { y = new Float32Array(0); cols = new Float32Array(0); },
  };
}

function inputGradVersion(d: ConvData, k: KernelVersion<ConvInputGradKernel>): Version {
  const unsupported = unsupportedVersion(d, k);
  if (unsupported !== null) return unsupported;
  let dx = new Float32Array(0);
  let p: Float32Array = new Float32Array(0);
  let calls = 0;
  return {
    name: k.name, engine: 'tatami', note: k.note,
    prepare() { dx = new Float32Array(inSize(d.s)); p = prior(dx.length); },
    reset() { dx.set(p); },
    run() { k.fn(dx, d.dy, d.w, d.s); return pick(dx, calls++); },
    read: () => [minusPrior(dx, p)],
    dispose() { dx = new Float32Array(0); },
  };
}

function filterGradVersion(d: ConvData, k: KernelVersion<ConvFilterGradKernel>): Version {
  const unsupported = unsupportedVersion(d, k);
  if (unsupported !== null) return unsupported;
  let dw = new Float32Array(0);
  let p: Float32Array = new Float32Array(0);
  let cols = new Float32Array(0);
  let calls = 0;
  return {
    name: k.name, engine: 'tatami', note: k.note,
    prepare() { dw = new Float32Array(filterSize(d.s)); p = prior(dw.length); cols = Float32Array.from(d.cols); },
    reset() { dw.set(p); },
    run() { k.fn(dw, d.dy, d.x, d.s, cols); return pick(dw, calls++); },
    read: () => [minusPrior(dw, p)],
    dispose() { dw = new Float32Array(0); cols = new Float32Array(0); },
  };
}

// ---- peers ----

async function tfjsVersions(d: ConvData, padding: Padding, op: 'forward' | 'dx' | 'dw'): Promise<Version[]> {
  const { s } = d;
  const strides: [number, number] = [s.strideH, s.strideW];
  const xIn = { data: d.x, shape: [s.N, s.H, s.W, s.CI] };
  const wIn = { data: d.w, shape: [s.KH, s.KW, s.CI, s.CO] };
  const dyIn = { data: d.dy, shape: [s.N, s.OH, s.OW, s.CO] };
  const out: Version[] = [];
  for (const backend of ['cpu', 'wasm'] as const) {
    if (op === 'forward') {
      out.push(tfVersion(backend, {
        inputs: () => ({ x: xIn, w: wIn }),
        compute: (tf, t) => tf.conv2d(t.x as never, t.w as never, strides, padding),
      }));
    } else if (op === 'dx') {
      const kernel = 'Conv2DBackpropInput';
      const has = await hasKernel(kernel, backend);
      out.push(tfVersion(backend, {
        missing: has ? undefined : `no ${kernel} kernel in this backend`,
        note: 'Conv2DBackpropInput kernel',
        inputs: () => ({ dy: dyIn, w: wIn }),
        compute: (tf, t) => tf.engine().runKernel(kernel, { dy: t.dy, filter: t.w },
          { strides, pad: padding, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: [s.N, s.H, s.W, s.CI] } as never) as never,
      }));
    } else {
      const kernel = 'Conv2DBackpropFilter';
      const has = await hasKernel(kernel, backend);
      out.push(tfVersion(backend, {
        missing: has ? undefined : `no ${kernel} kernel in tfjs-backend-${backend} 4.22: it cannot train a conv layer`,
        note: 'Conv2DBackpropFilter kernel',
        inputs: () => ({ x: xIn, dy: dyIn }),
        compute: (tf, t) => tf.engine().runKernel(kernel, { x: t.x, dy: t.dy },
          { strides, pad: padding, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [s.KH, s.KW, s.CI, s.CO] } as never) as never,
      }));
    }
  }
  return out;
}

function onnxVersion(d: ConvData, op: 'forward' | 'dx' | 'dw'): Version {
  const { s } = d;
  if (op !== 'forward') {
    return { name: 'onnxruntime', engine: 'onnxruntime', missing: 'inference only: onnxruntime-node has no gradient kernels', run: () => undefined, read: () => [] };
  }
  const padBottom = Math.max(0, (s.OH - 1) * s.strideH + s.KH - s.H - s.padTop);
  const padRight = Math.max(0, (s.OW - 1) * s.strideW + s.KW - s.W - s.padLeft);
  return ortVersion({
    note: 'NCHW: input and filter transposed once, untimed',
    model: () => singleNodeModel('Conv',
      [{ name: 'x', dims: [s.N, s.CI, s.H, s.W] }, { name: 'w', dims: [s.CO, s.CI, s.KH, s.KW], data: hwioToOihw(d.w, s.KH, s.KW, s.CI, s.CO) }],
      { name: 'y', dims: [s.N, s.CO, s.OH, s.OW] },
      { kernel_shape: [s.KH, s.KW], strides: [s.strideH, s.strideW], dilations: [1, 1], group: 1, pads: [s.padTop, s.padLeft, padBottom, padRight] }),
    inputs: () => ({ x: { data: nhwcToNchw(d.x, s.N, s.H, s.W, s.CI), dims: [s.N, s.CI, s.H, s.W] } }),
    output: 'y',
    read: (y) => [nchwToNhwc(y, s.N, s.CO, s.OH, s.OW)],
  });
}

/** ConvNetJS can do this shape when strides match and its symmetric padding equals TensorFlow's. */
function convnetjsSupports(s: Conv2dShape): string | null {
  if (s.strideH !== s.strideW) return 'one stride for both axes only';
  const pad = s.padTop;
  if (s.padLeft !== pad) return 'one padding for both axes only';
  const out = (n: number, k: number): number => Math.floor((n + 2 * pad - k) / s.strideH + 1);
  if (out(s.H, s.KH) !== s.OH || out(s.W, s.KW) !== s.OW) return "symmetric padding only: TensorFlow's 'same' puts the extra row bottom/right here";
  return null;
}

function convnetjsVersion(d: ConvData, op: 'forward' | 'dx' | 'dw'): Version {
  const { s } = d;
  const unsupported = convnetjsSupports(s);
  const name = op === 'forward' ? 'convnetjs' : 'convnetjs (dx+dw)';
  if (unsupported !== null) return { name, engine: 'convnetjs', missing: unsupported, run: () => undefined, read: () => [] };
  // One ConvLayer per image, all sharing one set of filters: ConvNetJS layers hold the activations
  // of a single example, so a batch needs one layer each to keep every image's backward state.
  let layers: CN.ConvLayer[] = [];
  let vols: CN.Vol[] = [];
  const dyVols: Float64Array[] = [];
  return {
    name, engine: 'convnetjs',
    note: op === 'forward' ? 'Float64, image by image' : 'one backward computes dx and dw together: the time covers both',
    prepare() {
      const cn = convnetjs();
      vols = toVols(d.x, s.N, s.H, s.W, s.CI);
      const opts = { in_sx: s.W, in_sy: s.H, in_depth: s.CI, sx: s.KW, sy: s.KH, filters: s.CO, stride: s.strideH, pad: s.padTop };
      const first = new cn.ConvLayer(opts);
      setFilters(first.filters, d.w, s.KH, s.KW, s.CI, s.CO);
      first.biases.w.fill(0);
      layers = [first];
      for (let n = 1; n < s.N; n++) {
        const l = new cn.ConvLayer(opts);
        l.filters = first.filters;
        l.biases = first.biases;
        layers.push(l);
      }
      if (op !== 'forward') {
        // The backward needs each layer's forward state and dy: set up untimed.
        const per = s.OH * s.OW * s.CO;
        for (let n = 0; n < s.N; n++) {
          layers[n].forward(vols[n]);
          dyVols.push(Float64Array.from(d.dy.subarray(n * per, (n + 1) * per)));
          layers[n].out_act.dw = dyVols[n];
        }
      }
    },
    reset() {
      for (const f of layers[0]?.filters ?? []) f.dw.fill(0);
    },
    run() {
      if (op === 'forward') {
        let acc = 0;
        for (let n = 0; n < s.N; n++) acc += layers[n].forward(vols[n]).w[0];
        return acc;
      }
      for (let n = 0; n < s.N; n++) layers[n].backward();
      return vols[0].dw[0];
    },
    read() {
      if (op === 'forward') return [fromVols(layers.map((l) => l.out_act.w))];
      if (op === 'dx') return [fromVols(vols.map((v) => v.dw))];
      return [filterGrads(layers[0].filters, s.KH, s.KW, s.CI, s.CO)];
    },
    dispose() { layers = []; vols = []; dyVols.length = 0; },
  };
}

/** The operations of a conv2d shape. */
export const convOpNames = ['forward', 'dx', 'dw'] as const;
export type ConvOp = (typeof convOpNames)[number];

export interface ConvCaseOptions {
  shapes?: ConvSpec[];
  /** Which operations to run on the conv2d shapes (--ops). Default all three. */
  ops?: readonly ConvOp[];
  /** Run the peers too (tfjs-cpu, tfjs-wasm, onnxruntime, ConvNetJS). Default true. */
  peers?: boolean;
  forward?: KernelVersion<ConvForwardKernel>[];
  dx?: KernelVersion<ConvInputGradKernel>[];
  dw?: KernelVersion<ConvFilterGradKernel>[];
  /** Depthwise shapes after the conv shapes (bench/depthwise-conv.ts). Default: the full list. */
  depthwise?: DepthwiseSpec[];
  /** Transposed-conv shapes after those (bench/conv-transpose.ts). Default: the full list. */
  transpose?: TransposeSpec[];
}

/** The depthwise and transposed shapes of --quick. */
export const convQuickExtras = { depthwise: depthwiseQuickShapes, transpose: transposeQuickShapes };

/** One case per shape × {forward, dx, dw}, built lazily per shape (big buffers). */
export async function* convCases(options: ConvCaseOptions = {}): AsyncGenerator<Case> {
  const {
    shapes = convShapes, peers = true,
    forward = convForwardVersions, dx = convInputGradVersions, dw = convFilterGradVersions,
    depthwise = depthwiseShapes, transpose = transposeShapes, ops = convOpNames,
  } = options;
  for (const spec of shapes) {
    const d = convData(spec);
    const { s } = d;
    const flops = 2 * s.N * s.OH * s.OW * s.CO * s.KH * s.KW * s.CI;
    const tolerance = { atol: 1e-4, rtol: 1e-3 };
    const shape = specName(spec);
    const peersFor = async (op: 'forward' | 'dx' | 'dw'): Promise<Version[]> =>
      peers ? [...await tfjsVersions(d, spec.padding, op), onnxVersion(d, op), convnetjsVersion(d, op)] : [];
    if (ops.includes('forward')) yield {
      family: 'conv', shape, op: 'forward', unit: 'GFLOP/s', work: flops, tolerance,
      reference: forwardVersion(d, convReference.forward),
      versions: [...forward.map((k) => forwardVersion(d, k)), ...await peersFor('forward')],
    };
    if (ops.includes('dx')) yield {
      family: 'conv', shape, op: 'dx', unit: 'GFLOP/s', work: flops, tolerance,
      reference: inputGradVersion(d, convReference.dx),
      versions: [...dx.map((k) => inputGradVersion(d, k)), ...await peersFor('dx')],
    };
    if (ops.includes('dw')) yield {
      family: 'conv', shape, op: 'dw', unit: 'GFLOP/s', work: flops, tolerance,
      reference: filterGradVersion(d, convReference.dw),
      versions: [...dw.map((k) => filterGradVersion(d, k)), ...await peersFor('dw')],
    };
  }
  yield* depthwiseCases(depthwise, peers);
  yield* convTransposeCases(transpose, peers);
}
