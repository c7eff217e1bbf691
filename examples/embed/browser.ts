/**
 * The code of browser.html: tatami/infer in a page. build.ts bundles it (esbuild, minified) into
 * browser.js. A model comes from picked files (model.json + weights.bin) or, when the server offers
 * one, from the URL model/ beside the page; a digit comes from a picked image or from the pad. Each
 * digit is made MNIST-like by digit.ts (the same code the Node example runs), shown at 28×28, and
 * classified: the class and its probability.
 */
import { loadModel, tensor, type InferenceModel } from '../../src/infer.js'; // 'tatami/infer' in a project of your own
import { toDigit, argmax } from './digit.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const modelFiles = $<HTMLInputElement>('model-files');
const modelStatus = $<HTMLParagraphElement>('model-status');
const imageInput = $<HTMLInputElement>('image');
const pad = $<HTMLCanvasElement>('pad');
const seen = $<HTMLCanvasElement>('seen');
const result = $<HTMLOutputElement>('result');
const steps = $<HTMLParagraphElement>('steps');

let model: InferenceModel | null = null;
/** The last picture classified, kept to classify again when another model is loaded. */
let picture: { rgba: Uint8ClampedArray; width: number; height: number } | null = null;

function showError(where: HTMLElement, e: unknown): void {
  where.textContent = e instanceof Error ? e.message : String(e);
  where.className = 'error';
}

/** Load a model and say so; then classify the current picture with it. */
async function useModel(load: () => Promise<InferenceModel>, from: string): Promise<void> {
  modelStatus.dataset.state = 'loading';
  modelStatus.className = '';
  modelStatus.textContent = `Loading ${from}…`;
  try {
    model = await load();
    const shape = model.inputShape;
    if (shape.length !== 4 || shape[1] !== 28 || shape[2] !== 28 || shape[3] !== 1) {
      throw new Error(`this page classifies 28×28 grey digits, and the model takes [${shape.slice(1).join(', ')}]`);
    }
    modelStatus.textContent = `Model from ${from}: input [${model.inputShape.slice(1).join(', ')}], ${model.countParams().toLocaleString('en')} parameters.`;
    modelStatus.dataset.state = 'ready';
    classify();
  } catch (e) {
    model = null;
    showError(modelStatus, e);
    modelStatus.dataset.state = 'error';
  }
}

/**
 * Picked files: model.json and the weight files its manifest names, joined in manifest order
 * (just weights.bin for tatami's models), handed to loadModel as artifacts in memory.
 */
async function modelFromFiles(files: File[]): Promise<InferenceModel> {
  const json = files.find((f) => f.name.endsWith('.json'));
  if (json === undefined) throw new Error('pick model.json together with weights.bin');
  const text = await json.text();
  let paths: string[] = [];
  try {
    const manifest: unknown = (JSON.parse(text) as { weightsManifest?: unknown }).weightsManifest;
    if (Array.isArray(manifest)) {
      paths = manifest.flatMap((group: { paths?: unknown }) => (Array.isArray(group?.paths) ? group.paths : []))
        .filter((p): p is string => typeof p === 'string');
    }
  } catch {
    // loadModel below reports a bad model.json in its own words.
  }
  const shards = await Promise.all(paths.map(async (path) => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    const file = files.find((f) => f.name === name);
    if (file === undefined) throw new Error(`${json.name} needs ${name}: pick it too`);
    return new Uint8Array(await file.arrayBuffer());
  }));
  const weights = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  let offset = 0;
  for (const s of shards) {
    weights.set(s, offset);
    offset += s.length;
  }
  return loadModel({ modelJson: text, weights });
}

/** Turn the current picture into the model's input, show it, and show the class and its probability. */
function classify(): void {
  if (picture === null) return;
  const digit = toDigit(picture.rgba, picture.width, picture.height);
  // What the model sees, as grey pixels: exact, since toDigit rounds to 8 bits.
  const image = new ImageData(28, 28);
  digit.pixels.forEach((v, p) => image.data.set([v * 255, v * 255, v * 255, 255], 4 * p));
  seen.getContext('2d')!.putImageData(image, 0, 0);
  steps.textContent = digit.steps.join('; ');
  steps.className = '';
  if (model === null) {
    result.textContent = 'load a model';
    return;
  }
  const probs = model.predict(tensor(digit.pixels, [1, 28, 28, 1])).data;
  const best = argmax(probs);
  result.textContent = `${best.index} (probability ${best.value.toFixed(4)})`;
  result.dataset.probability = String(best.value);
  result.dataset.class = String(best.index);
}

/** A picked image, decoded by the browser at its own size. */
async function classifyImage(file: File): Promise<void> {
  const bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  picture = { rgba: ctx.getImageData(0, 0, bitmap.width, bitmap.height).data, width: bitmap.width, height: bitmap.height };
  classify();
}

// The pad: black ink on white paper, classified as it is drawn (once per frame at most).
const ink = pad.getContext('2d', { willReadFrequently: true })!;
function clearPad(): void {
  ink.fillStyle = '#fff';
  ink.fillRect(0, 0, pad.width, pad.height);
}
let drawing = false;
let queued = false;
function classifyPad(): void {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => {
    queued = false;
    picture = { rgba: ink.getImageData(0, 0, pad.width, pad.height).data, width: pad.width, height: pad.height };
    classify();
  });
}
pad.addEventListener('pointerdown', (e) => {
  drawing = true;
  pad.setPointerCapture(e.pointerId);
  ink.beginPath();
  ink.moveTo(e.offsetX, e.offsetY);
});
pad.addEventListener('pointermove', (e) => {
  if (!drawing) return;
  Object.assign(ink, { lineWidth: 18, lineCap: 'round', lineJoin: 'round', strokeStyle: '#000' });
  ink.lineTo(e.offsetX, e.offsetY);
  ink.stroke();
  classifyPad();
});
pad.addEventListener('pointerup', () => (drawing = false));
$('clear').addEventListener('click', () => {
  clearPad();
  picture = null;
  result.textContent = '–';
  result.dataset.class = result.dataset.probability = '';
});

modelFiles.addEventListener('change', () => {
  const files = Array.from(modelFiles.files ?? []);
  if (files.length > 0) void useModel(() => modelFromFiles(files), files.map((f) => f.name).join(' + '));
});
imageInput.addEventListener('change', () => {
  const file = imageInput.files?.[0];
  if (file !== undefined) classifyImage(file).catch((e: unknown) => showError(steps, e));
});

clearPad();
// A model served beside the page (serve.ts --model DIR) loads by URL, as a site would ship one.
fetch('model/model.json', { method: 'HEAD' }).then(
  (r) => (r.ok ? useModel(() => loadModel(new URL('model/', location.href)), 'model/ on the server') : undefined),
  () => undefined,
);
document.body.dataset.ready = 'true';
