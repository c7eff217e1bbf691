// ConvNetJS 0.3.0 as a peer: pure JavaScript, Float64 storage, one example (Vol) at a time,
// layer by layer. A batch is a loop over its images. Its conv backward computes the input and the
// filter gradients together, in one pass, so it is reported as one "dx+dw" number. It has no Adam
// (its trainer offers sgd, adagrad, adadelta, windowgrad, nesterov): the training benchmark uses
// adadelta and says so.

import { createRequire } from 'node:module';
import type * as CN from 'convnetjs';

export type ConvNetJs = typeof CN;

let lib: ConvNetJs | null = null;

/** The CommonJS module, loaded once. */
export function convnetjs(): ConvNetJs {
  lib ??= createRequire(import.meta.url)('convnetjs') as ConvNetJs;
  return lib;
}

/** Splits NHWC data [N, H, W, C] into N ConvNetJS Vols (W × H × C), as Float64. */
export function toVols(x: Float32Array, N: number, H: number, W: number, C: number): CN.Vol[] {
  const { Vol } = convnetjs();
  const per = H * W * C;
  const vols: CN.Vol[] = [];
  for (let n = 0; n < N; n++) {
    const v = new Vol(W, H, C, 0);
    v.w.set(x.subarray(n * per, (n + 1) * per)); // same H, W, C order: a plain copy
    vols.push(v);
  }
  return vols;
}

/** Concatenates per-image arrays (w or dw of N Vols) back into one NHWC array. */
export function fromVols(parts: ArrayLike<number>[]): Float64Array {
  const per = parts.length === 0 ? 0 : parts[0].length;
  const out = new Float64Array(parts.length * per); // (N, H, W, C)
  parts.forEach((p, n) => out.set(p, n * per));
  return out;
}

/** Copies an HWIO filter [KH,KW,CI,CO] into ConvNetJS's CO filters of KW × KH × CI. */
export function setFilters(filters: CN.Vol[], w: Float32Array, KH: number, KW: number, CI: number, CO: number): void {
  for (let co = 0; co < CO; co++) {
    const f = filters[co].w; // [KH, KW, CI]
    for (let t = 0; t < KH * KW * CI; t++) f[t] = w[t * CO + co];
  }
}

/** ConvNetJS's CO filter gradients back into one HWIO array [KH,KW,CI,CO]. */
export function filterGrads(filters: CN.Vol[], KH: number, KW: number, CI: number, CO: number): Float64Array {
  const out = new Float64Array(KH * KW * CI * CO); // (KH, KW, CI, CO)
  for (let co = 0; co < CO; co++) {
    const g = filters[co].dw;
    for (let t = 0; t < KH * KW * CI; t++) out[t * CO + co] = g[t];
  }
  return out;
}
