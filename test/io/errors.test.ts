/**
 * What the loader refuses, and how it says so: unsupported layers, activations, initializers and
 * options by name; malformed or hostile files with an Error before any large allocation.
 */
import { describe, test, expect, beforeAll } from 'vitest';
import { mkdtemp, writeFile, mkdir, symlink, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadModel, Sequential, Conv2D, Flatten, Dense, type SavedArtifacts } from '../../src/index.js';
import { decodeWeight } from '../../src/io/decode-weights.js';

let base: SavedArtifacts;
beforeAll(async () => {
  const m = new Sequential([new Conv2D({ filters: 2, kernelSize: 3, activation: 'relu', inputShape: [5, 5, 1] }), new Flatten(), new Dense({ units: 3, activation: 'softmax' })], { seed: 1 });
  base = await m.save();
});

type Json = Record<string, any>;
/** A copy of the valid artifacts with model.json edited. */
function edited(edit: (j: Json) => void, weights: ArrayBuffer | Uint8Array = base.weights): { modelJson: Json; weights: ArrayBuffer | Uint8Array } {
  const j = JSON.parse(JSON.stringify(base.modelJson));
  edit(j);
  return { modelJson: j, weights };
}
const layer = (j: Json, i: number): Json => j.modelTopology.config.layers[i];

