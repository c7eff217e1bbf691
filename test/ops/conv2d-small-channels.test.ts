// conv2d on the zoo resnet's small-channel shapes, where the fast table runs the fused small-channel
// Winograd (kernels/conv2d-winograd-small.ts) for the forward and the input gradient: 'fast' against
// 'reference' (the naive loops), and the same bits run to run.
import { describe, it, expect, afterEach } from 'vitest';
import { conv2d, sum, mul, setKernels, randomNormal, Rng } from '../../src/index.js';
import { winogradSmallPays } from '../../src/conv2d-winograd-choice.js';
import { conv2dShape } from '../../kernels/conv-shape.js';
import { expectClose, sumTolerance } from '../kernels/helpers.js';
import { firstDifference } from '../kernels/same-bits.js';

afterEach(() => setKernels('fast'));

/** y = conv2d(x, w, bias, relu), L = Σ y·r; returns y and the gradients of x, w and bias. */
function run(kernels: 'fast' | 'reference', H: number, W: number, CI: number, CO: number, padding: 'same' | 'valid', relu: boolean): Float32Array[] {
  setKernels(kernels);
  const x = randomNormal([3, H, W, CI], new Rng(1), 0, 1, { requiresGrad: true });
  const w = randomNormal([3, 3, CI, CO], new Rng(2), 0, 0.1, { requiresGrad: true });
  const b = randomNormal([CO], new Rng(3), 0, 0.1, { requiresGrad: true });
  const y = conv2d(x, w, { padding, bias: b, relu });
  const r = randomNormal(y.shape, new Rng(4));
  sum(mul(y, r)).backward();
  return [y.data, x.grad!.data, w.grad!.data, b.grad!.data];
}

describe('conv2d on the small-channel Winograd shapes: \'fast\' against \'reference\'', () => {
  const cases = [[14, 13, 8, 8, 'same', true], [9, 10, 16, 16, 'same', false], [12, 11, 8, 16, 'valid', true]] as const;
  for (const [H, W, CI, CO, padding, relu] of cases) {
    it(`${H}×${W}, ${CI} → ${CO}, ${padding}${relu ? ', ReLU' : ''}: output and all three gradients agree, and a second run gives the same bits`, () => {
      expect(winogradSmallPays(conv2dShape(3, H, W, CI, 3, 3, CO, [1, 1], [1, 1], padding))).toBe(true);
      const fast = run('fast', H, W, CI, CO, padding, relu);
      const ref = run('reference', H, W, CI, CO, padding, relu);
      // Operands of magnitude ≲ 4 (x and r ~ N(0, 1), so dy too) and ≲ 0.4 (w): y and dx, Winograd's
      // 81·IC unit terms (conv2d-winograd-small-cases.ts) scaled by |x|·|w| = 1.6; dw and db sum over
      // the N·OH·OW ≤ 3·H·W output pixels, products |x|·|dy| ≲ 16 and values |dy| ≲ 4.
      const pixels = 3 * H * W;
      const terms = [81 * CI * 1.6, 81 * CO * 1.6, pixels * 16, pixels * 4];
      ['y', 'dx', 'dw', 'db'].forEach((name, i) => expectClose(fast[i], ref[i], sumTolerance(terms[i]), `${H}x${W} ${CI}→${CO} ${name}`));
      const again = run('fast', H, W, CI, CO, padding, relu);
      again.forEach((a, i) => expect(firstDifference(a, fast[i]), `run to run, output ${i}`).toBe(-1));
    });
  }
});
