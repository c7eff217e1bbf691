// Winograd inside the engine: the fast table's choice (src/conv2d-winograd-choice.ts) among the chunked
// Winograd, the fused small-channel one and the direct kernels, the filter gradient that
// starts from x, and conv2d's training path on a shape that picks Winograd, against the reference.
import { describe, it, expect, afterEach } from 'vitest';
import { conv2d, sum, mul, setKernels, randomNormal, Rng } from '../../src/index.js';
import { conv2dUsesWinograd, conv2dKeptWithWinograd, conv2dForwardWithWinograd, conv2dBackwardInputWithWinograd, winogradSmallPays } from '../../src/conv2d-winograd-choice.js';
import { conv2dShape, type Conv2dShape } from '../../kernels/conv-shape.js';
import { conv2dForwardDirect, conv2dBackwardInputDirect } from '../../kernels/conv2d.js';
import { conv2dDirectSimdApplies, conv2dDirectSimdInputApplies, conv2dBackwardInputDirectSimd, conv2dForwardDirectSimd } from '../../kernels/conv2d-direct-simd.js';
import { conv2dForwardWinogradSmall, conv2dBackwardInputWinogradSmall } from '../../kernels/conv2d-winograd-small.js';
import { conv2dBackwardInputWinograd } from '../../kernels/conv2d-winograd.js';
import { winogradInHeapApplies } from '../../kernels/conv2d-winograd-heap.js';
import { reluInPlace } from '../../kernels/relu.js';
import { conv2dForwardIm2col, conv2dBackwardInputIm2col } from '../../kernels/conv2d-im2col.js';
import { gemmFast, gemmFastBias } from '../../kernels/gemm-fast.js';
import { expectClose, mulberry32, nanArray, randomArray, sumTolerance, winogradFilterGradTerms } from './helpers.js';
import { firstDifference } from './same-bits.js';

afterEach(() => setKernels('fast'));

const shape3x3 = (N: number, H: number, W: number, CI: number, CO: number): Conv2dShape =>
  conv2dShape(N, H, W, CI, 3, 3, CO, [1, 1], [1, 1], 'same');

