/**
 * Any picture of a digit → the 28×28 input an MNIST model expects. Browser-safe, so the Node example
 * and the browser page turn the same pixels into the same input, and predict the same class.
 *
 * MNIST digits are white ink on black, values in [0, 1], 28×28, the digit fitted into 20×20 and
 * centred by its centre of mass. So:
 *   1. grey: each pixel is composited over white (a transparent pixel is blank paper), then its
 *      luma is taken, 0.299·R + 0.587·G + 0.114·B (ITU-R BT.601, as Pillow's "L" mode), scaled to [0, 1];
 *   2. ink is light: when the image's border is mostly light (its mean above 0.5), it is a dark digit
 *      on paper, and every value v becomes 1 − v;
 *   3. size: a 28×28 image is taken as it is; any other size goes through the page's MNIST
 *      preprocessing (web/src/preprocess.ts: crop to the ink, fit into 20×20, centre by centre of mass);
 *   4. 8 bits: every value is rounded to a multiple of 1/255, as MNIST's own pixels are, so the input
 *      is an ordinary 8-bit image (the page shows it, and a test can read it back exactly).
 */
import { toMnist, SIZE } from '../../web/src/preprocess.js';

export interface Digit {
  /** 28·28 values in [0, 1], row by row: the model's input [1, 28, 28, 1]. */
  readonly pixels: Float32Array;
  /** What was done to the picture, in words (empty for a 28×28 image with a dark border). */
  readonly steps: string[];
}

/** `rgba` is width·height·4 bytes (R, G, B, A), row by row, as a PNG decoder or a canvas gives them. */
export function toDigit(rgba: ArrayLike<number>, width: number, height: number): Digit {
  if (rgba.length !== width * height * 4) throw new Error(`toDigit: a ${width}×${height} image has ${width * height * 4} RGBA bytes, got ${rgba.length}`);
  const steps: string[] = [];

  // 1. Grey over white paper.
  const grey = new Float32Array(width * height); // (height, width)
  for (let p = 0; p < width * height; p++) {
    const alpha = rgba[4 * p + 3] / 255;
    const over = (c: number): number => c * alpha + 255 * (1 - alpha);
    grey[p] = (0.299 * over(rgba[4 * p]) + 0.587 * over(rgba[4 * p + 1]) + 0.114 * over(rgba[4 * p + 2])) / 255;
  }

  // 2. The border's mean decides whether the ink is dark.
  let border = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y !== 0 && y !== height - 1 && x !== 0 && x !== width - 1) continue;
      border += grey[y * width + x];
      count++;
    }
  }
  if (border / count > 0.5) {
    for (let p = 0; p < grey.length; p++) grey[p] = 1 - grey[p];
    steps.push('light background: inverted to light ink on black, as MNIST');
  }

  // 3. To 28×28.
  let pixels: Float32Array;
  if (width === SIZE && height === SIZE) {
    pixels = grey;
  } else {
    const fitted = toMnist(grey, width, height);
    pixels = fitted ?? new Float32Array(SIZE * SIZE);
    steps.push(fitted === null
      ? `${width}×${height}, no ink found: a blank 28×28 input`
      : `${width}×${height}: cropped to the ink, fitted into 20×20 and centred by its centre of mass in 28×28, as MNIST`);
  }

  // 4. Round to 8 bits.
  for (let p = 0; p < pixels.length; p++) pixels[p] = Math.round(Math.min(1, Math.max(0, pixels[p])) * 255) / 255;
  return { pixels, steps };
}

/** The index of the largest of `values` (the first one on ties), and that value. */
export function argmax(values: ArrayLike<number>): { index: number; value: number } {
  let index = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[index]) index = i;
  return { index, value: values[index] };
}
