/**
 * summary() of graph models, byte for byte against Keras 2's functional table (tf.keras 2
 * `print_summary`, which prints the "Connected to" column for any model that is not a chain).
 *
 * The layout rules, as Keras applies them:
 *   - line length 98; column right edges at 32, 53, 65, 98 (0.33, 0.55, 0.67, 1 of 98, floored);
 *   - each row is built field by field: the line so far loses its last character to a space, the
 *     field is appended, the line is cut at the column's edge and padded to it (so a long name such as
 *     "batch_normalization (BatchNormalization)" is cut to "batch_normalization (BatchNorma");
 *   - rows follow the model's layers in Keras's order (graph.ts): deepest first, ties in the order a
 *     depth-first walk from the outputs meets them (the strided shortcut conv2d_2 comes after
 *     batch_normalization_1, as in Keras and tfjs);
 *   - an InputLayer's output shape is a list, [(None, 28, 28, 1)]; others (None, 14, 14, 32);
 *   - "Connected to" is name[node][tensor] of the first input of the layer's first call; each further
 *     input (a merge) or call (a shared layer) gets a row of its own with the other fields empty;
 *   - rows are separated by 98 underscores, the last one closed by 98 '='; then the totals with
 *     thousands separators and a last line of underscores;
 *   - tatami writes each line without its trailing spaces (Keras pads the last column).
 * A chain keeps the 65-wide table of three columns (test/models/seed-model.test.ts).
 */
import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { input, Model, Conv2D, BatchNormalization, Activation, Add, GlobalAveragePooling2D, Dense } from '../../src/index.js';
import { loadTf } from '../tf-peer.js';