describe('which convolutions run as Winograd', () => {
  it('3×3 stride 1 with ≥ 4 channels in and out and ≥ 256 output pixels; not the first layer (1 channel), not one small image, not strided', () => {
    expect(conv2dUsesWinograd(shape3x3(32, 14, 14, 32, 64))).toBe(true); // bench shape B
    expect(conv2dUsesWinograd(conv2dShape(32, 13, 13, 32, 3, 3, 64, [1, 1], [1, 1], 'valid'))).toBe(true); // Keras convnet, conv 2: 11×11 out
    expect(conv2dUsesWinograd(conv2dShape(32, 28, 28, 1, 3, 3, 32, [1, 1], [1, 1], 'valid'))).toBe(false); // conv 1: CI = 1
    expect(conv2dUsesWinograd(shape3x3(32, 14, 14, 4, 4))).toBe(true);
    expect(conv2dUsesWinograd(shape3x3(32, 14, 14, 3, 32))).toBe(false);
    expect(conv2dUsesWinograd(shape3x3(32, 14, 14, 32, 3))).toBe(false);
    expect(conv2dUsesWinograd(shape3x3(4, 8, 8, 16, 16))).toBe(true); // 4·8·8 = 256 output pixels
    expect(conv2dUsesWinograd(shape3x3(3, 8, 8, 16, 16))).toBe(false); // 192
    expect(conv2dUsesWinograd(conv2dShape(8, 28, 28, 32, 3, 3, 32, [2, 2], [1, 1], 'same'))).toBe(false);
    expect(conv2dUsesWinograd(conv2dShape(8, 28, 28, 32, 5, 5, 32, [1, 1], [1, 1], 'same'))).toBe(false);
  });

  it('the input gradient: Winograd over the direct SIMD kernels with ≥ 512 channel pairs on images the 2×2 tiles fit (Keras convnet\'s conv 2), the fused small-channel Winograd from 8 to 32 channels, direct elsewhere', () => {
    const rng = mulberry32(5);
    const cases: [Conv2dShape, 'winograd' | 'small' | 'direct'][] = [
      [conv2dShape(3, 13, 13, 32, 3, 3, 64, [1, 1], [1, 1], 'valid'), 'winograd'], // 196 tile pixels for 169
      [shape3x3(2, 14, 14, 16, 64), 'winograd'],
      [shape3x3(2, 14, 14, 32, 16), 'small'], // 512 pairs, at most 32 channels each side
      [shape3x3(6, 7, 7, 32, 64), 'direct'], // 64 tile pixels for 49
      [shape3x3(2, 14, 14, 16, 16), 'small'], // the zoo resnet's second block
      [shape3x3(2, 28, 28, 8, 8), 'small'], // its first
      [shape3x3(32, 3, 3, 16, 16), 'direct'], // 16 tile pixels for 9: too much of each tile past the image
    ];
    for (const [s, which] of cases) {
      expect(conv2dUsesWinograd(s) && conv2dDirectSimdInputApplies(s)).toBe(true);
      expect(winogradSmallPays(s)).toBe(which === 'small');
      const w = randomArray(rng, 9 * s.CI * s.CO);
      const dy = randomArray(rng, s.N * s.OH * s.OW * s.CO);
      const prior = randomArray(rng, s.N * s.H * s.W * s.CI);
      const got = prior.slice();
      conv2dBackwardInputWithWinograd(got, dy, w, s);
      const winograd = prior.slice();
      conv2dBackwardInputWinograd(winograd, dy, w, s, 'engine');
      const small = prior.slice();
      conv2dBackwardInputWinogradSmall(small, dy, w, s);
      const direct = prior.slice();
      conv2dBackwardInputDirectSimd(direct, dy, w, s);
      expect(firstDifference(winograd, direct), 'the kernels differ in their last bits here').not.toBe(-1);
      expect(firstDifference(small, direct), 'the kernels differ in their last bits here').not.toBe(-1);
      const want = { winograd, small, direct }[which];
      expect(firstDifference(got, want), `${which} CI=${s.CI} CO=${s.CO} ${s.H}x${s.W}`).toBe(-1);
    }
  });

  it('the forward: the fused small-channel Winograd where it pays (8 to 32 channels), the direct SIMD kernel where the tiles waste too much', () => {
    const rng = mulberry32(6);
    const cases: [Conv2dShape, 'small' | 'direct'][] = [
      [shape3x3(2, 28, 28, 8, 8), 'small'],
      [shape3x3(2, 14, 14, 16, 16), 'small'],
      [shape3x3(2, 7, 7, 8, 32), 'small'], // 64 tile pixels for 49
      [shape3x3(32, 3, 3, 16, 16), 'direct'],
    ];
    for (const [s, which] of cases) {
      expect(conv2dDirectSimdApplies(s)).toBe(true);
      expect(winogradSmallPays(s)).toBe(which === 'small');
      const x = randomArray(rng, s.N * s.H * s.W * s.CI);
      const w = randomArray(rng, 9 * s.CI * s.CO);
      const bias = randomArray(rng, s.CO);
      const got = nanArray(s.N * s.OH * s.OW * s.CO);
      conv2dForwardWithWinograd(got, x, w, bias, s, conv2dKeptWithWinograd(x, s), true);
      const small = nanArray(got.length);
      conv2dForwardWinogradSmall(small, x, w, bias, s, true);
      const direct = nanArray(got.length);
      conv2dForwardDirectSimd(direct, x, w, bias, s, true);
      expect(firstDifference(small, direct), 'the kernels differ in their last bits here').not.toBe(-1);
      expect(firstDifference(got, which === 'small' ? small : direct), `${which} CI=${s.CI} CO=${s.CO} ${s.H}x${s.W}`).toBe(-1);
    }
  });

  it('keeps x (no im2col matrix) for Winograd shapes and allocates the matrix otherwise', () => {
    // Output channels no 8 divides, so the direct SIMD convolution (8 to 32 of them) does not apply.
    const x = new Float32Array(4 * 8 * 8 * 16);
    expect(conv2dKeptWithWinograd(x, shape3x3(4, 8, 8, 16, 20))).toBe(x);
    const s = shape3x3(4, 8, 8, 2, 12);
    expect(conv2dKeptWithWinograd(x.subarray(0, 4 * 8 * 8 * 2), s).length).toBe(4 * 8 * 8 * 9 * 2);
  });

  it('a non-finite filter runs the naive direct loops: the twin\'s bits, NaN and ±Inf at its places (im2col\'s padding would not)', () => {
    const rng = mulberry32(3);
    // 12 → 20 channels: neither the direct SIMD forward (CO) nor its input gradient (CI) applies.
    const s = shape3x3(4, 8, 8, 12, 20);
    expect(conv2dUsesWinograd(s) && !conv2dDirectSimdApplies(s) && !conv2dDirectSimdInputApplies(s)).toBe(true);
    const x = randomArray(rng, 4 * 8 * 8 * 12);
    const w = randomArray(rng, 9 * 12 * 20);
    const dy = randomArray(rng, 4 * 8 * 8 * 20);
    w[5] = NaN; // tap (0, 0), ci 0, co 5: skipped by the twin on the top row and left column
    w[8 * 240 + 3 * 20 + 7] = Infinity; // tap (2, 2), ci 3, co 7: skipped on the bottom row and right column
    for (const relu of [false, true]) {
      const want = nanArray(4 * 8 * 8 * 20);
      conv2dForwardDirect(want, x, w, null, s);
      if (relu) reluInPlace(want);
      const got = nanArray(want.length);
      conv2dForwardWithWinograd(got, x, w, null, s, x, relu);
      expect(firstDifference(got, want), `forward relu=${relu}`).toBe(-1);
      // The case is one the check can fail: the twin has finite values, ±Inf and NaN, and im2col
      // (the previous choice) differs from it at the padded border.
      expect(want.some(Number.isFinite) && want.some((v) => v === Infinity) && want.some(Number.isNaN)).toBe(true);
      const im2col = nanArray(want.length);
      conv2dForwardIm2col(im2col, x, w, null, s, new Float32Array(4 * 64 * 108), gemmFastBias, relu);
      expect(firstDifference(im2col, want)).not.toBe(-1);
    }
    const dxWant = randomArray(mulberry32(4), x.length);
    const dxGot = dxWant.slice();
    const dxIm2col = dxWant.slice();
    conv2dBackwardInputDirect(dxWant, dy, w, s);
    conv2dBackwardInputIm2col(dxIm2col, dy, w, s, gemmFast);
    expect(firstDifference(dxIm2col, dxWant)).not.toBe(-1);
    conv2dBackwardInputWithWinograd(dxGot, dy, w, s);
    expect(firstDifference(dxGot, dxWant), 'dx').toBe(-1);
    expect(dxWant.some(Number.isFinite) && dxWant.some(Number.isNaN) && dxWant.some((v) => v === Infinity || v === -Infinity)).toBe(true);
  });
});

