/**
 * Optimizer state in model files, so training can resume where it stopped. TensorFlow.js does not
 * know tatami's optimizers' slots, so the state sits where tfjs never looks: a `tatamiTraining` key in
 * model.json and its own file, optimizer.bin (little-endian float32, like weights.bin):
 *
 *   tatamiTraining: {
 *     optimizer_config: { class_name: 'Adam', config: { learning_rate, beta_1, beta_2, epsilon, amsgrad } },
 *     iterations: 250, loss: 'categorical_crossentropy', metrics: ['accuracy'], epoch: 1 (epochs done, if known),
 *     weightsManifest: [{ paths: ['optimizer.bin'], weights: [{ name: 'conv2d/kernel/m', shape, dtype }, ...] }]
 *   }
 *
 * Slots are named after the trainable weight: Adam's `m` and `v`, SGD's `momentum`, RMSprop's `rms`.
 */
import type { Model } from '../models/model.js';
import type { Compiled, CompileArgs } from '../models/compile.js';
import { Optimizer, Adam, SGD, RMSprop } from '../optimizers/index.js';
import { ConfigReader } from './config-reader.js';
import { type JsonObject, isObject, own, show } from './safe-json.js';
import { planWeights } from './manifest.js';
import { checkWeightBytes, decodeWeight } from './decode-weights.js';
import type { WeightsGroup } from './artifacts.js';

const SLOT_NAMES: Readonly<Record<string, readonly string[]>> = { Adam: ['m', 'v'], SGD: ['momentum'], RMSprop: ['rms'] };
const slotName = (cls: string, i: number): string => SLOT_NAMES[cls]?.[i] ?? `slot${i}`;

/** Each trainable weight of the model with its file name, e.g. 'conv2d/kernel'. */
function trainableParams(model: Model) {
  return model.layers.flatMap((l) => l.trainableWeights().map((w) => ({ name: `${l.name}/${w.name}`, value: w.value })));
}

/** The `tatamiTraining` JSON and the slot values (in manifest order) of a compiled model. */
export function encodeTrainingState(model: Model, epoch: number | undefined): { json: Record<string, unknown>; values: Float32Array[] } {
  const compiled = model.compiled;
  if (compiled === null) throw new Error(`${model.name}: save with includeOptimizer needs a compiled model (call compile first)`);
  const opt = compiled.optimizer;
  const weights: WeightsGroup['weights'] = [];
  const values: Float32Array[] = [];
  for (const p of trainableParams(model)) {
    opt.slotsOf(p.value).forEach((slot, i) => {
      weights.push({ name: `${p.name}/${slotName(opt.className, i)}`, shape: [...p.value.shape], dtype: 'float32' });
      values.push(slot);
    });
  }
  const json: Record<string, unknown> = {
    optimizer_config: { class_name: opt.className, config: opt.getConfig() },
    iterations: opt.iterations,
    ...trainingSettings(compiled),
    ...(epoch === undefined ? {} : { epoch }),
    weightsManifest: [{ paths: ['optimizer.bin'], weights }],
  };
  return { json, values };
}

/**
 * The loss and metrics as compile takes them: names for one output; for several, objects keyed by
 * output name (and the loss weights).
 */
function trainingSettings(compiled: Compiled): Record<string, unknown> {
  const heads = compiled.outputs;
  if (heads.length === 1) return { loss: heads[0].lossName, metrics: heads[0].metrics.map((m) => m.name) };
  const byOutput = <T>(f: (h: (typeof heads)[number]) => T): Record<string, T> => Object.fromEntries(heads.map((h) => [h.output, f(h)]));
  return { loss: byOutput((h) => h.lossName), loss_weights: byOutput((h) => h.weight), metrics: byOutput((h) => h.metrics.map((m) => m.name)) };
}

