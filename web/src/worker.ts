/**
 * The training worker: trains the classic CNN on the shipped MNIST digits with tatami's own
 * `model.fit`, so the page stays responsive. It tells the page every batch (running loss and
 * accuracy), forwards fit's Keras-style progress text, and sends the weights a few times a second
 * so the Draw panel can show the network as it learns. Pause, resume and stop go through the run's
 * RunControl (run-control.ts), which makes them safe at any moment of the run.
 */
import { Adam, classicCnn, makeMnistSplit, Rng, stratifiedSplit, type Model } from '../../src/index.js';
import { fetchDigits, type Digits } from './digits.js';
import type { FromWorker, ToWorker, TrainConfig } from './protocol.js';
import { RunControl } from './run-control.js';

const TEST_DIGITS = 2000;
const WEIGHTS_EVERY_MS = 400;

const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};
const post = (message: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);

let digits: Promise<Digits> | null = null;
/** The run in progress, if any. */
let current: RunControl | null = null;

function sendWeights(m: Model, run: number, config: TrainConfig): void {
  const weights = m.getWeights().map((t) => ({ data: t.data, shape: [...t.shape] }));
  post({ type: 'weights', run, config, weights }, weights.map((w) => w.data.buffer));
}

/** Train run `run` under `control`; true when it was stopped before the end. */
async function train(run: number, config: TrainConfig, control: RunControl): Promise<boolean> {
  digits ??= fetchDigits(new URL('mnist.bin.gz', import.meta.url));
  const all = await digits;
  const trainDigits = Math.min(config.trainDigits, all.count - TEST_DIGITS);
  const split = stratifiedSplit(all.classes, 10, trainDigits, TEST_DIGITS, new Rng(config.seed));
  const trainSet = makeMnistSplit(all.pixels, all.classes, split.train, 255);
  const testSet = makeMnistSplit(all.pixels, all.classes, split.test, 255);
  post({ type: 'data', train: trainDigits, test: TEST_DIGITS });
  if (control.stopped) return true; // stopped while the digits were loading

  const m = classicCnn({ kernelSize: config.kernelSize, filters: config.filters, seed: config.seed });
  m.compile({ optimizer: new Adam({ learningRate: config.learningRate }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  sendWeights(m, run, config);
  let step = 0;
  let lastSent = performance.now();
  await m.fit(trainSet.images, trainSet.labels, {
    batchSize: config.batchSize,
    epochs: config.epochs,
    seed: config.seed,
    verbose: 1,
    // A terminal, as far as fit knows: it redraws the bar with '\r', which the page's text box follows.
    output: { isTTY: true, write: (text) => post({ type: 'progress', text }) },
    callbacks: [{
      onBatchEnd: async (_batch, logs) => {
        step++;
        post({ type: 'batch', step, loss: logs.loss, accuracy: logs.accuracy });
        if (performance.now() - lastSent > WEIGHTS_EVERY_MS) {
          sendWeights(m, run, config);
          lastSent = performance.now();
        }
        if (await control.batchEnd()) m.stopTraining = true;
      },
      onEpochEnd: (epoch, logs) => {
        const test = m.evaluate(testSet.images, testSet.labels, { batchSize: 256 });
        post({ type: 'epoch', epoch, loss: logs.loss, accuracy: logs.accuracy, testLoss: test.loss, testAccuracy: test.accuracy });
      },
    }],
  });
  sendWeights(m, run, config); // the trained model is kept, however the run ended
  return control.stopped;
}

scope.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === 'train') {
    if (current !== null) return post({ type: 'error', message: 'already training: stop first' });
    const control = new RunControl((held) => post({ type: 'paused', paused: held }));
    current = control;
    train(msg.run, msg.config, control).then(
      (stopped) => post({ type: 'done', stopped }),
      (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
    ).finally(() => {
      control.finish();
      current = null;
    });
    return;
  }
  // With no run in progress (a click that crossed the end of the run), there is nothing to do: the
  // page goes idle on 'done' whatever it asked for last.
  if (msg.type === 'pause') current?.pause();
  else if (msg.type === 'resume') current?.resume();
  else current?.stop();
};
