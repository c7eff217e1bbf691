/**
 * The kernels behind the core ops, against coordinate-by-coordinate references on ~50 seeded random
 * shapes each (plus awkward ones: size-1 axes, 0-D, empty). Outputs are pre-filled with NaN so a
 * position the kernel forgets to write shows up.
 */
import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/index.js';
import { broadcastShape, binaryBroadcast, broadcastTo, unaryMap } from '../../kernels/elementwise.js';
import { reduceSum, reduceMax, reduceMaxBackward, reduceSumTo } from '../../kernels/reduce.js';
import { transpose } from '../../kernels/transpose.js';
import { softmaxForward, softmaxBackward } from '../../kernels/softmax.js';
import { gatherRows, scatterAddRows } from '../../kernels/gather.js';
import { expectClose, randomShape } from '../helpers.js';

const sizeOf = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/** Row-major coordinates of flat index i in `shape`. */
function coords(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    c[ax] = i % shape[ax];
    i = Math.floor(i / shape[ax]);
  }
  return c;
}

/** Flat index of coordinates `c` in `shape`. */
function flatIndex(c: readonly number[], shape: readonly number[]): number {
  return c.reduce((idx, v, ax) => idx * shape[ax] + v, 0);
}

function randomData(n: number, rng: Rng): Float32Array {
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.uniform(-1, 1);
  return d;
}

/** A shape that broadcasts with `shape`: a random suffix with some sizes set to 1. */
function broadcastPartner(shape: readonly number[], rng: Rng): number[] {
  const k = rng.integer(0, shape.length + 1);
  return shape.slice(shape.length - k).map((d) => (rng.uniform() < 0.4 ? 1 : d));
}

describe('elementwise kernels', () => {
  it('broadcastShape follows NumPy', () => {
    expect(broadcastShape([2, 3, 4], [4])).toEqual([2, 3, 4]);
    expect(broadcastShape([3, 1], [2, 1, 4])).toEqual([2, 3, 4]);
    expect(broadcastShape([], [2])).toEqual([2]);
    expect(broadcastShape([], [])).toEqual([]);
    expect(broadcastShape([0], [1])).toEqual([0]);
    expect(broadcastShape([2, 3], [4])).toBeNull();
    expect(broadcastShape([2], [0])).toBeNull();
  });

  it('binaryBroadcast equals the coordinate reference on 60 random shape pairs', () => {
    const rng = new Rng(80);
    for (let trial = 0; trial < 60; trial++) {
      const full = randomShape(rng, 0, 4, 4);
      let aShape = broadcastPartner(full, rng);
      let bShape = broadcastPartner(full, rng);
      if (rng.uniform() < 0.5) [aShape, bShape] = [bShape, aShape];
      const outShape = broadcastShape(aShape, bShape)!;
      const a = randomData(sizeOf(aShape), rng);
      const b = randomData(sizeOf(bShape), rng);
      const out = new Float32Array(sizeOf(outShape)).fill(Number.NaN);
      binaryBroadcast(out, a, aShape, b, bShape, outShape, (x, y) => x * 10 + y);
      const ref = Array.from(out, (_, i) => {
        const c = coords(i, outShape);
        const pick = (s: number[]): number => flatIndex(s.map((d, ax) => (d === 1 ? 0 : c[c.length - s.length + ax])), s);
        return Math.fround(a[pick(aShape)] * 10 + b[pick(bShape)]);
      });
      expectClose(out, ref, 0, 0, `${JSON.stringify(aShape)} with ${JSON.stringify(bShape)}`);
      // broadcastTo is the one-operand case.
      const stretched = new Float32Array(sizeOf(outShape)).fill(Number.NaN);
      broadcastTo(stretched, a, aShape, outShape);
      expectClose(stretched, Array.from(stretched, (_, i) => {
        const c = coords(i, outShape);
        return a[flatIndex(aShape.map((d, ax) => (d === 1 ? 0 : c[c.length - aShape.length + ax])), aShape)];
      }), 0, 0, `broadcastTo ${JSON.stringify(aShape)} → ${JSON.stringify(outShape)}`);
    }
  });

  it('unaryMap maps every element', () => {
    const out = new Float32Array(3).fill(Number.NaN);
    unaryMap(out, Float32Array.of(1, 2, 3), (v) => v * v);
    expect(Array.from(out)).toEqual([1, 4, 9]);
  });
});

