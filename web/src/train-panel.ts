/**
 * The Train panel: the settings form, Train / Pause / Stop, the Keras-style progress text, the live
 * curves, and the latest loss and accuracy. It talks to the training worker and hands every weight
 * update to `onWeights`, so the Draw panel can follow the training.
 */
import { Chart } from './chart.js';
import { t, onLangChange } from './captions.js';
import { Terminal } from './terminal.js';
import type { FromWorker, ToWorker, TrainConfig, WeightData } from './protocol.js';

export interface TrainPanelElements {
  form: HTMLFormElement;
  train: HTMLButtonElement;
  pause: HTMLButtonElement;
  stop: HTMLButtonElement;
  progress: HTMLElement;
  curves: HTMLCanvasElement;
  loss: HTMLElement;
  accuracy: HTMLElement;
  state: HTMLElement;
}

export interface TrainPanelEvents {
  /** New weights from the worker (a few times a second while training, and at the end). */
  onWeights(run: number, config: TrainConfig, weights: WeightData[]): void;
  /** Training ended (finished or stopped). */
  onDone(): void;
}

type State = 'idle' | 'loading' | 'training' | 'paused';

export class TrainPanel {
  private readonly worker: Worker;
  private readonly terminal: Terminal;
  private readonly chart: Chart;
  private state: State = 'idle';
  private step = 0;
  /** Training runs started so far. */
  private runs = 0;

  constructor(private readonly el: TrainPanelElements, private readonly events: TrainPanelEvents) {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    this.worker.onerror = (e) => this.fail(e.message);
    this.terminal = new Terminal(el.progress);
    this.chart = new Chart(el.curves);
    el.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.start();
    });
    el.pause.addEventListener('click', () => this.send({ type: this.state === 'paused' ? 'resume' : 'pause' }));
    el.stop.addEventListener('click', () => this.send({ type: 'stop' }));
    onLangChange(() => this.setState(this.state));
    this.setState('idle');
  }

  /** The settings in the form. */
  config(): TrainConfig {
    const value = (name: string): number => Number((this.el.form.elements.namedItem(name) as HTMLInputElement).value);
    return {
      kernelSize: value('kernelSize'),
      filters: value('filters'),
      batchSize: value('batchSize'),
      learningRate: value('learningRate'),
      epochs: value('epochs'),
      trainDigits: value('trainDigits'),
      seed: 1,
    };
  }

  private send(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  private start(): void {
    if (this.state !== 'idle' || !this.el.form.reportValidity()) return;
    this.terminal.clear();
    this.chart.clear();
    this.step = 0;
    this.el.loss.textContent = '–';
    this.el.accuracy.textContent = '–';
    this.setState('loading');
    this.send({ type: 'train', run: ++this.runs, config: this.config() });
  }

  private receive(msg: FromWorker): void {
    switch (msg.type) {
      case 'data':
        this.terminal.write(`${msg.train} training digits, ${msg.test} test digits\n`);
        this.setState('training');
        break;
      case 'progress':
        this.terminal.write(msg.text);
        break;
      case 'batch':
        this.step = msg.step;
        this.chart.addBatch(msg.step, msg.loss, msg.accuracy);
        this.el.loss.textContent = msg.loss.toFixed(4);
        this.el.accuracy.textContent = msg.accuracy.toFixed(4);
        this.el.loss.dataset.value = String(msg.loss);
        this.el.loss.dataset.step = String(msg.step);
        break;
      case 'epoch':
        this.chart.addEpoch(this.step, msg.testLoss, msg.testAccuracy);
        this.terminal.write(`test loss: ${msg.testLoss.toFixed(4)} - test accuracy: ${msg.testAccuracy.toFixed(4)}\n`);
        break;
      case 'weights':
        this.events.onWeights(msg.run, msg.config, msg.weights);
        break;
      case 'paused':
        this.setState(msg.paused ? 'paused' : 'training');
        break;
      case 'done':
        this.setState('idle');
        this.events.onDone();
        break;
      case 'error':
        this.fail(msg.message);
        break;
    }
  }

  private fail(message: string): void {
    this.terminal.write(`\nError: ${message}\n`);
    this.setState('idle');
  }

  private setState(state: State): void {
    this.state = state;
    const busy = state !== 'idle';
    this.el.train.disabled = busy;
    this.el.pause.disabled = state !== 'training' && state !== 'paused';
    this.el.stop.disabled = !busy;
    this.el.pause.textContent = t(state === 'paused' ? 'resume' : 'pause');
    this.el.state.textContent = state === 'paused' ? t('paused') : '';
    for (const input of this.el.form.querySelectorAll('input, select')) (input as HTMLInputElement).disabled = busy;
    document.body.dataset.training = state;
  }
}
