// The three transforms of Winograd's minimal filtering F(2×2, 3×3), as Lavin & Gray apply it to
// convolutional layers ("Fast Algorithms for Convolutional Neural Networks", 2015, section 4.1):
//
//   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A      d: a 4×4 input tile, g: a 3×3 filter, Y: a 2×2 output tile
//
//         ⎡ 1  0 −1  0 ⎤          ⎡ 1    0    0  ⎤
//   Bᵀ =  ⎢ 0  1  1  0 ⎥    G  =  ⎢ ½    ½    ½  ⎥    Aᵀ = ⎡ 1  1  1  0 ⎤
//         ⎢ 0 −1  1  0 ⎥          ⎢ ½   −½    ½  ⎥         ⎣ 0  1 −1 −1 ⎦
//         ⎣ 0  1  0 −1 ⎦          ⎣ 0    0    1  ⎦
//
// Summed over input channels, the elementwise product ⊙ becomes 16 independent matrix products
// (one per transformed position ξ = 4·i + j), which is where a convolution layer's work goes:
//
//   U[ξ] [IC, OC] = (G g Gᵀ)[ξ]                   filterTransform   (once per call)
//   V[ξ] [T, IC]  = (Bᵀ d B)[ξ]  for T tiles      inputTransform    (adds only)
//   M[ξ] [T, OC]  = V[ξ] · U[ξ]                   the caller's GEMM
//   Y             = Aᵀ M A                        outputTransformTile (adds only)
//
// Buffers here are a chunk's: V and M hold `tc` tiles, plane ξ at offset ξ·tc·IC (ξ·tc·OC), so each
// plane is a contiguous row-major matrix the GEMM reads as is. All these transforms overwrite.
//
// The filter gradient (conv2d-winograd-dw.ts) uses the same identity read the other way. Per tile,
// dw[kh,kw] += Σ_{a,b} e[a][b] · d[a + kh][b + kw] with e the 2×2 output gradient (dy) of the tile:
// the trilinear form Σ e·g·d behind Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A gives, for the filter's slot,
//
//   dW = Gᵀ [ Σ_tiles (A e Aᵀ) ⊙ (Bᵀ d B) ] G                   (Lavin & Gray, section 4.2's duality)
//
// so V is the forward's input transform, the output gradient goes through the output transform
// transposed, and the sum over tiles is 16 GEMMs S[ξ] [IC, OC] += V[ξ]ᵀ · E[ξ] (K = tiles). A has
// a −1 in its last row only; negating that row (Ã = A with row 3 → (0, 1)) and G's last row
// (G̃: row 3 → (0, 0, −1)) flips the sign of the same products twice, so the transforms need no
// negation:
//
//         ⎡ 1  0 ⎤              ⎡ 1    0    0  ⎤
//   Ã  =  ⎢ 1  1 ⎥       G̃  =   ⎢ ½    ½    ½  ⎥       E = Ã e Ãᵀ  (gradOutputTransform)
//         ⎢ 1 −1 ⎥              ⎢ ½   −½    ½  ⎥       dW = G̃ᵀ S G̃  (filterGradTransform)
//         ⎣ 0  1 ⎦              ⎣ 0    0   −1  ⎦
//
// Exactness: Bᵀ and Aᵀ hold 0 and ±1, G holds 0, ±½ and 1 (a power of two), so no constant is
// rounded; the only rounding is that of the float32 additions, and the multiplies drop from 36 to
// 16 per output tile and channel pair (2.25×).

/**
 * u [16, IC, OC] = G g Gᵀ for every (ic, oc), from w [3, 3, CI, CO] (HWIO). Overwrites u.
 * `rotated` = false: the forward filter, IC = CI, OC = CO, g[a][b] = w[a, b, ic, oc].
 * `rotated` = true: the input gradient's filter, rotated 180° with in/out swapped, IC = CO, OC = CI,
 *   g[a][b] = w[2 − a, 2 − b, oc, ic] (dx is a correlation of dy with that filter).
 */
