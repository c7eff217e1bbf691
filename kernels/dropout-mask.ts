// Inverted dropout's mask (Keras Dropout) from random 32-bit words, the readable version:
//
//   mask[i] = scale  if words[i] / 2^32 ≥ rate  (element i kept), else 0        i < mask.length; overwrites mask
//
// words[i] / 2^32 is the uniform number Rng.uniform() makes of the same word, so the mask is the one
// n calls of uniform() would give; the test is done as words[i] ≥ rate·2^32 (exact: a power-of-two
// scale). `words` may view mask's own bytes: each word is read before its float overwrites it.
// Buffers: mask [n] float32, words [n] uint32 (n = mask.length).

/** mask ← scale where words[i] ≥ rate·2^32, else 0 (see the header). Overwrites mask. */
export function dropoutMaskFromWords(mask: Float32Array, words: Uint32Array, rate: number, scale: number): void {
  const threshold = rate * 4294967296;
  for (let i = 0; i < mask.length; i++) mask[i] = words[i] >= threshold ? scale : 0;
}

/**
 * The mask from words `draw` puts in mask's own bytes (mask.length of them, e.g. Rng.fillUint32),
 * then the rule above: dropout-mask-simd.ts's signature, its naive twin.
 */
export function dropoutMask(mask: Float32Array, rate: number, scale: number, draw: (words: Uint32Array) => void): void {
  const words = new Uint32Array(mask.buffer, mask.byteOffset, mask.length);
  draw(words);
  dropoutMaskFromWords(mask, words, rate, scale);
}
