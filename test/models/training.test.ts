/**
 * fit / evaluate / predict on small problems: the loss falls, toy problems are solved, seeded runs
 * are bit-identical, validation, History, callbacks, yielding, stopping, and the progress output.
 */
import { describe, it, expect } from 'vitest';
import {
  Tensor, Rng, Sequential, Model, input, Dense, Conv2D, MaxPool2D, Flatten, Dropout, BatchNormalization, SGD, Adam,
  earlyStopping, terminateOnNaN, randomNormal, type Callback, type Logs, type ProgressOutput,
} from '../../src/index.js';
import type { TrainingTarget } from '../../src/models/callbacks.js';
import { expectClose } from '../helpers.js';
import { KERNEL_SETTINGS, useKernels } from '../kernel-settings.js';

/** A fake terminal or log file that records what fit writes. */
function capture(isTTY: boolean): ProgressOutput & { text: string } {
  const out = { text: '', isTTY, write: (s: string) => void (out.text += s) };
  return out;
}

/** One-hot rows for integer classes. */
function oneHot(classes: number[], C: number): Tensor {
  const d = new Float32Array(classes.length * C);
  classes.forEach((c, i) => (d[i * C + c] = 1));
  return new Tensor(d, [classes.length, C]);
}

/** n points per class around (±1.5, ±1.5) with spread 0.5: linearly separable with a wide margin. */
function blobs(nPerClass: number, seed: number): { x: Tensor; y: Tensor; classes: number[] } {
  const rng = new Rng(seed);
  const xs: number[] = [];
  const classes: number[] = [];
  for (let i = 0; i < 2 * nPerClass; i++) {
    const c = i % 2;
    const centre = c === 0 ? -1.5 : 1.5;
    xs.push(centre + rng.normal(0, 0.5), centre + rng.normal(0, 0.5));
    classes.push(c);
  }
  return { x: new Tensor(Float32Array.from(xs), [2 * nPerClass, 2]), y: oneHot(classes, 2), classes };
}

function tinyConv(seed?: number): Sequential {
  return new Sequential(
    [input({ shape: [6, 6, 1] }), new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }), new MaxPool2D(), new Flatten(), new Dense({ units: 3, activation: 'softmax' })],
    { seed },
  );
}

/** θ-independent fixed batch: 6 images, 3 classes. */
const fixedX = randomNormal([6, 6, 6, 1], new Rng(21));
const fixedClasses = [0, 1, 2, 0, 1, 2];
const fixedY = oneHot(fixedClasses, 3);

