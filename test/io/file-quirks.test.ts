/**
 * The quirks of older and hand-edited model files, each reproduced here on a file tfjs 4.22 writes
 * (live) for a Teachable Machine-shaped model, edited in the test as the quirk has it; each must load
 * and predict as tfjs predicts from the unedited file (within 1e-5). And the families tatami refuses
 * by design, with messages that name them and say why.
 */
import { describe, test, expect } from 'vitest';
import { loadModel } from '../../src/index.js';
import { tfjsArtifacts, asModelJson, randomInput, predictionDiff } from './io-helpers.js';
import { SHAPE, trainedTfTeachable } from './teachable-model.js';

type Entry = { class_name: string; config: Record<string, unknown> & { layers?: Entry[] }; inbound_nodes?: unknown[] };
type File = ReturnType<typeof asModelJson>;

/** The tfjs model, its file, and the base's layer entries (the nested functional model). */
async function fixture(): Promise<{ theirs: Awaited<ReturnType<typeof trainedTfTeachable>>; file: File; base: Entry[]; weights: { name: string }[] }> {
  const theirs = await trainedTfTeachable();
  const file = asModelJson(await tfjsArtifacts(theirs));
  const top = file.modelJson.modelTopology as { config: { layers: Entry[] } };
  const base = top.config.layers[0].config.layers as Entry[];
  const weights = (file.modelJson.weightsManifest as { weights: { name: string }[] }[])[0].weights;
  return { theirs, file, base, weights };
}

const byName = (layers: Entry[], name: string): Entry => layers.find((l) => l.config.name === name) as Entry;

describe('quirks of older and hand-edited files', () => {
  test('an InputLayer with batchInputShape (camelCase, hand-fixed)', async () => {
    const { theirs, file, base } = await fixture();
    const inputLayer = base[0];
    expect(inputLayer.class_name).toBe('InputLayer');
    inputLayer.config.batchInputShape = inputLayer.config.batch_input_shape;
    delete inputLayer.config.batch_input_shape;
    const ours = await loadModel(file);
    expect(predictionDiff(ours, theirs, randomInput([2, ...SHAPE], 50), [2, ...SHAPE])).toBeLessThanOrEqual(1e-5);
  });

  test("tfjs 1.0's VarianceScaling saved with a null mode", async () => {
    const { theirs, file, base } = await fixture();
    const conv = byName(base, 'Conv1');
    conv.config.kernel_initializer = { class_name: 'VarianceScaling', config: { scale: 1, mode: null, distribution: 'normal', seed: null } };
    const ours = await loadModel(file);
    expect(predictionDiff(ours, theirs, randomInput([2, ...SHAPE], 51), [2, ...SHAPE])).toBeLessThanOrEqual(1e-5);
  });

  test('inbound nodes carrying kwargs { training: false } (Keras 2 lists and Keras 3 objects) and { mask: null }', async () => {
    const { theirs, file, base } = await fixture();
    const bn = byName(base, 'bn_Conv1');
    const relu = byName(base, 'Conv1_relu');
    const gap = byName(base, 'global_average_pooling2d_1');
    bn.inbound_nodes = [[['Conv1', 0, 0, { training: false }]]];
    const kerasTensor = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 6, 6, 6], dtype: 'float32', keras_history: [name, 0, 0] } });
    relu.inbound_nodes = [{ args: [kerasTensor('bn_Conv1')], kwargs: { mask: null } }];
    gap.inbound_nodes = [{ args: [kerasTensor('expanded_conv_depthwise_relu')], kwargs: { training: false } }];
    const ours = await loadModel(file);
    expect(predictionDiff(ours, theirs, randomInput([2, ...SHAPE], 52), [2, ...SHAPE])).toBeLessThanOrEqual(1e-5);
    // Any other call argument is still refused, naming it.
    gap.inbound_nodes = [{ args: [kerasTensor('expanded_conv_depthwise_relu')], kwargs: { keepdims: true } }];
    await expect(loadModel(file)).rejects.toThrow('call argument keepdims=true is not supported');
  });

  test('weights whose names carry the _2 suffix Keras adds when a layer name repeats', async () => {
    const { theirs, file, weights } = await fixture();
    for (const w of weights) w.name = w.name.replace(/^(Conv1|bn_Conv1)\//, '$1_2/');
    expect(weights.map((w) => w.name)).toContain('Conv1_2/kernel');
    const ours = await loadModel(file);
    expect(predictionDiff(ours, theirs, randomInput([2, ...SHAPE], 53), [2, ...SHAPE])).toBeLessThanOrEqual(1e-5);
  });
});

describe('families out of scope are refused, naming them and why', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['Lambda', { function: ['4wEAAAA', null, null], function_type: 'lambda' }, 'it is Python bytecode'],
    ['TensorFlowOpLayer', { node_def: { op: 'Mul', name: 'mul' }, constants: {} }, 'it is a raw TensorFlow op'],
    ['TFOpLambda', { function: 'math.multiply' }, 'it is a raw TensorFlow op'],
    ['LSTM', { units: 4 }, 'it is a recurrent layer'],
    ['GRU', { units: 4 }, 'it is a recurrent layer'],
    ['Bidirectional', { layer: { class_name: 'LSTM', config: { units: 4 } } }, 'it is a recurrent layer'],
    ['SimpleRNN', { units: 4 }, 'it is a recurrent layer'],
  ];
  test.each(cases)('%s', async (cls, config, message) => {
    const { file, base } = await fixture();
    const gap = byName(base, 'global_average_pooling2d_1');
    gap.class_name = cls;
    Object.assign(gap.config, config);
    await expect(loadModel(file)).rejects.toThrow(new RegExp(`: layer 'global_average_pooling2d_1' has class ${cls}, which tatami does not support: ${message}$`));
  });

  test('an unknown layer class says it is not supported (not "used but not defined")', async () => {
    const { file, base } = await fixture();
    byName(base, 'global_average_pooling2d_1').class_name = 'MyCustomOp';
    await expect(loadModel(file)).rejects.toThrow("layer 'global_average_pooling2d_1' has class MyCustomOp, which tatami does not support (supported: ");
  });
});
