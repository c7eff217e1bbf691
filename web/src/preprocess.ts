/**
 * Turn a drawing into an MNIST-like digit, the way the MNIST digits were made (LeCun et al.): the
 * ink is cropped to its bounding box, scaled to fit a 20×20 box keeping its aspect ratio, with
 * anti-aliasing (each small pixel is the average ink of the area it covers), then placed in a 28×28
 * image so that its centre of mass sits at the centre.
 */
export const SIZE = 28;
const BOX = 20;

/**
 * `ink` is width·height values in [0, 1] (1 = full ink), row by row. Returns 28·28 values in [0, 1],
 * or null when nothing is drawn.
 */
export function toMnist(ink: ArrayLike<number>, width: number, height: number): Float32Array | null {
  // 1. The bounding box of the ink.
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] <= 0.02) continue;
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
      left = Math.min(left, x);
      right = Math.max(right, x);
    }
  }
  if (bottom < 0) return null;
  const bw = right - left + 1;
  const bh = bottom - top + 1;

  // 2. Scale the box so its longer side is 20 pixels: small pixel (sx, sy) averages the ink of the
  //    big pixels it covers, [sx/scale, (sx+1)/scale) × [sy/scale, (sy+1)/scale), counting partial
  //    pixels by area; past the box's edge there is no ink, so an edge inside a small pixel is grey.
  const scale = BOX / Math.max(bw, bh);
  const sw = Math.min(BOX, Math.ceil(bw * scale - 1e-9));
  const sh = Math.min(BOX, Math.ceil(bh * scale - 1e-9));
  const area = 1 / (scale * scale);
  const small = new Float32Array(sw * sh); // (sh, sw)
  for (let sy = 0; sy < sh; sy++) {
    const y0 = sy / scale;
    const y1 = Math.min(bh, (sy + 1) / scale);
    for (let sx = 0; sx < sw; sx++) {
      const x0 = sx / scale;
      const x1 = Math.min(bw, (sx + 1) / scale);
      let sum = 0;
      for (let y = Math.floor(y0); y < y1; y++) {
        const dy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < x1; x++) sum += dy * (Math.min(x + 1, x1) - Math.max(x, x0)) * ink[(top + y) * width + left + x];
      }
      small[sy * sw + sx] = sum / area;
    }
  }

  // 3. Centre of mass of the scaled digit.
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = small[y * sw + x];
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  cx /= mass;
  cy /= mass;

  // 4. Paste it so the centre of mass lands on the image's centre (14, 14), whole pixels only.
  const out = new Float32Array(SIZE * SIZE); // (28, 28)
  const ox = Math.round(SIZE / 2 - cx);
  const oy = Math.round(SIZE / 2 - cy);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const ty = y + oy;
      const tx = x + ox;
      if (ty >= 0 && ty < SIZE && tx >= 0 && tx < SIZE) out[ty * SIZE + tx] = Math.min(1, small[y * sw + x]);
    }
  }
  return out;
}
