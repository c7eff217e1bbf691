/**
 * The page: wires the Train panel (training in a worker), the Draw panel (every stage of the network
 * for a drawn digit) and the model files together around one model, the one shown.
 *
 * For tests and the curious, `window.tatamiPage` exposes `showDigit(pixels)` (784 values in [0, 1])
 * and `stages()` (the numbers on screen).
 */
import { classicCnn, Tensor, type Model } from '../../src/index.js';
import { lang, onLangChange, setLang, t, type CaptionKey } from './captions.js';
import { fetchDigits, PIXELS, type Digits } from './digits.js';
import { DrawPanel } from './draw-panel.js';
import { downloadModel, modelFromFiles, modelFromUrl } from './model-files.js';
import type { TrainConfig, WeightData } from './protocol.js';
import { unsupportedReason } from './stages.js';
import { TrainPanel } from './train-panel.js';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html has no #${id}`);
  return el as T;
};

const draw = new DrawPanel({
  pad: $('pad'), input: $('input'), probs: $('probs'), filters: $('filters'), conv: $('conv'), pooled: $('pooled'), explain: $('explain'), explainInput: $('explain-input'),
});

// The model shown, and what the status line says about it.
let model: Model;
let status: { key: CaptionKey; detail?: string } = { key: 'untrained' };
/** The training run whose weights are shown, and one whose weights no longer are (a model was loaded meanwhile). */
let shownRun = 0;
let detachedRun = 0;

function showStatus(): void {
  $('model-status').textContent = `${t(status.key)}${status.detail === undefined ? '' : ` ${status.detail}`}`;
}

function showModel(next: Model, key: CaptionKey, detail?: string): void {
  const why = unsupportedReason(next);
  if (why !== null) throw new Error(`this page shows the classic CNN: ${why}`);
  // A model from a file replaces the one in training, whose later weights are then not shown.
  if (key === 'loaded') detachedRun = shownRun;
  model = next;
  status = { key, detail };
  showStatus();
  draw.setModel(model);
}

function fail(e: unknown): void {
  $('model-status').textContent = `Error: ${e instanceof Error ? e.message : String(e)}`;
}

// Before any training: the page's default settings, randomly initialized.
const initial = classicCnn({ kernelSize: 3, filters: 16, seed: 1 });
initial.ensureInitialized();
showModel(initial, 'untrained');

new TrainPanel(
  {
    form: $('train-form'), train: $('train'), pause: $('pause'), stop: $('stop'), progress: $('progress'),
    curves: $('curves'), loss: $('loss-value'), accuracy: $('accuracy-value'), state: $('train-state'),
  },
  {
    onWeights(run: number, config: TrainConfig, weights: WeightData[]) {
      if (run === detachedRun) return;
      // A new training run: a fresh model of its shape, then its weights as they arrive.
      if (run !== shownRun) {
        shownRun = run;
        model = classicCnn({ kernelSize: config.kernelSize, filters: config.filters, seed: config.seed });
      }
      model.setWeights(weights.map((w) => new Tensor(w.data, w.shape)));
      showModel(model, 'live');
    },
    onDone() {
      if (shownRun === detachedRun) return;
      status = { key: 'trained' };
      showStatus();
    },
  },
);

// Model files: the picker, the server's tatami-model/ folder, and the download.
$<HTMLInputElement>('model-files').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  const files = [...(input.files ?? [])];
  input.value = '';
  modelFromFiles(files).then((m) => showModel(m, 'loaded', files.map((f) => f.name).join(' + ')), fail);
});
fetch('cli-model.json')
  .then((res) => (res.ok ? (res.json() as Promise<{ url: string | null }>) : { url: null }))
  .then(({ url }) => {
    if (url === null) return;
    const button = $<HTMLButtonElement>('load-cli');
    button.hidden = false;
    button.addEventListener('click', () => modelFromUrl(url).then((m) => showModel(m, 'loaded', url), fail));
  })
  .catch(() => {});
$('save').addEventListener('click', () => void downloadModel(model).catch(fail));

// The pad's buttons.
$('clear').addEventListener('click', () => draw.pad.clear());
let digits: Promise<Digits> | null = null;
$('sample').addEventListener('click', () => {
  digits ??= fetchDigits('mnist.bin.gz');
  digits.then((d) => {
    const i = Math.floor(Math.random() * d.count);
    const pixels = Float32Array.from(d.pixels.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255);
    draw.setDigit(pixels);
  }, fail);
});

// Language.
$('lang').addEventListener('click', () => setLang(lang() === 'en' ? 'ja' : 'en'));
onLangChange(() => {
  showStatus();
  $('lang').textContent = lang() === 'en' ? '日本語' : 'English';
});
setLang('en');

declare global {
  interface Window {
    tatamiPage: { showDigit(pixels: ArrayLike<number>): void; stages(): unknown };
  }
}
window.tatamiPage = {
  showDigit: (pixels) => draw.setDigit(Float32Array.from(pixels)),
  stages: () => draw.stages,
};
document.body.dataset.ready = 'true';
