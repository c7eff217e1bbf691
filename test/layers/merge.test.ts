/**
 * Merge layers: values by hand, shape inference and its errors, a gradient check of every merge, and
 * Maximum/Minimum ties against TensorFlow.js's gradient (live) and the rule written out.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { Tensor, Rng, tensor, input, Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dense, type Merge, type CallContext } from '../../src/index.js';
import { expectClose, expectGradOk, shuffledRamp } from '../helpers.js';
import { loadTf, toTf, fromTf } from '../tf-peer.js';

let tf: typeof TF;
beforeAll(async () => {
  tf = await loadTf();
});

const CTX: CallContext = { training: true, rng: new Rng(0) };
const a = tensor([[1, -2, 3], [4, 5, -6]]);
const b = tensor([[2, 2, -1], [0.5, 5, 1]]);
const c = tensor([[0, 3, 3], [1, 1, 1]]);

describe('merge values', () => {
  it('Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate by hand', () => {
    expectClose(new Add().callInputs([a, b, c], CTX), [[3, 3, 5], [5.5, 11, -4]], 0);
    expectClose(new Subtract().callInputs([a, b], CTX), [[-1, -4, 4], [3.5, 0, -7]], 0);
    expectClose(new Multiply().callInputs([a, b, c], CTX), [[0, -12, -9], [2, 25, -6]], 0);
    expectClose(new Average().callInputs([a, b, c], CTX), [[1, 1, 5 / 3], [5.5 / 3, 11 / 3, -4 / 3]], 1e-6);
    expectClose(new Maximum().callInputs([a, b, c], CTX), [[2, 3, 3], [4, 5, 1]], 0);
    expectClose(new Minimum().callInputs([a, b, c], CTX), [[0, -2, -1], [0.5, 1, -6]], 0);
    expectClose(new Concatenate().callInputs([a, b], CTX), [[1, -2, 3, 2, 2, -1], [4, 5, -6, 0.5, 5, 1]], 0);
    expectClose(new Concatenate({ axis: 1 }).callInputs([tensor([[1, 2]]), tensor([[3]])], CTX), [[1, 2, 3]], 0);
  });

  it('Concatenate along the channels of NHWC maps, and along the height', () => {
    const x = input({ shape: [4, 4, 2] });
    const y = input({ shape: [4, 4, 3] });
    expect(new Concatenate().apply([x, y]).shape).toEqual([null, 4, 4, 5]);
    expect(new Concatenate({ axis: 1 }).apply([x, input({ shape: [1, 4, 2] })]).shape).toEqual([null, 5, 4, 2]);
    expect(new Concatenate().getConfig()).toEqual({ name: '', trainable: true, dtype: 'float32', axis: -1 });
  });
});

describe('broadcasting between inputs (sizes 1), as Keras', () => {
  it('a squeeze-and-excitation gate [N, 1, 1, C] times a map [N, H, W, C]: shapes, values by hand, gradients', () => {
    expect(new Multiply().apply([input({ shape: [4, 4, 3] }), input({ shape: [1, 1, 3] })]).shape).toEqual([null, 4, 4, 3]);
    expect(new Add().apply([input({ shape: [1, 3] }), input({ shape: [2, 1] })]).shape).toEqual([null, 2, 3]);
    const map = tensor([[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]); // [1, 2, 2, 2]
    const gate = tensor([[[[10, -1]]]]); // [1, 1, 1, 2]
    expectClose(new Multiply().callInputs([map, gate], CTX), [[[[10, -2], [30, -4]], [[50, -6], [70, -8]]]], 0);
    expectClose(new Average().callInputs([map, gate], CTX), [[[[5.5, 0.5], [6.5, 1.5]], [[7.5, 2.5], [8.5, 3.5]]]], 1e-6);
    expectClose(new Maximum().callInputs([map, gate], CTX), [[[[10, 2], [10, 4]], [[10, 6], [10, 8]]]], 0);
    const rng = new Rng(6);
    for (const make of [() => new Add(), () => new Multiply(), () => new Average(), () => new Maximum(), () => new Minimum(), () => new Subtract()]) {
      const layer = make();
      expectGradOk((p, q) => layer.callInputs([p, q], CTX), [shuffledRamp([2, 3, 3, 2], rng), shuffledRamp([2, 1, 1, 2], rng, 0.37, 0.05)], {}, `${layer.className} broadcast`);
    }
  });
});

describe('merge shape errors name the layer and the inbound shapes', () => {
  const x = input({ shape: [4] });
  const y = input({ shape: [5] });
  it.each([
    ['Add', () => new Add({ name: 'sum' }).apply([x, y]), /Add 'sum': expected inputs of one rank whose sizes agree or are 1, got input shapes \(None, 4\), \(None, 5\)/],
    ['Add of one', () => new Add().apply([x]), /Add: takes a list of at least 2 inputs, got 1 \(None, 4\)/],
    ['Add of a tensor', () => new Add().apply(x), /Add: takes a list of at least 2 inputs, got 1 \(None, 4\)/],
    ['Subtract of three', () => new Subtract().apply([x, x, x]), /Subtract: takes a list of exactly 2 inputs, got 3/],
    ['Multiply of ranks', () => new Multiply().apply([x, input({ shape: [4, 1] })]), /Multiply: expected inputs of one rank whose sizes agree or are 1, got input shapes \(None, 4\), \(None, 4, 1\)/],
    ['Concatenate', () => new Concatenate().apply([input({ shape: [2, 3] }), input({ shape: [3, 3] })]), /Concatenate: expected inputs that agree outside axis -1, got input shapes \(None, 2, 3\), \(None, 3, 3\)/],
    ['Concatenate on the batch', () => new Concatenate({ axis: 0 }).apply([x, x]), /Concatenate: expected inputs of rank > 1 with an axis 0 after the batch axis/],
    ['Dense of two', () => new Dense({ units: 2 }).apply([x, x]), /Dense: takes one input, got 2 with shapes \(None, 4\), \(None, 4\)/],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  it('at run time too, on concrete shapes', () => {
    expect(() => new Maximum().callInputs([tensor([[1, 2]]), tensor([[1, 2, 3]])], CTX)).toThrow(/Maximum: expected inputs of one rank whose sizes agree or are 1, got input shapes \(1, 2\), \(1, 3\)/);
  });
});

describe('merge gradients', () => {
  const merges: Array<[string, () => Merge, number]> = [
    ['Add', () => new Add(), 3],
    ['Subtract', () => new Subtract(), 2],
    ['Multiply', () => new Multiply(), 3],
    ['Average', () => new Average(), 3],
    ['Maximum', () => new Maximum(), 3],
    ['Minimum', () => new Minimum(), 3],
    ['Concatenate', () => new Concatenate(), 3],
    ['Concatenate axis 1', () => new Concatenate({ axis: 1 }), 2],
  ];
  it.each(merges)('%s passes gradCheck', (_name, make, k) => {
    const rng = new Rng(4);
    // One ramp cut into k inputs: all values distinct with gaps > 2h, so Maximum/Minimum have no near-ties.
    const ramp = shuffledRamp([k, 2, 3, 2], rng);
    const xs = Array.from({ length: k }, (_, i) => new Tensor(ramp.data.slice(i * 12, (i + 1) * 12), [2, 3, 2]));
    const layer = make();
    expectGradOk((...ts) => layer.callInputs(ts, CTX), xs, {}, layer.className);
  });

  it('Maximum and Minimum ties: all of the gradient to the first input reaching the extreme (TensorFlow.js agrees)', () => {
    const xs = [tensor([[1, 2, 3, 0]]), tensor([[1, 5, 3, 0]]), tensor([[1, 5, -3, 0]])];
    const dout = Float32Array.of(1, 2, 3, 4);
    for (const [Layer, tfOp] of [[Maximum, 'maximum'], [Minimum, 'minimum']] as const) {
      const ins = xs.map((x) => new Tensor(Float32Array.from(x.data), x.shape, true));
      new Layer().callInputs(ins, CTX).backward(dout);
      // TensorFlow's rule, written out: max(max(x0, x1), x2); each step gives a tie to its first operand.
      const want = Layer === Maximum
        ? [[1, 0, 3, 4], [0, 2, 0, 0], [0, 0, 0, 0]]
        : [[1, 2, 0, 4], [0, 0, 0, 0], [0, 0, 3, 0]];
      ins.forEach((t, k) => expectClose(t.grad as Tensor, want[k], 0, 0, `${Layer.name} input ${k}`));
      // tfjs, live: the same chain Keras builds, differentiated by tfjs.
      const grads = tf.grads((p: TF.Tensor, q: TF.Tensor, r: TF.Tensor) => tf.mul(tf[tfOp](tf[tfOp](p, q), r), tf.tensor(dout, [1, 4])).sum())(xs.map((x) => toTf(tf, x)));
      grads.forEach((g, k) => expectClose(fromTf(g), want[k], 0, 0, `tfjs ${tfOp} input ${k}`));
    }
  });
});