describe.each(KERNEL_SETTINGS)('training smoke tests (%s kernels)', (kernels) => {
  useKernels(kernels);

  it('on a fixed batch the loss falls and every right class probability rises', async () => {
    const m = tinyConv(1);
    m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const before = m.predict(fixedX);
    const lossBefore = m.evaluate(fixedX, fixedY).loss;
    const h = await m.fit(fixedX, fixedY, { epochs: 60, batchSize: 6, verbose: 0, shuffle: false });
    const after = m.predict(fixedX);
    expect(m.evaluate(fixedX, fixedY).loss).toBeLessThan(0.5 * lossBefore);
    expect(h.loss[59]).toBeLessThan(h.loss[0]);
    expect(h.accuracy[59]).toBe(1);
    fixedClasses.forEach((c, i) => expect(after.data[i * 3 + c], `sample ${i}`).toBeGreaterThan(before.data[i * 3 + c]));
  });

  it('two Gaussian blobs reach 100% accuracy (softmax + categorical cross-entropy)', async () => {
    const { x, y } = blobs(20, 22);
    const m = new Sequential([input({ shape: [2] }), new Dense({ units: 8, activation: 'tanh' }), new Dense({ units: 2, activation: 'softmax' })], { seed: 2 });
    m.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const h = await m.fit(x, y, { epochs: 20, batchSize: 8, verbose: 0, seed: 3 });
    expect(h.accuracy[h.accuracy.length - 1]).toBe(1);
    expect(m.evaluate(x, y).accuracy).toBe(1);
  });

  it('XOR with a hidden layer reaches 100% (sigmoid + binary cross-entropy, binary accuracy)', async () => {
    const x = new Tensor(Float32Array.of(0, 0, 0, 1, 1, 0, 1, 1), [4, 2]);
    const y = new Tensor(Float32Array.of(0, 1, 1, 0), [4, 1]);
    const m = new Sequential([input({ shape: [2] }), new Dense({ units: 8, activation: 'tanh' }), new Dense({ units: 1, activation: 'sigmoid' })], { seed: 4 });
    m.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
    await m.fit(x, y, { epochs: 300, batchSize: 4, verbose: 0 });
    const p = m.predict(x).data;
    expect(Array.from(p).map((v) => (v > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    expect(m.evaluate(x, y).accuracy).toBe(1);
  });

  it('sparse categorical cross-entropy with integer labels trains the same problem', async () => {
    const { x, classes } = blobs(10, 23);
    const m = new Sequential([input({ shape: [2] }), new Dense({ units: 2, activation: 'softmax' })], { seed: 5 });
    m.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    await m.fit(x, new Tensor(Float32Array.from(classes), [20]), { epochs: 10, batchSize: 5, verbose: 0 });
    expect(m.evaluate(x, new Tensor(Float32Array.from(classes), [20])).accuracy).toBe(1);
  });
});

describe.each(KERNEL_SETTINGS)('reproducibility (%s kernels)', (kernels) => {
  useKernels(kernels);

  function fresh(): Sequential {
    // No model seed: the fit seed alone must fix initialization, shuffling and dropout.
    return new Sequential([input({ shape: [6, 6, 1] }), new Conv2D({ filters: 2, kernelSize: 3, activation: 'relu' }), new Flatten(), new Dropout({ rate: 0.3 }), new Dense({ units: 3, activation: 'softmax' })]);
  }
  async function train(seed: number): Promise<Float32Array[]> {
    const m = fresh();
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    await m.fit(fixedX, fixedY, { epochs: 3, batchSize: 2, verbose: 0, seed });
    return m.getWeights().map((w) => w.data);
  }

  it('two fits with the same seed give bit-identical weights; another seed differs', async () => {
    const a = await train(42);
    const b = await train(42);
    const c = await train(43);
    a.forEach((w, i) => expect(Array.from(b[i]), `weight ${i}`).toEqual(Array.from(w)));
    expect(Array.from(c[0])).not.toEqual(Array.from(a[0]));
  });

  it('a model seed fixes the initial weights', () => {
    const w1 = tinyConv(9).getWeights()[0].data;
    const w2 = tinyConv(9).getWeights()[0].data;
    expect(Array.from(w1)).toEqual(Array.from(w2));
    expect(Array.from(tinyConv(10).getWeights()[0].data)).not.toEqual(Array.from(w1));
  });
});

describe('validation and History', () => {
  it('validationSplit takes the LAST fraction, before shuffling; History has every key', async () => {
    // 10 samples, split 0.2: training rows 0..7, validation rows 8, 9.
    const { x, y } = blobs(5, 24);
    const m = new Sequential([input({ shape: [2] }), new Dense({ units: 2, activation: 'softmax' })], { seed: 6 });
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const seen: number[] = [];
    const h = await m.fit(x, y, {
      epochs: 1, batchSize: 3, verbose: 0, shuffle: true, validationSplit: 0.2,
      callbacks: [{ onBatchEnd: (_b: number, logs: Logs) => void seen.push(logs.size) }],
    });
    expect(seen).toEqual([3, 3, 2]); // 8 training samples
    const rows = (from: number, to: number, t: Tensor): Tensor => {
      const w = t.size / t.shape[0];
      return new Tensor(t.data.slice(from * w, to * w), [to - from, ...t.shape.slice(1)]);
    };
    const val = m.evaluate(rows(8, 10, x), rows(8, 10, y));
    expect(h.val_loss).toEqual([val.loss]);
    expect(h.val_accuracy).toEqual([val.accuracy]);
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(h.loss.length).toBe(1);
    expect(h.accuracy.length).toBe(1);
    expect(h.epoch).toEqual([0]);
  });

  it('validationData overrides validationSplit (as Keras)', async () => {
    const { x, y } = blobs(5, 25);
    const m = new Sequential([input({ shape: [2] }), new Dense({ units: 2, activation: 'softmax' })], { seed: 7 });
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'categorical_crossentropy' });
    const seen: number[] = [];
    const vx = new Tensor(Float32Array.of(1, 1, -1, -1, 2, 2), [3, 2]);
    const vy = oneHot([1, 0, 1], 2);
    const h = await m.fit(x, y, {
      epochs: 1, batchSize: 10, verbose: 0, validationSplit: 0.5, validationData: [vx, vy],
      callbacks: [{ onBatchEnd: (_b: number, logs: Logs) => void seen.push(logs.size) }],
    });
    expect(seen).toEqual([10]);
    expect(h.val_loss).toEqual([m.evaluate(vx, vy).loss]);
  });

  it('History logs are sample-weighted running means (Keras): loss of a 2-batch epoch with lr → tiny', async () => {
    // With SGD at a negligible rate the weights barely move, so the epoch loss is the weighted mean
    // of the per-batch losses: (3·L(rows 0..2) + 1·L(row 3)) / 4, i.e. the loss over all 4 rows.
    const { x, y } = blobs(2, 26);
    const m = new Sequential([input({ shape: [2] }), new Dense({ units: 2, activation: 'softmax' })], { seed: 8 });
    m.compile({ optimizer: new SGD({ learningRate: 1e-12 }), loss: 'categorical_crossentropy' });
    const full = m.evaluate(x, y, { batchSize: 4 }).loss;
    const h = await m.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0, shuffle: false });
    expectClose(h.loss, [full], 1e-6, 1e-6);
  });
});

