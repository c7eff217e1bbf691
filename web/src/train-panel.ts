/**
 * The Train panel: the settings form, Train / Pause / Stop, the Keras-style progress text, the live
 * curves, and the latest loss and accuracy. It talks to the training worker and hands every weight
 * update to `onWeights`, so the Draw panel can follow the training.
 */
import { Chart } from './chart.js';
import { t, onLangChange } from './captions.js';
import { Terminal } from './terminal.js';
import type { FromWorker, TrainConfig, WeightData } from './protocol.js';
import { nextRunState, runButtons, type RunEvent, type RunState } from './run-state.js';

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

export class TrainPanel {
  private readonly worker: Worker;
  private readonly terminal: Terminal;
  private readonly chart: Chart;
  private state: RunState = 'idle';
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
      if (this.el.form.reportValidity()) this.handle('train-click');
    });
    el.pause.addEventListener('click', () => this.handle(this.state === 'paused' ? 'resume-click' : 'pause-click'));
    el.stop.addEventListener('click', () => this.handle('stop-click'));
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

  /** A click or a word from the worker: move to the next state (run-state.ts) and tell the worker. */
  private handle(event: RunEvent): void {
    const { state, send } = nextRunState(this.state, event);
    if (send === 'train') this.start();
    else if (send !== undefined) this.worker.postMessage({ type: send });
    this.setState(state);
  }

  private start(): void {
    this.terminal.clear();
    this.chart.clear();
    this.step = 0;
    this.el.loss.textContent = '–';
    this.el.accuracy.textContent = '–';
    this.worker.postMessage({ type: 'train', run: ++this.runs, config: this.config() });
  }

  private receive(msg: FromWorker): void {
    switch (msg.type) {
      case 'data':
        this.terminal.write(`${msg.train} training digits, ${msg.test} test digits\n`);
        this.handle('data');
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
        this.handle(msg.paused ? 'held' : 'released');
        break;
      case 'done':
        this.handle('done');
        this.events.onDone();
        break;
      case 'error':
        this.fail(msg.message);
        break;
    }
  }

  private fail(message: string): void {
    this.terminal.write(`\nError: ${message}\n`);
    this.handle('error');
  }

  private setState(state: RunState): void {
    this.state = state;
    const buttons = runButtons(state);
    this.el.train.disabled = !buttons.train;
    this.el.pause.disabled = !buttons.pause;
    this.el.stop.disabled = !buttons.stop;
    this.el.pause.textContent = t(buttons.pauseLabel);
    this.el.state.textContent = state === 'paused' ? t('paused') : '';
    for (const input of this.el.form.querySelectorAll('input, select')) (input as HTMLInputElement).disabled = state !== 'idle';
    document.body.dataset.training = state;
  }
}
