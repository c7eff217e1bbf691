import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import type { Rng } from '../rng.js';
import { shapeToString } from '../shape.js';
import { mul } from './binary.js';
import { dropoutKernels } from '../kernel-tables/dropout.js';

/**
 * Inverted dropout, as Keras's: each element kept with probability 1 − rate and scaled by
 * 1 / (1 − rate), else 0. The mask comes from rng's raw 32-bit words, one per element (element i is
 * kept where the word, read as a uniform number in [0, 1), is ≥ rate); the gradient is mul's.
 */
export function dropout(x: Tensor, rate: number, rng: Rng): Tensor {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${rate} (input ${shapeToString(x.shape)})`);
  const mask = allocFloat32(x.size);
  dropoutKernels().dropoutMask(mask, rate, 1 / (1 - rate), (words) => rng.fillUint32(words));
  return mul(x, new Tensor(mask, x.shape));
}