describe('summary() of graph models', () => {
  it('a ResNet block: the functional table with "Connected to"', () => {
    const x = input({ shape: [28, 28, 1] });
    let h = new Conv2D({ filters: 16, kernelSize: 3, padding: 'same' }).apply(x);
    h = new BatchNormalization().apply(h);
    h = new Activation({ activation: 'relu' }).apply(h);
    h = new Conv2D({ filters: 32, kernelSize: 3, padding: 'same', strides: 2 }).apply(h);
    h = new BatchNormalization().apply(h);
    const s = new Conv2D({ filters: 32, kernelSize: 1, strides: 2 }).apply(x);
    h = new Activation({ activation: 'relu' }).apply(new Add().apply([h, s]));
    h = new GlobalAveragePooling2D().apply(h);
    const model = new Model({ inputs: x, outputs: new Dense({ units: 10, activation: 'softmax' }).apply(h) });
    // Params: 3·3·1·16 + 16 = 160; BN 4·16 = 64 (32 of them moving statistics); 3·3·16·32 + 32 = 4,640;
    // BN 4·32 = 128 (64 moving); 1·1·1·32 + 32 = 64; 32·10 + 10 = 330. Total 5,386, non-trainable 96.
    expect(model.summary({ print: false })).toBe([
      'Model: "model"',
      '__________________________________________________________________________________________________',
      'Layer (type)                    Output Shape         Param #     Connected to',
      '==================================================================================================',
      'input_1 (InputLayer)            [(None, 28, 28, 1)]  0',
      '__________________________________________________________________________________________________',
      'conv2d (Conv2D)                 (None, 28, 28, 16)   160         input_1[0][0]',
      '__________________________________________________________________________________________________',
      'batch_normalization (BatchNorma (None, 28, 28, 16)   64          conv2d[0][0]',
      '__________________________________________________________________________________________________',
      'activation (Activation)         (None, 28, 28, 16)   0           batch_normalization[0][0]',
      '__________________________________________________________________________________________________',
      'conv2d_1 (Conv2D)               (None, 14, 14, 32)   4640        activation[0][0]',
      '__________________________________________________________________________________________________',
      'batch_normalization_1 (BatchNor (None, 14, 14, 32)   128         conv2d_1[0][0]',
      '__________________________________________________________________________________________________',
      'conv2d_2 (Conv2D)               (None, 14, 14, 32)   64          input_1[0][0]',
      '__________________________________________________________________________________________________',
      'add (Add)                       (None, 14, 14, 32)   0           batch_normalization_1[0][0]',
      '                                                                 conv2d_2[0][0]',
      '__________________________________________________________________________________________________',
      'activation_1 (Activation)       (None, 14, 14, 32)   0           add[0][0]',
      '__________________________________________________________________________________________________',
      'global_average_pooling2d (Globa (None, 32)           0           activation_1[0][0]',
      '__________________________________________________________________________________________________',
      'dense (Dense)                   (None, 10)           330         global_average_pooling2d[0][0]',
      '==================================================================================================',
      'Total params: 5,386',
      'Trainable params: 5,290',
      'Non-trainable params: 96',
      '__________________________________________________________________________________________________',
    ].join('\n'));
  });

  it('a shared layer: one row per call in "Connected to", node indices counting the calls', () => {
    const shared = new Dense({ units: 3, name: 'shared' });
    const a = input({ shape: [4], name: 'a' });
    const b = input({ shape: [4], name: 'b' });
    const model = new Model({ inputs: [a, b], outputs: new Add().apply([shared.apply(a), shared.apply(b)]) });
    expect(model.summary({ print: false })).toBe([
      'Model: "model"',
      '__________________________________________________________________________________________________',
      'Layer (type)                    Output Shape         Param #     Connected to',
      '==================================================================================================',
      'a (InputLayer)                  [(None, 4)]          0',
      '__________________________________________________________________________________________________',
      'b (InputLayer)                  [(None, 4)]          0',
      '__________________________________________________________________________________________________',
      'shared (Dense)                  (None, 3)            15          a[0][0]',
      '                                                                 b[0][0]',
      '__________________________________________________________________________________________________',
      'add (Add)                       (None, 3)            0           shared[0][0]',
      '                                                                 shared[1][0]',
      '==================================================================================================',
      'Total params: 15',
      'Trainable params: 15',
      'Non-trainable params: 0',
      '__________________________________________________________________________________________________',
    ].join('\n'));
  });

  it('a nested model called twice: its calls are nodes 1 and 2 (node 0 is its own graph), as tfjs prints them', async () => {
    const tbx = input({ shape: [4], name: 'bx' });
    const base = new Model({ inputs: tbx, outputs: new Dense({ units: 3, name: 'inner' }).apply(tbx), name: 'base' });
    const a = input({ shape: [4], name: 'a' });
    const b = input({ shape: [4], name: 'b' });
    const model = new Model({ inputs: [a, b], outputs: new Add({ name: 'add' }).apply([base.apply(a), base.apply(b)]), name: 'model' });
    const ours = model.summary({ print: false }).split('\n');
    expect(ours.slice(8, 13)).toEqual([
      'base (Model)                    (None, 3)            15          a[0][0]',
      '                                                                 b[0][0]',
      '__________________________________________________________________________________________________',
      'add (Add)                       (None, 3)            0           base[1][0]',
      '                                                                 base[2][0]',
    ]);
    // tfjs's summary (a table of its own layout) names the same nodes.
    await loadTf();
    const x = tf.input({ shape: [4], name: 'bx' });
    const theirBase = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 3, name: 'inner' }).apply(x) as tf.SymbolicTensor, name: 'base' });
    const ta = tf.input({ shape: [4], name: 'a' });
    const tb = tf.input({ shape: [4], name: 'b' });
    const sum = tf.layers.add({ name: 'add' }).apply([theirBase.apply(ta) as tf.SymbolicTensor, theirBase.apply(tb) as tf.SymbolicTensor]) as tf.SymbolicTensor;
    const lines: string[] = [];
    tf.model({ inputs: [ta, tb], outputs: sum, name: 'model' }).summary(undefined, undefined, (line: string) => lines.push(line));
    const nodes = (text: string[]): string[] => text.flatMap((l) => l.match(/\w+\[\d+\]\[\d+\]/g) ?? []);
    expect(nodes(ours)).toEqual(nodes(lines));
    expect(nodes(lines)).toEqual(['a[0][0]', 'b[0][0]', 'base[1][0]', 'base[2][0]']);
  });
});
