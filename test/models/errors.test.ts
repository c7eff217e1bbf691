/**
 * Bad input: every mistake a Keras user commonly makes throws an Error that says what was expected.
 */
import { describe, it, expect } from 'vitest';
import {
  Tensor, Sequential, Model, input, Conv2D, MaxPool2D, Flatten, Dense, Activation, Dropout, Reshape, Embedding,
} from '../../src/index.js';

const zeros = (...shape: number[]): Tensor => new Tensor(new Float32Array(shape.reduce((p, d) => p * d, 1)), shape);

function convModel(): Sequential {
  const m = new Sequential([
    input({ shape: [6, 6, 2] }),
    new Conv2D({ filters: 3, kernelSize: 3, activation: 'relu' }),
    new MaxPool2D(),
    new Flatten(),
    new Dense({ units: 4, activation: 'softmax' }),
  ], { seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

describe('wrong input shape', () => {
  it('fit, evaluate and predict name the shape they got and the one expected', async () => {
    const m = convModel();
    const x = zeros(2, 5, 5, 2);
    const y = zeros(2, 4);
    await expect(m.fit(x, y, { verbose: 0 })).rejects.toThrow(/sequential: fit x has shape \[2, 5, 5, 2\], expected \(None, 6, 6, 2\)/);
    expect(() => m.evaluate(x, y)).toThrow(/sequential: evaluate x has shape \[2, 5, 5, 2\], expected \(None, 6, 6, 2\)/);
    expect(() => m.predict(x)).toThrow(/sequential: predict x has shape \[2, 5, 5, 2\], expected \(None, 6, 6, 2\)/);
    expect(() => m.predict(zeros(2, 6, 6))).toThrow(/predict x has shape \[2, 6, 6\], expected \(None, 6, 6, 2\)/);
  });

  it('x and y with different sample counts', async () => {
    await expect(convModel().fit(zeros(3, 6, 6, 2), zeros(2, 4), { verbose: 0 })).rejects.toThrow(/fit x has 3 samples but y has shape \[2, 4\]/);
  });

  it('validation data of the wrong shape', async () => {
    await expect(convModel().fit(zeros(2, 6, 6, 2), zeros(2, 4), { verbose: 0, validationData: [zeros(1, 6, 6, 1), zeros(1, 4)] })).rejects.toThrow(
      /validation x has shape \[1, 6, 6, 1\], expected \(None, 6, 6, 2\)/,
    );
  });
});

describe('wrong labels', () => {
  it('labels of the wrong width', async () => {
    const m = convModel();
    await expect(m.fit(zeros(2, 6, 6, 2), zeros(2, 3), { verbose: 0 })).rejects.toThrow(
      /fit labels y have shape \[2, 3\], expected \(2, 4\) to match the output \[2, 4\]/,
    );
    expect(() => m.evaluate(zeros(2, 6, 6, 2), zeros(2, 5))).toThrow(/evaluate labels y have shape \[2, 5\], expected \(2, 4\)/);
  });

  it('sparse labels must be class indices of shape [N]', async () => {
    const m = convModel();
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    await expect(m.fit(zeros(2, 6, 6, 2), zeros(2, 4), { verbose: 0 })).rejects.toThrow(/labels y have shape \[2, 4\], expected \(2,\) integer class labels/);
    await expect(m.fit(zeros(2, 6, 6, 2), new Tensor(Float32Array.of(0, 4), [2]), { verbose: 0 })).rejects.toThrow(/label 4 at row 1 is not a class index in \[0, 4\)/);
  });
});

describe('unknown names', () => {
  it('loss, optimizer, metric', () => {
    const m = convModel();
    expect(() => m.compile({ optimizer: 'adam', loss: 'categorical_crossentropyy' })).toThrow(/unknown loss 'categorical_crossentropyy' \(known: categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy, mean_squared_error, mse\)/);
    expect(() => m.compile({ optimizer: 'adagrad', loss: 'mse' })).toThrow(/unknown optimizer 'adagrad' \(known: adam, sgd, rmsprop/);
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['f1'] })).toThrow(/unknown metric 'f1' \(known: accuracy/);
    expect(() => m.compile({ optimizer: 'adam' } as never)).toThrow(/compile needs \{ optimizer, loss \}/);
  });

  it('activation (Dense, Conv2D, Activation) and initializer', () => {
    expect(() => new Dense({ units: 2, activation: 'swishy' })).toThrow(/Dense: unknown activation 'swishy' \(known: linear, relu, relu6, sigmoid, tanh, softmax, elu, leaky_relu, selu, .*, hard_swish\)/);
    expect(() => new Conv2D({ filters: 2, kernelSize: 3, activation: 'mish' })).toThrow(/Conv2D: unknown activation 'mish'/);
    expect(() => new Activation({ activation: 'Relu7' })).toThrow(/Activation: unknown activation 'Relu7'/);
    expect(() => new Dense({ units: 2, kernelInitializer: 'glorot' })).toThrow(/Dense: unknown initializer 'glorot' \(known: glorot_uniform/);
  });

  it('snake_case and camelCase spellings are both accepted', () => {
    const m = convModel();
    expect(() => m.compile({ optimizer: 'RMSprop', loss: 'categoricalCrossentropy', metrics: ['acc'] })).not.toThrow();
    expect(() => new Dense({ units: 2, activation: 'leakyRelu', kernelInitializer: 'heNormal' })).not.toThrow();
  });
});

describe('order of calls', () => {
  it('fit and evaluate before compile', async () => {
    const m = new Sequential([input({ shape: [2] }), new Dense({ units: 2 })]);
    await expect(m.fit(zeros(2, 2), zeros(2, 2))).rejects.toThrow(/sequential: call compile\(\{ optimizer, loss, metrics \}\) before fit/);
    expect(() => m.evaluate(zeros(2, 2), zeros(2, 2))).toThrow(/call compile.*before evaluate/);
  });

  it('summary of a Sequential without an input shape yet', () => {
    const m = new Sequential([new Dense({ units: 2 })]);
    expect(() => m.summary({ print: false })).toThrow(/sequential: cannot .* a model with no layers and no input shape yet/);
  });
});

describe('shape errors at build time name the layer and the shapes', () => {
  it('Conv2D kernel bigger than its input', () => {
    expect(() => new Sequential([input({ shape: [3, 3, 1] }), new Conv2D({ filters: 2, kernelSize: 5 })])).toThrow(
      /Conv2D 'conv2d': expected an input the 5x5 kernel fits .*got input shape \(None, 3, 3, 1\)/,
    );
    // Functional: the layer is not named yet, its class is.
    expect(() => new Conv2D({ filters: 2, kernelSize: 5 }).apply(input({ shape: [3, 3, 1] }))).toThrow(/^Conv2D: expected an input the 5x5 kernel fits/);
    // The second of two convs is the one named.
    expect(() => new Sequential([input({ shape: [6, 6, 1] }), new Conv2D({ filters: 2, kernelSize: 3 }), new Conv2D({ filters: 2, kernelSize: 5 })])).toThrow(
      /Conv2D 'conv2d_1': expected .*got input shape \(None, 4, 4, 2\)/,
    );
  });

  it('a conv or pool after Flatten', () => {
    expect(() => new Sequential([input({ shape: [8, 8, 1] }), new Flatten(), new Conv2D({ filters: 1, kernelSize: 1 })])).toThrow(
      /Conv2D 'conv2d': expected 4-D NHWC input \(batch, height, width, channels\), got input shape \(None, 64\)/,
    );
    expect(() => new Sequential([input({ shape: [8] }), new MaxPool2D()])).toThrow(/MaxPooling2D 'max_pooling2d': expected 4-D NHWC input.*\(None, 8\)/);
  });

  it('Dense after a 4-D output without Flatten: builds (Keras: Dense acts on the last axis), then class labels fail naming the Dense', async () => {
    const m = new Sequential([input({ shape: [6, 6, 1] }), new Conv2D({ filters: 2, kernelSize: 3 }), new Dense({ units: 3, activation: 'softmax' })]);
    expect(m.outputShape).toEqual([null, 4, 4, 3]);
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    await expect(m.fit(zeros(2, 6, 6, 1), zeros(2, 3), { verbose: 0 })).rejects.toThrow(
      /labels y have shape \[2, 3\], expected \(2, 4, 4, 3\).*Dense 'dense' gets the 4-D input \(None, 4, 4, 2\) and acts on its last axis only: add Flatten\(\) before it/,
    );
  });

  it('Reshape that does not fit, Dense without a known last axis, bad options', () => {
    expect(() => new Sequential([input({ shape: [3, 4] }), new Reshape({ targetShape: [5, 2] })])).toThrow(/Reshape 'reshape': expected 10 elements per sample.*\(None, 3, 4\)/);
    expect(() => new Dense({ units: 0 })).toThrow(/Dense: units must be a positive integer, got 0/);
    expect(() => new Conv2D({ filters: 2, kernelSize: 3, padding: 'full' as never })).toThrow(/Conv2D: padding must be 'valid' or 'same', got 'full'/);
    expect(() => new Dropout({ rate: 1.5 })).toThrow(/Dropout: rate must be a number in \[0, 1\)/);
    expect(() => new Embedding({ inputDim: 0, outputDim: 2 })).toThrow(/Embedding: inputDim must be a positive integer, got 0/);
    expect(() => input({ shape: [28, -28, 1] })).toThrow(/Input: shape must be a list of positive integers/);
  });

  it('a functional Model whose outputs do not come from its inputs', () => {
    const a = input({ shape: [2] });
    const b = input({ shape: [2] });
    const out = new Dense({ units: 1 }).apply(a);
    expect(() => new Model({ inputs: b, outputs: out })).toThrow(/Model 'model': output Dense \(None, 1\) is not computed from the given inputs: it needs InputLayer \(None, 2\)/);
    expect(() => new Model({ inputs: [a, b], outputs: out })).toThrow(/Model 'model': input InputLayer \(None, 2\) is not used by any output/);
  });

  it('fit options out of range', async () => {
    const m = convModel();
    await expect(m.fit(zeros(2, 6, 6, 2), zeros(2, 4), { batchSize: 0, verbose: 0 })).rejects.toThrow(/batchSize must be a positive integer, got 0/);
    await expect(m.fit(zeros(2, 6, 6, 2), zeros(2, 4), { validationSplit: 1, verbose: 0 })).rejects.toThrow(/validationSplit must be in \[0, 1\), got 1/);
    expect(() => m.setWeights([zeros(1)])).toThrow(/setWeights got 1 tensors, the model has 4 weights/);
    const w = m.getWeights();
    w[2] = zeros(4, 4);
    expect(() => m.setWeights(w)).toThrow(/setWeights: weight 2 \(dense\/kernel\) has shape \[12, 4\], got \[4, 4\]/);
  });
});