describe('callbacks', () => {
  /** A fake model for driving a callback by hand. */
  function target(): TrainingTarget & { weights: number } {
    const t = {
      stopTraining: false,
      weights: 0,
      getWeights: () => [new Tensor(Float32Array.of(t.weights), [1])],
      setWeights: (w: readonly Tensor[]) => void (t.weights = w[0].data[0]),
    };
    return t;
  }

  it('earlyStopping stops after `patience` epochs without improvement (Keras: wait ≥ patience)', () => {
    // Keras: on an epoch without improvement wait += 1, and training stops once wait ≥ patience, so with
    // the best at epoch 0 it stops at epoch max(patience, 1).
    for (const [patience, stopAt] of [[0, 1], [1, 1], [2, 2], [3, 3]]) {
      const t = target();
      const cb = earlyStopping({ monitor: 'val_loss', patience });
      cb.setModel?.(t);
      cb.onTrainBegin?.({});
      // val_loss: 1.0 (best), then no improvement
      const losses = [1.0, 1.1, 1.2, 1.3, 1.4];
      let stoppedAfter = -1;
      for (let e = 0; e < losses.length && !t.stopTraining; e++) {
        cb.onEpochEnd?.(e, { val_loss: losses[e] });
        if (t.stopTraining) stoppedAfter = e;
      }
      expect(stoppedAfter, `patience ${patience}`).toBe(stopAt);
    }
  });

  it('earlyStopping: minDelta, mode max for accuracy, unknown monitor names the logged keys', () => {
    const t = target();
    const cb = earlyStopping({ monitor: 'val_accuracy', patience: 1, minDelta: 0.05 });
    cb.setModel?.(t);
    cb.onTrainBegin?.({});
    cb.onEpochEnd?.(0, { val_accuracy: 0.5 });
    cb.onEpochEnd?.(1, { val_accuracy: 0.54 }); // +0.04 < minDelta: not an improvement
    expect(t.stopTraining).toBe(true);
    const bad = earlyStopping({ monitor: 'val_acc' });
    bad.setModel?.(t);
    expect(() => bad.onEpochEnd?.(0, { loss: 1, val_loss: 1 })).toThrow(/'val_acc' is not logged \(logged: loss, val_loss\)/);
  });

  it('earlyStopping in fit: stops, and restoreBestWeights puts back the best epoch', async () => {
    // Validation labels are the opposite of the training labels, so val_loss rises every epoch:
    // the best epoch is the first; with patience 2 fit stops after epoch 3 (index 2).
    const { x, y, classes } = blobs(5, 27);
    const vy = oneHot(classes.map((c) => 1 - c), 2);
    const m = new Sequential([input({ shape: [2] }), new Dense({ units: 2, activation: 'softmax' })], { seed: 9 });
    m.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'categorical_crossentropy' });
    const perEpoch: Float32Array[] = [];
    const recorder: Callback = { onEpochEnd: () => void perEpoch.push(m.getWeights()[0].data) };
    const h = await m.fit(x, y, {
      epochs: 10, batchSize: 10, verbose: 0, validationData: [x, vy],
      callbacks: [recorder, earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true })],
    });
    expect(h.val_loss[1]).toBeGreaterThan(h.val_loss[0]);
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(Array.from(m.getWeights()[0].data)).toEqual(Array.from(perEpoch[0]));
  });

  it('terminateOnNaN stops at the first NaN batch', async () => {
    const x = new Tensor(new Float32Array(12).fill(Number.NaN), [6, 2]);
    const m = new Sequential([input({ shape: [2] }), new Dense({ units: 2, activation: 'softmax' })], { seed: 10 });
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const batches: number[] = [];
    const warn = console.warn;
    const warned: string[] = [];
    console.warn = (s: string) => void warned.push(s);
    try {
      const h = await m.fit(x, oneHot([0, 1, 0, 1, 0, 1], 2), {
        epochs: 3, batchSize: 2, verbose: 0,
        callbacks: [terminateOnNaN(), { onBatchEnd: (b: number) => void batches.push(b) }],
      });
      expect(batches).toEqual([0]);
      expect(h.epoch).toEqual([0]);
      expect(warned[0]).toMatch(/Batch 0: invalid loss NaN, terminating training/);
    } finally {
      console.warn = warn;
    }
  });

  it('model.stopTraining = true from onBatchEnd stops after that batch (Ctrl-C)', async () => {
    const m = tinyConv(11);
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    const batches: number[] = [];
    const h = await m.fit(fixedX, fixedY, {
      epochs: 3, batchSize: 1, verbose: 0,
      callbacks: [{ onBatchEnd: (b: number) => { batches.push(b); if (b === 1) m.stopTraining = true; } }],
    });
    expect(batches).toEqual([0, 1]);
    expect(h.epoch).toEqual([0]);
  });

  it('hooks run in Keras order with epoch numbers and logs', async () => {
    const m = new Sequential([input({ shape: [2] }), new Dense({ units: 2, activation: 'softmax' })], { seed: 12 });
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const { x, y } = blobs(2, 28);
    const events: string[] = [];
    await m.fit(x, y, {
      epochs: 2, batchSize: 2, verbose: 0,
      callbacks: [{
        onTrainBegin: () => void events.push('trainBegin'),
        onEpochBegin: (e: number) => void events.push(`epochBegin ${e}`),
        onBatchEnd: (b: number, logs: Logs) => void events.push(`batch ${b} ${Object.keys(logs).join(',')}`),
        onEpochEnd: (e: number, logs: Logs) => void events.push(`epochEnd ${e} ${Object.keys(logs).join(',')}`),
        onTrainEnd: () => void events.push('trainEnd'),
      }],
    });
    expect(events).toEqual([
      'trainBegin',
      'epochBegin 0', 'batch 0 loss,accuracy,batch,size', 'batch 1 loss,accuracy,batch,size', 'epochEnd 0 loss,accuracy',
      'epochBegin 1', 'batch 0 loss,accuracy,batch,size', 'batch 1 loss,accuracy,batch,size', 'epochEnd 1 loss,accuracy',
      'trainEnd',
    ]);
  });
});

