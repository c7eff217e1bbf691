// Depthwise convolutions (part of the conv family): forward, dx and dw of MobileNet-style 3×3
// depthwise layers, NHWC, tatami's channel-rows and SIMD kernels against the seven-loop reference and the
// peers (tfjs-cpu and tfjs-wasm through their DepthwiseConv2dNative kernels, onnxruntime's grouped
// Conv with group = channels, forward only).
//
// To race a version: add a line to the list of its operation below.

import {
  depthwiseConv2dShape, depthwiseConv2dForwardDirect, depthwiseConv2dBackwardInputDirect, depthwiseConv2dBackwardFilterDirect,
  depthwiseConv2dForwardRows, depthwiseConv2dBackwardInputRows, depthwiseConv2dBackwardFilterRows,
  depthwiseConv2dForwardFast, depthwiseConv2dBackwardInputFast, depthwiseConv2dBackwardFilterFast,
  type DepthwiseConv2dShape, type Padding,
} from '../kernels/index.js';
import type { Case, Version } from './case.js';
import { uniform } from './data.js';
import { tfVersion, hasKernel, type TfInput } from './peers/tfjs.js';
import { ortVersion } from './peers/onnx.js';
import { singleNodeModel, nhwcToNchw, nchwToNhwc } from './peers/onnx-model.js';
import { overwriteVersion, accumulateVersion, missingVersion } from './kernel-version.js';
import type { KernelVersion } from './conv.js';

type Forward = (y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: DepthwiseConv2dShape) => void;
type InputGrad = (dx: Float32Array, dy: Float32Array, w: Float32Array, s: DepthwiseConv2dShape) => void;
type FilterGrad = (dw: Float32Array, dy: Float32Array, x: Float32Array, s: DepthwiseConv2dShape) => void;

export const depthwiseReference = {
  forward: { name: 'direct', fn: depthwiseConv2dForwardDirect } as KernelVersion<Forward>,
  dx: { name: 'direct', fn: depthwiseConv2dBackwardInputDirect } as KernelVersion<InputGrad>,
  dw: { name: 'direct', fn: depthwiseConv2dBackwardFilterDirect } as KernelVersion<FilterGrad>,
};

const SIMD_NOTE = 'WebAssembly SIMD when CI·M % 4 = 0, else rows (what the op runs)';

// ---- Race here: one line per version. ----
export const depthwiseForwardVersions: KernelVersion<Forward>[] = [
  { name: 'rows', fn: depthwiseConv2dForwardRows },
  { name: 'fast', fn: depthwiseConv2dForwardFast, note: SIMD_NOTE },
];
export const depthwiseInputGradVersions: KernelVersion<InputGrad>[] = [
  { name: 'rows', fn: depthwiseConv2dBackwardInputRows },
  { name: 'fast', fn: depthwiseConv2dBackwardInputFast, note: SIMD_NOTE },
];
export const depthwiseFilterGradVersions: KernelVersion<FilterGrad>[] = [
  { name: 'rows', fn: depthwiseConv2dBackwardFilterRows },
  { name: 'fast', fn: depthwiseConv2dBackwardFilterFast, note: SIMD_NOTE },
];

export interface DepthwiseSpec {
  label: string;
  N: number; H: number; W: number; C: number; M: number; K: number;
  padding: Padding;
  stride: number;
}

/** MobileNet's depthwise layers at batch 8 (stride 1 and 2), and a depth multiplier of 2. */
export const depthwiseShapes: DepthwiseSpec[] = [
  { label: 'DW1', N: 8, H: 56, W: 56, C: 64, M: 1, K: 3, padding: 'same', stride: 1 },
  { label: 'DW2', N: 8, H: 28, W: 28, C: 128, M: 1, K: 3, padding: 'same', stride: 2 },
  { label: 'DW3', N: 8, H: 28, W: 28, C: 32, M: 2, K: 3, padding: 'same', stride: 1 },
];
/** Small shapes for --quick and the test: one on the SIMD path (C·M = 12), one on the rows path (C·M = 10). */
export const depthwiseQuickShapes: DepthwiseSpec[] = [
  { label: 'dq1', N: 2, H: 7, W: 9, C: 6, M: 2, K: 3, padding: 'same', stride: 2 },
  { label: 'dq2', N: 1, H: 5, W: 6, C: 5, M: 2, K: 2, padding: 'valid', stride: 1 },
];

function specName(c: DepthwiseSpec): string {
  const extra = `${c.M === 1 ? '' : ` M${c.M}`}${c.stride === 1 ? '' : ` s${c.stride}`}`;
  return `${c.label} depthwise ${c.N}x${c.H}x${c.W}x${c.C} ${c.K}x${c.K} ${c.padding}${extra}`;
}

interface Data { s: DepthwiseConv2dShape; x: Float32Array; w: Float32Array; dy: Float32Array }

