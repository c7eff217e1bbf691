// A scan for NaN and ±Infinity. The fast convolutions pad with real zeros or transform tiles where
// the naive loops skip padded taps, so a non-finite filter (or result) sends them to those loops:
// conv2d-direct-simd.ts and src/conv2d-winograd-choice.ts ask this first.

/** True when a[from .. from + n) holds no NaN and no ±Infinity. */
export function allFinite(a: Float32Array, from: number, n: number): boolean {
  for (let i = from; i < from + n; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
