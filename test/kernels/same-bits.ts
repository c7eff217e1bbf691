// Bit-for-bit comparison for the SIMD kernel tests (the JS twins are exact, so no tolerance).

/** Index of the first element whose value differs (Object.is: NaN = NaN, +0 ≠ −0), or −1; 0 on a length mismatch. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}
