/**
 * Round trips through tatami's own files: save → load gives the same predictions and summary(), in
 * memory, in a folder and over fetch; the optimizer state lets training resume exactly; quantized
 * weights (uint8, uint16, float16) are expanded on load.
 */
import { describe, test, expect } from 'vitest';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  classicCnn, loadModel, modelCheckpoint, readTrainingInfo, input, Model, Sequential, Conv2D, MaxPooling2D, Flatten, Dense,
  Dropout, BatchNormalization, Embedding, Reshape, Activation, AveragePooling2D, GlobalAveragePooling2D, Tensor, Adam, SGD, RMSprop, type Optimizer,
} from '../../src/index.js';
import { TATAMI_VERSION } from '../../src/io/version.js';
import { float16ToNumber } from '../../src/io/decode-weights.js';
import { randomInput, maxDiff } from './io-helpers.js';

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'tatami-io-'));

export function everyLayerModel(): Model {
  const x = input({ shape: [8, 8, 2] });
  let h = new Conv2D({ filters: 3, kernelSize: [3, 2], strides: 1, padding: 'same', activation: 'elu', kernelInitializer: 'he_normal' }).apply(x);
  h = new BatchNormalization({ momentum: 0.9, center: false }).apply(h);
  h = new AveragePooling2D({ poolSize: 2 }).apply(h);
  h = new Activation({ activation: 'tanh' }).apply(h);
  h = new MaxPooling2D({ poolSize: [2, 1], strides: 1 }).apply(h);
  h = new Reshape({ targetShape: [3, -1] }).apply(h);
  h = new Flatten().apply(h);
  h = new Dropout({ rate: 0.1 }).apply(h);
  h = new Dense({ units: 4, activation: 'sigmoid', useBias: false }).apply(h);
  return new Model({ inputs: x, outputs: h, name: 'every_layer', seed: 11 });
}

