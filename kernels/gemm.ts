// General matrix multiply, single precision storage:  C = op(A) · op(B)  (+ C when accumulating)
//
//   C [M, N] row-major, always.
//   layout 'nn': A stored [M, K], B stored [K, N]      C = A · B
//   layout 'tn': A stored [K, M], B stored [K, N]      C = Aᵀ · B   (conv filter gradient)
//   layout 'nt': A stored [M, K], B stored [N, K]      C = A · Bᵀ   (conv input gradient)
//
//   C[i, j] = (accumulate ? C[i, j] : 0) + Σ_k A(i, k) · B(k, j)
//
// accumulate = false overwrites C; accumulate = true adds into it (backward kernels use this).
// Sums are carried in JS numbers (float64) and rounded to float32 when stored.
//
// Two versions:
//   gemmNaive    the triple loop, the reference; written to be read.
//   gemmBlocked  cache-blocked and register-tiled (the GotoBLAS / BLIS loop nest); same result
//                up to float rounding (it stores to float32 once per K block, not once per sum).

import { reluInPlace } from './relu.js';

/** How A and B are stored; see the file header. */
export type GemmLayout = 'nn' | 'tn' | 'nt';

/**
 * Strides that turn any layout into A(i, k) = a[i·aI + k·aK] and B(k, j) = b[k·bK + j·bJ].
 * 'tn' transposes A's storage, 'nt' transposes B's.
 */
function strides(layout: GemmLayout, M: number, N: number, K: number): [number, number, number, number] {
  const [aI, aK] = layout === 'tn' ? [1, M] : [K, 1];
  const [bK, bJ] = layout === 'nt' ? [1, K] : [N, 1];
  return [aI, aK, bK, bJ];
}

/** Reference GEMM: one dot product per output element. Overwrites or accumulates into c [M, N]. */
export function gemmNaive(
  c: Float32Array, a: Float32Array, b: Float32Array,
  M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean,
): void {
  const [aI, aK, bK, bJ] = strides(layout, M, N, K);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        sum += a[i * aI + k * aK] * b[k * bK + j * bJ];
      }
      c[i * N + j] = accumulate ? c[i * N + j] + sum : sum;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// gemmBlocked
//
// What it optimizes: the naive loop reloads A and B from memory for every multiply-add and
// walks B down a column (stride N), so it is bound by cache misses, not arithmetic.
//
// Loop nest (BLIS naming):
//   for jc over N in steps of NC            B block  [KC × NC]  packed once, lives in L2/L3
//     for pc over K in steps of KC
//       pack B(pc.., jc..) into bPack       as NR-wide column strips, k-major
//       for ic over M in steps of MC        A block  [MC × KC]  packed, lives in L2
//         pack A(ic.., pc..) into aPack     as MR-tall row strips, k-major
//         for jr over the NC block by NR    one B strip [KC × NR] (8 KB) stays in L1
//           for ir over the MC block by MR
//             micro-kernel: a 4×4 tile of C in 16 local variables, KC rank-1 updates
//
// Packing is what makes the three layouts cost the same: whatever the storage, the
// micro-kernel reads both operands as consecutive floats. Padding the strips with zeros to
// full MR / NR lets the micro-kernel always run the full 4×4 tile; only the store is clipped,
// so any M, N, K (1, 3, 13, …) works without a scalar clean-up loop.
// ---------------------------------------------------------------------------------------------

const MR = 4; // rows of the register tile
const NR = 4; // columns of the register tile
// 4×4: 16 accumulators + 4 B values + 1 A value is about what x64's 16 SSE registers can hold
// (V8 spills a few). Measured here, 3×4, 2×8, 3×8 and 6×2 tiles were no faster.
// Block sizes, for packed float64 values (8 bytes):
const KC = 256; // depth of a packed block: an MR×KC A strip + a KC×NR B strip = 16 KB, fits L1 (32 KB)
const MC = 128; // rows of a packed A block: MC×KC values = 256 KB, fits L2 (512 KB on Zen 3)
const NC = 512; // columns of a packed B block: KC×NC values = 1 MB, lives in L3

// Packed panels are Float64Array: V8 computes in float64 anyway, so converting once at packing
// time saves a float32→float64 conversion on every micro-kernel load (measured ~10% faster).
// The buffers are module-level and allocated once: gemm runs thousands of times per epoch,
// and a fresh 1.3 MB allocation per call would cost page faults and GC time. Their sizes are
// bounded by the block sizes above, so they never grow. Kernels are synchronous, so no two
// calls ever use them at the same time.
let aPack: Float64Array | null = null; // (MC, KC) as MC/MR strips of [KC, MR]
let bPack: Float64Array | null = null; // (KC, NC) as NC/NR strips of [KC, NR]

