// Transposed convolutions (part of the conv family): forward, dx and dw of the upsampling layers
// of a U-Net decoder (3×3, stride 2) and a DCGAN generator (4×4, stride 2), NHWC, tatami's
// im2col/GEMM kernels against the seven-loop reference and the peers (tfjs-cpu and tfjs-wasm:
// Conv2DBackpropInput for the forward, Conv2D for dx, Conv2DBackpropFilter for dw; onnxruntime's
// ConvTranspose, forward only).
//
// To race a version: add a line to the list of its operation below.

import {
  conv2dTransposeShape, conv2dTransposeForwardDirect, conv2dTransposeBackwardInputDirect, conv2dTransposeBackwardFilterDirect,
  conv2dTransposeForwardIm2col, conv2dTransposeCols, conv2dTransposeBackwardInputIm2col, conv2dTransposeBackwardFilterIm2col,
  gemmFast, type Conv2dTransposeShape, type Padding,
} from '../kernels/index.js';
import type { Case, Version } from './case.js';
import { uniform } from './data.js';
import { ortVersion } from './peers/onnx.js';
import { singleNodeModel, nhwcToNchw, nchwToNhwc } from './peers/onnx-model.js';
import {
  kernelFamilyCases, kernelFamilyPeers, type FamilyData, type FamilyForward, type FamilyInputGrad, type FamilyFilterGrad, type KernelFamily,
} from './kernel-version.js';
import type { KernelVersion } from './conv.js';

type Forward = FamilyForward<Conv2dTransposeShape>;
type InputGrad = FamilyInputGrad<Conv2dTransposeShape>;
type FilterGrad = FamilyFilterGrad<Conv2dTransposeShape>;

export const transposeReference = {
  forward: { name: 'direct', fn: conv2dTransposeForwardDirect } as KernelVersion<Forward>,
  dx: { name: 'direct', fn: conv2dTransposeBackwardInputDirect } as KernelVersion<InputGrad>,
  dw: { name: 'direct', fn: conv2dTransposeBackwardFilterDirect } as KernelVersion<FilterGrad>,
};

/** Scratch for im2col(dy), grown on demand (the timed call includes filling it). */
let colsScratch = new Float32Array(0);
function colsOf(dy: Float32Array, s: Conv2dTransposeShape): Float32Array {
  const n = s.N * s.H * s.W * s.KH * s.KW * s.CO;
  if (colsScratch.length < n) colsScratch = new Float32Array(n);
  return conv2dTransposeCols(colsScratch.subarray(0, n), dy, s);
}

// ---- Race here: one line per version. ----
export const transposeForwardVersions: KernelVersion<Forward>[] = [
  { name: 'im2col', fn: (y, x, w, bias, s) => conv2dTransposeForwardIm2col(y, x, w, bias, s, gemmFast) },
];
export const transposeInputGradVersions: KernelVersion<InputGrad>[] = [
  { name: 'im2col', fn: (dx, dy, w, s) => conv2dTransposeBackwardInputIm2col(dx, colsOf(dy, s), w, s, gemmFast), note: 'im2col(dy) inside the timed call' },
];
export const transposeFilterGradVersions: KernelVersion<FilterGrad>[] = [
  { name: 'im2col', fn: (dw, dy, x, s) => conv2dTransposeBackwardFilterIm2col(dw, colsOf(dy, s), x, s, gemmFast), note: 'im2col(dy) inside the timed call (training shares it with dx)' },
];

export interface TransposeSpec {
  label: string;
  N: number; H: number; W: number; CI: number; CO: number; K: number;
  padding: Padding;
  stride: number;
}

export const transposeShapes: TransposeSpec[] = [
  { label: 'T1', N: 8, H: 14, W: 14, CI: 64, CO: 32, K: 3, padding: 'same', stride: 2 },
  { label: 'T2', N: 16, H: 7, W: 7, CI: 128, CO: 64, K: 4, padding: 'same', stride: 2 },
];
export const transposeQuickShapes: TransposeSpec[] = [
  { label: 'tq1', N: 2, H: 3, W: 5, CI: 3, CO: 4, K: 3, padding: 'same', stride: 2 },
];

function specName(c: TransposeSpec): string {
  return `${c.label} transposed ${c.N}x${c.H}x${c.W}x${c.CI}→${c.CO} ${c.K}x${c.K} ${c.padding} s${c.stride}`;
}

type Data = FamilyData<Conv2dTransposeShape>;

