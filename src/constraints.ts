/**
 * Keras's weight constraints: a projection fit applies to a weight after each optimizer step
 * (Keras's optimizer assigns `constraint(w)` to every constrained variable it updates). They change
 * nothing in prediction. With ε = 1e-7 (Keras's backend epsilon, and tfjs's) and the L2 norm taken
 * over `axis` (default 0: for a Dense kernel [in, out], each output unit's incoming weights):
 *
 *   MaxNorm(max_value = 2):                    w · clip(‖w‖, 0, max) / (ε + ‖w‖)
 *   MinMaxNorm(min = 0, max = 1, rate = 1):    w · (rate · clip(‖w‖, min, max) + (1 − rate) · ‖w‖) / (ε + ‖w‖)
 *   UnitNorm:                                  w / (ε + ‖w‖)
 *   NonNeg:                                    w · [w ≥ 0]
 *
 * Saved as Keras and tfjs save them: `{ class_name: 'MaxNorm', config: { max_value, axis } }`.
 */
import type { Tensor } from './tensor.js';

const EPSILON = 1e-7;

export interface Constraint {
  /** Project the weight's values in place. */
  apply(w: Tensor): void;
  /** Throw unless the constraint can project a weight of this shape (its axes in range). */
  check(shape: readonly number[]): void;
  /** The Keras JSON form. */
  config(): { class_name: string; config: Record<string, unknown> };
}

/**
 * For each position off the reduced axes, ‖w‖ over them; then each value times
 * `scale(‖w‖)` of its position. `axes` may be negative (from the end).
 */
function scaleByNorms(w: Tensor, axes: readonly number[], scale: (norm: number) => number): void {
  const shape = w.shape;
  const reduced = reducedAxes(axes, shape);
  // The position of an element among the kept axes: its index with the reduced axes' coordinates dropped.
  const keptSize = shape.reduce((p, d, i) => (reduced.has(i) ? p : p * d), 1);
  const sums = new Float64Array(keptSize);
  const positions = new Int32Array(w.size);
  for (let i = 0; i < w.size; i++) {
    let rest = i;
    let pos = 0;
    let stride = 1;
    for (let a = shape.length - 1; a >= 0; a--) {
      const coord = rest % shape[a];
      rest = (rest - coord) / shape[a];
      if (!reduced.has(a)) {
        pos += coord * stride;
        stride *= shape[a];
      }
    }
    positions[i] = pos;
    sums[pos] += w.data[i] * w.data[i];
  }
  const factors = Array.from(sums, (s) => scale(Math.sqrt(s)));
  for (let i = 0; i < w.size; i++) w.data[i] *= factors[positions[i]];
}

/** The reduced axes, counted from the front; throws for an axis out of range for `shape`. */
function reducedAxes(axes: readonly number[], shape: readonly number[]): Set<number> {
  const reduced = new Set(axes.map((a) => (a < 0 ? a + shape.length : a)));
  for (const a of reduced) if (a < 0 || a >= shape.length) throw new Error(`constraint: axis ${a} is out of range for a weight of shape [${shape.join(', ')}]`);
  return reduced;
}

const axisList = (axis: number | readonly number[]): number[] => (typeof axis === 'number' ? [axis] : [...axis]);

export class MaxNorm implements Constraint {
  constructor(readonly maxValue = 2, readonly axis: number | readonly number[] = 0) {}
  apply(w: Tensor): void {
    scaleByNorms(w, axisList(this.axis), (n) => Math.min(Math.max(n, 0), this.maxValue) / (EPSILON + n));
  }
  check(shape: readonly number[]): void {
    reducedAxes(axisList(this.axis), shape);
  }
  config() {
    return { class_name: 'MaxNorm', config: { max_value: this.maxValue, axis: this.axis } };
  }
}

export class MinMaxNorm implements Constraint {
  constructor(readonly minValue = 0, readonly maxValue = 1, readonly rate = 1, readonly axis: number | readonly number[] = 0) {}
  apply(w: Tensor): void {
    scaleByNorms(w, axisList(this.axis), (n) => (this.rate * Math.min(Math.max(n, this.minValue), this.maxValue) + (1 - this.rate) * n) / (EPSILON + n));
  }
  check(shape: readonly number[]): void {
    reducedAxes(axisList(this.axis), shape);
  }
  config() {
    return { class_name: 'MinMaxNorm', config: { min_value: this.minValue, max_value: this.maxValue, rate: this.rate, axis: this.axis } };
  }
}

export class UnitNorm implements Constraint {
  constructor(readonly axis: number | readonly number[] = 0) {}
  apply(w: Tensor): void {
    scaleByNorms(w, axisList(this.axis), (n) => 1 / (EPSILON + n));
  }
  check(shape: readonly number[]): void {
    reducedAxes(axisList(this.axis), shape);
  }
  config() {
    return { class_name: 'UnitNorm', config: { axis: this.axis } };
  }
}

export class NonNeg implements Constraint {
  apply(w: Tensor): void {
    // w · [w ≥ 0]: a negative value becomes −0, as Keras's product does.
    for (let i = 0; i < w.size; i++) if (w.data[i] < 0) w.data[i] *= 0;
  }
  check(): void {}
  config() {
    return { class_name: 'NonNeg', config: {} };
  }
}
