import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { type Shape, shapeSize, shapeToString, normalizeAxis } from '../shape.js';
import { layoutKernels, transposeKernels } from '../kernel-tables/layout.js';

/**
 * Ops that move data without arithmetic: reshape, flatten, transpose, concat, slice.
 * Their backwards move the gradient back the same way.
 */

/** A new shape for the same elements; one entry may be -1 (inferred). Shares storage with x. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const unknown = shape.filter((d) => d === -1).length;
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const bad = unknown > 1 || shape.some((d) => !Number.isInteger(d) || d < -1) || (unknown === 1 && (known === 0 || x.size % known !== 0));
  const resolved = shape.map((d) => (d === -1 ? x.size / known : d));
  if (bad || shapeSize(resolved) !== x.size) {
    throw new Error(`reshape: cannot reshape ${shapeToString(x.shape)} (${x.size} elements) to ${shapeToString(shape)}`);
  }
  return Tensor.fromOp('reshape', x.data, resolved, [x], (dout, owned) => accumulateGrad(x, dout, owned));
}

/** Keep the axes before `startAxis` and fold the rest into one: [N, H, W, C] → [N, H·W·C] by default (Keras Flatten). */
export function flatten(x: Tensor, startAxis = 1): Tensor {
  // Nothing to fold (e.g. [N] with startAxis 1): add a trailing axis of 1, as Keras does.
  if (x.rank <= startAxis) return reshape(x, [...x.shape, 1]);
  const ax = normalizeAxis('flatten', startAxis, x.rank);
  return reshape(x, [...x.shape.slice(0, ax), shapeSize(x.shape.slice(ax))]);
}

/** Permute the axes: output axis k is input axis perm[k]. Default: reverse them. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  const sorted = [...p].sort((a, b) => a - b);
  if (p.length !== x.rank || sorted.some((v, i) => v !== i)) {
    throw new Error(`transpose: perm [${p.join(', ')}] is not a permutation of the ${x.rank} axes of ${shapeToString(x.shape)}`);
  }
  const outShape = p.map((a) => x.shape[a]);
  const y = allocFloat32(x.size);
  transposeKernels().transpose(y, x.data, x.shape, p);
  return Tensor.fromOp('transpose', y, outShape, [x], (dout) => {
    // The inverse permutation undoes the move.
    const inverse = new Array<number>(p.length);
    p.forEach((a, k) => (inverse[a] = k));
    const dx = allocFloat32(x.size);
    transposeKernels().transpose(dx, dout, outShape, inverse);
    accumulateGrad(x, dx, true);
  });
}

/** Join tensors along `axis`; all other sizes must agree. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new Error('concat: needs at least one tensor');
  const first = tensors[0];
  const ax = normalizeAxis('concat', axis, first.rank);
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new Error(`concat: shapes ${tensors.map((u) => shapeToString(u.shape)).join(', ')} differ outside axis ${axis}`);
    }
  }
  // View every tensor as [outer, size along axis · inner]; the output interleaves those rows.
  const outer = shapeSize(first.shape.slice(0, ax));
  const inner = shapeSize(first.shape.slice(ax + 1));
  const widths = tensors.map((t) => t.shape[ax] * inner);
  const total = widths.reduce((p, w) => p + w, 0);
  const outShape = first.shape.map((d, i) => (i === ax ? total / inner : d));
  const y = allocFloat32(outer * total);
  const data = tensors.map((t) => t.data);
  layoutKernels().concatForward(y, data, outer, widths);
  return Tensor.fromOp('concat', y, outShape, tensors, (dout) => {
    tensors.forEach((t, k) => {
      if (!t.requiresGrad) return;
      const dx = allocFloat32(t.size);
      layoutKernels().concatBackward(dx, dout, outer, widths, k);
      accumulateGrad(t, dx, true);
    });
  });
}

/**
 * The block starting at `begin` with extent `size` (-1 or omitted: to the end), as tf.slice.
 * Backward: the gradient lands in that block, zeros elsewhere.
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  if (begin.length !== x.rank || (size !== undefined && size.length !== x.rank)) {
    throw new Error(`slice: begin [${begin.join(', ')}] and size must have one entry per axis of ${shapeToString(x.shape)}`);
  }
  const extent = x.shape.map((d, i) => (size === undefined || size[i] === -1 ? d - begin[i] : size[i]));
  x.shape.forEach((d, i) => {
    if (!Number.isInteger(begin[i]) || !Number.isInteger(extent[i]) || begin[i] < 0 || extent[i] < 0 || begin[i] + extent[i] > d) {
      throw new Error(`slice: begin [${begin.join(', ')}] size [${extent.join(', ')}] is out of bounds for ${shapeToString(x.shape)}`);
    }
  });
  // Copy row by row along the last axis: each visited (leading coordinates) gives one contiguous run.
  const n = shapeSize(extent);
  const y = allocFloat32(n);
  const rank = x.rank;
  const strides = x.shape.map((_, i) => shapeSize(x.shape.slice(i + 1)));
  const runs: Array<[src: number, dst: number, len: number]> = [];
  if (n > 0) {
    const len = rank === 0 ? 1 : extent[rank - 1];
    const counter = new Array<number>(Math.max(rank - 1, 0)).fill(0);
    for (let dst = 0; dst < n; dst += len) {
      let src = rank === 0 ? 0 : begin[rank - 1];
      for (let i = 0; i < rank - 1; i++) src += (begin[i] + counter[i]) * strides[i];
      runs.push([src, dst, len]);
      for (let i = rank - 2; i >= 0; i--) {
        if (++counter[i] < extent[i]) break;
        counter[i] = 0;
      }
    }
  }
  for (const [src, dst, len] of runs) y.set(x.data.subarray(src, src + len), dst);
  return Tensor.fromOp('slice', y, extent, [x], (dout) => {
    const dx = allocFloat32(x.size);
    for (const [src, dst, len] of runs) dx.set(dout.subarray(dst, dst + len), src);
    accumulateGrad(x, dx, true);
  });
}
