// Harness versions for one tatami kernel call, for families whose kernels have their own
// signatures (depthwise and transposed convolutions): the kernel is a closure over its inputs that
// writes one output buffer, either overwriting it or accumulating into it; and the forward, dx and
// dw cases such a family races on one shape, with its peers.

import type * as TF from '@tensorflow/tfjs';
import type { Case, Version } from './case.js';
import type { KernelVersion } from './conv.js';
import { tfVersion, hasKernel, type Tf, type TfInput } from './peers/tfjs.js';
import { prior, minusPrior, pick } from './data.js';

/** A kernel that overwrites `out` (length `size`): checked from a NaN pre-fill. */
export function overwriteVersion(name: string, size: number, run: (out: Float32Array) => void, note?: string): Version {
  let out = new Float32Array(0);
  let calls = 0;
  return {
    name, engine: 'tatami', note,
    prepare() { out = new Float32Array(size); },
    reset() { out.fill(NaN); },
    run() { run(out); return pick(out, calls++); },
    read: () => [out],
    dispose() { out = new Float32Array(0); },
  };
}

/** A backward kernel that accumulates into `out` (length `size`): checked as `out − prior`. */
export function accumulateVersion(name: string, size: number, run: (out: Float32Array) => void, note?: string): Version {
  let out = new Float32Array(0);
  let p: Float32Array = new Float32Array(0);
  let calls = 0;
  return {
    name, engine: 'tatami', note,
    prepare() { out = new Float32Array(size); p = prior(size); },
    reset() { out.set(p); },
    run() { run(out); return pick(out, calls++); },
    read: () => [minusPrior(out, p)],
    dispose() { out = new Float32Array(0); },
  };
}

/** A peer that cannot do this operation, listed with the reason. */
export function missingVersion(name: string, engine: string, missing: string): Version {
  return { name, engine, missing, run: () => undefined, read: () => [] };
}

/** y = forward(x, w, bias) on shape `s`. Overwrites y. */
export type FamilyForward<S> = (y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, s: S) => void;
/** dx += ∂/∂x given dy. Accumulates. */
export type FamilyInputGrad<S> = (dx: Float32Array, dy: Float32Array, w: Float32Array, s: S) => void;
/** dw += ∂/∂w given dy and x. Accumulates. */
export type FamilyFilterGrad<S> = (dw: Float32Array, dy: Float32Array, x: Float32Array, s: S) => void;

/** A family's reference and raced versions, one list per operation. */
export interface KernelFamily<S> {
  readonly reference: {
    readonly forward: KernelVersion<FamilyForward<S>>;
    readonly dx: KernelVersion<FamilyInputGrad<S>>;
    readonly dw: KernelVersion<FamilyFilterGrad<S>>;
  };
  readonly forward: KernelVersion<FamilyForward<S>>[];
  readonly dx: KernelVersion<FamilyInputGrad<S>>[];
  readonly dw: KernelVersion<FamilyFilterGrad<S>>[];
}

/** One shape's buffers: the input x, the filter w, and the output gradient dy (length `ySize`). */
export interface FamilyData<S> {
  readonly s: S;
  readonly x: Float32Array;
  readonly w: Float32Array;
  readonly dy: Float32Array;
}

/**
 * The forward, dx and dw cases of one shape: every version of the family against its reference,
 * then the peers `peersFor` gives for that operation. The forward runs without a bias.
 */
export async function* kernelFamilyCases<S>(
  family: KernelFamily<S>, d: FamilyData<S>, ySize: number, shape: string, flops: number,
  peersFor: (op: 'forward' | 'dx' | 'dw') => Promise<Version[]>,
): AsyncGenerator<Case> {
  const { s } = d;
  const tolerance = { atol: 1e-4, rtol: 1e-3 };
  const forward = (k: KernelVersion<FamilyForward<S>>): Version => overwriteVersion(k.name, ySize, (y) => k.fn(y, d.x, d.w, null, s), k.note);
  const dx = (k: KernelVersion<FamilyInputGrad<S>>): Version => accumulateVersion(k.name, d.x.length, (g) => k.fn(g, d.dy, d.w, s), k.note);
  const dw = (k: KernelVersion<FamilyFilterGrad<S>>): Version => accumulateVersion(k.name, d.w.length, (g) => k.fn(g, d.dy, d.x, s), k.note);
  yield {
    family: 'conv', shape, op: 'forward', unit: 'GFLOP/s', work: flops, tolerance,
    reference: forward(family.reference.forward), versions: [...family.forward.map(forward), ...await peersFor('forward')],
  };
  yield {
    family: 'conv', shape, op: 'dx', unit: 'GFLOP/s', work: flops, tolerance,
    reference: dx(family.reference.dx), versions: [...family.dx.map(dx), ...await peersFor('dx')],
  };
  yield {
    family: 'conv', shape, op: 'dw', unit: 'GFLOP/s', work: flops, tolerance,
    reference: dw(family.reference.dw), versions: [...family.dw.map(dw), ...await peersFor('dw')],
  };
}

/**
 * The peers of one operation of a family: tfjs-cpu and tfjs-wasm running `kernel` on { x, w }
 * (forward), { dy, w } (dx) or { x, dy } (dw), listed as missing where a backend lacks the kernel;
 * and onnxruntime for the forward only.
 */
export function kernelFamilyPeers(
  op: 'forward' | 'dx' | 'dw', kernel: string, inputs: { readonly x: TfInput; readonly w: TfInput; readonly dy: TfInput },
  compute: (tf: Tf, t: Record<string, TF.Tensor>) => TF.Tensor | TF.Tensor[], onnxForward: () => Version,
): Promise<Version[]> {
  const { x, w, dy } = inputs;
  return Promise.all([
    ...(['cpu', 'wasm'] as const).map(async (backend) => tfVersion(backend, {
      missing: await hasKernel(kernel, backend) ? undefined : `no ${kernel} kernel in tfjs-backend-${backend} 4.22`,
      note: `${kernel} kernel`,
      inputs: (): Record<string, TfInput> => (op === 'forward' ? { x, w } : op === 'dx' ? { dy, w } : { x, dy }),
      compute,
    })),
    Promise.resolve(op === 'forward' ? onnxForward() : missingVersion('onnxruntime', 'onnxruntime', 'inference only: onnxruntime-node has no gradient kernels')),
  ]);
}