describe('fit yields to the event loop', () => {
  it('a setImmediate callback scheduled before fit runs before fit resolves, fit after fit', async () => {
    const { x, y } = blobs(8, 29);
    const m = new Sequential([input({ shape: [2] }), new Dense({ units: 2, activation: 'softmax' })], { seed: 13 });
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    // Several short fits back to back: each must give the event loop a turn on its own.
    for (let k = 0; k < 3; k++) {
      let ran = false;
      setImmediate(() => (ran = true));
      await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
      expect(ran, `fit ${k}`).toBe(true);
    }
  });
});

describe('progress output', () => {
  async function fitWith(verbose: 0 | 1 | 2, isTTY: boolean, validation = false): Promise<string> {
    const { x, y } = blobs(8, 30); // 16 samples, batch 2 → 8 steps
    const m = new Sequential([input({ shape: [2] }), new Dense({ units: 2, activation: 'softmax' })], { seed: 14 });
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const out = capture(isTTY);
    await m.fit(x, y, { epochs: 2, batchSize: 2, verbose, output: out, validationData: validation ? [x, y] : undefined });
    return out.text;
  }
  const V = '\\d\\.\\d{4}(e[+-]\\d\\d)?';
  const STEP = '\\d+(s|ms|us)/step';

  it('verbose 1, not a TTY: "Epoch 1/2" then one Keras line per epoch', async () => {
    const text = await fitWith(1, false);
    const lines = text.split('\n');
    expect(lines.length).toBe(5);
    expect(lines[0]).toBe('Epoch 1/2');
    expect(lines[1]).toMatch(new RegExp(`^8/8 \\[={30}\\] - \\d+s ${STEP} - loss: ${V} - accuracy: ${V}$`));
    expect(lines[2]).toBe('Epoch 2/2');
    expect(lines[3]).toMatch(new RegExp(`^8/8 \\[={30}\\] - \\d+s ${STEP} - loss: ${V} - accuracy: ${V}$`));
    expect(lines[4]).toBe('');
    expect(text).not.toContain('\r');
  });

  it('verbose 1 with validation shows val_loss and val_accuracy', async () => {
    const lines = (await fitWith(1, false, true)).split('\n');
    expect(lines[1]).toMatch(new RegExp(`^8/8 \\[={30}\\] - \\d+s ${STEP} - loss: ${V} - accuracy: ${V} - val_loss: ${V} - val_accuracy: ${V}$`));
  });

  it('verbose 1 on a TTY: redrawn in place (\\r), ending in the full bar per epoch', async () => {
    const text = await fitWith(1, true);
    expect(text.startsWith('Epoch 1/2\n')).toBe(true);
    expect(text).toContain('\r');
    const finals = text.split('\n').filter((l) => l.includes('/step'));
    expect(finals.length).toBe(2);
    for (const l of finals) {
      const last = l.slice(l.lastIndexOf('\r') + 1).replace('\x1b[K', '');
      expect(last).toMatch(new RegExp(`^8/8 \\[={30}\\] - \\d+s ${STEP} - loss: ${V} - accuracy: ${V}$`));
    }
  });

  it('verbose 2: one line per epoch, Keras 2 style', async () => {
    const lines = (await fitWith(2, false)).split('\n');
    expect(lines[0]).toBe('Epoch 1/2');
    expect(lines[1]).toMatch(new RegExp(`^8/8 - \\d+s - loss: ${V} - accuracy: ${V} - \\d+(s|ms|us)/epoch - ${STEP}$`));
    expect(lines.length).toBe(5);
  });

  it('verbose 0 writes nothing', async () => {
    expect(await fitWith(0, true)).toBe('');
  });
});

