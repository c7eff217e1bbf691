/**
 * Softmax and log-softmax along one axis, seen as [outer, axis, inner] (row-major).
 *
 *   y[o,k,i]    = exp(x[o,k,i] − m) / Σ_k' exp(x[o,k',i] − m),   m = max_k x[o,k,i]
 *   logy[o,k,i] = x[o,k,i] − m − log Σ_k' exp(x[o,k',i] − m)
 *
 * Subtracting the max keeps exp from overflowing. Forwards overwrite; backwards accumulate:
 *   softmax:    dx[k] += y[k] · (dy[k] − Σ_k' dy[k'] · y[k'])
 *   logSoftmax: dx[k] += dy[k] − exp(logy[k]) · Σ_k' dy[k']
 */
export function softmaxForward(y: Float32Array, x: Float32Array, outer: number, axis: number, inner: number, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * axis * inner + i;
      let m = -Infinity;
      for (let k = 0; k < axis; k++) m = Math.max(m, x[base + k * inner]);
      let sum = 0; // float64 accumulator
      for (let k = 0; k < axis; k++) sum += Math.exp(x[base + k * inner] - m);
      if (log) {
        const lse = m + Math.log(sum);
        for (let k = 0; k < axis; k++) y[base + k * inner] = x[base + k * inner] - lse;
      } else {
        for (let k = 0; k < axis; k++) y[base + k * inner] = Math.exp(x[base + k * inner] - m) / sum;
      }
    }
  }
}

export function softmaxBackward(
  dx: Float32Array,
  dy: Float32Array,
  y: Float32Array,
  outer: number,
  axis: number,
  inner: number,
  log: boolean,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * axis * inner + i;
      let dot = 0;
      if (log) {
        for (let k = 0; k < axis; k++) dot += dy[base + k * inner];
        for (let k = 0; k < axis; k++) {
          const p = base + k * inner;
          dx[p] += dy[p] - Math.exp(y[p]) * dot;
        }
      } else {
        for (let k = 0; k < axis; k++) dot += dy[base + k * inner] * y[base + k * inner];
        for (let k = 0; k < axis; k++) {
          const p = base + k * inner;
          dx[p] += y[p] * (dy[p] - dot);
        }
      }
    }
  }
}
