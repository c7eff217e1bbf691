/**
 * Issue 14's measurement: a corpus of model files in the tfjs Layers format (test/io/corpus/files,
 * written by make-corpus.ts: Teachable Machine exports, Keras 2.1–2.15 and Keras 3.4–3.10 converter
 * output, tfjs 1.0–4.22 saves; MobileNet V1/V2, InceptionV3, ResNet50V2, Xception, U-Net, the MNIST
 * convnet, text models; float32, uint8, uint16 and float16 weights in one or several shards or
 * groups), each run as a new user would: weights drawn from a seed to fit its manifest, the same
 * input to tfjs 4.22 and to tatami. tfjs reads the file as it is when it can, else a hand-converted
 * copy (corpus/tfjs-copy.ts: the Keras 3 files). tatami must predict as tfjs (≤ 1e-5 relative) on
 * at least 90% of the files tfjs can run; every file meant to run must run, and the out-of-scope
 * families must be refused with the message that says so. And the other way: what tatami saves of
 * each file tfjs reads, tfjs reads too and predicts the same.
 */
import { describe, test, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpus, CORPUS_DIR, fileText, indexText } from './corpus/make-corpus.js';
import { runEntry, relativeError, type Outcome } from './corpus/run-corpus.js';
import { loadTf } from '../tf-peer.js';

const ENTRIES = corpus();
const TOLERANCE = 1e-5;
const root = mkdtempSync(join(tmpdir(), 'tatami-corpus-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const matches = (o: Outcome): boolean => o.tatami.ok && o.tatami.relErr !== null && o.tatami.relErr <= TOLERANCE;

describe('the corpus of real-world model files', () => {
  test('the committed files are what make-corpus.ts writes', () => {
    for (const e of ENTRIES) expect(readFileSync(join(CORPUS_DIR, `${e.id}.json`), 'utf8'), e.id).toBe(fileText(e));
    expect(readFileSync(join(CORPUS_DIR, 'index.json'), 'utf8')).toBe(indexText(ENTRIES));
  });

  test('relativeError compares whole predictions, and fails a wrong one', () => {
    expect(relativeError(new Float32Array([1, 2]), new Float32Array([1, 2]))).toBe(0);
    // |2.00004 − 2| / 2 = 2e-5 > 1e-5.
    expect(relativeError(new Float32Array([1, 2.00004]), new Float32Array([1, 2]))).toBeGreaterThan(TOLERANCE);
    expect(relativeError(new Float32Array([NaN, 2]), new Float32Array([1, 2]))).toBe(Infinity);
    expect(relativeError(new Float32Array([1]), new Float32Array([1, 2]))).toBe(Infinity);
  });

  test('tatami predicts as tfjs on at least 90% of the files tfjs can run', async () => {
    await loadTf();
    const outcomes: Outcome[] = [];
    for (const [i, e] of ENTRIES.entries()) outcomes.push(await runEntry(e, join(root, e.id), 1000 + i));

    const rows = outcomes.map((o, i) => {
      const e = ENTRIES[i];
      const ours = o.tatami.ok ? (o.tatami.relErr === null ? 'runs (no tfjs peer)' : `rel. error ${o.tatami.relErr.toExponential(1)}`) : `refused: ${o.tatami.message.slice(0, 110)}`;
      const back = o.back === null ? '' : `; tatami's save in tfjs ${o.back.toExponential(1)}`;
      return `${matches(o) ? 'match' : '  -  '}  ${e.id.padEnd(35)} ${e.family.padEnd(24)} tfjs ${o.tfjs.padEnd(14)} ${ours}${back}`;
    });
    const runnable = outcomes.filter((o) => o.tfjs === 'reads');
    const matched = runnable.filter(matches);
    const fraction = matched.length / runnable.length;
    console.log([...rows, `tatami predicts as tfjs on ${matched.length} of the ${runnable.length} files tfjs can run (${(100 * fraction).toFixed(1)}%)`,
      `and on ${outcomes.filter((o) => o.tfjs === 'hand-converted' && matches(o)).length} of the ${outcomes.filter((o) => o.tfjs === 'hand-converted').length} files tfjs reads only as a hand-converted copy`,
      `tfjs reads tatami's save of ${outcomes.filter((o) => o.back !== null && o.back <= TOLERANCE).length} of the ${outcomes.filter((o) => o.tatami.ok).length} files tatami runs, predicting the same`].join('\n'));

    // Every file meant to run matches tfjs (on the file, or on its hand-converted copy).
    const failed = outcomes.filter((o, i) => ENTRIES[i].expect === 'runs' && !matches(o));
    expect(failed.map((o) => o.id)).toEqual([]);
    // The out-of-scope families are refused by name, with the reason.
    outcomes.forEach((o, i) => {
      if (ENTRIES[i].expect !== 'out-of-scope') return;
      expect(o.tatami.ok, o.id).toBe(false);
      if (!o.tatami.ok) expect(o.tatami.message, o.id).toMatch(/has class \w+, which tatami does not support: it is (a recurrent layer|Python bytecode|a raw TensorFlow op)$/);
    });
    // The other way: tfjs reads tatami's save of every file tfjs reads as it is, and predicts the same.
    const notBack = runnable.filter((o) => o.tatami.ok && (o.back === null || o.back > TOLERANCE)).map((o) => o.id);
    expect(notBack).toEqual([]);
    expect(runnable.length).toBeGreaterThanOrEqual(30);
    expect(fraction).toBeGreaterThanOrEqual(0.9);
  });
});
