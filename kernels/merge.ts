/**
 * Elementwise merges of K inputs of one shape: Keras's Add, Average, Multiply, Maximum, Minimum.
 *
 *   sumForward:        y[i] = Σ_k x_k[i]                  (overwrites y; y may be x_0: y += x_1)
 *   productForward:    y[i] = Π_k x_k[i]                                   (overwrites y)
 *   productBackward:   dx_k[i] += dout[i] · Π_{j≠k} x_j[i]                 (accumulates dx_k)
 *   extremeForward:    y[i] = max_k x_k[i] (or min_k), w[i] = the k that gave it   (overwrites y, w)
 *   extremeBackward:   dx_k[i] += dout[i] · [w[i] = k]                     (accumulates dx_k)
 *
 * Every x_k, y, dout, dx_k: (n,), the same n; w: Int32Array (n,). Add's and Average's backward is
 * dout (times 1/K) into every input, one line, so it lives in the op.
 *
 * Ties in Maximum and Minimum: the gradient goes to the first input that reaches the extreme, all of
 * it, none to the others. This is TensorFlow's rule: Keras computes max(x_0, …, x_{K−1}) as
 * maximum(…maximum(maximum(x_0, x_1), x_2)…), and TF's Maximum gradient sends dout to its first
 * operand where x ≥ y (greater_equal; less_equal for Minimum), to the second only where x < y
 * (tensorflow/python/ops/math_grad.py, _MaximumMinimumGrad; tfjs's maximum gradient does the same).
 * Along the chain the running extreme keeps every tie, so the earliest input wins.
 * A NaN in any input makes y NaN (as tf.maximum in TensorFlow.js); the first NaN input gets the gradient.
 */

/**
 * y = Σ_k x_k, input by input (each input is read once, in order, as a stream). The first two are
 * added in one pass (y = x_0 + x_1, the same float32 rounding as y = x_0 then y += x_1), so the
 * common two-input Add writes y once instead of copying x_0 first.
 */
export function sumForward(y: Float32Array, xs: readonly Float32Array[]): void {
  if (xs.length === 1) {
    y.set(xs[0]);
    return;
  }
  const [x0, x1] = xs;
  for (let i = 0; i < y.length; i++) y[i] = x0[i] + x1[i];
  for (let k = 2; k < xs.length; k++) {
    const x = xs[k];
    for (let i = 0; i < y.length; i++) y[i] += x[i];
  }
}

/** y = Π_k x_k, input by input. */
export function productForward(y: Float32Array, xs: readonly Float32Array[]): void {
  y.set(xs[0]);
  for (let k = 1; k < xs.length; k++) {
    const x = xs[k];
    for (let i = 0; i < y.length; i++) y[i] *= x[i];
  }
}

/**
 * dx_k += dout · Π_{j≠k} x_j. The product of the others is recomputed (not y / x_k: x_k may be 0).
 * With two inputs it is dout·x_1 and dout·x_0, the same as TensorFlow's Mul gradient.
 */
export function productBackward(dx: Float32Array, dout: Float32Array, xs: readonly Float32Array[], k: number): void {
  for (let i = 0; i < dout.length; i++) {
    let others = 1;
    for (let j = 0; j < xs.length; j++) if (j !== k) others *= xs[j][i];
    dx[i] += dout[i] * others;
  }
}

/**
 * The reference: for each element, walk the inputs and keep the first extreme (a later input
 * replaces it only when strictly beyond it, or when it is NaN and the kept value is not).
 * `max` true for Maximum, false for Minimum.
 */
export function extremeForwardNaive(y: Float32Array, w: Int32Array, xs: readonly Float32Array[], max: boolean): void {
  for (let i = 0; i < y.length; i++) {
    let best = xs[0][i];
    let winner = 0;
    for (let k = 1; k < xs.length; k++) {
      const v = xs[k][i];
      const beyond = max ? v > best : v < best;
      if (best === best && (beyond || v !== v)) {
        best = v;
        winner = k;
      }
    }
    y[i] = best;
    w[i] = winner;
  }
}

/**
 * The same result, input by input: y starts as x_0 and each later input updates it in one pass.
 * Why: each pass streams two arrays in order, instead of the reference's jump between K arrays for
 * every element; and the max/min choice is made once per input, not inside the loop.
 */
export function extremeForwardStreaming(y: Float32Array, w: Int32Array, xs: readonly Float32Array[], max: boolean): void {
  y.set(xs[0]);
  w.fill(0);
  for (let k = 1; k < xs.length; k++) {
    const x = xs[k];
    if (max) {
      for (let i = 0; i < y.length; i++) {
        const b = y[i];
        const v = x[i];
        // `b === b` keeps a NaN once taken; `v !== v` takes a NaN.
        if (b === b && (v > b || v !== v)) {
          y[i] = v;
          w[i] = k;
        }
      }
    } else {
      for (let i = 0; i < y.length; i++) {
        const b = y[i];
        const v = x[i];
        if (b === b && (v < b || v !== v)) {
          y[i] = v;
          w[i] = k;
        }
      }
    }
  }
}

/** dx_k += dout where input k was the extreme. */
export function extremeBackward(dx: Float32Array, dout: Float32Array, w: Int32Array, k: number): void {
  for (let i = 0; i < dout.length; i++) if (w[i] === k) dx[i] += dout[i];
}