describe('save → load', () => {
  test('the seed CNN, in memory: identical predictions and summary()', async () => {
    const model = classicCnn({ seed: 1 });
    const loaded = await loadModel(await model.save());
    const x = new Tensor(randomInput([2, 28, 28, 1], 1), [2, 28, 28, 1]);
    expect(maxDiff(loaded.predict(x).data, model.predict(x).data)).toBe(0);
    expect(loaded.summary({ print: false })).toBe(model.summary({ print: false }));
  });

  test('every supported layer, through a folder: identical predictions and summary(); files as tfjs writes them', async () => {
    const model = everyLayerModel();
    const dir = await tempDir();
    await model.save(dir);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json).toMatchObject({ format: 'layers-model', generatedBy: `tatami ${TATAMI_VERSION}`, convertedBy: null });
    expect(json.modelTopology).toMatchObject({ class_name: 'Model', backend: 'tensor_flow.js' });
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual([
      'conv2d/kernel', 'conv2d/bias', 'batch_normalization/gamma', 'batch_normalization/moving_mean', 'batch_normalization/moving_variance', 'dense/kernel',
    ]);
    expect((await readFile(join(dir, 'weights.bin'))).byteLength).toBe(4 * model.countParams());
    const loaded = await loadModel(dir);
    const x = new Tensor(randomInput([3, 8, 8, 2], 2), [3, 8, 8, 2]);
    expect(maxDiff(loaded.predict(x).data, model.predict(x).data)).toBe(0);
    expect(loaded.summary({ print: false })).toBe(model.summary({ print: false }));
    // model.json itself may be named instead of its folder.
    expect((await loadModel(join(dir, 'model.json'))).name).toBe('every_layer');
  });

  test('Sequential and Embedding models keep their class and summary()', async () => {
    const model = new Sequential([new Embedding({ inputDim: 20, outputDim: 4, inputShape: [5] }), new Flatten(), new Dense({ units: 2 })], { name: 'emb', seed: 4 });
    const loaded = await loadModel(await model.save());
    expect(loaded).toBeInstanceOf(Sequential);
    const x = new Tensor(new Float32Array([0, 3, 19, 7, 7, 1, 2, 3, 4, 5]), [2, 5]);
    expect(maxDiff(loaded.predict(x).data, model.predict(x).data)).toBe(0);
    expect(loaded.summary({ print: false })).toBe(model.summary({ print: false }));
    const pooled = new Sequential([new Conv2D({ filters: 3, kernelSize: 2, inputShape: [5, 5, 1] }), new GlobalAveragePooling2D(), new Dense({ units: 2 })], { seed: 5 });
    const pooledBack = await loadModel(await pooled.save());
    const x2 = new Tensor(randomInput([2, 5, 5, 1], 9), [2, 5, 5, 1]);
    expect(maxDiff(pooledBack.predict(x2).data, pooled.predict(x2).data)).toBe(0);
  });

  test('over fetch: model.json by URL, shards resolved beside it', async () => {
    const model = classicCnn({ seed: 2, filters: 4 });
    const saved = await model.save();
    const served = new Map<string, ArrayBuffer | string>([
      ['https://models.example/cnn/model.json', JSON.stringify(saved.modelJson)],
      ['https://models.example/cnn/weights.bin', saved.weights],
    ]);
    const fetch = async (url: string): Promise<Response> => {
      const body = served.get(url);
      return body === undefined ? new Response('missing', { status: 404 }) : new Response(body);
    };
    const loaded = await loadModel('https://models.example/cnn/', { fetch });
    const x = new Tensor(randomInput([1, 28, 28, 1], 3), [1, 28, 28, 1]);
    expect(maxDiff(loaded.predict(x).data, model.predict(x).data)).toBe(0);
    await expect(loadModel('https://models.example/other/model.json', { fetch })).rejects.toThrow(/HTTP 404/);
    // A model.json the server says is too large is refused before it is read.
    const large = async (): Promise<Response> => new Response('{}', { headers: { 'content-length': String(2 ** 26 + 1) } });
    await expect(loadModel('https://models.example/cnn/', { fetch: large })).rejects.toThrow(/^loadModel: https:\/\/models\.example\/cnn\/model\.json is 67108865 characters \(or bytes, by its content-length\) long, more than the 67108864 a model\.json may have$/);
    // Shards are joined in the manifest's order.
    const split = { ...saved.modelJson, weightsManifest: [{ ...saved.modelJson.weightsManifest[0], paths: ['s1.bin', 's2.bin', 's3.bin'] }] };
    served.set('https://models.example/split/model.json', JSON.stringify(split));
    [0, 1, 2].forEach((k) => served.set(`https://models.example/split/s${k + 1}.bin`, saved.weights.slice(k * 1000, k === 2 ? undefined : (k + 1) * 1000)));
    const joined = await loadModel('https://models.example/split/model.json', { fetch });
    expect(maxDiff(joined.predict(x).data, model.predict(x).data)).toBe(0);
    // More bytes than the manifest accounts for: refused when the server claims them, and when it sends them.
    const n = saved.weights.byteLength;
    served.set('https://models.example/cnn/weights.bin', new Uint8Array(n + 4).buffer);
    await expect(loadModel('https://models.example/cnn/', { fetch })).rejects.toThrow(new RegExp(`^loadModel: https://models\\.example/cnn/weights\\.bin: the manifest needs ${n} bytes of weights but the weight files hold ${n + 4}$`));
    const claiming = async (url: string): Promise<Response> => (url.endsWith('.bin') ? new Response(saved.weights, { headers: { 'content-length': String(n + 1) } }) : fetch(url));
    await expect(loadModel('https://models.example/cnn/', { fetch: claiming })).rejects.toThrow(new RegExp(`^loadModel: https://models\\.example/cnn/weights\\.bin \\(by its content-length\\): the manifest needs ${n} bytes of weights but the weight files hold ${n + 1}$`));
  });

  test('the version written into model.json is package.json\'s', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(TATAMI_VERSION).toBe(pkg.version);
  });
});

