/**
 * The zoo's resnet and mobilenet train to the same weights on the naive reference kernels as on the
 * fast ones (the direct SIMD convolution of their 8-, 16- and 32-channel layers, the SIMD ReLU6 and
 * bias sums), within float32 reordering. SGD, not Adam: the conv biases before BatchNormalization
 * have a true gradient of 0, and Adam's m/√v would turn the rounding left in it into full ±lr steps.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { resnet, mobilenet, SGD, Tensor, Rng, randomNormal, setKernels, type Model } from '../../src/index.js';

afterEach(() => setKernels('fast'));

async function trainOn(kernels: 'fast' | 'reference', build: () => Model): Promise<Float32Array[]> {
  setKernels(kernels);
  const model = build();
  model.compile({ optimizer: new SGD({ learningRate: 0.05 }), loss: 'categorical_crossentropy' });
  const x = randomNormal([4, 28, 28, 1], new Rng(11));
  const y = new Float32Array(4 * 10);
  for (let i = 0; i < 4; i++) y[i * 10 + ((3 * i) % 10)] = 1;
  await model.fit(x, new Tensor(y, [4, 10]), { epochs: 2, batchSize: 2, shuffle: false, verbose: 0, seed: 1 });
  return model.getWeights().map((w) => Float32Array.from(w.data));
}

describe('the zoo models on the fast kernels train as on the reference ones', () => {
  for (const [name, build] of [['resnet', () => resnet({ seed: 3 })], ['mobilenet', () => mobilenet({ seed: 3 })]] as const) {
    it(`${name}: every weight after 4 SGD steps within 1e-4 + 1e-3·|w|`, { timeout: 60_000 }, async () => {
      const fast = await trainOn('fast', build);
      const reference = await trainOn('reference', build);
      const initial = build().getWeights().map((w) => w.data);
      let moved = 0;
      fast.forEach((w, i) => {
        for (let j = 0; j < w.length; j++) {
          const want = reference[i][j];
          expect(Math.abs(w[j] - want), `${name} weight ${i}[${j}]: fast ${w[j]}, reference ${want}`).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(want));
          if (w[j] !== initial[i][j]) moved++;
        }
      });
      expect(moved).toBeGreaterThan(1000); // the steps really changed the weights
    });
  }
});
