/**
 * Every word the page shows, in English and Japanese (the classic CNN was first written up in
 * Japanese). Elements with `data-caption="key"` get their text from here when the language changes.
 */
export type Lang = 'en' | 'ja';

const EN = {
  tagline: 'See inside a convolutional network: train it here, draw a digit, follow every number.',
  learn: 'Tutorial: how a CNN works, step by step',
  trainTitle: 'Train',
  train: 'The classic CNN (Conv2D → ReLU → 2×2 max-pool → Dense → softmax) learns from MNIST digits here in your browser. tatami does every computation, in a Web Worker, so the page stays responsive.',
  kernelSize: 'Kernel size', filters: 'Filters', batchSize: 'Batch size', learningRate: 'Learning rate', epochs: 'Epochs', trainDigits: 'Training digits',
  trainButton: 'Train', pause: 'Pause', resume: 'Resume', stop: 'Stop',
  loss: 'loss', accuracy: 'accuracy',
  curves: 'Loss (red) should fall and accuracy (blue) rise as the batches go by; dots are the test set at the end of each epoch.',
  filesTitle: 'Model files',
  files: 'Load a model.json + weights.bin saved by `tatami train`, or download the model shown here.',
  loadFiles: 'Load model.json + weights.bin', loadCli: 'Load tatami-model/ from the server', save: 'Download this model',
  drawTitle: 'Draw',
  draw: 'Draw a digit (0–9) in the box. Every stage below follows as you draw.',
  clear: 'Clear', sample: 'A real MNIST digit',
  inputTitle: '1. Input',
  input: 'Your drawing, fitted into a 20×20 box and centred by its centre of mass in 28×28, as the MNIST digits were made. 0 is white, 1 black.',
  outputTitle: '5. Output',
  output: 'A Dense layer weighs every pooled value; softmax turns its ten scores into probabilities that add up to 1.',
  filtersTitle: '2. Filters',
  filtersCaption: 'Each filter is a small grid of learned weights (red positive, blue negative). It slides over the input asking "how much does this patch look like me?"',
  convTitle: '3. Feature maps (after ReLU)',
  conv: 'One map per filter. Each pixel is patch ⊙ filter + bias, with negatives set to 0 (ReLU): bright means a strong match. Hover a pixel to see the arithmetic.',
  pooledTitle: '4. Max-pooled maps',
  pooled: 'Each 2×2 window keeps only its largest value, halving the size: what was found stays, exactly where it was blurs. Hover a pixel.',
  explainTitle: 'How this number was made',
  explainIdle: 'Hover a feature-map or pooled pixel to see how it was computed.',
  untrained: 'Untrained: the weights are still random. Train, or load a model.',
  live: 'Showing the model being trained (updated live).',
  trained: 'Showing the model trained here.',
  loaded: 'Showing the loaded model',
  paused: 'Paused.',
};

export type CaptionKey = keyof typeof EN;

const JA: Record<CaptionKey, string> = {
  tagline: '畳み込みニューラルネットワークの中をのぞく：ここで学習させ、数字を描き、すべての数値を追いかけよう。',
  learn: 'チュートリアル：CNN のしくみを一歩ずつ',
  trainTitle: '学習',
  train: '古典的な CNN（Conv2D → ReLU → 2×2 最大プーリング → Dense → softmax）が、このブラウザの中で MNIST の手書き数字から学びます。計算はすべて tatami が Web Worker で行うので、ページは固まりません。',
  kernelSize: 'カーネルサイズ', filters: 'フィルタ数', batchSize: 'バッチサイズ', learningRate: '学習率', epochs: 'エポック数', trainDigits: '学習用の数字',
  trainButton: '学習', pause: '一時停止', resume: '再開', stop: '停止',
  loss: '損失', accuracy: '正解率',
  curves: 'バッチが進むにつれて損失（赤）は下がり、正解率（青）は上がるはずです。点は各エポック終了時のテストデータの値です。',
  filesTitle: 'モデルファイル',
  files: '`tatami train` で保存した model.json と weights.bin を読み込むか、ここに表示中のモデルをダウンロードできます。',
  loadFiles: 'model.json + weights.bin を読み込む', loadCli: 'サーバーの tatami-model/ を読み込む', save: 'このモデルをダウンロード',
  drawTitle: '描く',
  draw: '枠の中に数字（0〜9）を描いてください。下のすべての段階が、描くそばから変わります。',
  clear: '消す', sample: '本物の MNIST の数字',
  inputTitle: '1. 入力',
  input: '描いた線を 20×20 の枠に収め、重心が 28×28 の中心に来るように置きます（MNIST の数字と同じ作り方）。0 が白、1 が黒です。',
  outputTitle: '5. 出力',
  output: 'Dense 層がプーリング後のすべての値に重みを掛けて足し合わせ、softmax が 10 個のスコアを合計 1 の確率に変えます。',
  filtersTitle: '2. フィルタ',
  filtersCaption: 'フィルタは学習された小さな重みの格子です（赤が正、青が負）。入力の上をずらしながら「この部分は自分にどれだけ似ているか」を測ります。',
  convTitle: '3. 特徴マップ（ReLU 後）',
  conv: 'フィルタ 1 枚につき 1 枚のマップ。各画素は「パッチ ⊙ フィルタ + バイアス」で、負の値は 0 になります（ReLU）。明るいほど強く一致しています。画素にマウスを乗せると計算が見えます。',
  pooledTitle: '4. 最大プーリング後のマップ',
  pooled: '2×2 の窓ごとに最大値だけを残し、大きさを半分にします。何が見つかったかは残り、正確な位置はぼやけます。画素にマウスを乗せてみてください。',
  explainTitle: 'この数値の作られ方',
  explainIdle: '特徴マップかプーリング後のマップの画素にマウスを乗せると、その値の計算が表示されます。',
  untrained: '未学習：重みはまだランダムです。学習させるか、モデルを読み込んでください。',
  live: '学習中のモデルを表示しています（随時更新）。',
  trained: 'ここで学習したモデルを表示しています。',
  loaded: '読み込んだモデルを表示しています',
  paused: '一時停止中。',
};

const TABLES: Record<Lang, Record<CaptionKey, string>> = { en: EN, ja: JA };

/**
 * The tutorial in each language, for the `a[data-tutorial]` link. Relative to the page in web/dist/,
 * so one path works wherever the page is opened: from a checkout (file:///…/web/dist/index.html →
 * docs/), from a host serving the whole repository, and from `npm run web` (web/serve.ts serves the
 * two docs at /docs/, where `../../` stops at the root).
 */
export const TUTORIAL: Record<Lang, string> = {
  en: '../../docs/learn.md',
  ja: '../../docs/learn.ja.md',
};

let current: Lang = 'en';
const listeners: (() => void)[] = [];

export function t(key: CaptionKey): string {
  return TABLES[current][key];
}

export function lang(): Lang {
  return current;
}

/** Switch language: refill every [data-caption] element and tell the listeners (for dynamic text). */
export function setLang(next: Lang): void {
  current = next;
  document.documentElement.lang = next;
  for (const el of document.querySelectorAll<HTMLElement>('[data-caption]')) el.textContent = t(el.dataset.caption as CaptionKey);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('a[data-tutorial]')) a.setAttribute('href', TUTORIAL[next]);
  for (const f of listeners) f();
}

export function onLangChange(f: () => void): void {
  listeners.push(f);
}