describe('reduce kernels', () => {
  it('reduceSum, reduceMax and reduceSumTo equal the coordinate reference on 60 random cases', () => {
    const rng = new Rng(81);
    for (let trial = 0; trial < 60; trial++) {
      const shape = randomShape(rng, 0, 4, 4);
      const reduced = shape.map(() => rng.uniform() < 0.5);
      const kept = shape.map((d, ax) => (reduced[ax] ? 1 : d));
      const x = randomData(sizeOf(shape), rng);
      const refSum = new Array<number>(sizeOf(kept)).fill(0);
      const refMax = new Array<number>(sizeOf(kept)).fill(-Infinity);
      for (let i = 0; i < x.length; i++) {
        const j = flatIndex(coords(i, shape).map((v, ax) => (reduced[ax] ? 0 : v)), kept);
        refSum[j] += x[i];
        refMax[j] = Math.max(refMax[j], x[i]);
      }
      const label = `${JSON.stringify(shape)} reduced ${JSON.stringify(reduced)}`;
      const s = new Float32Array(sizeOf(kept)).fill(Number.NaN);
      reduceSum(s, x, shape, reduced);
      expectClose(s, refSum, 1e-6, 1e-6, `reduceSum ${label}`);
      const m = new Float32Array(sizeOf(kept)).fill(Number.NaN);
      reduceMax(m, x, shape, reduced);
      expectClose(m, refMax, 0, 0, `reduceMax ${label}`);
      // reduceSumTo accumulates, and drops leading axes of `from` that `to` lacks.
      const lead = rng.integer(0, shape.length + 1);
      const to = kept.slice(lead);
      const acc = new Float32Array(sizeOf(to)).fill(1);
      reduceSumTo(acc, x, shape, to);
      expectClose(acc, refSumTo(x, shape, to).map((v) => v + 1), 1e-6, 1e-6, `reduceSumTo ${label} → ${JSON.stringify(to)}`);
    }
  });

  it('reduceMaxBackward splits ties and accumulates', () => {
    const x = Float32Array.of(1, 5, 5, 2, 7, 3); // [2, 3], max over axis 1: 5 (tied), 7
    const out = Float32Array.of(5, 7);
    const dx = new Float32Array(6).fill(1);
    reduceMaxBackward(dx, Float32Array.of(2, 10), x, out, [2, 3], [false, true]);
    expect(Array.from(dx)).toEqual([1, 2, 2, 1, 11, 1]);
  });
});

/** Sum x (shape from) down to `to` (which broadcasts to `from`) by coordinates. */
function refSumTo(x: Float32Array, from: readonly number[], to: readonly number[]): number[] {
  const out = new Array<number>(sizeOf(to)).fill(0);
  for (let i = 0; i < x.length; i++) {
    const c = coords(i, from);
    const j = flatIndex(to.map((d, ax) => (d === 1 ? 0 : c[c.length - to.length + ax])), to);
    out[j] += x[i];
  }
  return out;
}

describe('transpose kernel', () => {
  it('equals the coordinate reference on 60 random shapes and permutations', () => {
    const rng = new Rng(82);
    for (let trial = 0; trial < 60; trial++) {
      const shape = randomShape(rng, 0, 5, 4);
      const perm = Array.from(rng.permutation(shape.length));
      const outShape = perm.map((p) => shape[p]);
      const x = randomData(sizeOf(shape), rng);
      const out = new Float32Array(x.length).fill(Number.NaN);
      transpose(out, x, shape, perm);
      const ref = Array.from(out, (_, j) => {
        const oc = coords(j, outShape);
        const ic = new Array<number>(shape.length);
        perm.forEach((p, k) => (ic[p] = oc[k]));
        return x[flatIndex(ic, shape)];
      });
      expectClose(out, ref, 0, 0, `${JSON.stringify(shape)} perm ${JSON.stringify(perm)}`);
    }
  });
});

describe('softmax kernels', () => {
  it('forward and backward equal the definition on random [outer, axis, inner] views', () => {
    const rng = new Rng(83);
    for (let trial = 0; trial < 30; trial++) {
      const [outer, axis, inner] = [rng.integer(1, 4), rng.integer(1, 6), rng.integer(1, 4)];
      const n = outer * axis * inner;
      const x = randomData(n, rng).map((v) => 4 * v);
      const dy = randomData(n, rng);
      for (const log of [false, true]) {
        const y = new Float32Array(n).fill(Number.NaN);
        softmaxForward(y, x, outer, axis, inner, log);
        const refY: number[] = new Array<number>(n);
        const refDx: number[] = new Array<number>(n);
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            const at = (k: number): number => (o * axis + k) * inner + i;
            let z = 0;
            for (let k = 0; k < axis; k++) z += Math.exp(x[at(k)]);
            const p = (k: number): number => Math.exp(x[at(k)]) / z;
            for (let k = 0; k < axis; k++) {
              refY[at(k)] = log ? x[at(k)] - Math.log(z) : p(k);
              // Jacobian-vector product written out: Σ_k' dy[k'] · ∂y[k']/∂x[k].
              let g = 0;
              for (let q = 0; q < axis; q++) {
                const d = log ? (q === k ? 1 : 0) - p(k) : p(q) * ((q === k ? 1 : 0) - p(k));
                g += dy[at(q)] * d;
              }
              refDx[at(k)] = g;
            }
          }
        }
        const label = `[${outer}, ${axis}, ${inner}] log=${log}`;
        expectClose(y, refY, 1e-6, 1e-5, label);
        const dx = new Float32Array(n).fill(0.5); // accumulates
        softmaxBackward(dx, dy, y, outer, axis, inner, log);
        expectClose(dx, refDx.map((v) => v + 0.5), 1e-6, 1e-5, `backward ${label}`);
      }
    }
  });
});

describe('gather kernels', () => {
  it('gatherRows copies rows; scatterAddRows accumulates repeated rows', () => {
    const params = Float32Array.of(0, 1, 10, 11, 20, 21); // [3, 2]
    const idx = Int32Array.of(2, 0, 2);
    const out = new Float32Array(6).fill(Number.NaN);
    gatherRows(out, params, idx, 2);
    expect(Array.from(out)).toEqual([20, 21, 0, 1, 20, 21]);
    const d = new Float32Array(6).fill(1);
    scatterAddRows(d, Float32Array.of(1, 2, 3, 4, 5, 6), idx, 2);
    expect(Array.from(d)).toEqual([4, 5, 1, 1, 7, 9]);
  });
});