export function filterTransform(u: Float32Array, w: Float32Array, CI: number, CO: number, rotated: boolean): void {
  const IC = rotated ? CO : CI;
  const OC = rotated ? CI : CO;
  const plane = IC * OC; // floats in one U[ξ]
  const tap = CI * CO; // stride between the 9 taps in w
  // The filter g, read so that g[a][b] = k(3·a + b, ·) is the tap the correlation applies at offset
  // (a, b); rotation reads tap 8 − t instead of t. `src` is the offset of w[0, 0, ci, co].
  const k = (t: number, src: number): number => w[(rotated ? 8 - t : t) * tap + src];
  for (let ci = 0; ci < CI; ci++) {
    for (let co = 0; co < CO; co++) {
      const src = ci * CO + co;
      const g00 = k(0, src), g01 = k(1, src), g02 = k(2, src);
      const g10 = k(3, src), g11 = k(4, src), g12 = k(5, src);
      const g20 = k(6, src), g21 = k(7, src), g22 = k(8, src);
      // t = G g (4×3): rows g0, (g0+g1+g2)/2, (g0−g1+g2)/2, g2, column by column.
      const t00 = g00, t01 = g01, t02 = g02;
      const t10 = 0.5 * (g00 + g10 + g20), t11 = 0.5 * (g01 + g11 + g21), t12 = 0.5 * (g02 + g12 + g22);
      const t20 = 0.5 * (g00 - g10 + g20), t21 = 0.5 * (g01 - g11 + g21), t22 = 0.5 * (g02 - g12 + g22);
      const t30 = g20, t31 = g21, t32 = g22;
      // U = t Gᵀ (4×4): the same combination along each row of t.
      const dst = rotated ? co * CI + ci : ci * CO + co; // U[0][ic, oc]
      u[dst] = t00;
      u[dst + plane] = 0.5 * (t00 + t01 + t02);
      u[dst + 2 * plane] = 0.5 * (t00 - t01 + t02);
      u[dst + 3 * plane] = t02;
      u[dst + 4 * plane] = t10;
      u[dst + 5 * plane] = 0.5 * (t10 + t11 + t12);
      u[dst + 6 * plane] = 0.5 * (t10 - t11 + t12);
      u[dst + 7 * plane] = t12;
      u[dst + 8 * plane] = t20;
      u[dst + 9 * plane] = 0.5 * (t20 + t21 + t22);
      u[dst + 10 * plane] = 0.5 * (t20 - t21 + t22);
      u[dst + 11 * plane] = t22;
      u[dst + 12 * plane] = t30;
      u[dst + 13 * plane] = 0.5 * (t30 + t31 + t32);
      u[dst + 14 * plane] = 0.5 * (t30 - t31 + t32);
      u[dst + 15 * plane] = t32;
    }
  }
}

/**
 * Tile `tl` of a chunk of `tc` tiles: v[ξ, tl, ic] = (Bᵀ d B)[ξ] for every ic, where the 4×4 input
 * pixels d[r][c] start at src[at + o[4·r + c] + ic]. Overwrites those 16·IC floats of v [16, tc, IC].
 */