describe('optimizer state', () => {
  const data = () => {
    const x = new Tensor(randomInput([12, 6, 6, 1], 5), [12, 6, 6, 1]);
    const y = new Tensor(new Float32Array(36).map((_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [12, 3]);
    return { x, y };
  };
  const small = () => new Sequential([new Conv2D({ filters: 2, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1] }), new Flatten(), new Dense({ units: 3, activation: 'softmax' })], { seed: 8 });

  for (const make of [() => new Adam({ learningRate: 0.01 }), () => new SGD({ learningRate: 0.1, momentum: 0.9 }), () => new RMSprop()] as (() => Optimizer)[]) {
    test(`${make().className}: training resumed from a checkpoint continues exactly as if never stopped`, async () => {
      const { x, y } = data();
      const a = small();
      a.compile({ optimizer: make(), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
      await a.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
      const dir = await tempDir();
      await a.save(dir, { includeOptimizer: true, epoch: 1 });
      expect((await readdir(dir)).sort()).toEqual(['model.json', 'optimizer.bin', 'weights.bin']);
      const b = await loadModel(dir, { includeOptimizer: true });
      expect(b.compiled?.optimizer.iterations).toBe(3);
      expect(await readTrainingInfo(dir)).toEqual({ epoch: 1, iterations: 3, optimizer: make().className, loss: 'categorical_crossentropy' });
      await a.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
      await b.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
      a.getWeights().forEach((w, i) => expect(maxDiff(b.getWeights()[i].data, w.data)).toBe(0));
    });
  }

  test('a model saved without optimizer state refuses includeOptimizer, and saving it needs compile', async () => {
    const m = small();
    await expect(m.save(undefined, { includeOptimizer: true })).rejects.toThrow(/compile/);
    await expect(loadModel(await m.save(), { includeOptimizer: true })).rejects.toThrow(/no optimizer state/);
  });

  test('artifacts: optimizer state without its bytes, and weights that are not bytes, are refused naming the key', async () => {
    const m = small();
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    const { modelJson, weights } = await m.save(undefined, { includeOptimizer: true });
    await expect(loadModel({ modelJson, weights }, { includeOptimizer: true })).rejects.toThrow(/^loadModel: artifacts\.optimizerWeights must be an ArrayBuffer or a typed array, got undefined$/);
    await expect(loadModel({ modelJson, weights: 'bytes' as never })).rejects.toThrow(/^loadModel: artifacts\.weights must be an ArrayBuffer or a typed array, got string$/);
  });

  test('modelCheckpoint saves each epoch, or only the best, and the checkpoint resumes', async () => {
    const { x, y } = data();
    const m = small();
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    const every = await tempDir();
    const best = await tempDir();
    const saves: number[] = [];
    const counting = { async onEpochEnd(epoch: number) { saves.push(epoch); } };
    await m.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0, validationSplit: 0.25, callbacks: [modelCheckpoint({ dir: every }), modelCheckpoint({ dir: best, saveBestOnly: true }), counting] });
    expect(saves).toEqual([0, 1, 2]);
    expect((await readTrainingInfo(every))?.epoch).toBe(3);
    const bestEpoch = (await readTrainingInfo(best))?.epoch as number;
    expect(bestEpoch).toBeGreaterThanOrEqual(1);
    const resumed = await loadModel(every, { includeOptimizer: true });
    const x1 = new Tensor(randomInput([2, 6, 6, 1], 6), [2, 6, 6, 1]);
    expect(maxDiff(resumed.predict(x1).data, m.predict(x1).data)).toBe(0);
    await expect(m.fit(x, y, { epochs: 1, verbose: 0, callbacks: [modelCheckpoint({ dir: best, saveBestOnly: true })] })).rejects.toThrow(/'val_loss' is not logged/);
  });
});

/** float32 → IEEE half (round to nearest), for making float16 fixtures. */
function toFloat16(v: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = u & 0x7fffff;
  if (exp <= 0) return sign | Math.round((mant | 0x800000) / 2 ** (14 - exp));
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | Math.round(mant / 8192);
}

describe('quantized weights', () => {
  test('float16 decoding by hand', () => {
    expect(float16ToNumber(0x3c00)).toBe(1);
    expect(float16ToNumber(0xc000)).toBe(-2);
    expect(float16ToNumber(0x7bff)).toBe(65504);
    expect(float16ToNumber(0x0001)).toBe(2 ** -24);
    expect(float16ToNumber(0x7c00)).toBe(Infinity);
    expect(float16ToNumber(0x8000)).toBe(-0);
    expect(float16ToNumber(0x7e00)).toBeNaN();
  });

  for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
    test(`${dtype} weights are dequantized on load`, async () => {
      const model = classicCnn({ seed: 3, filters: 4 });
      const saved = await model.save();
      const weights = model.getWeights();
      const specs = saved.modelJson.weightsManifest[0].weights;
      const levels = dtype === 'uint8' ? 255 : 65535;
      const parts: Uint8Array[] = [];
      const tolerance: number[] = [];
      specs.forEach((spec, i) => {
        const v = weights[i].data;
        if (dtype === 'float16') {
          const out = new Uint16Array(v.length).map((_, k) => toFloat16(v[k]));
          spec.quantization = { dtype };
          parts.push(new Uint8Array(out.buffer));
          tolerance.push(1e-3);
          return;
        }
        let min = Math.min(...v);
        const max = Math.max(...v);
        if (max === min) min -= 1;
        const scale = (max - min) / levels;
        const q = (dtype === 'uint8' ? new Uint8Array(v.length) : new Uint16Array(v.length)).map((_, k) => Math.round((v[k] - min) / scale));
        spec.quantization = { dtype, scale, min };
        parts.push(new Uint8Array(q.buffer));
        tolerance.push(scale / 2 + 1e-6);
      });
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((off, p) => (bytes.set(p, off), off + p.length), 0);
      const loaded = await loadModel({ modelJson: saved.modelJson, weights: bytes });
      loaded.getWeights().forEach((w, i) => expect(maxDiff(w.data, weights[i].data)).toBeLessThanOrEqual(tolerance[i]));
    });
  }
});