describe('evaluate and predict', () => {
  const { x, y, classes } = blobs(4, 31); // 8 samples
  const model = (): Sequential => {
    const m = new Sequential([input({ shape: [2] }), new Dense({ units: 3, activation: 'tanh' }), new Dense({ units: 2, activation: 'softmax' })], { seed: 15 });
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    return m;
  };

  it('evaluate = {loss, accuracy} computed by hand from predict, for a batch size that does not divide N', () => {
    const m = model();
    const p = m.predict(x).data;
    let loss = 0;
    let correct = 0;
    classes.forEach((c, i) => {
      loss -= Math.log(p[i * 2 + c]);
      if ((p[i * 2 + 1] > p[i * 2] ? 1 : 0) === c) correct++;
    });
    const res = m.evaluate(x, y, { batchSize: 3 });
    expect(Object.keys(res).sort()).toEqual(['accuracy', 'loss']);
    expectClose([res.loss], [loss / 8], 1e-6, 1e-5);
    expect(res.accuracy).toBe(correct / 8);
  });

  it('predict batches and concatenates (batchSize 3 for 8 samples = batch of 8 = row by row)', () => {
    const m = model();
    const all = m.predict(x, { batchSize: 8 });
    const three = m.predict(x, { batchSize: 3 });
    expect(three.shape).toEqual([8, 2]);
    expect(Array.from(three.data)).toEqual(Array.from(all.data));
    for (let i = 0; i < 8; i++) {
      const row = m.predict(new Tensor(x.data.slice(i * 2, i * 2 + 2), [1, 2]));
      expectClose(row, Array.from(all.data.slice(i * 2, i * 2 + 2)), 1e-7, 1e-6, `row ${i}`);
    }
  });

  it('predict runs in inference mode: Dropout is the identity', () => {
    const m = new Sequential([input({ shape: [4] }), new Dropout({ rate: 0.5 }), new Dense({ units: 2 })], { seed: 16 });
    const xs = randomNormal([5, 4], new Rng(1));
    expect(Array.from(m.predict(xs).data)).toEqual(Array.from(m.predict(xs).data));
  });

  it('functional models train, evaluate and predict as Sequential ones', async () => {
    const inputs = input({ shape: [2] });
    const outputs = new Dense({ units: 2, activation: 'softmax' }).apply(new Dense({ units: 4, activation: 'relu' }).apply(inputs));
    const m = new Model({ inputs: [inputs], outputs: [outputs], seed: 17 });
    m.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const b = blobs(10, 32);
    await m.fit(b.x, b.y, { epochs: 20, batchSize: 5, verbose: 0 });
    expect(m.evaluate(b.x, b.y).accuracy).toBe(1);
    expect(m.predict(b.x).shape).toEqual([20, 2]);
  });
});