export function inputTransform(
  v: Float32Array, tl: number, tc: number, IC: number, src: Float32Array, at: number, o: Int32Array,
): void {
  const plane = tc * IC;
  const o00 = at + o[0], o01 = at + o[1], o02 = at + o[2], o03 = at + o[3];
  const o10 = at + o[4], o11 = at + o[5], o12 = at + o[6], o13 = at + o[7];
  const o20 = at + o[8], o21 = at + o[9], o22 = at + o[10], o23 = at + o[11];
  const o30 = at + o[12], o31 = at + o[13], o32 = at + o[14], o33 = at + o[15];
  // Channels innermost: NHWC keeps each pixel's channels contiguous, and every plane of v is
  // written as a contiguous run of IC floats per tile.
  for (let ic = 0, dst = tl * IC; ic < IC; ic++, dst++) {
    const d00 = src[o00 + ic], d01 = src[o01 + ic], d02 = src[o02 + ic], d03 = src[o03 + ic];
    const d10 = src[o10 + ic], d11 = src[o11 + ic], d12 = src[o12 + ic], d13 = src[o13 + ic];
    const d20 = src[o20 + ic], d21 = src[o21 + ic], d22 = src[o22 + ic], d23 = src[o23 + ic];
    const d30 = src[o30 + ic], d31 = src[o31 + ic], d32 = src[o32 + ic], d33 = src[o33 + ic];
    // t = Bᵀ d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3.
    const t00 = d00 - d20, t01 = d01 - d21, t02 = d02 - d22, t03 = d03 - d23;
    const t10 = d10 + d20, t11 = d11 + d21, t12 = d12 + d22, t13 = d13 + d23;
    const t20 = d20 - d10, t21 = d21 - d11, t22 = d22 - d12, t23 = d23 - d13;
    const t30 = d10 - d30, t31 = d11 - d31, t32 = d12 - d32, t33 = d13 - d33;
    // V = t B: the same combination along each row of t.
    v[dst] = t00 - t02;
    v[dst + plane] = t01 + t02;
    v[dst + 2 * plane] = t02 - t01;
    v[dst + 3 * plane] = t01 - t03;
    v[dst + 4 * plane] = t10 - t12;
    v[dst + 5 * plane] = t11 + t12;
    v[dst + 6 * plane] = t12 - t11;
    v[dst + 7 * plane] = t11 - t13;
    v[dst + 8 * plane] = t20 - t22;
    v[dst + 9 * plane] = t21 + t22;
    v[dst + 10 * plane] = t22 - t21;
    v[dst + 11 * plane] = t21 - t23;
    v[dst + 12 * plane] = t30 - t32;
    v[dst + 13 * plane] = t31 + t32;
    v[dst + 14 * plane] = t32 - t31;
    v[dst + 15 * plane] = t31 - t33;
  }
}

/**
 * Tile `tl` of a chunk of `tc` tiles: yt[tl] [2, 2, OC] ← Aᵀ m A for every output channel, with
 * m[ξ] = mm[ξ·tc·OC + tl·OC + oc] (the GEMMs' products). Overwrites that part of yt [tc, 2, 2, OC].
 */
export function outputTransformTile(yt: Float32Array, mm: Float32Array, tl: number, tc: number, OC: number): void {
  const plane = tc * OC;
  const y0 = 4 * tl * OC; // yt[tl, 0, 0, 0]
  for (let oc = 0, at = tl * OC; oc < OC; oc++, at++) {
    const m00 = mm[at], m01 = mm[at + plane], m02 = mm[at + 2 * plane], m03 = mm[at + 3 * plane];
    const m10 = mm[at + 4 * plane], m11 = mm[at + 5 * plane], m12 = mm[at + 6 * plane], m13 = mm[at + 7 * plane];
    const m20 = mm[at + 8 * plane], m21 = mm[at + 9 * plane], m22 = mm[at + 10 * plane], m23 = mm[at + 11 * plane];
    const m30 = mm[at + 12 * plane], m31 = mm[at + 13 * plane], m32 = mm[at + 14 * plane], m33 = mm[at + 15 * plane];
    // r = Aᵀ m (2×4): rows m0 + m1 + m2 and m1 − m2 − m3.
    const r00 = m00 + m10 + m20, r01 = m01 + m11 + m21, r02 = m02 + m12 + m22, r03 = m03 + m13 + m23;
    const r10 = m10 - m20 - m30, r11 = m11 - m21 - m31, r12 = m12 - m22 - m32, r13 = m13 - m23 - m33;
    // Y = r A (2×2): the same combination along each row of r.
    yt[y0 + oc] = r00 + r01 + r02;
    yt[y0 + OC + oc] = r01 - r02 - r03;
    yt[y0 + 2 * OC + oc] = r10 + r11 + r12;
    yt[y0 + 3 * OC + oc] = r11 - r12 - r13;
  }
}

/**
 * Tile `tl` of a chunk of `tc` tiles: ed[ξ, tl, oc] = (Ã e Ãᵀ)[ξ] for every oc (the filter
 * gradient's transform of dy, see the header), where the 2×2 pixels e[r][c] are
 * src[at + r·rowStride + c·colStride + oc]. Overwrites those 16·OC floats of ed [16, tc, OC].
 */
