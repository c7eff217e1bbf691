import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../storage.js';

/**
 * One-hot rows [N, numClasses] from integer classes (as Keras's `to_categorical`): row i is all
 * zeros except a 1 at column classes[i].
 */
export function oneHot(classes: ArrayLike<number>, numClasses: number): Tensor {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`oneHot: numClasses must be a positive integer, got ${numClasses}`);
  const n = classes.length;
  const out = allocFloat32(n * numClasses); // (N, numClasses)
  for (let i = 0; i < n; i++) {
    const c = classes[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new Error(`oneHot: class ${c} at index ${i} is out of range (expected 0..${numClasses - 1})`);
    }
    out[i * numClasses + c] = 1;
  }
  return new Tensor(out, [n, numClasses]);
}