describe('Keras number formats', () => {
  it('values: 4 decimals above 1e-3, exponent form at or below (0 included)', async () => {
    const { formatValue } = await import('../../src/models/progbar.js');
    expect(formatValue(0.12344)).toBe('0.1234');
    expect(formatValue(2.5)).toBe('2.5000');
    expect(formatValue(0.0005)).toBe('5.0000e-04');
    expect(formatValue(0)).toBe('0.0000e+00'); // Python: '%.4e' % 0
    expect(formatValue(1e-12)).toBe('1.0000e-12');
  });
});

describe('layer.trainable', () => {
  it('a frozen layer keeps its weights through fit; the others move', async () => {
    const frozen = new Dense({ units: 4, activation: 'tanh' });
    const m = new Sequential([input({ shape: [2] }), frozen, new Dense({ units: 2, activation: 'softmax' })], { seed: 18 });
    frozen.trainable = false;
    m.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'categorical_crossentropy' });
    const before = m.getWeights();
    const { x, y } = blobs(4, 33);
    await m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    const after = m.getWeights();
    expect(Array.from(after[0].data)).toEqual(Array.from(before[0].data));
    expect(Array.from(after[1].data)).toEqual(Array.from(before[1].data));
    expect(Array.from(after[2].data)).not.toEqual(Array.from(before[2].data));
    // countParams still counts it; summary splits trainable from not: 2·4 + 4 = 12 frozen, 4·2 + 2 = 10 trainable.
    expect(m.summary({ print: false })).toContain('Total params: 22\nTrainable params: 10\nNon-trainable params: 12');
  });

  it('BatchNormalization: moving statistics move during fit (not by the optimizer); frozen it runs in inference mode (Keras 2)', async () => {
    const { x, y } = blobs(4, 34);
    const bn = new BatchNormalization();
    const m = new Sequential([input({ shape: [2] }), bn, new Dense({ units: 2, activation: 'softmax' })], { seed: 19 });
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'categorical_crossentropy' });
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    // One batch of all 8 rows: moving_mean = 0.99·0 + 0.01·mean(x) per channel.
    const mean = [0, 1].map((c) => Array.from(x.data).filter((_, i) => i % 2 === c).reduce((p, q) => p + q, 0) / 8);
    expectClose(bn.weights[2].value, mean.map((v) => 0.01 * v), 1e-7, 1e-5);
    bn.trainable = false;
    const stats = bn.weights.map((w) => Array.from(w.value.data));
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(bn.weights.map((w) => Array.from(w.value.data))).toEqual(stats);
  });
});

describe('initialization', () => {
  it('a layer added after the model was used is still initialized (glorot kernel, not zeros)', () => {
    const m = new Sequential([input({ shape: [3] }), new Dense({ units: 4 })], { seed: 20 });
    const first = m.predict(new Tensor(Float32Array.of(1, 2, 3), [1, 3]));
    expect(first.shape).toEqual([1, 4]);
    const kept = Array.from(m.getWeights()[0].data);
    m.add(new Dense({ units: 2 }));
    const w = m.getWeights();
    expect(Array.from(w[0].data)).toEqual(kept); // the first layer is not re-initialized
    expect(w[2].data.some((v) => v !== 0)).toBe(true);
    expect(w[2].data.every((v) => Math.abs(v) <= Math.sqrt(6 / 6))).toBe(true);
  });

  it('setWeights counts as initialized: fit with a seed does not overwrite given weights', async () => {
    const m = new Sequential([input({ shape: [2] }), new Dense({ units: 2, activation: 'softmax' })]);
    m.setWeights([new Tensor(Float32Array.of(1, 0, 0, 1), [2, 2]), new Tensor(Float32Array.of(0, 0), [2])]);
    m.compile({ optimizer: new SGD({ learningRate: 1e-12 }), loss: 'categorical_crossentropy' });
    await m.fit(new Tensor(Float32Array.of(1, 0), [1, 2]), new Tensor(Float32Array.of(1, 0), [1, 2]), { verbose: 0, seed: 1 });
    expectClose(m.getWeights()[0], [1, 0, 0, 1], 1e-9, 0);
  });
});
