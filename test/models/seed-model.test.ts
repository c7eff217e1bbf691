/**
 * The issue's seed model, the classic Keras MNIST CNN, built the three ways a Keras user writes it:
 * it must report Keras's parameter counts and print Keras 2's summary table.
 *
 * Parameter arithmetic (input 28×28×1, Conv2D 128 filters 'valid', MaxPool 2×2, Dense 10):
 *   3×3 kernel: conv 3·3·1·128 + 128 = 1,280;  output 26×26×128 → pool 13×13×128 = 21,632
 *               dense 21,632·10 + 10 = 216,330;  total 1,280 + 216,330 = 217,610
 *   4×4 kernel: conv 4·4·1·128 + 128 = 2,176;   output 25×25×128 → pool 12×12×128 = 18,432
 *               dense 18,432·10 + 10 = 184,330;  total 2,176 + 184,330 = 186,506
 */
import { describe, it, expect } from 'vitest';
import { Sequential, Model, input, Conv2D, MaxPool2D, MaxPooling2D, Flatten, Dense, Dropout, BatchNormalization } from '../../src/index.js';

type Build = (k: number) => Model;

const builds: Record<string, Build> = {
  'Sequential with input() first': (k) =>
    new Sequential([
      input({ shape: [28, 28, 1] }),
      new Conv2D({ filters: 128, kernelSize: [k, k], activation: 'relu' }),
      new MaxPool2D({ poolSize: [2, 2] }),
      new Flatten(),
      new Dense({ units: 10, activation: 'softmax' }),
    ]),
  'Sequential with inputShape on the first layer': (k) => {
    const m = new Sequential();
    m.add(new Conv2D({ filters: 128, kernelSize: k, activation: 'relu', inputShape: [28, 28, 1] }));
    m.add(new MaxPooling2D({ poolSize: 2 }));
    m.add(new Flatten());
    m.add(new Dense({ units: 10, activation: 'softmax' }));
    return m;
  },
  'functional Model': (k) => {
    const inputs = input({ shape: [28, 28, 1] });
    let x = new Conv2D({ filters: 128, kernelSize: [k, k], activation: 'relu' }).apply(inputs);
    x = new MaxPool2D({ poolSize: [2, 2] }).apply(x);
    x = new Flatten().apply(x);
    const outputs = new Dense({ units: 10, activation: 'softmax' }).apply(x);
    return new Model({ inputs: [inputs], outputs: [outputs] });
  },
};

describe('seed model parameter counts', () => {
  for (const [how, build] of Object.entries(builds)) {
    it(`${how}: 217,610 with 3×3, 186,506 with 4×4`, () => {
      expect(build(3).countParams()).toBe(1280 + 216330);
      expect(build(4).countParams()).toBe(2176 + 184330);
      expect(build(3).countParams()).toBe(217610);
      expect(build(4).countParams()).toBe(186506);
    });
  }

  it('per-layer counts and output shapes', () => {
    const m = builds['functional Model'](3);
    expect(m.layers.map((l) => l.name)).toEqual(['input_1', 'conv2d', 'max_pooling2d', 'flatten', 'dense']);
    expect(m.layers.map((l) => l.countParams())).toEqual([0, 1280, 0, 0, 216330]);
    expect(m.outputShape).toEqual([null, 10]);
    expect(m.inputShape).toEqual([null, 28, 28, 1]);
  });
});

describe('summary()', () => {
  // Keras 2's print_summary, line length 65 with columns at 29 / 55 (trailing spaces trimmed here).
  const sequentialTable = [
    'Model: "sequential"',
    '_________________________________________________________________',
    'Layer (type)                 Output Shape              Param #',
    '=================================================================',
    'conv2d (Conv2D)              (None, 26, 26, 128)       1280',
    '_________________________________________________________________',
    'max_pooling2d (MaxPooling2D) (None, 13, 13, 128)       0',
    '_________________________________________________________________',
    'flatten (Flatten)            (None, 21632)             0',
    '_________________________________________________________________',
    'dense (Dense)                (None, 10)                216330',
    '=================================================================',
    'Total params: 217,610',
    'Trainable params: 217,610',
    'Non-trainable params: 0',
    '_________________________________________________________________',
  ].join('\n');

  it('Sequential (3×3): the exact Keras 2 table', () => {
    const text = builds['Sequential with input() first'](3).summary({ print: false });
    expect(text).toBe(sequentialTable);
  });

  it('Sequential via inputShape prints the same table', () => {
    expect(builds['Sequential with inputShape on the first layer'](3).summary({ print: false })).toBe(sequentialTable);
  });

  it('functional (4×4): the InputLayer row as a list shape and the 186,506 totals', () => {
    const text = builds['functional Model'](4).summary({ print: false });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Model: "model"');
    expect(lines[2]).toMatch(/^Layer \(type\) {17}Output Shape {14}Param #$/);
    expect(lines[4]).toBe('input_1 (InputLayer)         [(None, 28, 28, 1)]       0');
    expect(text).toContain('\nconv2d (Conv2D)              (None, 25, 25, 128)       2176\n');
    expect(text).toContain('\nmax_pooling2d (MaxPooling2D) (None, 12, 12, 128)       0\n');
    expect(text).toContain('\nflatten (Flatten)            (None, 18432)             0\n');
    expect(text).toContain('\ndense (Dense)                (None, 10)                184330\n');
    expect(text).toContain('\nTotal params: 186,506\nTrainable params: 186,506\nNon-trainable params: 0\n');
  });

  it('prints with console.log unless print is false, and returns the text', () => {
    const m = builds['Sequential with input() first'](3);
    const printed: string[] = [];
    const original = console.log;
    console.log = (s: string) => void printed.push(s);
    try {
      const text = m.summary();
      expect(printed).toEqual([text]);
    } finally {
      console.log = original;
    }
  });

  it('counts non-trainable weights (BatchNormalization moving stats, frozen layers) apart', () => {
    // BN on 4 channels: gamma, beta (trainable, 8) + moving mean, variance (not, 8).
    // Dense 4→3 frozen: 4·3 + 3 = 15 non-trainable.
    const frozen = new Dense({ units: 3, trainable: false });
    const m = new Sequential([input({ shape: [4] }), new BatchNormalization(), new Dropout({ rate: 0.5 }), frozen, new Dense({ units: 2 })]);
    const text = m.summary({ print: false });
    // total 16 + 15 + (3·2 + 2 = 8) = 39; trainable 8 + 8 = 16; non-trainable 8 + 15 = 23
    expect(text).toContain('\ndropout (Dropout)            (None, 4)                 0\n');
    expect(text).toContain('\nTotal params: 39\nTrainable params: 16\nNon-trainable params: 23\n');
    expect(m.layers.map((l) => l.name)).toEqual(['batch_normalization', 'dropout', 'dense', 'dense_1']);
  });

  it('long values are cut at the column edge, as Keras print_row', () => {
    // 'batch_normalization (BatchNormalization)' is 40 characters: Keras cuts it to 28 + a space.
    const m = new Sequential([input({ shape: [4] }), new BatchNormalization()]);
    const row = m.summary({ print: false }).split('\n')[4];
    expect(row).toBe('batch_normalization (BatchNo (None, 4)                 16');
  });
});