function peers(d: Data, op: 'forward' | 'dx' | 'dw', padding: Padding): Promise<Version[]> {
  const { s } = d;
  const strides: [number, number] = [s.strideH, s.strideW];
  const xIn = { data: d.x, shape: [s.N, s.H, s.W, s.CI] };
  const wIn = { data: d.w, shape: [s.KH, s.KW, s.CI, s.M] };
  const dyIn = { data: d.dy, shape: [s.N, s.OH, s.OW, s.CO] };
  const attrs = { strides, pad: padding, dilations: [1, 1], dimRoundingMode: undefined };
  const kernel = { forward: 'DepthwiseConv2dNative', dx: 'DepthwiseConv2dNativeBackpropInput', dw: 'DepthwiseConv2dNativeBackpropFilter' }[op];
  return Promise.all([
    ...(['cpu', 'wasm'] as const).map(async (backend) => tfVersion(backend, {
      missing: await hasKernel(kernel, backend) ? undefined : `no ${kernel} kernel in tfjs-backend-${backend} 4.22`,
      note: `${kernel} kernel`,
      inputs: (): Record<string, TfInput> => (op === 'forward' ? { x: xIn, w: wIn } : op === 'dx' ? { dy: dyIn, w: wIn } : { x: xIn, dy: dyIn }),
      compute: (tf, t) => {
        if (op === 'forward') return tf.engine().runKernel(kernel, { x: t.x, filter: t.w }, { ...attrs, dataFormat: 'NHWC' } as never) as never;
        if (op === 'dx') return tf.engine().runKernel(kernel, { dy: t.dy, filter: t.w }, { ...attrs, inputShape: [s.N, s.H, s.W, s.CI] } as never) as never;
        return tf.engine().runKernel(kernel, { x: t.x, dy: t.dy }, { ...attrs, filterShape: [s.KH, s.KW, s.CI, s.M] } as never) as never;
      },
    })),
    Promise.resolve(op === 'forward' ? onnxForward(d) : missingVersion('onnxruntime', 'onnxruntime', 'inference only: onnxruntime-node has no gradient kernels')),
  ]);
}

/** onnxruntime's Conv with group = C: weight [C·M, 1, KH, KW], output channel c·M + m as TensorFlow's. */
function onnxForward(d: Data): Version {
  const { s } = d;
  const oihw = new Float32Array(d.w.length); // (C·M, 1, KH, KW)
  for (let kh = 0; kh < s.KH; kh++) {
    for (let kw = 0; kw < s.KW; kw++) {
      for (let co = 0; co < s.CO; co++) oihw[(co * s.KH + kh) * s.KW + kw] = d.w[(kh * s.KW + kw) * s.CO + co];
    }
  }
  const padBottom = Math.max(0, (s.OH - 1) * s.strideH + s.KH - s.H - s.padTop);
  const padRight = Math.max(0, (s.OW - 1) * s.strideW + s.KW - s.W - s.padLeft);
  return ortVersion({
    note: 'Conv, group = C; NCHW, converted once, untimed',
    model: () => singleNodeModel('Conv',
      [{ name: 'x', dims: [s.N, s.CI, s.H, s.W] }, { name: 'w', dims: [s.CO, 1, s.KH, s.KW], data: oihw }],
      { name: 'y', dims: [s.N, s.CO, s.OH, s.OW] },
      { kernel_shape: [s.KH, s.KW], strides: [s.strideH, s.strideW], dilations: [1, 1], group: s.CI, pads: [s.padTop, s.padLeft, padBottom, padRight] }),
    inputs: () => ({ x: { data: nhwcToNchw(d.x, s.N, s.H, s.W, s.CI), dims: [s.N, s.CI, s.H, s.W] } }),
    output: 'y',
    read: (y) => [nchwToNhwc(y, s.N, s.CO, s.OH, s.OW)],
  });
}

/** One case per shape × {forward, dx, dw}. */
export async function* depthwiseCases(shapes: DepthwiseSpec[], withPeers: boolean): AsyncGenerator<Case> {
  for (const spec of shapes) {
    const s = depthwiseConv2dShape(spec.N, spec.H, spec.W, spec.C, spec.K, spec.K, spec.M, [spec.stride, spec.stride], [1, 1], spec.padding);
    const d: Data = {
      s,
      x: uniform(s.N * s.H * s.W * s.CI, 11),
      w: uniform(s.KH * s.KW * s.CO, 12, -1 / s.KH, 1 / s.KH),
      dy: uniform(s.N * s.OH * s.OW * s.CO, 13),
    };
    const flops = 2 * s.N * s.OH * s.OW * s.CO * s.KH * s.KW;
    const tolerance = { atol: 1e-4, rtol: 1e-3 };
    const shape = specName(spec);
    const ySize = s.N * s.OH * s.OW * s.CO;
    const forward = (k: KernelVersion<Forward>): Version => overwriteVersion(k.name, ySize, (y) => k.fn(y, d.x, d.w, null, s), k.note);
    const dx = (k: KernelVersion<InputGrad>): Version => accumulateVersion(k.name, d.x.length, (g) => k.fn(g, d.dy, d.w, s), k.note);
    const dw = (k: KernelVersion<FilterGrad>): Version => accumulateVersion(k.name, d.w.length, (g) => k.fn(g, d.dy, d.x, s), k.note);
    const peersFor = async (op: 'forward' | 'dx' | 'dw'): Promise<Version[]> => (withPeers ? peers(d, op, spec.padding) : []);
    yield {
      family: 'conv', shape, op: 'forward', unit: 'GFLOP/s', work: flops, tolerance,
      reference: forward(depthwiseReference.forward), versions: [...depthwiseForwardVersions.map(forward), ...await peersFor('forward')],
    };
    yield {
      family: 'conv', shape, op: 'dx', unit: 'GFLOP/s', work: flops, tolerance,
      reference: dx(depthwiseReference.dx), versions: [...depthwiseInputGradVersions.map(dx), ...await peersFor('dx')],
    };
    yield {
      family: 'conv', shape, op: 'dw', unit: 'GFLOP/s', work: flops, tolerance,
      reference: dw(depthwiseReference.dw), versions: [...depthwiseFilterGradVersions.map(dw), ...await peersFor('dw')],
    };
  }
}