describe("conv2d on a Winograd shape: 'fast' against 'reference'", () => {
  /** y = conv2d(x, w, bias, relu), L = Σ y·r; returns y and the gradients of x, w and bias. */
  function run(kernels: 'fast' | 'reference', padding: 'same' | 'valid', CO: number): Float32Array[] {
    setKernels(kernels);
    const x = randomNormal([3, 12, 11, 16], new Rng(1), 0, 1, { requiresGrad: true });
    const w = randomNormal([3, 3, 16, CO], new Rng(2), 0, 0.1, { requiresGrad: true });
    const b = randomNormal([CO], new Rng(3), 0, 0.1, { requiresGrad: true });
    const y = conv2d(x, w, { padding, bias: b, relu: true });
    const r = randomNormal(y.shape, new Rng(4));
    sum(mul(y, r)).backward();
    return [y.data, x.grad!.data, w.grad!.data, b.grad!.data];
  }

  // 16 → 20 channels: the forward and filter gradient run as Winograd (20 output channels are not
  // the direct kernels'), the filter gradient on arrays (20 is no multiple of the heap GEMM's 8);
  // 16 → 40: the same, the filter gradient's chunks in wasm memory.
  for (const padding of ['same', 'valid'] as const) {
    for (const [CO, dwInHeap] of [[20, false], [40, true]] as const) {
      it(`${padding}, 16 → ${CO} channels: output and all three gradients agree`, () => {
        const s = conv2dShape(3, 12, 11, 16, 3, 3, CO, [1, 1], [1, 1], padding);
        expect(conv2dUsesWinograd(s) && !conv2dDirectSimdApplies(s)).toBe(true);
        expect(winogradInHeapApplies(s.CI, s.CO)).toBe(dwInHeap);
        const fast = run('fast', padding, CO);
        const ref = run('reference', padding, CO);
        // Operands of magnitude ≲ 4 (x and r ~ N(0, 1), so dy too) and ≲ 0.4 (w). y and dx: Winograd's
        // 81·CI unit terms (see conv2d-winograd.test.ts) scaled by |x|·|w| = 1.6, dx summing over CO;
        // dw: the Winograd filter gradient's 64·N·⌈OH/2⌉·⌈OW/2⌉ (winogradFilterGradTerms) scaled by
        // |x|·|dy| = 16; db: N·OH·OW values of dy.
        const names = ['y', 'dx', 'dw', 'db'];
        const terms = [81 * 16 * 1.6, 81 * CO * 1.6, winogradFilterGradTerms(s) * 16, s.N * s.OH * s.OW * 4];
        names.forEach((name, i) => expectClose(fast[i], ref[i], sumTolerance(terms[i]), `${padding} CO=${CO} ${name}`));
      });
    }
  }
});

