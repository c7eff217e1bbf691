import { classicCnn } from '../models/classic-cnn.js';
import { loadModel } from '../io/load.js';
import { takeRows } from '../data/batches.js';
import { parseFlags, helpText, type FlagSpec } from './args.js';
import { MODEL_DATA_FLAGS, loadModelAndData, checkIndex } from './run-files.js';
import { digitArt, probabilityBars, sideBySide } from './ascii.js';

/** Commands that look at a model: evaluate, predict, summary. */

const EVALUATE_FLAGS: Record<string, FlagSpec> = {
  ...MODEL_DATA_FLAGS,
  json: { kind: 'boolean', help: 'print one JSON line' },
};
const PREDICT_FLAGS: Record<string, FlagSpec> = {
  ...MODEL_DATA_FLAGS,
  index: { kind: 'int', help: 'which test digit (default 0)' },
};
const SUMMARY_FLAGS: Record<string, FlagSpec> = {
  'kernel-size': { kind: 'int', help: 'side of the square conv kernel (default 3)' },
  filters: { kind: 'int', help: 'conv filters (default 128)' },
  model: { kind: 'string', help: 'summarize a saved model instead' },
};

export const EVALUATE_HELP = helpText('Usage: tatami evaluate --model DIR [flags]\n\nTest loss and accuracy of a saved model on its held-out digits.', EVALUATE_FLAGS);
export const PREDICT_HELP = helpText('Usage: tatami predict --model DIR --index N [flags]\n\nShow test digit N and the ten class probabilities.', PREDICT_FLAGS);
export const SUMMARY_HELP = helpText('Usage: tatami summary [flags]\n\nPrint the classic CNN\'s Keras-style summary.', SUMMARY_FLAGS);

export async function evaluate(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const flags = parseFlags('evaluate', argv, EVALUATE_FLAGS);
  const { model, data } = await loadModelAndData('evaluate', flags);
  if (model.compiled === null) model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const result = model.evaluate(data.test.images, data.test.labels, { batchSize: 256 });
  if (flags.json === true) log(JSON.stringify({ testLoss: result.loss, testAccuracy: result.accuracy, digits: data.test.classes.length }));
  else log(`${data.test.classes.length} test digits (${data.source}) - loss: ${result.loss.toFixed(4)} - accuracy: ${result.accuracy.toFixed(4)}`);
}

export async function predict(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const flags = parseFlags('predict', argv, PREDICT_FLAGS);
  const { model, data } = await loadModelAndData('predict', flags);
  const index = checkIndex((flags.index as number | undefined) ?? 0, data);
  const digit = takeRows(data.test.images, Int32Array.of(index), 0, 1);
  const probs = model.predict(digit).data;
  let best = 0;
  for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
  log(`Test digit ${index} (label ${data.test.classes[index]}), predicted ${best} with probability ${probs[best].toFixed(3)}`);
  log(sideBySide(digitArt(digit.data), probabilityBars(probs)));
}

export async function summary(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const flags = parseFlags('summary', argv, SUMMARY_FLAGS);
  const model = typeof flags.model === 'string'
    ? await loadModel(flags.model)
    : classicCnn({ kernelSize: (flags['kernel-size'] as number | undefined) ?? 3, filters: (flags.filters as number | undefined) ?? 128 });
  log(model.summary({ print: false }));
}
