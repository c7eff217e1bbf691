/**
 * A small seeded random generator: sfc32 (Chris Doty-Humphrey's "small fast counting" generator,
 * 128 bits of state, passes PractRand to 2^40+), seeded through splitmix32. Pure 32-bit integer
 * arithmetic with Math.imul and >>> 0, so the same seed gives the same numbers in Node and every
 * browser.
 *
 * tatami never uses Math.random: whatever needs randomness (initializers, shuffling, dropout,
 * gradCheck) takes an Rng, so a run with a seed is reproducible.
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform();      // in [0, 1)
 * rng.normal(0, 1);   // standard normal (Box–Muller)
 * rng.integer(10);    // 0..9
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Box–Muller makes normals in pairs; the second one waits here. */
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    // splitmix32 spreads any seed (0, 1, 2, ...) over the whole state.
    let s = Math.trunc(seed) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    // Discard the first outputs, as the sfc32 author recommends.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /**
   * out[0 .. n) ← the next n raw 32-bit integers, the same as n calls of {@link nextUint32}. The
   * fields hold values up to 2^32, which V8 keeps as boxed doubles, so a call per number costs about
   * 20 ns where this loop (sfc32Fill, on the state copied out of the fields) costs one or two
   * (dropout draws one per activation).
   */
  fillUint32(out: Uint32Array, n = out.length): void {
    if (!(Number.isInteger(n) && n >= 0 && n <= out.length)) {
      throw new Error(`Rng.fillUint32: n must be an integer from 0 to out.length (${out.length}), got ${n}`);
    }
    const state = Int32Array.of(this.a, this.b, this.c, this.d);
    sfc32Fill(out, n, state);
    // Stored as signed words: nextUint32 reads them only through mod-2^32 operations.
    [this.a, this.b, this.c, this.d] = state;
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * (this.nextUint32() / 4294967296);
  }

  /** Normal with the given mean and standard deviation (Box–Muller). */
  normal(mean = 0, stddev = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + stddev * z;
    }
    // u1 in (0, 1] so log(u1) is finite.
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return mean + stddev * r * Math.cos(2 * Math.PI * u2);
  }

  /** A uniform integer in [0, n) (or [low, high) with two arguments), without modulo bias. */
  integer(lowOrN: number, high?: number): number {
    const low = high === undefined ? 0 : lowOrN;
    const span = (high === undefined ? lowOrN : high) - low;
    if (!Number.isInteger(low) || !Number.isInteger(span) || span <= 0 || span > 4294967296) {
      throw new Error(`Rng.integer: empty or invalid range [${low}, ${low + span})`);
    }
    // Rejection sampling: drop the top partial block of 2^32 so every value is equally likely.
    const limit = 4294967296 - (4294967296 % span);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return low + (x % span);
  }

  /** Shuffle an array in place (Fisher–Yates) and return it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

/**
 * out[0 .. n) ← n steps of sfc32 from state [a, b, c, d], which is left advanced: Rng.nextUint32's
 * steps in int32 arithmetic (`| 0` wraps as `>>> 0` does, to the same 32 bits). A function of its
 * own, touching only typed arrays, so the optimized loop never meets the Rng's fields.
 */
function sfc32Fill(out: Uint32Array, n: number, state: Int32Array): void {
  let a = state[0], b = state[1], c = state[2], d = state[3];
  for (let i = 0; i < n; i++) {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    out[i] = t; // the same 32 bits, read back as an unsigned integer
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
}
