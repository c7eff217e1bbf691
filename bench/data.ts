// Seeded inputs for the benchmarks, and the small buffer helpers every family uses.

/** A small seeded generator (mulberry32): the same inputs every run, no dependency on src/. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n values uniform in [lo, hi), from `seed`. */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rand = seededRandom(seed);
  const out = new Float32Array(n); // (n)
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}

/**
 * Backward kernels accumulate (+=). The check fills a gradient buffer with this known prior
 * instead of NaN, and reads back `buffer − prior`: a kernel that overwrites instead of adding
 * fails the check as surely as a wrong one.
 */
export function prior(n: number): Float32Array {
  return uniform(n, 12345, -0.5, 0.5);
}

/** buffer − prior, in float64 (the gradient an accumulating kernel added). */
export function minusPrior(buffer: Float32Array, p: Float32Array): Float64Array {
  const out = new Float64Array(buffer.length); // (n)
  for (let i = 0; i < buffer.length; i++) out[i] = buffer[i] - p[i];
  return out;
}

/** A value from the output, cheap to take after every timed call (for the checksum). */
export function pick(buffer: ArrayLike<number>, salt: number): number {
  return buffer.length === 0 ? 0 : buffer[(salt * 7919) % buffer.length];
}