/**
 * The cases every bias-GEMM settles before any blocking, shared by gemmBlockedBias and gemmSimdBias:
 * a bias or a fused ReLU with accumulate = true is refused (they are for the forward pass), an
 * empty C is done, and an empty sum (K = 0) overwrites C with the bias (or 0, ReLU'd when asked)
 * or leaves it as it is. Returns true when nothing is left to compute.
 */
export function gemmTrivial(
  who: string, c: Float32Array, bias: Float32Array | null,
  M: number, N: number, K: number, accumulate: boolean, relu = false,
): boolean {
  if (accumulate && (bias !== null || relu)) {
    throw new Error(`${who}: a bias${relu ? ' or a fused ReLU' : ''} can only be added when overwriting (accumulate = false)`);
  }
  if (M <= 0 || N <= 0) return true;
  if (K > 0) return false;
  if (!accumulate) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) c[i * N + j] = bias === null ? 0 : bias[j];
    }
    if (relu) reluInPlace(c.subarray(0, M * N));
  }
  return true;
}

/**
 * Cache-blocked, register-tiled GEMM. Same contract as {@link gemmNaive}:
 * c [M, N] = (accumulate ? c : 0) + op(A)·op(B).
 */
export function gemmBlocked(
  c: Float32Array, a: Float32Array, b: Float32Array,
  M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean,
): void {
  gemmBlockedBias(c, a, b, null, M, N, K, layout, accumulate);
}

/**
 * {@link gemmBlocked} with an optional bias row folded into the first store:
 * c[i, j] = (accumulate ? c[i, j] : bias[j]) + Σ_k A(i, k)·B(k, j), then, with `relu`,
 * c[i, j] ← c[i, j] < 0 ? 0 : c[i, j] (relu.ts's reluInPlace; NaN stays NaN).
 * The bias and the ReLU apply only when overwriting (they are for the forward pass); with
 * accumulate = true the bias must be null and relu false. Folding the bias in means a conv forward
 * writes each output element once, which matters for the memory-bound first layer (22 MB of output).
 */
export function gemmBlockedBias(
  c: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null,
  M: number, N: number, K: number, layout: GemmLayout, accumulate: boolean, relu = false,
): void {
  if (gemmTrivial('gemmBlockedBias', c, bias, M, N, K, accumulate, relu)) return;
  if (aPack === null || bPack === null) {
    aPack = new Float64Array(MC * KC); // (MC, KC)
    bPack = new Float64Array(KC * NC); // (KC, NC)
  }
  const ap = aPack;
  const bp = bPack;
  const [aI, aK, bK, bJ] = strides(layout, M, N, K);

  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packB(bp, b, bK, bJ, pc, kc, jc, nc);
      // Only the first K block may overwrite (and add the bias); later blocks add onto it.
      const add = accumulate || pc > 0;
      const blockBias = add ? null : bias;
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packA(ap, a, aI, aK, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const bOff = jr * kc; // start of this column strip: strips are [kc, NR]
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            microKernel4x4(c, N, (ic + ir) * N + jc + jr, ap, ir * kc, bp, bOff, kc,
              mr, nr, add, blockBias, jc + jr);
          }
        }
      }
    }
  }
  // The ReLU in one pass at the end: this JS path is the fallback, where the GEMM dominates.
  if (relu) reluInPlace(c.subarray(0, M * N));
}

/**
 * Copies A(i0 .. i0+mc, k0 .. k0+kc) into `ap` as MR-row strips: strip s holds, for each k,
 * the MR values A(i0 + s·MR + r, k0 + k), r = 0..MR−1. Rows past mc are zero.
 */
function packA(ap: Float64Array, a: Float32Array, aI: number, aK: number,
  i0: number, mc: number, k0: number, kc: number): void {
  for (let s = 0; s < mc; s += MR) {
    let dst = s * kc; // each strip is kc·MR floats
    let src = (i0 + s) * aI + k0 * aK; // A(i0 + s, k0)
    if (s + MR <= mc) {
      // k outer, the MR rows inner: the writes are consecutive, and the reads are either
      // MR consecutive floats ('tn', aI = 1) or MR sequential streams ('nn', aK = 1).
      for (let k = 0; k < kc; k++, dst += MR, src += aK) {
        ap[dst] = a[src]; ap[dst + 1] = a[src + aI]; ap[dst + 2] = a[src + 2 * aI]; ap[dst + 3] = a[src + 3 * aI];
      }
    } else {
      // Last, partial strip: rows past mc are zero padding that the micro-kernel computes
      // but never stores.
      for (let k = 0; k < kc; k++, dst += MR, src += aK) {
        for (let r = 0; r < MR; r++) ap[dst + r] = s + r < mc ? a[src + r * aI] : 0;
      }
    }
  }
}