function peers(d: Data, op: 'forward' | 'dx' | 'dw', padding: Padding): Promise<Version[]> {
  const { s } = d;
  const strides: [number, number] = [s.strideH, s.strideW];
  const xIn = { data: d.x, shape: [s.N, s.H, s.W, s.CI] };
  const wIn = { data: d.w, shape: [s.KH, s.KW, s.CO, s.CI] };
  const dyIn = { data: d.dy, shape: [s.N, s.OH, s.OW, s.CO] };
  const kernel = { forward: 'Conv2DBackpropInput', dx: 'Conv2D', dw: 'Conv2DBackpropFilter' }[op];
  const attrs = { strides, pad: padding, dataFormat: 'NHWC', dimRoundingMode: undefined };
  return kernelFamilyPeers(op, kernel, { x: xIn, w: wIn, dy: dyIn }, (tf, t) => {
    if (op === 'forward') return tf.engine().runKernel(kernel, { dy: t.x, filter: t.w }, { ...attrs, inputShape: [s.N, s.OH, s.OW, s.CO] } as never) as never;
    if (op === 'dx') return tf.engine().runKernel(kernel, { x: t.dy, filter: t.w }, { ...attrs, dilations: [1, 1] } as never) as never;
    return tf.engine().runKernel(kernel, { x: t.dy, dy: t.x }, { ...attrs, filterShape: [s.KH, s.KW, s.CO, s.CI] } as never) as never;
  }, () => onnxForward(d));
}

/** onnxruntime's ConvTranspose: weight [CI, CO, KH, KW]; TensorFlow's padding made explicit. */
function onnxForward(d: Data): Version {
  const { s } = d;
  const w = new Float32Array(d.w.length); // (CI, CO, KH, KW)
  for (let kh = 0; kh < s.KH; kh++) {
    for (let kw = 0; kw < s.KW; kw++) {
      for (let co = 0; co < s.CO; co++) {
        for (let ci = 0; ci < s.CI; ci++) w[((ci * s.CO + co) * s.KH + kh) * s.KW + kw] = d.w[((kh * s.KW + kw) * s.CO + co) * s.CI + ci];
      }
    }
  }
  // ONNX: OH = s·(H − 1) + K − padBegin − padEnd (+ output_padding when padEnd would be negative).
  const padBottom = (s.H - 1) * s.strideH + s.KH - s.OH - s.padTop;
  const padRight = (s.W - 1) * s.strideW + s.KW - s.OW - s.padLeft;
  return ortVersion({
    note: 'ConvTranspose; NCHW, converted once, untimed',
    model: () => singleNodeModel('ConvTranspose',
      [{ name: 'x', dims: [s.N, s.CI, s.H, s.W] }, { name: 'w', dims: [s.CI, s.CO, s.KH, s.KW], data: w }],
      { name: 'y', dims: [s.N, s.CO, s.OH, s.OW] },
      {
        kernel_shape: [s.KH, s.KW], strides: [s.strideH, s.strideW], dilations: [1, 1], group: 1,
        pads: [s.padTop, s.padLeft, Math.max(padBottom, 0), Math.max(padRight, 0)],
        output_padding: [Math.max(-padBottom, 0), Math.max(-padRight, 0)],
      }),
    inputs: () => ({ x: { data: nhwcToNchw(d.x, s.N, s.H, s.W, s.CI), dims: [s.N, s.CI, s.H, s.W] } }),
    output: 'y',
    read: (y) => [nchwToNhwc(y, s.N, s.CO, s.OH, s.OW)],
  });
}

const transposeFamily: KernelFamily<Conv2dTransposeShape> = {
  reference: transposeReference,
  forward: transposeForwardVersions, dx: transposeInputGradVersions, dw: transposeFilterGradVersions,
};

/** One case per shape × {forward, dx, dw}. */
export async function* convTransposeCases(shapes: TransposeSpec[], withPeers: boolean): AsyncGenerator<Case> {
  for (const spec of shapes) {
    const s = conv2dTransposeShape(spec.N, spec.H, spec.W, spec.CI, spec.K, spec.K, spec.CO, [spec.stride, spec.stride], [1, 1], spec.padding);
    const d: Data = {
      s,
      x: uniform(s.N * s.H * s.W * s.CI, 21),
      w: uniform(s.KH * s.KW * s.CO * s.CI, 22, -1 / Math.sqrt(s.KH * s.KW * s.CI), 1 / Math.sqrt(s.KH * s.KW * s.CI)),
      dy: uniform(s.N * s.OH * s.OW * s.CO, 23),
    };
    const flops = 2 * s.N * s.H * s.W * s.CI * s.KH * s.KW * s.CO;
    const peersFor = async (op: 'forward' | 'dx' | 'dw'): Promise<Version[]> => (withPeers ? peers(d, op, spec.padding) : []);
    yield* kernelFamilyCases(transposeFamily, d, s.N * s.OH * s.OW * s.CO, specName(spec), flops, peersFor);
  }
}
