/**
 * Fuzzing the loader: a valid model mutated 600 seeded ways (keys dropped, duplicated, renamed;
 * numbers made negative, huge, fractional, strings; JSON bytes corrupted; the weight buffer cut or
 * extended; shapes swapped; __proto__ injected; paths pointed outside the folder). Every outcome
 * must be a model that predicts, or an Error: never a crash, a hang, or a thrown non-Error, and a model
 * that loads is never bigger than its weight file.
 * Replay a failure from the printed case number.
 */
import { test, expect } from 'vitest';
import { loadModel, input, Model, Conv2D, BatchNormalization, MaxPooling2D, Flatten, Dense, Dropout, Tensor, Rng, type SavedArtifacts } from '../../src/index.js';

const CASES = 600;

type Json = unknown;
type Container = Record<string, Json> | Json[];

/** Every object and array inside a JSON value. */
function containers(v: Json, out: Container[] = []): Container[] {
  if (typeof v === 'object' && v !== null) {
    out.push(v as Container);
    for (const c of Object.values(v)) containers(c, out);
  }
  return out;
}

const WEIRD: Json[] = [-1, 0, -0.5, 0.5, 1e308, -1e308, 2 ** 31, 2 ** 53, 1e9, 'x', '', '3', null, true, [], {}, [null], [1e9, 1e9], 'valid', '../x.bin'];

function mutate(base: SavedArtifacts, rng: Rng): { modelJson: Json; weights: Uint8Array } {
  const json = JSON.parse(JSON.stringify(base.modelJson));
  let weights = new Uint8Array(base.weights.slice(0));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng.uniform() * list.length)];
  const all = containers(json);
  const steps = 1 + Math.floor(rng.uniform() * 3);
  let text: string | null = null;
  for (let s = 0; s < steps; s++) {
    const c = pick(all);
    const keys = Object.keys(c);
    const key = keys.length > 0 ? pick(keys) : '0';
    const rec = c as Record<string, Json>;
    switch (Math.floor(rng.uniform() * 11)) {
      case 0: // drop a key or element
        if (Array.isArray(c)) c.splice(Number(key), 1);
        else delete rec[key];
        break;
      case 1: // duplicate under another name, or an array element
        if (Array.isArray(c)) c.push(JSON.parse(JSON.stringify(c[Number(key)] ?? null)));
        else rec[`${key}_copy`] = rec[key];
        break;
      case 2: // rename a key to another one of the same object
        if (!Array.isArray(c) && keys.length > 1) {
          const other = pick(keys);
          [rec[key], rec[other]] = [rec[other], rec[key]];
        }
        break;
      case 3: // a number made weird
      case 4:
        rec[key] = pick(WEIRD);
        break;
      case 5: { // swap two manifest shapes
        const ws = (json as { weightsManifest: { weights: { shape: number[] }[] }[] }).weightsManifest?.[0]?.weights;
        if (Array.isArray(ws) && ws.length > 1) {
          const a = pick(ws);
          const b = pick(ws);
          if (a && b) [a.shape, b.shape] = [b.shape, a.shape];
        }
        break;
      }
      case 6: // cut or extend the weights
        weights = rng.uniform() < 0.5 ? weights.slice(0, Math.floor(rng.uniform() * weights.length)) : new Uint8Array([...weights, ...new Uint8Array(1 + Math.floor(rng.uniform() * 16))]);
        break;
      case 7: // corrupt bytes of the JSON text
        text = text ?? JSON.stringify(json);
        for (let k = 0; k < 3; k++) {
          const at = Math.floor(rng.uniform() * text.length);
          text = text.slice(0, at) + pick(['{', '}', '"', ',', ':', '[', ']', '9', '-', 'e', ' ', '\\']) + text.slice(at + 1);
        }
        break;
      case 8: // inject a prototype key
        if (!Array.isArray(c)) {
          text = (text ?? JSON.stringify(json)).replace(`"${key}":`, `"${pick(['__proto__', 'constructor', 'prototype'])}":{"polluted":true},"${key}":`);
        }
        break;
      case 9: // a path out of the folder
        (json as { weightsManifest: { paths: string[] }[] }).weightsManifest[0].paths = [pick(['../weights.bin', '/etc/passwd', 'C:\\w.bin', 'a/../../b', './weights.bin', 'weights.bin', '', '.'])];
        break;
      case 10: // garbage weights (NaN, Infinity patterns)
        for (let k = 0; k < 8 && weights.length > 0; k++) weights[Math.floor(rng.uniform() * weights.length)] = 0xff;
        break;
    }
  }
  return { modelJson: text ?? json, weights };
}

test(`${CASES} mutated model files: each loads cleanly or throws an Error`, async () => {
  const x = input({ shape: [6, 6, 2] });
  let h = new Conv2D({ filters: 3, kernelSize: 3, activation: 'relu' }).apply(x);
  h = new BatchNormalization().apply(h);
  h = new MaxPooling2D().apply(h);
  h = new Flatten().apply(h);
  h = new Dropout({ rate: 0.2 }).apply(h);
  const base = await new Model({ inputs: x, outputs: new Dense({ units: 2, activation: 'softmax' }).apply(h), seed: 1 }).save();
  const outcomes = { loaded: 0, refused: 0 };
  for (let i = 0; i < CASES; i++) {
    const rng = new Rng(1000 + i);
    const files = mutate(base, rng);
    let model: Model | null = null;
    try {
      model = await loadModel(files as never, { checkFinite: rng.uniform() < 0.5 });
    } catch (e) {
      if (!(e instanceof Error)) throw new Error(`case ${i}: threw a non-Error ${String(e)}`);
      expect(e.message, `case ${i}`).toMatch(/^loadModel/);
      outcomes.refused++;
      continue;
    }
    // A model that loaded holds no more than the file gave it (no mutation makes the loader allocate
    // beyond the weight bytes: the guard against a slow or huge load, counted rather than timed).
    expect(model.countParams() * 4, `case ${i}`).toBeLessThanOrEqual(files.weights.byteLength);
    // A model that loaded must run.
    const shape = model.inputShape.map((d) => d ?? 1);
    const size = shape.reduce((p, d) => p * d, 1);
    if (size <= 1e5) model.predict(new Tensor(new Float32Array(size).fill(0.5), shape));
    outcomes.loaded++;
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(outcomes.refused).toBeGreaterThan(CASES / 2);
  expect(outcomes.loaded).toBeGreaterThan(10);
  console.log(`fuzz: ${outcomes.loaded} loaded, ${outcomes.refused} refused`);
});