/**
 * Copies B(k0 .. k0+kc, j0 .. j0+nc) into `bp` as NR-column strips: strip t holds, for each k,
 * the NR values B(k0 + k, j0 + t·NR + q), q = 0..NR−1. Columns past nc are zero.
 */
function packB(bp: Float64Array, b: Float32Array, bK: number, bJ: number,
  k0: number, kc: number, j0: number, nc: number): void {
  for (let t = 0; t < nc; t += NR) {
    let dst = t * kc; // each strip is kc·NR floats
    let src = k0 * bK + (j0 + t) * bJ; // B(k0, j0 + t)
    if (t + NR <= nc) {
      // Same loop order as packA: 'nn'/'tn' read NR consecutive floats of a row of B, 'nt'
      // reads NR sequential streams. Either way dY (conv gradients) is read front to back.
      for (let k = 0; k < kc; k++, dst += NR, src += bK) {
        bp[dst] = b[src]; bp[dst + 1] = b[src + bJ]; bp[dst + 2] = b[src + 2 * bJ]; bp[dst + 3] = b[src + 3 * bJ];
      }
    } else {
      for (let k = 0; k < kc; k++, dst += NR, src += bK) {
        for (let q = 0; q < NR; q++) bp[dst + q] = t + q < nc ? b[src + q * bJ] : 0;
      }
    }
  }
}

// Scratch for a clipped edge tile (row-major 4×4). Module-level so the edge path allocates nothing.
const edgeTile = new Float64Array(MR * NR); // (MR, NR)

/**
 * The register tile: C[cOff + r·ldc + q] (r < mr, q < nr) gets Σ_k ap[aOff + k·MR + r]·bp[bOff + k·NR + q],
 * added onto C when `add`, else stored over it plus bias[biasOff + q] (bias may be null).
 */
function microKernel4x4(
  c: Float32Array, ldc: number, cOff: number,
  ap: Float64Array, aOff: number, bp: Float64Array, bOff: number, kc: number,
  mr: number, nr: number, add: boolean, bias: Float32Array | null, biasOff: number,
): void {
  // 16 accumulators in locals: V8 keeps (most of) them in registers, so each loaded A and B
  // value is used 4 times instead of once.
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let pa = aOff;
  let pb = bOff;
  for (let k = 0; k < kc; k++) {
    // One rank-1 update: column k of the A strip times row k of the B strip.
    const b0 = bp[pb], b1 = bp[pb + 1], b2 = bp[pb + 2], b3 = bp[pb + 3];
    const a0 = ap[pa];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    const a1 = ap[pa + 1];
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    const a2 = ap[pa + 2];
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    const a3 = ap[pa + 3];
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    pa += MR;
    pb += NR;
  }

  if (mr === MR && nr === NR) {
    // Full tile: straight-line stores, the common case.
    const r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
    if (add) {
      c[r0] += c00; c[r0 + 1] += c01; c[r0 + 2] += c02; c[r0 + 3] += c03;
      c[r1] += c10; c[r1 + 1] += c11; c[r1 + 2] += c12; c[r1 + 3] += c13;
      c[r2] += c20; c[r2 + 1] += c21; c[r2 + 2] += c22; c[r2 + 3] += c23;
      c[r3] += c30; c[r3 + 1] += c31; c[r3 + 2] += c32; c[r3 + 3] += c33;
    } else {
      let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      if (bias !== null) {
        d0 = bias[biasOff]; d1 = bias[biasOff + 1]; d2 = bias[biasOff + 2]; d3 = bias[biasOff + 3];
      }
      c[r0] = d0 + c00; c[r0 + 1] = d1 + c01; c[r0 + 2] = d2 + c02; c[r0 + 3] = d3 + c03;
      c[r1] = d0 + c10; c[r1 + 1] = d1 + c11; c[r1 + 2] = d2 + c12; c[r1 + 3] = d3 + c13;
      c[r2] = d0 + c20; c[r2 + 1] = d1 + c21; c[r2 + 2] = d2 + c22; c[r2 + 3] = d3 + c23;
      c[r3] = d0 + c30; c[r3 + 1] = d1 + c31; c[r3 + 2] = d2 + c32; c[r3 + 3] = d3 + c33;
    }
    return;
  }

  // Edge tile: park the accumulators in a small array so one clipped loop can store them.
  const t = edgeTile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
  t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
  t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  for (let r = 0; r < mr; r++) {
    const row = cOff + r * ldc;
    for (let q = 0; q < nr; q++) {
      const v = t[r * NR + q];
      if (add) c[row + q] += v;
      else c[row + q] = (bias === null ? 0 : bias[biasOff + q]) + v;
    }
  }
}
