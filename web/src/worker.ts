/**
 * The training worker: trains the classic CNN on the shipped MNIST digits with tatami's own
 * `model.fit`, so the page stays responsive. It tells the page every batch (running loss and
 * accuracy), forwards fit's Keras-style progress text, and sends the weights a few times a second
 * so the Draw panel can show the network as it learns. Pausing makes the batch callback wait.
 */
import { Adam, classicCnn, makeMnistSplit, Rng, stratifiedSplit, type Model } from '../../src/index.js';
import { fetchDigits, type Digits } from './digits.js';
import type { FromWorker, ToWorker, TrainConfig } from './protocol.js';

const TEST_DIGITS = 2000;
const WEIGHTS_EVERY_MS = 400;

const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};
const post = (message: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);

let digits: Promise<Digits> | null = null;
/** The model being trained, while fit runs. */
let training: Model | null = null;
let busy = false;
let paused = false;
let resume: (() => void) | null = null;

function sendWeights(m: Model, run: number, config: TrainConfig): void {
  const weights = m.getWeights().map((t) => ({ data: t.data, shape: [...t.shape] }));
  post({ type: 'weights', run, config, weights }, weights.map((w) => w.data.buffer));
}

/** Wait here (between two batches) until the page says resume or stop. */
async function waitWhilePaused(): Promise<void> {
  if (!paused) return;
  post({ type: 'paused', paused: true });
  await new Promise<void>((ok) => (resume = ok));
  post({ type: 'paused', paused: false });
}

/** Train run `run`; true when it was stopped before the end. */
async function train(run: number, config: TrainConfig): Promise<boolean> {
  digits ??= fetchDigits(new URL('mnist.bin.gz', import.meta.url));
  const all = await digits;
  const trainDigits = Math.min(config.trainDigits, all.count - TEST_DIGITS);
  const split = stratifiedSplit(all.classes, 10, trainDigits, TEST_DIGITS, new Rng(config.seed));
  const trainSet = makeMnistSplit(all.pixels, all.classes, split.train, 255);
  const testSet = makeMnistSplit(all.pixels, all.classes, split.test, 255);
  post({ type: 'data', train: trainDigits, test: TEST_DIGITS });

  const m = classicCnn({ kernelSize: config.kernelSize, filters: config.filters, seed: config.seed });
  m.compile({ optimizer: new Adam({ learningRate: config.learningRate }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  training = m;
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
        await waitWhilePaused();
      },
      onEpochEnd: (epoch, logs) => {
        const test = m.evaluate(testSet.images, testSet.labels, { batchSize: 256 });
        post({ type: 'epoch', epoch, loss: logs.loss, accuracy: logs.accuracy, testLoss: test.loss, testAccuracy: test.accuracy });
      },
    }],
  });
  sendWeights(m, run, config);
  return m.stopTraining; // still true after fit when Stop ended it
}

scope.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === 'train') {
    if (busy) return post({ type: 'error', message: 'already training: stop first' });
    busy = true;
    paused = false;
    train(msg.run, msg.config).then(
      (stopped) => post({ type: 'done', stopped }),
      (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
    ).finally(() => {
      busy = false;
      training = null;
    });
    return;
  }
  // pause waits at the next batch; resume and stop release it (stop also ends fit after that batch).
  paused = msg.type === 'pause';
  if (msg.type === 'stop' && training !== null) training.stopTraining = true;
  if (!paused) {
    resume?.();
    resume = null;
  }
};