/** An optimizer from its Keras-style config, refusing options tatami does not have. */
function optimizerFromConfig(v: unknown, prefix: string): Optimizer {
  const cls = isObject(v) ? own(v, 'class_name') : undefined;
  const config = isObject(v) ? own(v, 'config') : undefined;
  if (typeof cls !== 'string' || !isObject(config)) throw new Error(`${prefix}: tatamiTraining.optimizer_config must be { class_name, config }`);
  const r = new ConfigReader(config, `${prefix}: optimizer ${cls}`);
  r.accept('name');
  const learningRate = r.number('learning_rate', 0.001, 1e-12, 1e6);
  let opt: Optimizer;
  if (cls === 'Adam') {
    r.only('amsgrad', [false], 'amsgrad');
    opt = new Adam({ learningRate, beta1: r.number('beta_1', 0.9, 0, 0.999999), beta2: r.number('beta_2', 0.999, 0, 0.999999), epsilon: r.number('epsilon', 1e-7, 0, 1) });
  } else if (cls === 'SGD') {
    opt = new SGD({ learningRate, momentum: r.number('momentum', 0, 0, 1), nesterov: r.bool('nesterov', false) });
  } else if (cls === 'RMSprop') {
    r.only('momentum', [0], 'momentum');
    r.only('centered', [false], 'centered');
    opt = new RMSprop({ learningRate, rho: r.number('rho', 0.9, 0, 0.999999), epsilon: r.number('epsilon', 1e-7, 0, 1) });
  } else {
    throw new Error(`${prefix}: optimizer ${show(cls)} is not supported (Adam, SGD, RMSprop)`);
  }
  r.finish();
  return opt;
}

/** The optimizer manifest of `tatamiTraining` (validated), for the loader to fetch its bytes. */
export function trainingManifest(training: JsonObject, prefix: string) {
  return planWeights(own(training, 'weightsManifest'), `${prefix}: tatamiTraining`);
}

/** Compile `model` with the saved optimizer, loss and metrics, and put the optimizer state back. */
export function restoreTrainingState(model: Model, training: JsonObject, bytes: Uint8Array, prefix: string): void {
  const opt = optimizerFromConfig(own(training, 'optimizer_config'), prefix);
  const iterations = own(training, 'iterations');
  if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < 0) throw new Error(`${prefix}: tatamiTraining.iterations must be a non-negative integer, got ${show(iterations)}`);
  const loss = own(training, 'loss');
  const metrics = own(training, 'metrics') ?? [];
  const lossWeights = own(training, 'loss_weights');
  const names = (v: unknown): boolean => Array.isArray(v) && v.every((m) => typeof m === 'string');
  const perOutput = (v: unknown, ok: (e: unknown) => boolean): boolean => isObject(v) && Object.values(v).every(ok);
  if (typeof loss !== 'string' && !perOutput(loss, (e) => typeof e === 'string')) throw new Error(`${prefix}: tatamiTraining.loss must be a loss name (or one per output), got ${show(loss)}`);
  if (!names(metrics) && !perOutput(metrics, names)) throw new Error(`${prefix}: tatamiTraining.metrics must be a list of names (or one per output)`);
  if (lossWeights !== undefined && !perOutput(lossWeights, (e) => typeof e === 'number')) throw new Error(`${prefix}: tatamiTraining.loss_weights must give a number per output`);
  try {
    model.compile({ optimizer: opt, loss, metrics, lossWeights } as CompileArgs);
  } catch (e) {
    throw new Error(`${prefix}: cannot compile with the saved training settings: ${(e as Error).message}`);
  }
  const plan = trainingManifest(training, prefix);
  checkWeightBytes(plan.totalBytes, bytes.byteLength, `${prefix}: optimizer.bin`);
  const byName = new Map(plan.entries.map((e) => [e.name, e]));
  let used = 0;
  for (const p of trainableParams(model)) {
    opt.slotsOf(p.value).forEach((slot, i) => {
      const name = `${p.name}/${slotName(opt.className, i)}`;
      const entry = byName.get(name);
      if (entry === undefined) throw new Error(`${prefix}: the optimizer state has no '${name}'`);
      if (entry.storedAs !== 'float32' || entry.size !== slot.length || entry.shape.join() !== p.value.shape.join()) {
        throw new Error(`${prefix}: optimizer slot '${name}' has shape [${entry.shape.join(', ')}] (${entry.storedAs}), expected float32 [${p.value.shape.join(', ')}]`);
      }
      slot.set(decodeWeight(entry, bytes, `${prefix}: optimizer.bin`, { checkFinite: true }));
      used++;
    });
  }
  if (used !== plan.entries.length) throw new Error(`${prefix}: the optimizer state has ${plan.entries.length - used} entries no trainable weight uses`);
  opt.iterations = iterations;
}