describe('unsupported features are refused by name', () => {
  const cases: [string, (j: Json) => void, RegExp][] = [
    ['an unknown layer class', (j) => (layer(j, 1).class_name = 'CapsuleLayer'), /layer 'flatten' has class CapsuleLayer, which tatami does not support \(supported: Conv2D, Dense, .*BatchNormalization/],
    ['an unknown activation', (j) => (layer(j, 2).config.activation = 'mish'), /layer 'dense' \(Dense\): activation 'mish' is not supported \(supported: linear, relu/],
    ['an unknown initializer', (j) => (layer(j, 2).config.kernel_initializer = { class_name: 'Orthogonal', config: { gain: 1 } }), /layer 'dense' \(Dense\): kernel_initializer 'Orthogonal' is not supported/],
    ['an initializer with other parameters', (j) => (layer(j, 2).config.kernel_initializer = { class_name: 'RandomNormal', config: { mean: 0, stddev: 1 } }), /RandomNormal with stddev 1/],
    ['channels_first', (j) => (layer(j, 0).config.data_format = 'channels_first'), /layer 'conv2d' \(Conv2D\): data_format 'channels_first' is not supported \(supported: 'channels_last' or null\)$/],
    ['a regularizer other than L1L2', (j) => (layer(j, 2).config.kernel_regularizer = { class_name: 'OrthogonalRegularizer', config: { factor: 0.01 } }), /layer 'dense' \(Dense\): kernel_regularizer \{"class_name":"OrthogonalRegularizer".* is not supported \(supported: L1L2, L1, L2\)/],
    ['an activity regularizer other than L1L2', (j) => (layer(j, 1).config.activity_regularizer = { class_name: 'OrthogonalRegularizer', config: { factor: 0.01 } }), /layer 'flatten' \(Flatten\): activity_regularizer \{"class_name":"OrthogonalRegularizer".* is not supported \(supported: L1L2, L1, L2\)/],
    ['grouped convolution', (j) => (layer(j, 0).config.groups = 2), /groups 2 is not supported/],
    ['an unknown option', (j) => (layer(j, 2).config.fancy = true), /layer 'dense' \(Dense\): option 'fancy' \(true\) is not supported$/],
    ['a float16 dtype policy', (j) => (layer(j, 2).config.dtype = { class_name: 'DTypePolicy', config: { name: 'mixed_float16' } }), /layer 'dense' \(Dense\): dtype \{"class_name":"DTypePolicy","config":\{"name":"mixed_float16"\}\} is not supported \(tatami computes in float32\)$/],
    ['a float64 dtype', (j) => (layer(j, 2).config.dtype = 'float64'), /layer 'dense' \(Dense\): dtype 'float64' is not supported \(tatami computes in float32\)$/],
    ['an activation that is not a name', (j) => (layer(j, 2).config.activation = 5), /layer 'dense' \(Dense\): activation 5 is not supported \(supported: linear, relu/],
    ['causal padding', (j) => (layer(j, 0).config.padding = 'causal'), /^loadModel: layer 'conv2d' \(Conv2D\): padding must be 'valid' or 'same', got 'causal'$/],
    ['a null padding', (j) => (layer(j, 0).config.padding = null), /^loadModel: layer 'conv2d' \(Conv2D\): padding must be 'valid' or 'same', got null$/],
    ['a graph model', (j) => (j.format = 'graph-model'), /format 'graph-model' is not supported/],
    ['an unknown model class', (j) => (j.modelTopology.class_name = 'Subclassed'), /^loadModel: modelTopology must be \{ class_name: 'Sequential', 'Model' or 'Functional', config \}, got \{"class_name":"Subclassed",/],
    ['no modelTopology', (j) => delete j.modelTopology, /^loadModel: modelTopology must be \{ class_name: 'Sequential', 'Model' or 'Functional', config \}, got undefined$/],
  ];
  for (const [what, edit, message] of cases) {
    test(what, async () => {
      await expect(loadModel(edited(edit))).rejects.toThrow(message);
    });
  }

  test('graphs: two inputs load; a cycle, a missing layer, a second output tensor, an unlisted input are refused', async () => {
    const layers = [
      { name: 'a', class_name: 'InputLayer', config: { batch_input_shape: [null, 3], name: 'a' }, inbound_nodes: [] },
      { name: 'b', class_name: 'InputLayer', config: { batch_input_shape: [null, 3], name: 'b' }, inbound_nodes: [] },
      { name: 'add', class_name: 'Add', config: { name: 'add' }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] },
    ];
    const model = (edit: (ls: Json[]) => Json[], io: Json = { input_layers: [['a', 0, 0], ['b', 0, 0]], output_layers: [['add', 0, 0]] }) => ({
      modelJson: { modelTopology: { class_name: 'Model', config: { name: 'm', layers: edit(JSON.parse(JSON.stringify(layers))), ...io } }, weightsManifest: [] },
      weights: new ArrayBuffer(0),
    });
    const two = await loadModel(model((ls) => ls));
    expect(two.inputNames).toEqual(['a', 'b']);
    const d = (name: string, from: string) => ({ name, class_name: 'Dense', config: { name, units: 3 }, inbound_nodes: [[[from, 0, 0, {}]]] });
    await expect(loadModel(model((ls) => [...ls.slice(0, 2), d('p', 'q'), d('q', 'p'), { ...ls[2], inbound_nodes: [[['p', 0, 0, {}], ['b', 0, 0, {}]]] }]))).rejects.toThrow(/^loadModel: layer 'p' \(call 0\) takes 'q' call 0, which is never computed \(a cycle, or a call the file does not have\)$/);
    await expect(loadModel(model((ls) => [...ls.slice(0, 2), { ...ls[2], inbound_nodes: [[['a', 1, 0, {}], ['b', 0, 0, {}]]] }]))).rejects.toThrow(/^loadModel: layer 'add' \(call 0\) takes 'a' call 1, which is never computed \(a cycle, or a call the file does not have\)$/);
    await expect(loadModel(model((ls) => [...ls.slice(0, 2), { ...ls[2], inbound_nodes: [[['a', 0, 0, {}], ['zz', 0, 0, {}]]] }]))).rejects.toThrow(/^loadModel: layer 'add' \(call 0\) takes 'zz' call 0, which is not a layer of the model$/);
    await expect(loadModel(model((ls) => [...ls.slice(0, 2), { ...ls[2], inbound_nodes: [[['a', 0, 1, {}], ['b', 0, 0, {}]]] }]))).rejects.toThrow(/layer 'add': \["a",0,1,\{\}\] takes tensor 1; tatami layers give one tensor per call$/);
    await expect(loadModel(model((ls) => ls, { input_layers: [['a', 0, 0]], output_layers: [['add', 0, 0]] }))).rejects.toThrow(/InputLayer 'b' is not listed in input_layers/);
    await expect(loadModel(model((ls) => ls, { input_layers: [['a', 0, 0], ['add', 0, 0]], output_layers: [['add', 0, 0]] }))).rejects.toThrow(/^loadModel: input 'add' is not an InputLayer$/);
    await expect(loadModel(model((ls) => [...ls.slice(0, 2), { ...ls[2], inbound_nodes: [] }]))).rejects.toThrow(/^loadModel: layer 'add': inbound_nodes must list 1 to 1000 calls, got \[\]$/);
    await expect(loadModel(model((ls) => [...ls.slice(0, 2), { ...ls[2], inbound_nodes: [[]] }]))).rejects.toThrow(/^loadModel: layer 'add': an inbound node must be a non-empty list or \{ args: \[tensors\] \}, got \[\]$/);
    await expect(loadModel(model((ls) => [...ls.slice(0, 2), { ...ls[2], inbound_nodes: [{ args: [], kwargs: {} }] }]))).rejects.toThrow(/^loadModel: layer 'add': an inbound node must be .*got \{"args":\[\],"kwargs":\{\}\}$/);
    await expect(loadModel(model((ls) => [...ls.slice(0, 2), { ...ls[2], inbound_nodes: [[['a', -1, 0, {}]]] }]))).rejects.toThrow(/^loadModel: layer 'add': expected \[layer name, node index in \[0, 1000\), tensor index\], got \["a",-1,0,\{\}\]$/);
    await expect(loadModel(model((ls) => ls, { input_layers: [['a', 0, 0], ['b', 0, 0]], output_layers: [['add', 1, 0]] }))).rejects.toThrow(/^loadModel: output 'add' call 1 is not computed$/);
  });
});

describe('malformed and hostile files are refused cleanly', () => {
  const cases: [string, () => { modelJson: Json | string; weights: ArrayBuffer | Uint8Array }, RegExp][] = [
    ['bad JSON', () => ({ modelJson: '{"format": "layers-model", ', weights: base.weights }), /^loadModel: artifacts\.modelJson: not valid JSON \(.+\)$/],
    ['a model.json object JSON cannot hold', () => ({ modelJson: { n: 1n } as never, weights: base.weights }), /^loadModel: artifacts\.modelJson: cannot be read as JSON \(.*BigInt.*\)$/],
    ['a model.json that is a function', () => ({ modelJson: (() => 1) as never, weights: base.weights }), /^loadModel: artifacts\.modelJson: cannot be read as JSON \(got function\)$/],
    ['an int32 layer weight', () => edited((j) => (j.weightsManifest[0].weights[3].dtype = 'int32')), /^loadModel: weight 'dense\/bias' is int32; layers hold float32 weights$/],
    ['a __proto__ key', () => ({ modelJson: JSON.stringify(base.modelJson).replace('"convertedBy"', '"__proto__":{"polluted":1},"convertedBy"'), weights: base.weights }), /the key '__proto__' is not allowed/],
    ['a constructor key', () => edited((j) => (layer(j, 2).config = { ...layer(j, 2).config, constructor: { prototype: { x: 1 } } })), /the key '(constructor|prototype)' is not allowed/],
    ['a missing weight', () => edited((j) => j.weightsManifest[0].weights.pop()), /no 'dense\/bias'/],
    ['an extra weight', () => edited((j) => j.weightsManifest[0].weights.push({ name: 'dense/extra', shape: [1], dtype: 'float32' }), new Uint8Array(base.weights.byteLength + 4)), /^loadModel: no layer uses the weights 'dense\/extra'$/],
    ['seven extra weights', () => edited((j) => j.weightsManifest[0].weights.push(...[0, 1, 2, 3, 4, 5, 6].map((i) => ({ name: `x${i}`, shape: [1], dtype: 'float32' }))), new Uint8Array(base.weights.byteLength + 28)), /^loadModel: no layer uses the weights 'x0', 'x1', 'x2', 'x3', 'x4' \(and 2 more\)$/],
    ['no weights', () => edited((j) => (j.weightsManifest = []), new Uint8Array(0)), /: the weights file has no 'conv2d\/kernel', 'conv2d\/bias', 'dense\/kernel', 'dense\/bias'$/],
    ['a shape that does not fit the layer', () => edited((j) => (j.weightsManifest[0].weights[0].shape = [3, 3, 2, 1])), /weight 'conv2d\/kernel' has shape \[3, 3, 2, 1\] but layer 'conv2d' \(Conv2D\) needs \[3, 3, 1, 2\]$/],
    ['a negative dimension', () => edited((j) => (j.weightsManifest[0].weights[1].shape = [-2])), /weightsManifest\[0\]\.weights\[1\] \('conv2d\/bias'\): shape must be at most 8 integer sizes in \[0, 2³¹\), fewer than 2³¹ values in all \(see README 'Model files'\), got \[-2\]$/],
    ['a fractional dimension', () => edited((j) => (j.weightsManifest[0].weights[1].shape = [1.5])), /\('conv2d\/bias'\): shape must be at most 8 integer sizes in \[0, 2³¹\), fewer than 2³¹ values in all \(see README 'Model files'\), got \[1\.5\]$/],
    ['an absurd dimension', () => edited((j) => (j.weightsManifest[0].weights[2].shape = [1e12, 3])), /\('dense\/kernel'\): shape must be at most 8 integer sizes in \[0, 2³¹\), fewer than 2³¹ values in all \(see README 'Model files'\), got \[1000000000000,3\]$/],
    ['a float64 weight', () => edited((j) => (j.weightsManifest[0].weights[1].dtype = 'float64')), /^loadModel: weightsManifest\[0\]\.weights\[1\] \('conv2d\/bias'\): dtype 'float64' is not supported \(supported: 'float32', 'int32'\)$/],
    ['a weight entry that is not an object', () => edited((j) => (j.weightsManifest[0].weights[1] = 5)), /^loadModel: weightsManifest\[0\]\.weights\[1\] must be \{ name \(1 to 512 characters\), shape, dtype \}, got 5$/],
    ['a weight with an empty name', () => edited((j) => (j.weightsManifest[0].weights[1].name = '')), /^loadModel: weightsManifest\[0\]\.weights\[1\] must be \{ name \(1 to 512 characters\), shape, dtype \}, got \{"name":"",/],
    ['too many values', () => edited((j) => (j.weightsManifest[0].weights[2].shape = [65536, 65536])), /\('dense\/kernel'\): shape must be at most 8 integer sizes in \[0, 2³¹\), fewer than 2³¹ values in all \(see README 'Model files'\), got \[65536,65536\]$/],
    ['a rank above 8', () => edited((j) => (j.weightsManifest[0].weights[1].shape = [1, 1, 1, 1, 1, 1, 1, 1, 2])), /\('conv2d\/bias'\): shape must be at most 8 integer sizes in \[0, 2³¹\), fewer than 2³¹ values in all \(see README 'Model files'\), got \[1,1,1,1,1,1,1,1,2\]$/],
    ...([
      [{ dtype: 'uint8', scale: 0.1 }, '{"dtype":"uint8","scale":0.1}'],
      [{ dtype: 'uint8', scale: 0.1, min: null }, '{"dtype":"uint8","scale":0.1,"min":null}'],
      [{ dtype: 'int4', scale: 1, min: 0 }, '{"dtype":"int4","scale":1,"min":0}'],
      [{ dtype: 'float16', zero_point: 1 }, '{"dtype":"float16","zero_point":1}'],
      [{ dtype: 'float16', original_dtype: 'float64' }, '{"dtype":"float16","original_dtype":"float64"}'],
    ] as const).map(([q, shown]): [string, () => { modelJson: Json; weights: ArrayBuffer | Uint8Array }, RegExp] => [
      `quantization ${shown}`,
      () => edited((j) => (j.weightsManifest[0].weights[1].quantization = q)),
      new RegExp(`weightsManifest\\[0\\]\\.weights\\[1\\] \\('conv2d/bias'\\): quantization must be \\{ dtype: 'uint8' or 'uint16', scale, min \\} \\(finite\\) or \\{ dtype: 'float16' \\}, with original_dtype 'float32' if given and no other key \\(see README 'Model files'\\), got ${shown.replace(/[{}[\]().]/g, '\\$&')}$`),
    ]),
    ['a group that is not a list', () => edited((j) => (j.weightsManifest[0] = { paths: 'weights.bin', weights: [] })), /weightsManifest\[0\] must be \{ paths: \[\.\.\.\], weights: \[\.\.\.\] \}, got \{"paths":"weights\.bin","weights":\[\]\}$/],
    // Every refused form of a shard path, with the path as the message shows it.
    ...([
      ['../../etc/passwd', "'../../etc/passwd'"],
      ['/etc/passwd', "'/etc/passwd'"],
      ['..\\weights.bin', "'..\\weights.bin'"],
      ['https://evil.example/w.bin', "'https://evil.example/w.bin'"],
      ['C:w.bin', "'C:w.bin'"],
      ['x'.repeat(256), `'${'x'.repeat(76)}...`],
      ['w\u0001.bin', '"w\\u0001.bin"'],
      ['w.bin?x=1', "'w.bin?x=1'"],
      ['w#1.bin', "'w#1.bin'"],
      ['w%2e.bin', "'w%2e.bin'"],
      ['a//w.bin', "'a//w.bin'"],
      ['a/', "'a/'"],
      ['a/.', "'a/.'"],
      ['a/../../w.bin', "'a/../../w.bin'"],
      ['', "''"],
      [7, '7'],
    ] as const).map(([path, shown]): [string, () => { modelJson: Json; weights: ArrayBuffer | Uint8Array }, RegExp] => [
      `the path ${shown.slice(0, 20)}`,
      () => edited((j) => (j.weightsManifest[0].paths = [path])),
      new RegExp(`^loadModel: weightsManifest\\[0\\]: weights path ${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} must be a relative file path inside the model's folder \\(see README 'Model files'\\)$`),
    ]),
    ['dense units of a string', () => edited((j) => (layer(j, 2).config.units = '3')), /units must be an integer/],
    ['a negative input size', () => edited((j) => (layer(j, 0).config.batch_input_shape = [null, -5, 5, 1])), /^loadModel: layer 'conv2d': input shape must be \[null or batch size, 1 to 7 integer sizes in \[1, 2²⁴\]\], at most 2³¹ values \(see README 'Model files'\), got \[null,-5,5,1\]$/],
    ['an input batch of 0', () => edited((j) => (layer(j, 0).config.batch_input_shape = [0, 5, 5, 1])), /^loadModel: layer 'conv2d': input shape must be \[null or batch size, .*got \[0,5,5,1\]$/],
    ['an input of rank 9', () => edited((j) => (layer(j, 0).config.batch_input_shape = [null, 1, 1, 1, 1, 1, 1, 1, 5])), /^loadModel: layer 'conv2d': input shape must be \[null or batch size, .*got \[null,1,1,1,1,1,1,1,5\]$/],
    ['a huge input', () => edited((j) => (layer(j, 0).config.batch_input_shape = [null, 1e9, 1e9, 1])), /^loadModel: layer 'conv2d': input shape must be \[null or batch size, 1 to 7 integer sizes in \[1, 2²⁴\]\], at most 2³¹ values \(see README 'Model files'\), got \[null,1000000000,1000000000,1\]$/],
    // Shown with its control characters escaped, cut at 80 characters.
    ...([['', "''"], ['a\nb', '"a\\nb"'], ['n'.repeat(257), `'${'n'.repeat(76)}...`]] as const).map(([name, shown]): [string, () => { modelJson: Json; weights: ArrayBuffer | Uint8Array }, RegExp] => [
      `the layer name ${JSON.stringify(name.slice(0, 8))}`,
      () => edited((j) => (layer(j, 1).config.name = name)),
      new RegExp(`^loadModel: layer 1 \\(Flatten\\): name must be 1 to 256 printable characters, got ${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    ]),
    ['duplicate layer names', () => edited((j) => (layer(j, 1).config.name = 'conv2d')), /two layers are named 'conv2d'/],
    ['no input shape', () => edited((j) => delete layer(j, 0).config.batch_input_shape), /no input shape/],
  ];
  for (const [what, make, message] of cases) {
    test(what, async () => {
      await expect(loadModel(make() as never)).rejects.toThrow(message);
    });
  }

  test('a Softmax over several axes is refused, showing them', async () => {
    const softmax = (axis: unknown) => ({
      modelJson: { modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Softmax', config: { name: 'sm', axis, batch_input_shape: [null, 2, 3] } }] } }, weightsManifest: [] },
      weights: new ArrayBuffer(0),
    });
    await expect(loadModel(softmax([1]))).resolves.toBeDefined();
    await expect(loadModel(softmax([1, 2]))).rejects.toThrow(/^loadModel: layer 'sm' \(Softmax\): axis must be an integer \(or a list of one\), got \[1,2\]$/);
    await expect(loadModel(softmax(0.5))).rejects.toThrow(/^loadModel: layer 'sm' \(Softmax\): axis must be an integer \(or a list of one\), got 0\.5$/);
  });

  test('weight bytes that do not match the manifest are refused with both counts', async () => {
    const n = base.weights.byteLength;
    await expect(loadModel(edited(() => undefined, new Uint8Array(base.weights).subarray(0, n - 8)))).rejects.toThrow(new RegExp(`^loadModel: the manifest needs ${n} bytes of weights but the weight files hold ${n - 8}$`));
    await expect(loadModel(edited(() => undefined, new Uint8Array(n + 4)))).rejects.toThrow(new RegExp(`^loadModel: the manifest needs ${n} bytes of weights but the weight files hold ${n + 4}$`));
  });

  test('a model_config wrapper holding null, weights that are null and model.json text that is not a string are refused', async () => {
    await expect(loadModel(edited((j) => (j.modelTopology = { model_config: null, ...j.modelTopology })))).rejects.toThrow(/^loadModel: modelTopology must be .*, got null$/);
    await expect(loadModel({ modelJson: base.modelJson, weights: null } as never)).rejects.toThrow(/^loadModel: artifacts\.weights must be an ArrayBuffer or a typed array, got object$/);
    const text = JSON.stringify(base.modelJson);
    const fetch = async (url: string): Promise<Response> => (url.endsWith('model.json') ? ({ ok: true, headers: new Headers(), text: async () => [text] } as unknown as Response) : new Response(base.weights));
    await expect(loadModel('https://models.example/m/', { fetch })).rejects.toThrow(/^https:\/\/models\.example\/m\/model\.json must be JSON text, got \[/);
  });

  test('decodeWeight reads float32, float16, uint8 and uint16 storage only, naming a weight stored otherwise', () => {
    const entry = { name: 'counter', shape: [1], size: 1, storedAs: 'int32', scale: 1, min: 0, group: null, byteOffset: 0, byteLength: 4 } as const;
    expect(() => decodeWeight(entry, new Uint8Array(4), 'optimizer.bin')).toThrow("optimizer.bin: weight 'counter' is stored as int32, which tatami does not read as a weight");
  });

  test('a source that is neither a path, a URL nor artifacts is refused, showing it', async () => {
    await expect(loadModel(42 as never)).rejects.toThrow(/^loadModel: expected a folder path, a URL or \{ modelJson, weights \}, got 42$/);
    await expect(loadModel({ weights: new ArrayBuffer(0) } as never)).rejects.toThrow(/^loadModel: expected a folder path, a URL or \{ modelJson, weights \}, got \{"weights":\{\}\}$/);
  });

  test('NaN weights are refused with checkFinite, loaded without', async () => {
    const bytes = new Uint8Array(base.weights.slice(0));
    new DataView(bytes.buffer).setFloat32(8, NaN, true);
    await expect(loadModel({ modelJson: base.modelJson, weights: bytes }, { checkFinite: true })).rejects.toThrow(/^loadModel: weight 'conv2d\/kernel' has a non-finite value \(NaN\) at index 2$/);
    await expect(loadModel({ modelJson: base.modelJson, weights: bytes })).resolves.toBeDefined();
  });

  test('in a folder: a truncated shard, a missing shard and a symlink out of the folder are refused before reading', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tatami-bad-'));
    await writeFile(join(dir, 'model.json'), JSON.stringify(base.modelJson));
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(base.weights));
    await expect(loadModel(dir)).resolves.toBeDefined();
    await truncate(join(dir, 'weights.bin'), 10);
    await expect(loadModel(dir)).rejects.toThrow(/needs \d+ bytes of weights but the weight files hold 10 \(truncated/);
    const outside = await mkdtemp(join(tmpdir(), 'tatami-outside-'));
    await writeFile(join(outside, 'w.bin'), new Uint8Array(base.weights));
    await mkdir(join(dir, 'sub'));
    await symlink(join(outside, 'w.bin'), join(dir, 'sub', 'w.bin'));
    const viaLink = { ...base.modelJson, weightsManifest: [{ ...base.modelJson.weightsManifest[0], paths: ['sub/w.bin'] }] };
    await writeFile(join(dir, 'model.json'), JSON.stringify(viaLink));
    await expect(loadModel(dir)).rejects.toThrow(/resolves outside the model folder/);
    const missing = { ...base.modelJson, weightsManifest: [{ ...base.modelJson.weightsManifest[0], paths: ['nope.bin'] }] };
    await writeFile(join(dir, 'model.json'), JSON.stringify(missing));
    await expect(loadModel(dir)).rejects.toThrow(/weight file 'nope.bin' named in .* does not exist/);
    await expect(loadModel(join(dir, 'absent'))).rejects.toThrow(/no model at/);
  });
});