export function gradOutputTransform(
  ed: Float32Array, tl: number, tc: number, OC: number, src: Float32Array, at: number, rowStride: number, colStride: number,
): void {
  const plane = tc * OC;
  for (let oc = 0, dst = tl * OC; oc < OC; oc++, dst++) {
    const e00 = src[at + oc], e01 = src[at + colStride + oc];
    const e10 = src[at + rowStride + oc], e11 = src[at + rowStride + colStride + oc];
    // r = Ã e (4×2): rows e0, e0 + e1, e0 − e1, e1.
    const r10 = e00 + e10, r11 = e01 + e11;
    const r20 = e00 - e10, r21 = e01 - e11;
    // E = r Ãᵀ: row (a, b) of r becomes a, a + b, a − b, b.
    ed[dst] = e00;
    ed[dst + plane] = e00 + e01;
    ed[dst + 2 * plane] = e00 - e01;
    ed[dst + 3 * plane] = e01;
    ed[dst + 4 * plane] = r10;
    ed[dst + 5 * plane] = r10 + r11;
    ed[dst + 6 * plane] = r10 - r11;
    ed[dst + 7 * plane] = r11;
    ed[dst + 8 * plane] = r20;
    ed[dst + 9 * plane] = r20 + r21;
    ed[dst + 10 * plane] = r20 - r21;
    ed[dst + 11 * plane] = r21;
    ed[dst + 12 * plane] = e10;
    ed[dst + 13 * plane] = e10 + e11;
    ed[dst + 14 * plane] = e10 - e11;
    ed[dst + 15 * plane] = e11;
  }
}

/**
 * g [3, 3, IC, OC] (HWIO) = G̃ᵀ S G̃ for every (ic, oc), from the tile sums S [16, IC, OC] (see the
 * header). Overwrites g.
 */
export function filterGradTransform(g: Float32Array, sums: Float32Array, IC: number, OC: number): void {
  const plane = IC * OC;
  for (let i = 0; i < plane; i++) {
    const s00 = sums[i], s01 = sums[i + plane], s02 = sums[i + 2 * plane], s03 = sums[i + 3 * plane];
    const s10 = sums[i + 4 * plane], s11 = sums[i + 5 * plane], s12 = sums[i + 6 * plane], s13 = sums[i + 7 * plane];
    const s20 = sums[i + 8 * plane], s21 = sums[i + 9 * plane], s22 = sums[i + 10 * plane], s23 = sums[i + 11 * plane];
    const s30 = sums[i + 12 * plane], s31 = sums[i + 13 * plane], s32 = sums[i + 14 * plane], s33 = sums[i + 15 * plane];
    // t = G̃ᵀ S (3×4): rows s0 + (s1 + s2)/2, (s1 − s2)/2, (s1 + s2)/2 − s3.
    const t00 = s00 + 0.5 * (s10 + s20), t01 = s01 + 0.5 * (s11 + s21), t02 = s02 + 0.5 * (s12 + s22), t03 = s03 + 0.5 * (s13 + s23);
    const t10 = 0.5 * (s10 - s20), t11 = 0.5 * (s11 - s21), t12 = 0.5 * (s12 - s22), t13 = 0.5 * (s13 - s23);
    const t20 = 0.5 * (s10 + s20) - s30, t21 = 0.5 * (s11 + s21) - s31, t22 = 0.5 * (s12 + s22) - s32, t23 = 0.5 * (s13 + s23) - s33;
    // dW = t G̃: the same combination along each row of t; tap (kh, kw) at g[(3·kh + kw)·plane + i].
    g[i] = t00 + 0.5 * (t01 + t02);
    g[i + plane] = 0.5 * (t01 - t02);
    g[i + 2 * plane] = 0.5 * (t01 + t02) - t03;
    g[i + 3 * plane] = t10 + 0.5 * (t11 + t12);
    g[i + 4 * plane] = 0.5 * (t11 - t12);
    g[i + 5 * plane] = 0.5 * (t11 + t12) - t13;
    g[i + 6 * plane] = t20 + 0.5 * (t21 + t22);
    g[i + 7 * plane] = 0.5 * (t21 - t22);
    g[i + 8 * plane] = 0.5 * (t21 + t22) - t23;
  }
}
